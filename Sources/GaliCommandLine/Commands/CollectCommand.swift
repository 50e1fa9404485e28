import Experiments
import Foundation

/// `gali collect --task T --exp all`: one table (and chart) over experiments.
enum CollectCommand: Command {
    static let name = "collect"
    static let summary = "gather every experiment of a task into one table (CSV, Markdown) and chart"
    static let options: Set<String> = ["task", "exp", "results", "workdir", "columns", "out"]
    static let flags: Set<String> = ["skip-incomplete"]
    static let help = """
    usage: gali collect --task TASK --exp all|NAME[,NAME...] [--columns C,...] [--out DIR]

    Evaluates the experiments (refreshing each result.json) and writes one table — rows:
    experiment labels (`label` in the config, default exp_name), columns: lengths (pg19 and
    ruler in tokens, passkey/needle as 4k, 8k, ...) or datasets — to collect.csv and
    collect.md, prints it, and for pg19/passkey/needle/ruler draws the values against length
    (ppl_vs_length.svg or accuracy_vs_length.svg). Every accuracy column is followed by its 95%
    Wilson interval ("4k 95% CI": [lower, upper] n=trials), drawn as a band in the chart.
    Refuses when an experiment is incomplete or duplicated.

      --task TASK         pg19, passkey, needle, longbench, leval or ruler
      --exp all|NAMES     every experiment of the task, or a comma-separated list
      --columns C,...     only these columns in the table (e.g. 2048,4096,8192,16384)
      --out DIR           where to write (default: results/TASK)
      --skip-incomplete   leave out incomplete experiments (with a note) instead of failing
      --results DIR       results root (default: results)
      --workdir DIR       resolve the results root against DIR
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let task = try EvalCommand.taskArgument(arguments)
        guard let experiment = arguments.string("exp") else { throw CommandLineError("--exp is required (`all` or names)") }
        let root = EvalCommand.resultsRoot(arguments)
        let names = experiment == "all" ? nil : experiment.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let columns = arguments.string("columns").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let collection = try ResultCollector.collect(resultsRoot: root, task: task, experiments: names,
                                                     skipIncomplete: arguments.flag("skip-incomplete"), columns: columns)
        for (name, reason) in collection.skipped { output.printError("skipped \(name): \(reason)") }
        let outDirectory = arguments.string("out").map { PathResolver().resolve($0) } ?? root + "/" + task.directoryName
        try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        let markdown = collection.table.markdown(numbers: .fixed(task.type.tableDecimals))
        var written = [outDirectory + "/collect.csv", outDirectory + "/collect.md"]
        try Data(collection.table.csv().utf8).write(to: URL(fileURLWithPath: written[0]))
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: written[1]))
        if let style = task.type.chart, let chart = ResultCollector.chart(collection) {
            let path = outDirectory + "/" + style.fileName
            try Data(chart.svg().utf8).write(to: URL(fileURLWithPath: path))
            written.append(path)
        }
        output.print(markdown)
        output.print("wrote " + written.joined(separator: ", "))
    }
}
