import Foundation
import Tensor

/// `gali bench-kernels`: times the linear-layer kernels at the reference model's shapes.
enum BenchKernelsCommand: Command {
    static let name = "bench-kernels"
    static let summary = "time the linear-layer kernels at the model's shapes (GFLOP/s, ms)"
    static let help = """
        usage: gali bench-kernels [--threads T] [--path scalar|avx2|avx512] [--seconds S] [--json] [--no-sweep]

        Times y = x·Wᵀ for Q4_1 and Q8_0 weights in fast and exact precision at the shapes of
        SmolLM2-135M (out×in 576×576, 1536×576, 576×1536, 49152×576), as matrix-vector (1 row,
        decoding) and matrix-matrix (512 rows, prefill), on 1 and 2 threads. GFLOP/s count
        2·rows·in·out; GB/s count weight bytes; "alone" is the share of parallel regions the thread
        pool ran on the calling thread only, because other processes kept the cores busy (on a
        shared machine multi-thread rows then measure one core). Then runs all 211 linear layers of the model back
        to back (~98 MB of weights, so decoding streams from memory) as one decoding step and one
        prefill of 512 tokens, and compares a plain Swift SIMD16<Float> kernel with the C one.
        Build in release: swift build -c release && .build/release/gali bench-kernels

        options:
          --threads T     only T threads (default: 1 and 2)
          --path P        force the kernel path (default: GALI_KERNELS or the best available)
          --seconds S     minimum time per case (default 0.3)
          --json          print the results as JSON instead of tables
          --no-sweep      skip the whole-model sweeps and the Swift SIMD comparison
        """
    static let options: Set<String> = ["threads", "path", "seconds"]
    static let flags: Set<String> = ["json", "no-sweep"]

    struct Report: Codable {
        let date: String
        let kernelPath: String
        let linearLayers: [KernelBenchmark.LinearResult]
        let modelSweeps: [KernelBenchmark.ModelSweepResult]
        let swiftSIMD: KernelBenchmark.SwiftSIMDComparison?
    }

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard arguments.positional.isEmpty else { throw CommandLineError("unexpected argument \(arguments.positional[0])") }
        let threadCounts = try arguments.int("threads", in: 1...256).map { [$0] } ?? [1, 2]
        let seconds = try arguments.double("seconds", in: 0.001...600) ?? 0.3
        if let name = arguments.string("path") {
            guard let path = KernelPath(name: name) else { throw CommandLineError("--path must be scalar, avx2 or avx512, not \"\(name)\"") }
            try Kernels.setPath(path)
        } else if let problem = Kernels.environmentPathProblem {
            output.printError("gali bench-kernels: \(problem)")
        }
        let json = arguments.flag("json")
        let date = ISO8601DateFormatter().string(from: Date())
        if !json {
            output.print("kernel path \(Kernels.path) (supported: \(Kernels.supportedPaths.map(\.description).joined(separator: ", "))), \(date)")
            output.print("")
            output.print(pad("type", 5) + pad("precision", 10) + pad("out×in", 11) + pad("rows", 5, right: true) + pad("threads", 8, right: true)
                         + pad("ms", 10, right: true) + pad("best ms", 10, right: true) + pad("GFLOP/s", 9, right: true)
                         + pad("best", 8, right: true) + pad("GB/s", 7, right: true) + pad("alone", 6, right: true))
        }
        let linear = try KernelBenchmark.linearLayers(threadCounts: threadCounts, secondsPerCase: seconds) { result in
            guard !json else { return }
            output.print(pad(result.dtype, 5) + pad(result.precision, 10) + pad("\(result.outFeatures)×\(result.inFeatures)", 11)
                         + pad("\(result.rows)", 5, right: true) + pad("\(result.threads)", 8, right: true)
                         + pad(format(result.medianMilliseconds, 3), 10, right: true) + pad(format(result.bestMilliseconds, 3), 10, right: true)
                         + pad(format(result.gigaopsPerSecond, 1), 9, right: true) + pad(format(result.bestGigaopsPerSecond, 1), 8, right: true)
                         + pad(format(result.weightGigabytesPerSecond, 1), 7, right: true)
                         + pad(result.threads == 1 ? "-" : "\(Int((result.backedOffShare * 100).rounded()))%", 6, right: true))
        }
        var sweeps: [KernelBenchmark.ModelSweepResult] = []
        var comparison: KernelBenchmark.SwiftSIMDComparison?
        if !arguments.flag("no-sweep") {
            if !json {
                output.print("")
                output.print("whole model, all linear layers (fast precision; Q4_1 layers + Q8_0 head, ~98 MB of weights):")
            }
            for threads in threadCounts {
                for (rows, headOnEveryRow) in [(1, true), (512, false)] {
                    let sweep = try KernelBenchmark.modelSweep(rows: rows, threads: threads, headOnEveryRow: headOnEveryRow,
                                                               secondsPerCase: max(seconds, 1))
                    sweeps.append(sweep)
                    if !json {
                        let what = rows == 1 ? "decode 1 token        " : "prefill \(rows) tokens (head on last)"
                        output.print("  \(what)  \(threads) thread\(threads == 1 ? " " : "s")  \(format(sweep.medianMilliseconds, 2)) ms"
                                     + " (best \(format(sweep.bestMilliseconds, 2)))  \(format(sweep.tokensPerSecond, 0)) tokens/s"
                                     + "  \(format(sweep.weightGigabytesPerSecond, 1)) GB/s  \(format(sweep.gigaopsPerSecond, 1)) GFLOP/s"
                                     + (threads == 1 ? "" : "  alone \(Int((sweep.backedOffShare * 100).rounded()))%"))
                    }
                }
            }
            comparison = try KernelBenchmark.swiftSIMDComparison(secondsPerCase: seconds)
            if let comparison, !json {
                output.print("")
                output.print("plain Swift SIMD16<Float> against C, \(comparison.kernel):")
                output.print("  Swift \(format(comparison.swiftMilliseconds, 3)) ms, C \(format(comparison.cMilliseconds, 3)) ms"
                             + " (C is \(format(comparison.swiftMilliseconds / comparison.cMilliseconds, 1))× faster),"
                             + " results differ by \(String(format: "%.1e", comparison.relativeDifference)) relative;"
                             + " C fast precision (8-bit, integer dots) \(format(comparison.cFastMilliseconds, 3)) ms")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(date: date, kernelPath: Kernels.path.description, linearLayers: linear, modelSweeps: sweeps, swiftSIMD: comparison)
            output.print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    private static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text + " " : text + padding + " "
    }
}
