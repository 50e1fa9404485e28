/// A method driven by a scaling factor `s` (linear, NTK, dynamic NTK, YaRN): it supports
/// `W · s` tokens, as the reference requires (`ori_max_position_embeddings · factor ≥ max_pe`).
public protocol ScalingFactorMethod: PositionalExtrapolation {
    /// The scaling factor s.
    var factor: Double { get }
    /// The method with factor `factor` (other parameters at their defaults) for window W.
    init(factor: Double, originalWindow: Int)
}

extension ScalingFactorMethod {
    /// Reads `factor`.
    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.init(factor: try parameters.double("factor"), originalWindow: originalWindow)
    }

    public var maximumLength: Int? { Int((Double(originalWindow) * factor).rounded(.down)) }

    /// The `factor` parameter's declaration.
    public static var factorParameter: ParameterSpec {
        ParameterSpec("factor", .number(1...1e6), default: nil, "scaling factor s")
    }

    /// The constraint all of them state.
    public static var factorConstraint: String { "W · factor ≥ target length" }
}
