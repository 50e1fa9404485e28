import Foundation

/// A method chosen by name with its parameters, not yet bound to a model's window — what a
/// call site, a config file or a command line says. `ModelFactory` turns it into a method.
///
/// ```swift
/// ModelFactory.make(method: .selfExtend(groupSize: 4, windowSize: 1024), maxPositionEmbeddings: 4096, model: path)
/// ```
public struct MethodSpec: Sendable, Hashable, CustomStringConvertible {
    /// Registered name or alias.
    public var name: String
    /// Parameter values (checked when the method is built).
    public var parameters: [String: ParameterValue]
    /// The implementing type when the spec was made in code; nil: a registry resolves `name`.
    public let type: (any PositionalExtrapolation.Type)?

    /// A method by registered name or alias, with string-keyed parameter values (checked when the method is built).
    public init(name: String, parameters: [String: ParameterValue] = [:]) {
        self.name = name
        self.parameters = parameters
        type = nil
    }

    /// The method `type` with string-keyed parameter values; needs no registry.
    public init(_ type: any PositionalExtrapolation.Type, parameters: [String: ParameterValue] = [:]) {
        name = type.descriptor.name
        self.parameters = parameters
        self.type = type
    }

    /// Specs are equal when they name the same method with the same parameters.
    public static func == (lhs: MethodSpec, rhs: MethodSpec) -> Bool { lhs.name == rhs.name && lhs.parameters == rhs.parameters }

    /// Hashes the name and parameters.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(parameters)
    }

    public var description: String {
        parameters.isEmpty ? name : name + "(" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// The unmodified model.
    public static let original = MethodSpec(OriginalMethod.self)

    /// Linear position interpolation by `factor`.
    public static func linear(factor: Double) -> MethodSpec {
        MethodSpec(LinearInterpolation.self, parameters: ["factor": .double(factor)])
    }

    /// Static NTK-aware scaling by `factor`.
    public static func ntk(factor: Double) -> MethodSpec {
        MethodSpec(NTKScaling.self, parameters: ["factor": .double(factor)])
    }

    /// Dynamic NTK scaling by `factor`.
    public static func dynamicNTK(factor: Double) -> MethodSpec {
        MethodSpec(DynamicNTKScaling.self, parameters: ["factor": .double(factor)])
    }

    /// YaRN with scale `factor` (and optionally its ramp bounds).
    public static func yarn(factor: Double, betaFast: Double = 32, betaSlow: Double = 1) -> MethodSpec {
        MethodSpec(YaRNScaling.self,
                   parameters: ["factor": .double(factor), "beta_fast": .double(betaFast), "beta_slow": .double(betaSlow)])
    }

    /// SelfExtend with `groupSize` and neighbour window `windowSize`.
    public static func selfExtend(groupSize: Int, windowSize: Int) -> MethodSpec {
        MethodSpec(SelfExtend.self, parameters: ["group_size": .int(groupSize), "window_size": .int(windowSize)])
    }

    /// ChunkLlama (dual chunk attention); `mscale: false` drops the reference's logit scaling.
    public static func chunkLlama(mscale: Bool = true) -> MethodSpec {
        MethodSpec(ChunkLlama.self, parameters: ["mscale": .bool(mscale)])
    }
}

extension MethodSpec {
    /// Parses `name` or `name:key=value,key=value` (values as on the command line:
    /// `ntk:factor=4`, `gali:chunk_coe=0.25,noise_type=no`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else {
            throw ExtrapolationError.invalidParameter(method: text, name: "name", message: "a method spec starts with the method's name")
        }
        var parameters: [String: ParameterValue] = [:]
        if parts.count == 2 {
            for item in parts[1].split(separator: ",") {
                let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, !pair[0].isEmpty else {
                    throw ExtrapolationError.invalidParameter(method: name, name: String(item), message: "expected key=value")
                }
                parameters[pair[0].trimmingCharacters(in: .whitespaces)] = ParameterValue(parsing: pair[1])
            }
        }
        self.init(name: name, parameters: parameters)
    }
}
