import Foundation

/// Renders parsed chat templates: Jinja semantics with Python values, the globals Hugging Face
/// provides (`raise_exception`, `namespace`, `range`, `strftime_now`) and the filters, tests and
/// string/dict methods that chat templates use.
///
/// Rendering is bounded: at most `maximumSteps` evaluation steps and `maximumOutput` bytes of
/// output, so that a hostile template finishes (with an error) in bounded time and memory.
struct JinjaRenderer {
    /// Most nodes and expressions evaluated in one rendering.
    static let maximumSteps = 500_000
    /// Longest output, in UTF-8 bytes.
    static let maximumOutput = 16 << 20
    /// Longest list `range()` may make.
    static let maximumRange = 100_000

    private var scopes: [[String: JinjaValue]]
    private var output = ""
    private var steps = 0

    /// A renderer whose templates see `variables`.
    init(variables: [String: JinjaValue]) { scopes = [variables] }

    /// What a statement asks of the loop around it.
    private enum Flow { case normal, breakLoop, continueLoop }

    /// The text of `nodes`; throws `JinjaError` (for `raise_exception`, a type error or a limit).
    mutating func render(_ nodes: [JinjaNode]) throws -> String {
        output = ""
        _ = try run(nodes)
        return output
    }

    private mutating func step(_ count: Int = 1) throws {
        steps += count
        if steps > JinjaRenderer.maximumSteps { throw JinjaError("rendering takes more than \(JinjaRenderer.maximumSteps) steps") }
    }

    private mutating func write(_ text: String) throws {
        output += text
        if output.utf8.count > JinjaRenderer.maximumOutput { throw JinjaError("the output is longer than \(JinjaRenderer.maximumOutput) bytes") }
    }

