import Extrapolation
import Foundation
import GALI
import Tensor
import Transformer

/// The options every model-running command shares: which model, which method with which
/// parameters, the original window, threads and precision.
struct ModelOptions {
    static let options: Set<String> = ["model", "method", "param", "ori-window", "threads", "max-pe", "precision", "kv-type", "attention-products"]
    static let flags: Set<String> = ["exact"]

    static let help = """
      --model PATH        GGUF file or Hugging Face directory (default: the fetched SmolLM2)
      --method NAME       extrapolation method (default: original; see `gali methods`)
      --param KEY=VALUE   method parameter, repeatable (e.g. --param factor=4)
      --ori-window N      original context window W (default: the model's context length)
      --max-pe N          target length to check the method's constraints against
      --threads N         threads (default: all active cores)
      --precision P       fast (8-bit activations, integer dot products) or exact (Float32)
      --exact             same as --precision exact
      --kv-type T         key/value cache elements: f32 or f16 (default: f16, f32 with exact precision)
      --attention-products A  f32, or bf16 (bfloat16 q·k and p·v in prefill where the CPU has
                          AVX512-BF16; default: bf16, f32 with exact precision)
    """

    var modelPath: String
    var method: MethodSpec
    var originalWindow: Int?
    var threads: Int?
    var precision: Precision
    /// `--kv-type`, or nil for the precision's default.
    var cacheType: CacheElementType?
    /// `--attention-products`, or nil for the precision's default.
    var attentionProducts: AttentionProducts?
    var targetLength: Int?

    /// Reads the options; `defaultPrecision` applies when neither --precision nor --exact is given.
    init(_ arguments: ParsedArguments, defaultPrecision: Precision = .fast) throws {
        modelPath = try DefaultModel.resolveOption(arguments.string("model"))
        var parameters: [String: ParameterValue] = [:]
        for item in arguments.strings("param") {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw CommandLineError("--param needs KEY=VALUE, not \"\(item)\"")
            }
            let key = String(item[..<equals])
            guard parameters.updateValue(ParameterValue(parsing: String(item[item.index(after: equals)...])), forKey: key) == nil else {
                throw CommandLineError("--param \(key) is given twice; give each parameter once")
            }
        }
        method = MethodSpec(name: arguments.string("method") ?? "original", parameters: parameters)
        originalWindow = try arguments.int("ori-window", in: 2...Int(Int32.max))
        threads = try arguments.int("threads", in: 1...1024)
        precision = try ModelOptions.precision(arguments, default: defaultPrecision)
        targetLength = try arguments.int("max-pe", in: 1...Int(Int32.max))
        if let text = arguments.string("kv-type") {
            guard let cacheType = CacheElementType(rawValue: text) else {
                throw CommandLineError("--kv-type must be f32 or f16, not \"\(text)\"")
            }
            self.cacheType = cacheType
        }
        if let text = arguments.string("attention-products") {
            guard let products = AttentionProducts(rawValue: text) else {
                throw CommandLineError("--attention-products must be f32 or bf16, not \"\(text)\"")
            }
            attentionProducts = products
        }
    }

    /// `--precision` / `--exact`, or `defaultPrecision`.
    static func precision(_ arguments: ParsedArguments, default defaultPrecision: Precision) throws -> Precision {
        if let text = arguments.string("precision") {
            guard let precision = Precision(rawValue: text) else {
                throw CommandLineError("--precision must be fast or exact, not \"\(text)\"")
            }
            if arguments.flag("exact") && precision != .exact { throw CommandLineError("--exact contradicts --precision \(text)") }
            return precision
        }
        return arguments.flag("exact") ? .exact : defaultPrecision
    }

    /// Loads the model and method (resolved in the standard registry).
    func load() throws -> LoadedModel {
        let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: originalWindow, model: modelPath,
                                           threads: threads, precision: precision, cacheType: cacheType,
                                           attentionProducts: attentionProducts, registry: .standard)
        if let targetLength { try loaded.method.validate(targetLength: targetLength) }
        return loaded
    }
}
