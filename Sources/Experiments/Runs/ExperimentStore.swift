import Foundation

/// The files of one experiment: `results/<task>/pred/<exp_name>/` holding `config.json`,
/// `plan.json` (every work item's id, in order) and the records — `records.jsonl` for an
/// unsharded run, `records.shard-K-of-N.jsonl` for shards — plus `result.json` once evaluated.
public struct ExperimentStore: Sendable {
    /// The experiment folder.
    public let directory: String
    /// The task.
    public let task: ExperimentTaskKind

    /// The store of experiment `name` of `task` under `resultsRoot`.
    public init(resultsRoot: String, task: ExperimentTaskKind, name: String) {
        self.task = task
        directory = ExperimentStore.predictionsDirectory(resultsRoot: resultsRoot, task: task) + "/" + name
    }

    /// A store for an existing folder.
    public init(directory: String, task: ExperimentTaskKind) {
        self.directory = directory
        self.task = task
    }

    /// `resultsRoot/<task>/pred`.
    public static func predictionsDirectory(resultsRoot: String, task: ExperimentTaskKind) -> String {
        resultsRoot + "/" + task.directoryName + "/pred"
    }

    /// The experiment's folder name.
    public var name: String { (directory as NSString).lastPathComponent }
    /// `config.json`.
    public var configPath: String { directory + "/config.json" }
    /// `plan.json`.
    public var planPath: String { directory + "/plan.json" }
    /// `result.json`.
    public var resultPath: String { directory + "/result.json" }

    /// The records file of `shard` (nil: unsharded).
    public func recordsPath(shard: ShardSpec?) -> String {
        directory + "/" + (shard?.recordsFileName ?? RecordLog.unshardedFileName)
    }

    /// The reference's `ensure_unique_folder`: `base`, else `base_1`, `base_2`, … — the first
    /// name not present in `root`.
    public static func uniqueName(_ base: String, in root: String) -> String {
        var name = base
        var count = 1
        while FileManager.default.fileExists(atPath: root + "/" + name) {
            name = "\(base)_\(count)"
            count += 1
        }
        return name
    }

    /// Experiment folders under `resultsRoot/<task>/pred` (those with a `config.json`), sorted.
    public static func experiments(resultsRoot: String, task: ExperimentTaskKind) -> [String] {
        let root = predictionsDirectory(resultsRoot: resultsRoot, task: task)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/config.json") }.sorted()
    }

    // MARK: Config and plan

    /// Writes `text` to `path` atomically (temporary file, then rename), so concurrent shards
    /// writing the same content never leave a torn file.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                throw RunError.io("cannot move \(temporary) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as RunError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw RunError.io("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The saved config, if any.
    func savedConfig() throws -> SavedConfig? {
        guard let data = FileManager.default.contents(atPath: configPath) else { return nil }
        do {
            return try JSONDecoder().decode(SavedConfig.self, from: data)
        } catch {
            throw RunError.io("\(configPath) is not a config saved by gali run (\(error.localizedDescription))")
        }
    }

    /// The saved description of the run (for eval and collect).
    public func description() throws -> RunDescription {
        guard let saved = try savedConfig() else {
            throw RunError.conflict("\(directory) has no config.json; is it an experiment folder made by gali run?")
        }
        return saved.resolved
    }

    /// The plan's item ids, if saved.
    public func plannedItems() throws -> [String]? {
        guard let data = FileManager.default.contents(atPath: planPath) else { return nil }
        do {
            return try JSONDecoder().decode(SavedPlan.self, from: data).items
        } catch {
            throw RunError.io("\(planPath) is not a plan saved by gali run (\(error.localizedDescription))")
        }
    }

