import Extrapolation
import Foundation
import GALI
import Transformer

/// How `gali run` should treat the experiment folder.
public struct RunOptions: Sendable {
    /// Continue the experiment named by the config (or `experimentName`) where it stopped.
    public var resume: Bool = false
    /// Run only one slice of the work items.
    public var shard: ShardSpec?
    /// Folder name to use instead of the config's `exp_name` (e.g. a suffixed one to resume).
    public var experimentName: String?
    /// The results root (default `results`), resolved against `paths`.
    public var resultsRoot: String = "results"
    /// Resolves relative paths in the config and the results root.
    public var paths = PathResolver()
    /// Prefill batch size.
    public var batchSize: Int = 512

    /// Default options.
    public init() {}
}

/// Where a run reports: a progress line (drawn only on a terminal) and log lines.
public struct RunReporter {
    /// Whether standard error is a terminal (progress bars are drawn only then).
    public var isTerminal: Bool
    /// Raw text for standard error.
    public var writeError: (String) -> Void

    /// A reporter writing to `writeError`.
    public init(isTerminal: Bool, writeError: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.writeError = writeError
    }

    /// Writes a line to standard error.
    public func log(_ line: String) { writeError(line + "\n") }
}

/// What a run did.
public struct RunSummary: Sendable {
    /// The experiment folder.
    public var directory: String
    /// The experiment folder's name.
    public var experimentName: String
    /// Items of the whole plan.
    public var plannedItems: Int
    /// Items of this shard (all items when unsharded).
    public var shardItems: Int
    /// Items already done before this run (resumed).
    public var skippedItems: Int
    /// Items run now.
    public var completedItems: Int
    /// What an item is (`prompt`, `trial`, `file`, ...).
    public var unit: String
    /// Wall-clock seconds spent running items (model loading excluded).
    public var seconds: Double

    /// Items run per hour (prompts per hour for generation tasks); nil when nothing ran.
    public var itemsPerHour: Double? {
        completedItems > 0 && seconds > 0 ? Double(completedItems) * 3600 / seconds : nil
    }
}

/// Runs an experiment: plans the work items, picks the shard's slice, skips what a resumed run
/// already recorded, and runs the rest one by one, appending a record per item.
public enum ExperimentRunner {
    /// Runs `config` with the model at `modelPath`.
    public static func run(config: ExperimentConfig, modelPath: String, options: RunOptions, reporter: RunReporter) throws -> RunSummary {
        for warning in config.warnings { reporter.log("warning: " + warning) }
        return try run(config.task.type, config: config, modelPath: modelPath, options: options, reporter: reporter)
    }

    /// Checks `config` without running anything: plans the work items (reading the data), loads
    /// the model and checks the method against `max_pe`; returns the number of work items.
    public static func check(config: ExperimentConfig, modelPath: String, options: RunOptions, reporter: RunReporter) throws -> Int {
        for warning in config.warnings { reporter.log("warning: " + warning) }
        let count = try plannedItems(config.task.type, config: config, paths: options.paths)
        _ = try load(config: config, modelPath: modelPath)
        return count
    }

    /// Loads the model and method as the config says and checks `max_pe` against the method.
    public static func load(config: ExperimentConfig, modelPath: String) throws -> LoadedModel {
        let loaded = try ModelFactory.make(method: config.methodSpec, maxPositionEmbeddings: config.originalWindow, model: modelPath,
                                           threads: config.threads, precision: config.precision, cacheType: config.cacheType,
                                           attentionProducts: config.attentionProducts, registry: .standard)
        try config.validateMethod(originalWindow: loaded.originalWindow)
        return loaded
    }

    /// The number of work items of `config`'s task.
    static func plannedItems<Task: ExperimentTask>(_ type: Task.Type, config: ExperimentConfig, paths: PathResolver) throws -> Int {
        try Task(config: config, paths: paths).plan().count
    }

