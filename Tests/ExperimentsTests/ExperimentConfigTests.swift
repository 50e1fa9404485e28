import Extrapolation
import XCTest
@testable import Experiments

/// Experiment configs: the reference's layout read unchanged, and errors that name the key and
/// its line.
final class ExperimentConfigTests: XCTestCase {
    /// The reference's `expcfg/longbench_llama2_16k_dpi.toml`, as shipped (comments included).
    let referenceConfig = """
    # default parameters
    model = "meta-llama/Llama-2-7b-chat-hf" # "meta-llama/Llama-2-7b-chat-hf" meta-llama/Llama-2-7b-chat-hf
    exp_name = 'dpi-llama2-7b-4k-to-16k' # experiment dir name
    method = 'dpi' # "dpi", "repro_se", "repro_yarn", "repro_ntk", "repro_dynamic_ntk", "repro_chunkllama", "repro_original"
    test = false
    max_pe = 16384 # 16384 32768
    task = 'longbench'
    # ori_max_position_embeddings = 4096

    [params]
    ## dpi
    use_chunk_softmax = false

    chunk_coe = 3000
    appro_attn = true
    local_window = 1

    noise_type = "gaussian" # "gaussian"
    addon_relcoef = 1 # 0, 1
    std_base = 1.0
    # scale_max = 1 # 0, 1
    scale_mean = 0 # 0, 1
    scale_std = 1 # 0, 1
    """

    func testReferenceConfigIsReadUnchanged() throws {
        let config = try ExperimentConfig(parsing: referenceConfig, file: "ref.toml")
        XCTAssertEqual(config.task, .longbench)
        XCTAssertEqual(config.experimentName, "dpi-llama2-7b-4k-to-16k")
        XCTAssertEqual(config.model, "meta-llama/Llama-2-7b-chat-hf")
        XCTAssertEqual(config.methodName, "dpi")
        XCTAssertEqual(config.canonicalMethodName, "gali")
        XCTAssertEqual(config.maxPE, 16384)
        XCTAssertNil(config.originalWindow)
        XCTAssertFalse(config.test)
        XCTAssertEqual(config.methodParameters["chunk_coe"], .int(3000))      // integer stays integer
        XCTAssertEqual(config.methodParameters["std_base"], .double(1.0))     // float stays float
        XCTAssertEqual(config.methodParameters["use_chunk_softmax"], .bool(false))
        XCTAssertEqual(config.methodParameters["noise_type"], .string("gaussian"))
        XCTAssertEqual(config.label, "dpi-llama2-7b-4k-to-16k")
        XCTAssertEqual(config.seed, 42)
        XCTAssertNil(try LongBenchTask.readSettings(config.reader).datasets)
        XCTAssertEqual(config.warnings, [])
    }

