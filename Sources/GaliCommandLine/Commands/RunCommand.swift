import Transformer
import Experiments
import Foundation

/// `gali run --cfg FILE.toml`: runs an experiment config in the reference's layout.
enum RunCommand: Command {
    static let name = "run"
    static let summary = "run an experiment config (pg19, passkey, needle, longbench, leval, ruler); resumable, shardable"
    static let options: Set<String> = ["cfg", "shard", "name", "results", "workdir", "model", "threads"]
    static let flags: Set<String> = ["resume", "check"]
    static let help = """
    usage: gali run --cfg FILE.toml [--resume] [--shard K/N] [options]

    Runs the experiment FILE describes (the reference's TOML layout: model, exp_name, method,
    max_pe, task, ... and [params]; see Documentation/Experiments.md). Records go to
    results/<task>/pred/<exp_name>/, one JSON line per finished item, with config.json (the
    resolved config) and plan.json (the work items) beside them. An existing exp_name is never
    overwritten: without --resume a new run gets the reference's _1, _2 suffixes.

      --cfg FILE          the experiment config
      --resume            continue results/<task>/pred/<exp_name> (or --name) where it stopped
                          (starting it when it does not exist, so job scripts can always pass it)
      --shard K/N         run only the K-th of N round-robin slices of the work items (K from 0,
                          e.g. $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX); shards of one
                          experiment share its folder and write records.shard-K-of-N.jsonl
      --name NAME         experiment folder name instead of exp_name (e.g. dpi-16k_1 to resume it)
      --results DIR       results root (default: results)
      --workdir DIR       resolve relative paths of the config and the results root against DIR
                          (default: the current directory, as the reference does)
      --model PATH        model path, overriding the config's `model`
      --threads N         threads, overriding the config's `threads`
      --check             check the config and the data, print the plan size, and stop

    Then: gali eval --task TASK --exp NAME, and gali collect --task TASK --exp all.
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard let file = arguments.string("cfg") else { throw CommandLineError("--cfg is required") }
        var options = RunOptions()
        if let workdir = arguments.string("workdir") { options.paths = PathResolver(base: PathResolver().resolve(workdir)) }
        var config = try ExperimentConfig(contentsOfFile: PathResolver().resolve(file))
        if let threads = try arguments.int("threads", in: 1...1024) { config.threads = threads }
        options.resume = arguments.flag("resume")
        options.shard = try arguments.string("shard").map(ShardSpec.init(parsing:))
        if let name = arguments.string("name") { options.experimentName = try ExperimentName.validate(name, source: "--name") }
        if let results = arguments.string("results") { options.resultsRoot = results }
        let modelPath = try DefaultModel.resolve((arguments.string("model") ?? config.model).map(options.paths.resolve))
        if arguments.string("model") == nil { try config.checkModelPath(modelPath) }
        let reporter = RunReporter(isTerminal: output.errorIsTerminal, writeError: output.writeError)
        if arguments.flag("check") {
            let count = try ExperimentRunner.check(config: config, modelPath: modelPath, options: options, reporter: reporter)
            output.print("\(file): \(config.task.name) with \(config.canonicalMethodName), \(count) work items; config OK")
            return
        }
        let summary = try ExperimentRunner.run(config: config, modelPath: modelPath, options: options, reporter: reporter)
        let shard = options.shard.map { " (shard \($0): \(summary.shardItems) of \(summary.plannedItems) items)" } ?? ""
        let rate = summary.itemsPerHour.map { String(format: " in %.0f s (%.1f %@s/hour)", summary.seconds, $0, summary.unit) } ?? ""
        output.print("\(summary.directory): \(summary.completedItems) item(s) run\(rate), \(summary.skippedItems) already done\(shard)")
        output.print("next: gali eval --task \(config.task.name) --exp \(summary.experimentName)"
                     + (options.resultsRoot == "results" ? "" : " --results \(options.resultsRoot)"))
    }
}