    /// Saves the plan, or checks it equals the saved one.
    func savePlan(_ items: [String]) throws {
        if let saved = try plannedItems() {
            guard saved == items else {
                throw RunError.conflict("the work items differ from those saved in \(planPath) (\(saved.count) saved, \(items.count) now); did the data or the config change? Use a new exp_name.")
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(SavedPlan(task: task.name, count: items.count, items: items)), as: UTF8.self)
        try ExperimentStore.writeAtomically(text + "\n", to: planPath)
    }

    // MARK: Records

    /// The ids of the complete records in one records file.
    static func recordIDs(lines: [String], path: String) throws -> [String] {
        try lines.enumerated().map { number, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["item"] as? String else {
                throw RunError.io("line \(number + 1) of \(path) is not a record (a JSON object with \"item\"); the file is damaged")
            }
            return id
        }
    }

    /// Every record of the experiment, merged over shards and checked against the plan, in plan
    /// order: throws `RunError.incomplete` when items are missing (naming shards and counts),
    /// duplicated, unknown, or when records of differently sharded runs are mixed. With
    /// `allowIncomplete`, missing items are tolerated (the result says how many).
    public func mergedRecords(allowIncomplete: Bool = false) throws -> (records: [String], planned: Int) {
        guard let plan = try plannedItems() else {
            throw RunError.incomplete("\(directory) has no plan.json; no run has started there")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("records") && $0.hasSuffix(".jsonl") }.sorted()
        var shards: [ShardSpec] = []
        var hasUnsharded = false
        for name in names {
            let parsed = ShardSpec.parse(recordsFileName: name)
            guard parsed.valid else { throw RunError.incomplete("\(directory)/\(name) is not a records file name gali run writes") }
            if let shard = parsed.shard { shards.append(shard) } else { hasUnsharded = true }
        }
        if hasUnsharded && !shards.isEmpty {
            throw RunError.incomplete("\(directory) mixes an unsharded records.jsonl with shard files; keep one kind (move the other away)")
        }
        let counts = Set(shards.map(\.count))
        if counts.count > 1 {
            throw RunError.incomplete("\(directory) has shard files of different shard counts (\(counts.sorted().map { "of \($0)" }.joined(separator: ", "))); keep one set")
        }
        var files: [(shard: ShardSpec?, path: String)] = shards.map { ($0, recordsPath(shard: $0)) }
        if hasUnsharded { files = [(nil, recordsPath(shard: nil))] }
        guard !files.isEmpty else {
            throw RunError.incomplete("\(directory) has no records yet")
        }

        let position = Dictionary(plan.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var byPosition = [String?](repeating: nil, count: plan.count)
        var problems: [String] = []
        var duplicates: [String] = []
        for (shard, path) in files {
            let (lines, partial) = try RecordLog.read(path: path)
            let ids = try ExperimentStore.recordIDs(lines: lines, path: path)
            for (line, id) in zip(lines, ids) {
                guard let index = position[id] else {
                    throw RunError.incomplete("\(path) has a record for \"\(id)\", which is not in the plan; the folder mixes experiments")
                }
                if let shard, !shard.contains(position: index) {
                    throw RunError.incomplete("\(path) has a record for \"\(id)\", which belongs to shard \(index % shard.count)/\(shard.count)")
                }
                if byPosition[index] != nil { duplicates.append(id) } else { byPosition[index] = line }
            }
            if partial > 0 { problems.append("\((path as NSString).lastPathComponent) ends with a partial record (\(partial) bytes; the run was interrupted — resume it with --resume)") }
        }
        if !duplicates.isEmpty {
            throw RunError.incomplete("\(directory) has duplicated records for \(duplicates.count) item(s) (first: \"\(duplicates[0])\"); refusing to report")
        }
        if let count = counts.first {
            let present = Set(shards.map(\.index))
            let missing = (0..<count).filter { !present.contains($0) }
            if !missing.isEmpty {
                problems.append("shard file(s) missing: " + missing.map { "\($0)/\(count)" }.joined(separator: ", "))
            }
        }
        let missingItems = byPosition.enumerated().filter { $0.element == nil }.map(\.offset)
        if !missingItems.isEmpty {
            var detail = "\(missingItems.count) of \(plan.count) items have no record"
            if let count = counts.first {
                let perShard = Dictionary(grouping: missingItems, by: { $0 % count }).sorted { $0.key < $1.key }
                detail += " (" + perShard.map { shard, items in
                    let total = (0..<plan.count).filter { $0 % count == shard }.count
                    return "shard \(shard)/\(count): \(total - items.count) of \(total) done"
                }.joined(separator: "; ") + ")"
            }
            detail += "; first missing: \"\(plan[missingItems[0]])\""
            problems.insert(detail, at: 0)
            if !allowIncomplete {
                throw RunError.incomplete("\(directory) is incomplete: " + problems.joined(separator: "; "))
            }
        }
        return (byPosition.compactMap { $0 }, plan.count)
    }
}

/// `plan.json`.
struct SavedPlan: Codable {
    var task: String
    var count: Int
    var items: [String]
}
