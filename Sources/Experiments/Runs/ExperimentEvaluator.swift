import Transformer
import Foundation

/// Computes an experiment's metrics from its saved records (merged over shards), as the
/// reference's `eval.py` does per task.
public enum ExperimentEvaluator {
    /// Evaluates the experiment in `store`. Refuses (throws `RunError.incomplete`) when records
    /// are missing or duplicated, unless `allowIncomplete`.
    public static func evaluate(_ store: ExperimentStore, allowIncomplete: Bool = false) throws -> ExperimentResult {
        let run = try store.description()
        let (lines, planned) = try store.mergedRecords(allowIncomplete: allowIncomplete)
        var result = ExperimentResult(task: store.task, experiment: store.name, label: run.label, method: run.method, metric: "",
                                      columns: [], planned: planned, recorded: lines.count, details: [])
        switch store.task {
        case .pg19:
            try perplexity(try decode(lines, as: PerplexityTask.Record.self, store: store), into: &result)
        case .passkey:
            passkey(try decode(lines, as: PassKeyTask.Record.self, store: store), into: &result)
        case .needle:
            needle(try decode(lines, as: NeedleTask.Record.self, store: store), into: &result)
        case .longbench:
            try longBench(try decode(lines, as: LongBenchTask.Record.self, store: store), run: run, into: &result)
        case .leval:
            try lEval(try decode(lines, as: LEvalTask.Record.self, store: store), run: run, into: &result)
        case .ruler:
            RulerTask.evaluate(try decode(lines, as: RulerTask.Record.self, store: store), into: &result)
        }
        return result
    }

    /// Writes `result.json` (and, for the needle task, `needle_heatmap.svg`) into the experiment
    /// folder; returns the files written.
    @discardableResult
    public static func write(_ result: ExperimentResult, to store: ExperimentStore) throws -> [String] {
        try ExperimentStore.writeAtomically(result.jsonText(), to: store.resultPath)
        var written = [store.resultPath]
        if result.task == .needle, let grid = needleGrid(result) {
            let path = store.directory + "/needle_heatmap.svg"
            var heatmap = Heatmap(needle: grid, title: "Needle retrieval: \(result.label)")
            heatmap.annotate = grid.values.count * (grid.values.first?.count ?? 0) <= 400
            try ExperimentStore.writeAtomically(heatmap.svg(), to: path)
            written.append(path)
        }
        return written
    }

    static func decode<Record: Decodable>(_ lines: [String], as type: Record.Type, store: ExperimentStore) throws -> [Record] {
        let decoder = JSONDecoder()
        return try lines.enumerated().map { index, line in
            do {
                return try decoder.decode(Record.self, from: Data(line.utf8))
            } catch {
                throw RunError.io("record \(index + 1) of \(store.directory) is not a \(store.task.rawValue) record: \(error)")
            }
        }
    }

    // MARK: Tasks

    /// The reference's `pg19_eval`: for L = 1024, 2048, …, each file with at least L − 20 scored
    /// tokens gives `exp(sum of its first L losses / L)`; the column is the mean over files. A
    /// last column `all` (ours) averages each file's perplexity over all its scored tokens.
    static func perplexity(_ records: [PerplexityTask.Record], into result: inout ExperimentResult) throws {
        result.metric = "ppl"
        let longest = records.map { $0.logProbList.count + 20 }.max() ?? 0
        var length = 1024
        while length <= longest {
            var values: [Double] = []
            for record in records where length <= record.logProbList.count + 20 {
                var sum = 0.0
                for loss in record.logProbList.prefix(length) { sum += Double(loss) }
                values.append(exp(sum / Double(length)))
            }
            if !values.isEmpty { result.columns.append((String(length), values.reduce(0, +) / Double(values.count))) }
            length += 1024
        }
        // Ours: the whole text of every file (mean over files of exp(mean loss)).
        let whole = records.filter { !$0.logProbList.isEmpty }.map { record in
            exp(record.logProbList.reduce(0.0) { $0 + Double($1) } / Double(record.logProbList.count))
        }
        if !whole.isEmpty { result.columns.append(("all", whole.reduce(0, +) / Double(whole.count))) }
        result.details = [
            ("files", String(records.count)),
            ("tokens", ExperimentResult.object(records.map { ($0.fileName, String($0.tokens)) })),
            ("mean_nll", ExperimentResult.object(records.map { record in
                (record.fileName, JSONText.number(record.logProbList.reduce(0.0) { $0 + Double($1) } / Double(max(record.logProbList.count, 1))))
            })),
        ]
    }