    private mutating func run(_ nodes: [JinjaNode]) throws -> Flow {
        for node in nodes {
            try step()
            switch node {
            case .text(let text):
                try write(text)
            case .output(let expression):
                try write(try evaluate(expression).text)
            case .conditional(let branches, let otherwise):
                var taken = false
                for branch in branches where try evaluate(branch.condition).isTruthy {
                    taken = true
                    let flow = try run(branch.body)
                    if flow != .normal { return flow }
                    break
                }
                if !taken {
                    let flow = try run(otherwise)
                    if flow != .normal { return flow }
                }
            case .loop(let targets, let iterable, let filter, let body, let otherwise):
                try runLoop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise)
            case .assignment(let name, let attribute, let valueExpression):
                let value = try evaluate(valueExpression)
                if let attribute {
                    guard case .namespace(let namespace) = lookup(name) else {
                        throw JinjaError("cannot set \(name).\(attribute): \(name) is not a namespace")
                    }
                    namespace.attributes[attribute] = value
                } else {
                    scopes[scopes.count - 1][name] = value
                }
            case .capture(let name, let body):
                let saved = output
                output = ""
                _ = try run(body)
                let captured = output
                output = saved
                scopes[scopes.count - 1][name] = .string(captured)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    private mutating func runLoop(targets: [String], iterable: JinjaExpression, filter: JinjaExpression?,
                                  body: [JinjaNode], otherwise: [JinjaNode]) throws {
        let collection = try evaluate(iterable)
        if let size = collection.elements?.count { try step(size / 4) }  // building and walking the items
        var items: [JinjaValue]
        if case .dict(let dict) = collection, targets.count == 2 {
            items = dict.keys.map { .list([.string($0), dict[$0] ?? .none]) }
        } else if case .undefined = collection {
            items = []
        } else {
            guard let elements = collection.elements else { throw JinjaError("cannot loop over a \(collection.typeName)") }
            items = elements
        }
        scopes.append([:])
        defer { scopes.removeLast() }
        func bind(_ item: JinjaValue) throws {
            if targets.count == 1 {
                scopes[scopes.count - 1][targets[0]] = item
            } else {
                guard case .list(let parts) = item, parts.count == targets.count else {
                    throw JinjaError("cannot unpack a \(item.typeName) into \(targets.count) names")
                }
                for (name, part) in zip(targets, parts) { scopes[scopes.count - 1][name] = part }
            }
        }
        if let filter {
            var kept: [JinjaValue] = []
            for item in items {
                try step()
                try bind(item)
                if try evaluate(filter).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            _ = try run(otherwise)
            return
        }
        let count = items.count
        for (index, item) in items.enumerated() {
            try step()
            try bind(item)
            scopes[scopes.count - 1]["loop"] = .dict(JinjaDict([
                ("index", .int(index + 1)), ("index0", .int(index)), ("revindex", .int(count - index)),
                ("revindex0", .int(count - index - 1)), ("first", .bool(index == 0)), ("last", .bool(index == count - 1)),
                ("length", .int(count)), ("previtem", index > 0 ? items[index - 1] : .undefined),
                ("nextitem", index + 1 < count ? items[index + 1] : .undefined),
            ]))
            if try run(body) == .breakLoop { break }
        }
    }

    private func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return .undefined
    }

    // MARK: - Expressions

    mutating func evaluate(_ expression: JinjaExpression) throws -> JinjaValue {
        try step()
        switch expression {
        case .literal(let value):
            return value
        case .name(let name):
            return lookup(name)
        case .list(let items):
            return .list(try items.map { try evaluate($0) })
        case .dict(let pairs):
            var dict = JinjaDict()
            for pair in pairs { dict[try evaluate(pair.key).text] = try evaluate(pair.value) }
            return .dict(dict)
        case .attribute(let base, let name):
            return JinjaRenderer.member(try evaluate(base), name)
        case .item(let base, let key):
            return try JinjaRenderer.item(try evaluate(base), try evaluate(key))
        case .slice(let base, let start, let stop, let stepExpression):
            return try JinjaRenderer.slice(try evaluate(base), start: try start.map { try evaluate($0) },
                                           stop: try stop.map { try evaluate($0) }, step: try stepExpression.map { try evaluate($0) })
        case .call(let callee, let argumentExpressions, let keywordExpressions):
            let arguments = try argumentExpressions.map { try evaluate($0) }
            var keywords: [(String, JinjaValue)] = []
            for (key, value) in keywordExpressions { keywords.append((key, try evaluate(value))) }
            if case .attribute(let baseExpression, let method) = callee {
                let base = try evaluate(baseExpression)
                if case .dict(let dict) = base, dict[method] != nil {
                    throw JinjaError("\(method) is not callable")
                }
                return try JinjaBuiltins.method(base, method, arguments)
            }
            guard case .name(let function) = callee else { throw JinjaError("only named functions and methods can be called") }
            return try JinjaBuiltins.function(function, arguments, keywords)
        case .filter(let base, let name, let argumentExpressions, let keywordExpressions):
            let value = try evaluate(base)
            let arguments = try argumentExpressions.map { try evaluate($0) }
            var keywords: [(String, JinjaValue)] = []
            for (key, value) in keywordExpressions { keywords.append((key, try evaluate(value))) }
            return try JinjaBuiltins.filter(name, value, arguments, keywords)
        case .test(let base, let name, let argumentExpressions, let negated):
            let value = try evaluate(base)
            let arguments = try argumentExpressions.map { try evaluate($0) }
            return .bool(try JinjaBuiltins.test(name, value, arguments) != negated)
        case .not(let inner):
            return .bool(!(try evaluate(inner).isTruthy))
        case .negate(let inner):
            switch try evaluate(inner) {
            case .int(let value): return .int(-value)
            case .double(let value): return .double(-value)
            case let other: throw JinjaError("cannot negate a \(other.typeName)")
            }
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .ternary(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map { try evaluate($0) } ?? .undefined
        case .binary(let op, let left, let right):
            return try JinjaBuiltins.binary(op, try evaluate(left), try evaluate(right))
        }
    }

    /// `value.name`: a mapping's entry or a namespace's attribute (undefined when missing).
    static func member(_ value: JinjaValue, _ name: String) -> JinjaValue {
        switch value {
        case .dict(let dict): return dict[name] ?? .undefined
        case .namespace(let namespace): return namespace.attributes[name] ?? .undefined
        default: return .undefined
        }
    }

    /// `value[key]`.
    static func item(_ value: JinjaValue, _ key: JinjaValue) throws -> JinjaValue {
        switch (value, key) {
        case (.dict, .string(let name)), (.namespace, .string(let name)):
            return member(value, name)
        case (.list(let items), .int(let index)):
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? items[position] : .undefined
        case (.string(let text), .int(let index)):
            let characters = Array(text)
            let position = index < 0 ? characters.count + index : index
            return characters.indices.contains(position) ? .string(String(characters[position])) : .undefined
        case (.undefined, _):
            throw JinjaError("cannot index an undefined value")
        default:
            return .undefined
        }
    }

    /// `value[start:stop:step]` with Python's rules for negative and missing bounds.
    static func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws -> JinjaValue {
        func integer(_ v: JinjaValue?) throws -> Int? {
            switch v {
            case nil, .none?, .undefined?: return nil
            case .int(let x)?: return x
            default: throw JinjaError("slice bounds must be integers")
            }
        }
        let stride = try integer(step) ?? 1
        guard stride != 0 else { throw JinjaError("slice step cannot be zero") }
        func pick<T>(_ items: [T]) throws -> [T] {
            let n = items.count
            func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                guard var b = bound else { return fallback }
                if b < 0 { b += n }
                return stride > 0 ? min(max(b, 0), n) : min(max(b, -1), n - 1)
            }
            let lower = clamp(try integer(start), stride > 0 ? 0 : n - 1)
            let upper = clamp(try integer(stop), stride > 0 ? n : -1)
            var result: [T] = []
            var i = lower
            while stride > 0 ? i < upper : i > upper {
                result.append(items[i])
                i += stride
            }
            return result
        }
        switch value {
        case .list(let items): return .list(try pick(items))
        case .string(let text): return .string(String(try pick(Array(text))))
        default: throw JinjaError("cannot slice a \(value.typeName)")
        }
    }
}
