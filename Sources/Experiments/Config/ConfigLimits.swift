/// The documented upper bounds on every count and size an experiment config can ask for, read
/// through `TOMLTable.integer(_:in:)` so that a value out of bounds is an error naming the key,
/// the value and the bounds before any work is planned (see Documentation/Limits.md).
public enum ConfigLimits {
    /// Tokens: `max_pe`, `ori_max_position_embeddings`, `stride`, `analysis_length` (4 Mi).
    public static let maximumTokens = 1 << 22
    /// Trials: `times` (passkey trials, needle trials per cell).
    public static let maximumTrials = 100_000
    /// Needle lengths in thousands of tokens: `min_k`, `max_k`, `gap`.
    public static let maximumThousands = 4096
    /// Needle depths: `depths`.
    public static let maximumDepths = 1000
    /// Threads: `threads`.
    public static let maximumThreads = 1024
    /// Generated tokens: `max_new_tokens`.
    public static let maximumNewTokens = 65_536
    /// Cells per side of an attention map: `analysis_resolution`.
    public static let maximumResolution = 4096
    /// Layer indices: `analysis_layers` entries.
    public static let maximumLayerIndex = 4095
    /// Work items a synthetic task may plan (needle: lengths × depths × times).
    public static let maximumWorkItems = 200_000
}
