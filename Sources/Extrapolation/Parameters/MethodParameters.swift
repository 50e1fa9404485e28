/// The checked parameters of one method: every given key is known and well typed, and every
/// parameter has a value (given or default). Typed accessors read them.
public struct MethodParameters: Sendable, Equatable {
    /// The method these belong to.
    public let method: String
    /// Final values, defaults filled in.
    public let values: [String: ParameterValue]

    /// Checks `given` against `descriptor`: unknown keys, ill-typed or out-of-range values and
    /// missing required parameters throw `ExtrapolationError.invalidParameter`.
    public init(_ given: [String: ParameterValue], for descriptor: MethodDescriptor) throws {
        let known = Dictionary(uniqueKeysWithValues: descriptor.parameters.map { ($0.name, $0) })
        var values: [String: ParameterValue] = [:]
        for (key, value) in given {
            guard let spec = known[key] else {
                let allowed = descriptor.parameters.map(\.name)
                throw ExtrapolationError.invalidParameter(
                    method: descriptor.name, name: key,
                    message: allowed.isEmpty ? "this method takes no parameters" : "unknown parameter; expected one of \(allowed.joined(separator: ", "))")
            }
            values[key] = try spec.check(value, method: descriptor.name)
        }
        for spec in descriptor.parameters where values[spec.name] == nil {
            guard let defaultValue = spec.defaultValue else {
                throw ExtrapolationError.invalidParameter(method: descriptor.name, name: spec.name,
                                                          message: "required (\(spec.constraintText)): \(spec.summary)")
            }
            values[spec.name] = defaultValue
        }
        self.method = descriptor.name
        self.values = values
    }

    private func missing(_ key: String, _ type: String) -> ExtrapolationError {
        .invalidParameter(method: method, name: key, message: "has no \(type) value")
    }

    /// Integer parameter `key`.
    public func int(_ key: String) throws -> Int {
        guard case .int(let value)? = values[key] else { throw missing(key, "integer") }
        return value
    }

    /// Number parameter `key` (integers convert).
    public func double(_ key: String) throws -> Double {
        switch values[key] {
        case .double(let value)?: return value
        case .int(let value)?: return Double(value)
        default: throw missing(key, "number")
        }
    }

    /// Boolean parameter `key`.
    public func bool(_ key: String) throws -> Bool {
        guard case .bool(let value)? = values[key] else { throw missing(key, "boolean") }
        return value
    }

    /// String parameter `key`.
    public func string(_ key: String) throws -> String {
        guard case .string(let value)? = values[key] else { throw missing(key, "string") }
        return value
    }

    /// The raw value of `key`.
    public func value(_ key: String) -> ParameterValue? { values[key] }
}
