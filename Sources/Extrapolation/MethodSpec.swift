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

    /// A method by registered name or alias, with string-keyed parameter values (checked when the method is built).
    public init(name: String, parameters: [String: ParameterValue] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    public var description: String {
        parameters.isEmpty ? name : name + "(" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// The unmodified model.
    public static let original = MethodSpec(name: OriginalMethod.descriptor.name)

    /// Linear position interpolation by `factor`.
    public static func linear(factor: Double) -> MethodSpec {
        MethodSpec(name: LinearInterpolation.descriptor.name, parameters: ["factor": .double(factor)])
    }

    /// Static NTK-aware scaling by `factor`.
    public static func ntk(factor: Double) -> MethodSpec {
        MethodSpec(name: NTKScaling.descriptor.name, parameters: ["factor": .double(factor)])
    }

    /// Dynamic NTK scaling by `factor`.
    public static func dynamicNTK(factor: Double) -> MethodSpec {
        MethodSpec(name: DynamicNTKScaling.descriptor.name, parameters: ["factor": .double(factor)])
    }

    /// YaRN with scale `factor` (and optionally its ramp bounds).
    public static func yarn(factor: Double, betaFast: Double = 32, betaSlow: Double = 1) -> MethodSpec {
        MethodSpec(name: YaRNScaling.descriptor.name,
                   parameters: ["factor": .double(factor), "beta_fast": .double(betaFast), "beta_slow": .double(betaSlow)])
    }

    /// SelfExtend with `groupSize` and neighbour window `windowSize`.
    public static func selfExtend(groupSize: Int, windowSize: Int) -> MethodSpec {
        MethodSpec(name: SelfExtend.descriptor.name, parameters: ["group_size": .int(groupSize), "window_size": .int(windowSize)])
    }

    /// ChunkLlama (dual chunk attention); `mscale: false` drops the reference's logit scaling.
    public static func chunkLlama(mscale: Bool = true) -> MethodSpec {
        MethodSpec(name: ChunkLlama.descriptor.name, parameters: ["mscale": .bool(mscale)])
    }
}

extension MethodSpec {
    /// Parses `name` or `name:key=value,key=value` (values as on the command line:
    /// `ntk:factor=4`, `gali:chunk_coe=0.25,noise_type=no`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else {
            throw ExtrapolationError.unknownMethod(name: text, known: MethodRegistry.shared.descriptors.map(\.name))
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