    static func run<Task: ExperimentTask>(_ type: Task.Type, config: ExperimentConfig, modelPath: String, options: RunOptions,
                                          reporter: RunReporter) throws -> RunSummary {
        // Name and plan first: bad names and data problems fail before the model loads.
        let base = try ExperimentName.validate(options.experimentName ?? config.experimentName, source: "experiment name")
        let task = try Task(config: config, paths: options.paths)
        let items = try task.plan()
        let ids = items.map(\.id)
        if Set(ids).count != ids.count { throw RunError.invalidData("the work items have duplicate ids; check the data for repeated file names") }
        guard !items.isEmpty else { throw RunError.invalidData("there is nothing to run") }

        let loaded = try load(config: config, modelPath: modelPath)
        let prompts = PromptWrapper(format: config.chatFormat, modelPath: modelPath, tokenizer: loaded.tokenizer, systemPrompt: config.systemPrompt)

        // The experiment folder.
        let resultsRoot = options.paths.resolve(options.resultsRoot)
        let predictions = ExperimentStore.predictionsDirectory(resultsRoot: resultsRoot, task: config.task)
        let name: String
        if options.resume || options.shard != nil {
            name = base
        } else {
            name = ExperimentStore.uniqueName(base, in: predictions)
            if name != base { reporter.log("note: \(predictions)/\(base) exists; writing to \(name) (use --resume to continue \(base))") }
        }
        let store = ExperimentStore(directory: predictions + "/" + name, task: config.task)
        let exists = FileManager.default.fileExists(atPath: store.directory)
        if options.resume && !exists {
            reporter.log("note: \(store.directory) does not exist yet; starting it")
        }
        do {
            try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.io("cannot create \(store.directory): \(error.localizedDescription)")
        }

        let description = RunDescription(
            task: config.task.name, experiment: name, label: config.label, method: loaded.method.name,
            parameters: (try MethodParameters(config.methodParameters, for: MethodRegistry.standard.type(named: config.methodName).descriptor))
                .values.mapValues(\.description),
            model: modelPath, originalWindow: loaded.originalWindow, maxPE: config.maxPE, seed: config.seed,
            precision: config.precision.rawValue, chatFormat: prompts.format.rawValue, systemPrompt: prompts.systemPrompt, test: config.test)
        let fingerprint = SavedConfig.fingerprint(config: config, modelPath: modelPath, originalWindow: loaded.originalWindow)
        if let saved = try store.savedConfig() {
            guard saved.fingerprint == fingerprint else {
                throw RunError.conflict("\(store.directory) was run with a different config (config.json differs in keys that change results); use a new exp_name")
            }
        } else {
            try ExperimentStore.writeAtomically(try SavedConfig.text(config: config, resolved: description, fingerprint: fingerprint),
                                                to: store.configPath)
        }
        try store.savePlan(ids)

        // This shard's items and what is already done.
        let recordsPath = store.recordsPath(shard: options.shard)
        let log = try RecordLog(path: recordsPath)
        let existing = try RecordLog.read(path: recordsPath).lines
        if !options.resume && !existing.isEmpty {
            throw RunError.conflict("\(recordsPath) already has records; add --resume to continue it")
        }
        if log.droppedBytes > 0 { reporter.log("note: dropped a partial last record (\(log.droppedBytes) bytes) of \(recordsPath); that item runs again") }
        let done = Set(try ExperimentStore.recordIDs(lines: existing, path: recordsPath))
        let mine = options.shard.map { $0.slice(items) } ?? items
        let todo = mine.filter { !done.contains($0.id) }

        let shardText = options.shard.map { " shard \($0)" } ?? ""
        reporter.log("\(config.task.name) \(name)\(shardText): \(loaded.method.name) (W = \(loaded.originalWindow), max_pe = \(config.maxPE)), "
                     + "\(mine.count) \(task.unit)s" + (mine.count - todo.count > 0 ? ", \(mine.count - todo.count) already done" : "")
                     + " → \(store.directory)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let overall = ProgressReporter(label: config.task.name, total: todo.count, unit: task.unit, isTerminal: reporter.isTerminal,
                                       write: reporter.writeError)
        var completed = 0
        let started = Date()
        overall.update(0)
        for item in todo {
            let label = "\(config.task.name) \(task.unit) \(mine.count - todo.count + completed + 1)/\(mine.count)"
            var inner: ProgressReporter?
            let context = TaskContext(config: config, loaded: loaded, prompts: prompts) { done, total in
                if inner == nil {
                    inner = ProgressReporter(label: label, total: total, unit: "tok", isTerminal: reporter.isTerminal, write: reporter.writeError)
                }
                inner?.update(done)
            }
            let record = try task.run(item, context: context)
            let line = String(decoding: try encoder.encode(record), as: UTF8.self)
            try log.append(line)
            completed += 1
            let clear = reporter.isTerminal ? "\r\u{1B}[K" : ""
            reporter.writeError(clear + "[\(mine.count - todo.count + completed)/\(mine.count)] " + task.summary(record) + "\n")
            overall.update(completed)
        }
        overall.finish()
        return RunSummary(directory: store.directory, experimentName: name, plannedItems: items.count, shardItems: mine.count,
                          skippedItems: mine.count - todo.count, completedItems: completed, unit: task.unit,
                          seconds: Date().timeIntervalSince(started))
    }
}
