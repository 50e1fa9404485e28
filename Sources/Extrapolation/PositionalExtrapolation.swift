import Transformer

/// A length-extrapolation method: a positioning scheme (the two seams of `AttentionPositioning`:
/// rotary frequencies and the positions/logits of each query–key pair) plus its name, typed
/// parameters and length constraint.
///
/// To add a method, conform a type, build it from `MethodParameters`, and register it:
/// ```swift
/// struct HalfPositions: PositionalExtrapolation {
///     static let descriptor = MethodDescriptor(name: "half", aliases: [], summary: "positions / 2", parameters: [])
///     let originalWindow: Int
///     init(parameters: MethodParameters, originalWindow: Int) throws { self.originalWindow = originalWindow }
///     func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout { ... }
/// }
/// try MethodRegistry.standard.register(HalfPositions.self)   // module GALI: the registry every entry point uses
/// ```
public protocol PositionalExtrapolation: AttentionPositioning {
    /// Name, aliases, parameters and documentation.
    static var descriptor: MethodDescriptor { get }
    /// Builds the method from checked parameters for the original window `originalWindow`
    /// (the reference's `ori_max_position_embeddings`). Throws when settings contradict.
    init(parameters: MethodParameters, originalWindow: Int) throws
    /// The original window W.
    var originalWindow: Int { get }
    /// The longest sequence the method supports with these settings (nil: no limit).
    var maximumLength: Int? { get }
    /// How many of the first `common` tokens a session holds (shared with a new prompt of
    /// `promptLength` tokens) may be kept instead of recomputed: their keys and values must be
    /// the very ones a fresh session computes for the new prompt. Default: those within the
    /// original window (positions there are the model's own for every method that changes
    /// only positions beyond it), and always one token fewer than the prompt.
    func reusablePrefix(common: Int, promptLength: Int) -> Int
}

extension PositionalExtrapolation {
    public var maximumLength: Int? { nil }

    public func reusablePrefix(common: Int, promptLength: Int) -> Int {
        max(0, min(common, originalWindow, promptLength - 1))
    }

    /// The method's canonical name.
    public var name: String { Self.descriptor.name }

    /// Throws when `targetLength` tokens exceed what the method supports (the constraint the
    /// reference states, e.g. `W · factor ≥ target` for NTK).
    public func validate(targetLength: Int) throws {
        if let maximum = maximumLength, targetLength > maximum {
            throw ExtrapolationError.lengthNotSupported(method: Self.descriptor.name, requested: targetLength,
                                                        maximum: maximum, constraint: Self.descriptor.constraint)
        }
    }

    /// Throws when the sequence would grow past `maximumLength` (the session calls it before
    /// each append), so that over-long prompts fail instead of running out of distribution.
    public func checkLength(_ length: Int) throws {
        try validate(targetLength: length)
    }
}
