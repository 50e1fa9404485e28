/// The one accounting point for memory the model-file and tokenizer loaders allocate from what
/// a file says: before building an array, dictionary or string whose size comes from the file,
/// a loader charges its size here. Outside `measure` charging costs a task-local lookup and
/// nothing else.
///
/// The fuzz tests (and `gali fuzz`) run each load inside `measure` and compare the total with a
/// budget of `budget(fileSize:)`, so a loader that starts allocating in proportion to a
/// count or id it read (rather than to the bytes it read) fails them.
public final class LoadAccounting: @unchecked Sendable {
    /// Bytes charged so far (loaders only add; the total bounds the peak from above).
    public private(set) var chargedBytes = 0

    @TaskLocal static var current: LoadAccounting?

    /// The budget for loading a file of `fileSize` bytes: four times its size plus 4 MiB for
    /// fixed-size tables (byte maps, regex programs, small dictionaries).
    public static func budget(fileSize: Int) -> Int { 4 * fileSize + (4 << 20) }

    /// Runs `body` and returns how it ended (its result or its error) with the bytes charged.
    public static func measureOutcome<T>(_ body: () throws -> T) -> (result: Result<T, any Error>, chargedBytes: Int) {
        let accounting = LoadAccounting()
        let result = $current.withValue(accounting) { Result { try body() } }
        return (result, accounting.chargedBytes)
    }

    /// Records that `bytes` are about to be allocated.
    static func charge(_ bytes: Int) {
        guard let accounting = current else { return }
        accounting.chargedBytes += max(bytes, 0)
    }
}
