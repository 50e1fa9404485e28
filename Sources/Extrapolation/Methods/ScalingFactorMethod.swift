/// The two numbers a scaling-factor method is made of: the factor s and the window W the model
/// was trained on.
public typealias ScalingFactor = (factor: Double, originalWindow: Int)

/// A method driven by a scaling factor `s` (linear, NTK, dynamic NTK, YaRN): it supports
/// `W · s` tokens, as the reference requires (`ori_max_position_embeddings · factor ≥ max_pe`).
public protocol ScalingFactorMethod: PositionalExtrapolation {
    /// The factor and window.
    var scaling: ScalingFactor { get }
    /// The method with `scaling` (other parameters at their defaults).
    init(scaling: ScalingFactor)
}

extension ScalingFactorMethod {
    /// The method with factor `factor` (other parameters at their defaults) for window W.
    public init(factor: Double, originalWindow: Int) {
        self.init(scaling: (factor, originalWindow))
    }

    /// Reads `factor`.
    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.init(factor: try parameters.double("factor"), originalWindow: originalWindow)
    }

    /// Scaling factor s.
    public var factor: Double { scaling.factor }
    public var originalWindow: Int { scaling.originalWindow }
    public var maximumLength: Int? { Int((Double(originalWindow) * factor).rounded(.down)) }

    /// The descriptor of a scaling-factor method: its `factor` parameter first, then `extra`,
    /// and the constraint they all state.
    public static func scalingDescriptor(name: String, aliases: [String], summary: String,
                                         extra: [ParameterSpec] = []) -> MethodDescriptor {
        MethodDescriptor(name: name, aliases: aliases, summary: summary, constraint: "W · factor ≥ target length",
                         parameters: [ParameterSpec("factor", .number(1...1e6), default: nil, "scaling factor s")] + extra)
    }
}