    /// `4k`: prompt tokens rounded to the nearest multiple of 1024.
    public static func lengthBucket(tokens: Int) -> String {
        "\(Int((Double(tokens) / 1024).rounded()))k"
    }

    static func passkey(_ records: [PassKeyTask.Record], into result: inout ExperimentResult) {
        result.metric = "accuracy"
        var order: [String] = []
        var groups: [String: [Bool]] = [:]
        for record in records {
            let bucket = lengthBucket(tokens: record.promptTokens)
            if groups[bucket] == nil { order.append(bucket) }
            groups[bucket, default: []].append(record.correct)
        }
        order.sort { (Int($0.dropLast()) ?? 0) < (Int($1.dropLast()) ?? 0) }
        result.columns = order.map { bucket in
            let values = groups[bucket] ?? []
            return (bucket, Double(values.filter { $0 }.count) / Double(max(values.count, 1)))
        }
        for bucket in order { result.intervals[bucket] = WilsonInterval(outcomes: groups[bucket] ?? []) }
        let correct = records.filter(\.correct).count
        let meanTokens = records.isEmpty ? 0 : records.map(\.promptTokens).reduce(0, +) / records.count
        result.details = [
            ("accuracy", JSONText.number(records.isEmpty ? .nan : Double(correct) / Double(records.count))),
            ("accuracy_interval", WilsonInterval(outcomes: records.map(\.correct)).json),
            ("trials", String(records.count)), ("correct", String(correct)), ("mean_prompt_tokens", String(meanTokens)),
        ]
    }

    static func needle(_ records: [NeedleTask.Record], into result: inout ExperimentResult) {
        result.metric = "accuracy"
        struct Cell: Hashable { var length: Int; var depth: Double }
        var order: [Cell] = []
        var cells: [Cell: [NeedleTask.Record]] = [:]
        for record in records {
            let cell = Cell(length: record.length, depth: record.depthPercent)
            if cells[cell] == nil { order.append(cell) }
            cells[cell, default: []].append(record)
        }
        var cellJSON: [String] = []
        for cell in order {
            let trials = cells[cell] ?? []
            let score = Double(trials.filter(\.correct).count) / Double(max(trials.count, 1))
            let interval = WilsonInterval(outcomes: trials.map(\.correct))
            let last = trials.last
            cellJSON.append(ExperimentResult.object([
                ("context_length", JSONText.string("\(cell.length / 1000)k")), ("length", String(cell.length)),
                ("depth_percent", JSONText.number(cell.depth)), ("score", JSONText.number(score)), ("trials", String(trials.count)),
                ("lower", JSONText.number(interval.lower)), ("upper", JSONText.number(interval.upper)),
                ("pred", JSONText.string(last?.pred ?? "")), ("answer", JSONText.string(last?.answer ?? "")),
            ]))
        }
        let lengths = Array(Set(records.map(\.length))).sorted()
        result.columns = lengths.map { length in
            let trials = records.filter { $0.length == length }
            result.intervals["\(length / 1000)k"] = WilsonInterval(outcomes: trials.map(\.correct))
            return ("\(length / 1000)k", Double(trials.filter(\.correct).count) / Double(max(trials.count, 1)))
        }
        result.details = [
            ("accuracy", JSONText.number(records.isEmpty ? .nan : Double(records.filter(\.correct).count) / Double(records.count))),
            ("accuracy_interval", WilsonInterval(outcomes: records.map(\.correct)).json),
            ("results", "[\n    " + cellJSON.joined(separator: ",\n    ") + "\n  ]"),
        ]
    }

