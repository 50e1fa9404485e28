import Transformer

/// Linear position interpolation (`linear`, alias `pi`): every position is divided by `factor`
/// (equivalently, `inv_freq / factor`).
public struct LinearInterpolation: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "linear", aliases: ["pi"],
        summary: "Positions divided by factor s (inv_freq / s).",
        constraint: "W · factor ≥ target length",
        parameters: [ParameterSpec("factor", .number(1...1e6), default: nil, "scaling factor s")])

    public let originalWindow: Int
    /// Scaling factor s.
    public let factor: Double

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.originalWindow = originalWindow
        self.factor = try parameters.double("factor")
    }

    public var maximumLength: Int? { Int((Double(originalWindow) * factor).rounded(.down)) }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        try checkLength(cached: cached, adding: count)
        return standardLayout(cached: cached, adding: count, frequencies: context.baseFrequencies.dividedBy(Float(factor)))
    }
}
