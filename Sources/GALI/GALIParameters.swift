import Extrapolation

/// GALI's parameters, with the reference's names (in `MethodParameters`) and defaults.
public struct GALIParameters: Sendable, Equatable {
    /// Chunk sizes of the prefill after the first `W` tokens.
    public enum ChunkCoefficient: Sendable, Equatable {
        /// Every chunk has this many tokens (`chunk_coe` an integer).
        case fixed(Int)
        /// Each chunk is `⌊tokens processed · coefficient⌋` tokens (`chunk_coe` a float).
        case relative(Double)
    }

    /// The noise distribution added to interpolated logits.
    public enum NoiseType: String, Sendable, CaseIterable {
        case gaussian, uniform, no
    }

    /// `chunk_coe` (default 3000).
    public var chunkCoefficient: ChunkCoefficient = .fixed(3000)
    /// `local_window` (default 128): newest tokens always at exact integer positions.
    public var localWindow: Int = 128
    /// `appro_attn` (default true): interpolate logits; false rotates keys at fractional positions.
    public var interpolateLogits: Bool = true
    /// `use_chunk_softmax`: a memory knob of the reference; accepted, no effect here (the tiled
    /// attention never forms the full logit matrix).
    public var useChunkSoftmax: Bool = false
    /// `noise_type` (default gaussian).
    public var noiseType: NoiseType = .gaussian
    /// `addon_relcoef` (default 1): add noise only where the logit is interpolated.
    public var noiseOnlyOnInterpolated: Bool = true
    /// `std_base` (default 1.0).
    public var standardDeviationBase: Double = 1.0
    /// `scale_mean` (default 0): gaussian mean is the row mean of the logits (else 0).
    public var meanFromRow: Bool = false
    /// `scale_std` (default 1): standard deviation `(i − j)/K · std_base` (else 1).
    public var scaleStandardDeviation: Bool = true
    /// `scale_max` (default 1): uniform noise scaled by the row maximum (else 1).
    public var maximumFromRow: Bool = true
    /// `seed` (default 0): the noise generator's seed.
    public var seed: UInt64 = 0

    /// Parameters in Swift terms; the defaults are the reference's.
    public init(chunkCoefficient: ChunkCoefficient = .fixed(3000), localWindow: Int = 128, interpolateLogits: Bool = true,
                noiseType: NoiseType = .gaussian, noiseOnlyOnInterpolated: Bool = true, standardDeviationBase: Double = 1.0,
                meanFromRow: Bool = false, scaleStandardDeviation: Bool = true, maximumFromRow: Bool = true,
                useChunkSoftmax: Bool = false, seed: UInt64 = 0) {
        self.chunkCoefficient = chunkCoefficient
        self.localWindow = localWindow
        self.interpolateLogits = interpolateLogits
        self.useChunkSoftmax = useChunkSoftmax
        self.noiseType = noiseType
        self.noiseOnlyOnInterpolated = noiseOnlyOnInterpolated
        self.standardDeviationBase = standardDeviationBase
        self.meanFromRow = meanFromRow
        self.scaleStandardDeviation = scaleStandardDeviation
        self.maximumFromRow = maximumFromRow
        self.seed = seed
    }

    /// Parameter declarations with the reference's names, defaults and ranges.
    public static let specs: [ParameterSpec] = [
        ParameterSpec("chunk_coe", .integerOrNumber(integers: 1...Int(Int32.max), numbers: Double.ulpOfOne...1e6), default: .int(3000),
                      "integer: fixed prefill chunk size; float: each chunk is ⌊tokens processed · chunk_coe⌋"),
        ParameterSpec("local_window", .integer(0...Int(Int32.max)), default: .int(128),
                      "newest tokens kept at exact integer positions (must be below the window W)"),
        ParameterSpec("appro_attn", .boolean, default: .bool(true), "interpolate attention logits (false: rotate at fractional positions)"),
        ParameterSpec("use_chunk_softmax", .boolean, default: .bool(false), "accepted for compatibility; no effect (attention is tiled)"),
        ParameterSpec("noise_type", .choice(NoiseType.allCases.map(\.rawValue)), default: .string("gaussian"), "noise on interpolated logits"),
        ParameterSpec("addon_relcoef", .integer(0...1), default: .int(1), "1: noise only where the logit is interpolated; 0: everywhere"),
        ParameterSpec("std_base", .number(0...1e6), default: .double(1.0), "base of the distance-scaled standard deviation"),
        ParameterSpec("scale_mean", .integer(0...1), default: .int(0), "gaussian mean: 0 → 0, 1 → row mean of the logits"),
        ParameterSpec("scale_std", .integer(0...1), default: .int(1), "standard deviation: 0 → 1, 1 → (i − j)/K · std_base"),
        ParameterSpec("scale_max", .integer(0...1), default: .int(1), "uniform noise scale: 0 → 1, 1 → row maximum of the logits"),
        ParameterSpec("seed", .integer(0...Int.max), default: .int(0), "seed of the noise generator"),
    ]

    /// Reads checked parameters.
    public init(_ parameters: MethodParameters) throws {
        switch parameters.value("chunk_coe") {
        case .double(let value)?: chunkCoefficient = .relative(value)
        default: chunkCoefficient = .fixed(try parameters.int("chunk_coe"))
        }
        localWindow = try parameters.int("local_window")
        interpolateLogits = try parameters.bool("appro_attn")
        useChunkSoftmax = try parameters.bool("use_chunk_softmax")
        noiseType = NoiseType(rawValue: try parameters.string("noise_type")) ?? .gaussian
        noiseOnlyOnInterpolated = try parameters.int("addon_relcoef") == 1
        standardDeviationBase = try parameters.double("std_base")
        meanFromRow = try parameters.int("scale_mean") == 1
        scaleStandardDeviation = try parameters.int("scale_std") == 1
        maximumFromRow = try parameters.int("scale_max") == 1
        seed = UInt64(try parameters.int("seed"))
    }

    /// The string-keyed form, as a config file would write it.
    public var values: [String: ParameterValue] {
        let chunk: ParameterValue
        switch chunkCoefficient {
        case .fixed(let size): chunk = .int(size)
        case .relative(let coefficient): chunk = .double(coefficient)
        }
        return ["chunk_coe": chunk, "local_window": .int(localWindow), "appro_attn": .bool(interpolateLogits),
                "use_chunk_softmax": .bool(useChunkSoftmax), "noise_type": .string(noiseType.rawValue),
                "addon_relcoef": .int(noiseOnlyOnInterpolated ? 1 : 0), "std_base": .double(standardDeviationBase),
                "scale_mean": .int(meanFromRow ? 1 : 0), "scale_std": .int(scaleStandardDeviation ? 1 : 0),
                "scale_max": .int(maximumFromRow ? 1 : 0), "seed": .int(Int(seed))]
    }
}