    /// The needle grid of a result's cells (from its `results` detail).
    static func needleGrid(_ result: ExperimentResult) -> NeedleGrid? {
        guard let json = result.details.first(where: { $0.key == "results" })?.json,
              let cells = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return nil }
        let values = cells.compactMap { cell -> NeedleResult? in
            guard let length = (cell["length"] as? NSNumber)?.intValue, let depth = (cell["depth_percent"] as? NSNumber)?.doubleValue,
                  let score = (cell["score"] as? NSNumber)?.doubleValue else { return nil }
            return NeedleResult(contextLength: length, depthPercent: depth, accuracy: score)
        }
        return values.isEmpty ? nil : KeyRetrieval.needleGrid(values)
    }

    /// The reference's `longbench_eval`: each dataset's score, and the `_o`/`_t` variants over
    /// records whose prompt reached the original window / the target length.
    static func longBench(_ records: [LongBenchTask.Record], run: RunDescription, into result: inout ExperimentResult) throws {
        result.metric = "score"
        var order: [String] = []
        var groups: [String: [LongBenchTask.Record]] = [:]
        for record in records {
            if groups[record.dataset] == nil { order.append(record.dataset) }
            groups[record.dataset, default: []].append(record)
        }
        func samples(_ records: [LongBenchTask.Record]) -> [LongBenchSample] {
            records.map { LongBenchSample(prediction: $0.pred, answers: $0.answers, allClasses: $0.allClasses, length: $0.length) }
        }
        var counts: [(String, String)] = [], original: [(String, String)] = [], target: [(String, String)] = []
        var annotated: [(String, String)] = []
        for dataset in order {
            let group = groups[dataset] ?? []
            let score = try LongBench.score(dataset: dataset, samples: samples(group))
            result.columns.append((dataset, score))
            counts.append((dataset, String(group.count)))
            annotated.append((dataset, JSONText.string(LongBench.annotatedScore(score, dataset: dataset, sampleCount: group.count))))
            let longO = group.filter { $0.prefillLen >= run.originalWindow }
            let longT = group.filter { $0.prefillLen >= run.maxPE }
            original.append((dataset, longO.isEmpty ? "null" : JSONText.number(try LongBench.score(dataset: dataset, samples: samples(longO)))))
            target.append((dataset, longT.isEmpty ? "null" : JSONText.number(try LongBench.score(dataset: dataset, samples: samples(longT)))))
        }
        result.details = [
            ("samples", ExperimentResult.object(counts)), ("reference_format", ExperimentResult.object(annotated)),
            ("scores_o", ExperimentResult.object(original)), ("scores_t", ExperimentResult.object(target)),
        ]
    }

    /// The reference's `leval_eval`: each dataset's L-Eval score (exact match after answer
    /// extraction, averaged over parts for topic retrieval and sci_fi).
    static func lEval(_ records: [LEvalTask.Record], run: RunDescription, into result: inout ExperimentResult) throws {
        result.metric = "score"
        var order: [String] = []
        var groups: [String: [LEvalTask.Record]] = [:]
        for record in records {
            if groups[record.dataset] == nil { order.append(record.dataset) }
            groups[record.dataset, default: []].append(record)
        }
        var parts: [(String, String)] = [], original: [(String, String)] = []
        for dataset in order {
            let group = groups[dataset] ?? []
            let converted = group.map { LEvalRecord(prediction: $0.pred, groundTruth: $0.gt, evaluation: $0.evaluation) }
            guard let score = try LEval.score(dataset: dataset, records: converted) else { continue }
            result.columns.append((dataset, score.score))
            parts.append((dataset, ExperimentResult.object(score.parts.map { ($0.name, JSONText.number($0.value)) }
                                                           + [("LEval_score", JSONText.number(score.score)), ("samples", String(score.sampleCount))])))
            let long = group.filter { $0.prefillLen >= run.originalWindow }
                .map { LEvalRecord(prediction: $0.pred, groundTruth: $0.gt, evaluation: $0.evaluation) }
            original.append((dataset, long.isEmpty ? "null" : (try LEval.score(dataset: dataset, records: long)).map { JSONText.number($0.score) } ?? "null"))
        }
        result.details = [("datasets", ExperimentResult.object(parts)), ("scores_o", ExperimentResult.object(original))]
    }
}
