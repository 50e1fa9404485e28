import Experiments
import Foundation

/// `gali eval --task T --exp NAME`: metrics from saved predictions.
enum EvalCommand: Command {
    static let name = "eval"
    static let summary = "compute an experiment's metrics from its saved records (writes result.json)"
    static let options: Set<String> = ["task", "exp", "results", "workdir"]
    static let flags: Set<String> = ["partial", "json"]
    static let help = """
    usage: gali eval --task TASK --exp NAME [--results DIR] [--partial] [--json]

    Merges the records of results/TASK/pred/NAME (all shards), checks them against the saved
    plan, computes the task's metrics as the reference's eval.py does, writes result.json into
    the experiment folder (and needle_heatmap.svg for the needle task) and prints the scores.
    Refuses when records are missing (a shard not run or an interrupted run) or duplicated.

      --task TASK    pg19, passkey (passkey_retreival), needle, longbench, leval or ruler
      --exp NAME     experiment folder name, or `all` for every experiment of the task
      --results DIR  results root (default: results)
      --workdir DIR  resolve the results root against DIR (default: the current directory)
      --partial      score the records present even when some are missing
      --json         print result.json instead of a table
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let task = try taskArgument(arguments)
        guard let experiment = arguments.string("exp") else { throw CommandLineError("--exp is required (a name or `all`)") }
        let root = resultsRoot(arguments)
        let names = experiment == "all" ? ExperimentStore.experiments(resultsRoot: root, task: task)
            : [try ExperimentName.validate(experiment, source: "--exp")]
        guard !names.isEmpty else {
            throw CommandLineError("no \(task.name) experiments under \(ExperimentStore.predictionsDirectory(resultsRoot: root, task: task))")
        }
        var failures = 0
        for name in names {
            let store = try ExperimentStore(resultsRoot: root, task: task, name: name)
            guard FileManager.default.fileExists(atPath: store.directory) else {
                throw CommandLineError("no experiment folder \(store.directory)")
            }
            do {
                let result = try ExperimentEvaluator.evaluate(store, allowIncomplete: arguments.flag("partial"))
                let files = try ExperimentEvaluator.write(result, to: store)
                if arguments.flag("json") {
                    output.write(result.jsonText())
                } else {
                    let table = try ResultCollector.table([result], task: task)
                    output.print(table.markdown(numbers: .fixed(task.type.tableDecimals)))
                    if let breakdown = result.breakdown { output.print(breakdown.markdown()) }
                    if !result.isComplete { output.print("(partial: \(result.recorded) of \(result.planned) items)") }
                    output.print("wrote " + files.joined(separator: ", "))
                }
            } catch let error as RunError where names.count > 1 {
                output.printError("gali eval: \(name): \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw CommandLineError("\(failures) of \(names.count) experiments could not be evaluated") }
    }

    static func taskArgument(_ arguments: ParsedArguments) throws -> ExperimentTaskKind {
        guard let name = arguments.string("task") else { throw CommandLineError("--task is required") }
        // The reference's spellings (`longbenh` in its README is a typo of longbench).
        guard let task = ExperimentTaskKind(configName: name) else {
            throw CommandLineError("unknown task \"\(name)\"; expected one of \(ExperimentTaskKind.acceptedNames.joined(separator: ", "))")
        }
        return task
    }

    static func resultsRoot(_ arguments: ParsedArguments) -> String {
        let paths = arguments.string("workdir").map { PathResolver(base: PathResolver().resolve($0)) } ?? PathResolver()
        return paths.resolve(arguments.string("results") ?? "results")
    }
}