    func testEveryShippedConfigParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var count = 0
        let rulerSlices = ["4k", "8k", "12k", "16k"].map { "expcfg/ruler/slice\($0)" }
        for folder in ["expcfg", "expcfg/tiny", "expcfg/smollm2", "expcfg/ruler"] + rulerSlices {
            let directory = root.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".toml") {
                let config = try ExperimentConfig(contentsOfFile: directory + "/" + name)
                XCTAssertEqual(config.warnings, [], name)
                if let window = config.originalWindow { XCTAssertNoThrow(try config.validateMethod(originalWindow: window), name) }
                count += 1
            }
        }
        XCTAssertGreaterThanOrEqual(count, 200)
    }

    func testPassKeySpellingsAndTaskKeys() throws {
        for spelling in ["passkey_retreival", "passkey_retrieval", "passkey"] {
            let config = try ExperimentConfig(parsing: "task = \"\(spelling)\"\nexp_name = \"e\"\nmethod = \"repro_original\"\nmax_pe = 4096\nn_garbage = 100\ntimes = 2\n")
            XCTAssertEqual(config.task, .passkey)
            XCTAssertEqual(try PassKeyTask.readSettings(config.reader).nGarbage, 100)
        }
        let config = try ExperimentConfig(parsing: "task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\nstride = 512\nmin_k = 3\n")
        XCTAssertEqual(config.warnings, ["key 'min_k' (line 6) is not used by task pg19"])
    }

    func testRulerKeys() throws {
        let base = "task = \"ruler\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 8192\n"
        let config = try ExperimentConfig(parsing: base + "lengths = [8192, 4096, 4096]\nsamples = 3\nruler_tasks = [\"vt\", \"qa_2\"]\n")
        XCTAssertEqual(config.task, .ruler)
        XCTAssertEqual(try RulerTask.readSettings(config.reader), RulerSettings(tasks: [.vt, .qa2], lengths: [4096, 8192], samples: 3))
        XCTAssertTrue(config.warnings.isEmpty, "\(config.warnings)")
        let cases: [(String, String)] = [
            ("", "lengths"), ("lengths = [16384]\n", "max_pe (8192)"), ("lengths = [100]\n", "256"),
            ("lengths = [4096]\nruler_tasks = [\"niah_single_9\"]\n", "unknown RULER task"),
            ("lengths = [4096]\nruler_tasks = []\n", "at least one"), ("lengths = [4096]\nsamples = 0\n", "samples"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try ExperimentConfig(parsing: base + text)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
            }
        }
        let passkey = try ExperimentConfig(parsing: "task = \"passkey\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\nn_garbage = 10\ntimes = 1\nlengths = [4096]\n")
        XCTAssertTrue(passkey.warnings.contains { $0.contains("lengths") }, "\(passkey.warnings)")
    }

    func testTopLevelFactorFeedsTheMethodAsTheReferenceReadsIt() throws {
        let base = "task = \"pg19\"\nexp_name = \"e\"\nmax_pe = 8192\nstride = 512\n"
        let yarn = try ExperimentConfig(parsing: base + "method = \"repro_yarn\"\nfactor = 4\n")
        XCTAssertEqual(yarn.methodParameters["factor"], .int(4))
        XCTAssertThrowsError(try ExperimentConfig(parsing: base + "method = \"repro_ntk\"\nfactor = 4\n[params]\nfactor = 2.0\n")) { error in
            XCTAssertEqual((error as? ExperimentConfigError)?.key, "factor")
        }
        let original = try ExperimentConfig(parsing: base + "method = \"original\"\nfactor = 4\n")
        XCTAssertEqual(original.warnings, ["key 'factor' (line 6) is not used by method original"])
    }

    /// The error for `text`: its key and line.
    func failure(_ text: String) -> ExperimentConfigError? {
        do {
            _ = try ExperimentConfig(parsing: text, file: "x.toml")
            XCTFail("no error for:\n\(text)")
            return nil
        } catch let error as ExperimentConfigError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testErrorsNameKeyAndLine() throws {
        let head = "task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\n"
        let cases: [(String, String?, Int?, String)] = [
            (head + "max_pe = 4096\nstride = 512\nstrde = 3\n", "strde", 6, "unknown key"),
            (head + "max_pe = \"16k\"\nstride = 512\n", "max_pe", 4, "must be an integer ≥ 2, not the string \"16k\""),
            (head + "max_pe = 1\nstride = 512\n", "max_pe", 4, "must be at least 2, not 1"),
            (head + "max_pe = 4096\n", "stride", nil, "missing"),
            ("task = \"pg20\"\nexp_name = \"e\"\n", "task", 1, "unknown task \"pg20\""),
            ("task = \"pg19\"\nexp_name = \"a/b\"\nmethod = \"original\"\nmax_pe = 4096\nstride = 1\n", "exp_name", 2, "plain folder name"),
            ("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"repro_magic\"\nmax_pe = 4096\nstride = 1\n", "method", 3, "unknown method"),
            ("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"repro_se\"\nmax_pe = 4096\nstride = 1\n[params]\ngroup_size = 4\nwindow_size = \"big\"\n",
             "params.window_size", 8, "window_size"),
            ("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"repro_se\"\nmax_pe = 4096\nstride = 1\n[params]\ngroup_size = 4\n",
             "params", 6, "window_size: required"),
            ("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"dpi\"\nmax_pe = 4096\nstride = 1\n[params]\nlocal_windw = 4\n",
             "params.local_windw", 7, "unknown parameter"),
            ("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"repro_ntk\"\nmax_pe = 16384\nstride = 1\nori_max_position_embeddings = 4096\n[params]\nfactor = 2.0\n",
             "max_pe", 4, "supports at most 8192 tokens"),
            ("task = \"needle\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = 1\nmin_k = 4\nmax_k = 2\ngap = 1\n", "max_k", 7, "at least min_k"),
            ("task = \"longbench\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndatasets = [\"narrativeqa\", \"nope\"]\n", "datasets", 5, "unknown LongBench dataset \"nope\""),
            (head + "max_pe = 4096\nstride = 512\nprecision = \"half\"\n", "precision", 6, "\"fast\" or \"exact\""),
            (head + "max_pe = 4096\nstride = 512\nchat_format = \"llama9\"\n", "chat_format", 6, "must be one of"),
            (head + "max_pe = 4096\nstride = 512\nparams = 3\n", "params", 6, "must be a table"),
            (head + "max_pe = 4096\nstride = 512\n[params]\nfactor = [1]\n", "params.factor", 7, "arrays"),
        ]
        for (text, key, line, message) in cases {
            guard let error = failure(text) else { continue }
            XCTAssertEqual(error.key, key, "\(error)")
            XCTAssertEqual(error.line, line, "\(error)")
            XCTAssertTrue(error.description.contains(message), "\(error.description) should mention \(message)")
            XCTAssertTrue(error.description.hasPrefix("x.toml: "), error.description)
        }
    }

    func testSyntaxErrorsKeepTheirPosition() {
        let error = failure("task = \"pg19\"\nmax_pe = = 3\n")
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.description.contains("column") ?? false)
    }

    func testKeyLines() {
        let lines = ConfigKeyLines(source: "a = 1\n# b = 2\n[params]\n'quoted' = 3\n  b = \"x = y\"\n")
        XCTAssertEqual(lines.line(of: "a"), 1)
        XCTAssertEqual(lines.line(of: "params"), 3)
        XCTAssertEqual(lines.line(of: "params.quoted"), 4)
        XCTAssertEqual(lines.line(of: "params.b"), 5)
        XCTAssertNil(lines.line(of: "b"))
    }
}
