import Foundation

/// One of N deterministic slices of an experiment's work items (`--shard K/N`, K counted from
/// 0 so that a Slurm array index or a Kubernetes completion index can be passed as is).
///
/// Items are dealt round-robin — item i belongs to shard i mod N, like the reference's
/// `data_all[i::world_size]` — so long and short items spread evenly over the shards.
public struct ShardSpec: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// This shard's index, 0 ≤ index < count.
    public let index: Int
    /// The number of shards.
    public let count: Int

    /// Shard `index` of `count`; throws unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw RunError.invalidShard("the number of shards must be at least 1, not \(count)") }
        guard index >= 0, index < count else {
            throw RunError.invalidShard("shard index \(index) is outside 0...\(count - 1) (shards are counted from 0)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw RunError.invalidShard("--shard needs K/N (e.g. 0/4 for the first of four shards), not \"\(text)\"")
        }
        try self.init(index: index, count: count)
    }

    /// Whether item number `position` (0-based, in plan order) belongs to this shard.
    public func contains(position: Int) -> Bool { position % count == index }

    /// The items of this shard, in plan order.
    public func slice<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { contains(position: $0.offset) }.map(\.element)
    }

    /// The records file of this shard: `records.shard-K-of-N.jsonl`.
    public var recordsFileName: String { "records.shard-\(index)-of-\(count).jsonl" }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// The shard a records file name belongs to: nil for the unsharded `records.jsonl`, throws
    /// for names that are neither.
    static func parse(recordsFileName name: String) -> (shard: ShardSpec?, valid: Bool) {
        if name == RecordLog.unshardedFileName { return (nil, true) }
        let prefix = "records.shard-", suffix = ".jsonl"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return (nil, false) }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
        let parts = middle.components(separatedBy: "-of-")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              let shard = try? ShardSpec(index: index, count: count) else { return (nil, false) }
        return (shard, true)
    }
}
