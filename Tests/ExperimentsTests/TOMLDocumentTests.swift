import XCTest
@testable import Experiments

/// Valid TOML: every supported form, and the reference's experiment-config layout.
final class TOMLDocumentTests: XCTestCase {
    func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> TOMLTable {
        do {
            return try TOMLDocument(parsing: text).root
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            throw error
        }
    }

    /// The layout of the reference's `expcfg/*.toml`, with every key its README documents.
    func testReferenceExperimentConfig() throws {
        let text = """
        # default parameters
        model = "meta-llama/Llama-2-7b-chat-hf" # "meta-llama/Llama-2-7b-chat-hf"
        exp_name = 'dpi-llama2-7b-4k-to-16k' # experiment dir name
        method = 'dpi' # "dpi", "repro_se", "repro_yarn"
        test = false
        max_pe = 16384 # 16384 32768
        task = 'longbench'
        ori_max_position_embeddings = 4096
        stride = 2000
        times = 20
        min_k = 1
        max_k = 32
        gap = 4
        n_garbage = 60000
        factor = 4

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

        ## repro_se
        # group_size = 3
        """
        let config = try parse(text)
        XCTAssertEqual(config.keys, ["model", "exp_name", "method", "test", "max_pe", "task", "ori_max_position_embeddings",
                                     "stride", "times", "min_k", "max_k", "gap", "n_garbage", "factor", "params"])
        XCTAssertEqual(try config.requiredString("model"), "meta-llama/Llama-2-7b-chat-hf")
        XCTAssertEqual(try config.requiredString("exp_name"), "dpi-llama2-7b-4k-to-16k")
        XCTAssertEqual(try config.requiredString("method"), "dpi")
        XCTAssertEqual(try config.requiredBool("test"), false)
        XCTAssertEqual(try config.requiredInteger("max_pe"), 16384)
        XCTAssertEqual(try config.requiredString("task"), "longbench")
        XCTAssertEqual(try config.integer("ori_max_position_embeddings"), 4096)
        XCTAssertEqual(try config.integer("stride"), 2000)
        XCTAssertEqual(try config.integer("times"), 20)
        XCTAssertEqual(try config.integer("min_k"), 1)
        XCTAssertEqual(try config.integer("max_k"), 32)
        XCTAssertEqual(try config.integer("gap"), 4)
        XCTAssertEqual(try config.integer("n_garbage"), 60000)
        XCTAssertEqual(try config.number("factor"), 4)

        let params = try config.requiredTable("params")
        XCTAssertEqual(params.keys, ["use_chunk_softmax", "chunk_coe", "appro_attn", "local_window", "noise_type",
                                     "addon_relcoef", "std_base", "scale_mean", "scale_std"])
        XCTAssertEqual(params["chunk_coe"], .integer(3000))
        XCTAssertEqual(params["std_base"], .float(1.0))
        XCTAssertEqual(params["addon_relcoef"], .integer(1))
        XCTAssertEqual(try config.string("params", "noise_type"), "gaussian")
        XCTAssertEqual(try config.bool("params", "appro_attn"), true)
        XCTAssertNil(try config.integer("params", "group_size"))
        XCTAssertNil(try config.string("absent"))
    }

    func testChunkCoefficientKeepsIntegerAndFloatApart() throws {
        XCTAssertEqual(try parse("chunk_coe = 3000")["chunk_coe"], .integer(3000))
        XCTAssertEqual(try parse("chunk_coe = 0.25")["chunk_coe"], .float(0.25))
        XCTAssertEqual(try parse("chunk_coe = 3000.0")["chunk_coe"], .float(3000))
        XCTAssertEqual(try parse("chunk_coe = 3e3")["chunk_coe"], .float(3000))
        XCTAssertEqual(try parse("a = 3000")["a"]?.numberValue, 3000)
        XCTAssertNil(TOMLValue.integer(3000).floatValue)
        XCTAssertNil(TOMLValue.float(3000).integerValue)
    }

    func testCommentsAndBlankLines() throws {
        let table = try parse("# only a comment\n\n   \t\na = 1 # trailing\r\n# another\r\nb = \"# not a comment\"\n#last")
        XCTAssertEqual(table.keys, ["a", "b"])
        XCTAssertEqual(table["b"], .string("# not a comment"))
        XCTAssertTrue(try parse("").isEmpty)
        XCTAssertTrue(try parse("\u{FEFF}# byte order mark\n").isEmpty)
    }

    func testKeys() throws {
        let table = try parse("""
        bare_key-1 = 1
        1234 = 2
        "quoted key" = 3
        'literal "key"' = 4
        "" = 5
        "ʎǝʞ" = 6
        "a\\tb" = 7
        """)
        XCTAssertEqual(table.keys, ["bare_key-1", "1234", "quoted key", "literal \"key\"", "", "ʎǝʞ", "a\tb"])
        XCTAssertEqual(table[""], .integer(5))
    }

    func testDottedKeys() throws {
        let table = try parse("""
        name.first = "Ada"
        name . last = "Lovelace"
        site."google.com" = true
        3.14159 = "pi"
        """)
        XCTAssertEqual(try table.string("name", "first"), "Ada")
        XCTAssertEqual(try table.string("name", "last"), "Lovelace")
        XCTAssertEqual(try table.bool("site", "google.com"), true)
        XCTAssertEqual(try table.string("3", "14159"), "pi")
        XCTAssertEqual(table.value(at: ["name", "first"]), .string("Ada"))
        XCTAssertNil(table.value(at: ["name", "middle"]))
        XCTAssertNil(table.value(at: ["site", "google.com", "deeper"]))
    }

    func testTableHeaders() throws {
        let table = try parse("""
        top = 0
        [a]
        x = 1
        [a.b]
        y = 2
        [ c . "d e" . f ]
        z = 3
        [g.h]
        [g]
        w = 4
        """)
        XCTAssertEqual(table.keys, ["top", "a", "c", "g"])
        XCTAssertEqual(try table.integer("a", "x"), 1)
        XCTAssertEqual(try table.integer("a", "b", "y"), 2)
        XCTAssertEqual(try table.integer("c", "d e", "f", "z"), 3)
        XCTAssertEqual(try table.integer("g", "w"), 4)
        XCTAssertEqual(try table.table("g", "h"), TOMLTable())
    }

    func testSubTableUnderDottedKeyTable() throws {
        let table = try parse("""
        [fruit]
        apple.color = "red"
        apple.taste.sweet = true
        [fruit.apple.texture]
        smooth = true
        """)
        XCTAssertEqual(try table.bool("fruit", "apple", "taste", "sweet"), true)
        XCTAssertEqual(try table.bool("fruit", "apple", "texture", "smooth"), true)
    }

    func testDottedKeysMayFillATableCreatedAsAHeaderParent() throws {
        // [a.b.c] creates a.b implicitly; dotted keys under [a] may then define it (as tomllib does).
        let table = try parse("[a.b.c]\n[a]\nb.d = 1\n[a.b.e]")
        XCTAssertEqual(try table.integer("a", "b", "d"), 1)
        XCTAssertEqual(try table.table("a", "b", "e"), TOMLTable())
    }

    func testArrayOfTables() throws {
        let table = try parse("""
        [[run]]
        method = "dpi"
        [run.params]
        chunk_coe = 3000
        [[run]]
        method = "repro_ntk"
        [[run.sweep]]
        factor = 2
        [[run.sweep]]
        factor = 4
        """)
        let runs = try XCTUnwrap(table.array("run"))
        XCTAssertEqual(runs.count, 2)
        XCTAssertEqual(try runs[0].tableValue?.integer("params", "chunk_coe"), 3000)
        XCTAssertEqual(try runs[1].tableValue?.string("method"), "repro_ntk")
        XCTAssertEqual(runs[1].tableValue?["sweep"]?.arrayValue?.count, 2)
    }

    func testBasicStrings() throws {
        let table = try parse(#"""
        s = "tab\there \"quoted\" back\\slash \b\f\n\r é \u00E9 \U0001F600"
        empty = ""
        """#)
        XCTAssertEqual(table["s"], .string("tab\there \"quoted\" back\\slash \u{08}\u{0C}\n\r é \u{E9} \u{1F600}"))
        XCTAssertEqual(table["empty"], .string(""))
    }

    func testLiteralStrings() throws {
        let table = try parse(#"""
        path = 'C:\Users\nodejs\templates'
        regex = '<\i\c*\s*>'
        tab = 'a	b'
        """#)
        XCTAssertEqual(table["path"], .string(#"C:\Users\nodejs\templates"#))
        XCTAssertEqual(table["regex"], .string(#"<\i\c*\s*>"#))
        XCTAssertEqual(table["tab"], .string("a\tb"))
    }

    func testMultilineBasicStrings() throws {
        let table = try parse("""
        a = \"\"\"
        Roses are red
        Violets are blue\"\"\"
        b = \"\"\"The quick \\
              brown \\


              fox.\"\"\"
        c = \"\"\"Here are two quotes: "". Then three: ""\\".\"\"\"
        d = \"\"\"ends with two quotes\"\"\"\"\"
        e = \"\"\"line\r\nbreak\"\"\"
        f = \"\"\"trailing backslash then spaces \\   \n  next\"\"\"
        """)
        XCTAssertEqual(table["a"], .string("Roses are red\nViolets are blue"))
        XCTAssertEqual(table["b"], .string("The quick brown fox."))
        XCTAssertEqual(table["c"], .string("Here are two quotes: \"\". Then three: \"\"\"."))
        XCTAssertEqual(table["d"], .string("ends with two quotes\"\""))
        XCTAssertEqual(table["e"], .string("line\nbreak"))
        XCTAssertEqual(table["f"], .string("trailing backslash then spaces next"))
    }

    func testMultilineLiteralStrings() throws {
        let table = try parse("""
        a = '''
        The first newline is
        trimmed in raw strings.
           All other whitespace \\n
           is preserved.
        '''
        b = '''I [dw]on't need \\d{2} apples'''
        c = ''''That,' she said, 'is still pointless.''''
        """)
        XCTAssertEqual(table["a"], .string("The first newline is\ntrimmed in raw strings.\n   All other whitespace \\n\n   is preserved.\n"))
        XCTAssertEqual(table["b"], .string("I [dw]on't need \\d{2} apples"))
        XCTAssertEqual(table["c"], .string("'That,' she said, 'is still pointless.'"))
    }

    func testIntegers() throws {
        let table = try parse("""
        a = +99
        b = 42
        c = 0
        d = -17
        e = 1_000
        f = 5_349_221
        g = 1_2_3_4_5
        h = 0xDEADBEEF
        i = 0xdead_beef
        j = 0o01234567
        k = 0o755
        l = 0b11010110
        m = 9223372036854775807
        n = -9223372036854775808
        o = +0
        p = -0
        q = 0x7FFFFFFFFFFFFFFF
        """)
        let expected: [(String, Int)] = [("a", 99), ("b", 42), ("c", 0), ("d", -17), ("e", 1000), ("f", 5_349_221),
                                         ("g", 12345), ("h", 0xDEADBEEF), ("i", 0xDEADBEEF), ("j", 0o1234567),
                                         ("k", 0o755), ("l", 0b11010110), ("m", Int.max), ("n", Int.min), ("o", 0),
                                         ("p", 0), ("q", Int.max)]
        for (key, value) in expected { XCTAssertEqual(table[key], .integer(value), key) }
    }

    func testFloats() throws {
        let table = try parse("""
        a = +1.0
        b = 3.1415
        c = -0.01
        d = 5e+22
        e = 1e06
        f = -2E-2
        g = 6.626e-34
        h = 224_617.445_991_228
        i = 0.0
        j = -0.0
        k = 0e0
        """)
        let expected: [(String, Double)] = [("a", 1), ("b", 3.1415), ("c", -0.01), ("d", 5e22), ("e", 1e6), ("f", -0.02),
                                            ("g", 6.626e-34), ("h", 224_617.445_991_228), ("i", 0), ("j", 0), ("k", 0)]
        for (key, value) in expected { XCTAssertEqual(table[key], .float(value), key) }
        XCTAssertEqual(table["j"]?.floatValue?.sign, .minus)
    }

    func testSpecialFloats() throws {
        let table = try parse("a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan")
        XCTAssertEqual(table["a"], .float(.infinity))
        XCTAssertEqual(table["b"], .float(.infinity))
        XCTAssertEqual(table["c"], .float(-.infinity))
        for key in ["d", "e", "f"] { XCTAssertEqual(table[key]?.floatValue?.isNaN, true, key) }
    }

    func testBooleans() throws {
        let table = try parse("yes = true\nno = false")
        XCTAssertEqual(table["yes"], .boolean(true))
        XCTAssertEqual(table["no"], .boolean(false))
    }

    func testArrays() throws {
        let table = try parse("""
        integers = [ 1, 2, 3 ]
        colors = [ "red", "yellow", "green", ]
        nested = [ [ 1, 2 ], [3, 4, 5], [] ]
        mixed = [ 0.1, 0.2, 0.5, 1, 2, 5, "x", { a = 1 } ]
        multi = [
          1, # one
          # a comment line
          2,
        ]
        empty = []
        """)
        XCTAssertEqual(try table.integers("integers"), [1, 2, 3])
        XCTAssertEqual(try table.strings("colors"), ["red", "yellow", "green"])
        XCTAssertEqual(table["nested"], .array([.array([.integer(1), .integer(2)]),
                                                .array([.integer(3), .integer(4), .integer(5)]), .array([])]))
        XCTAssertEqual(table["mixed"]?.arrayValue?.count, 8)
        XCTAssertEqual(table["mixed"]?.arrayValue?[3], .integer(1))
        XCTAssertEqual(table["mixed"]?.arrayValue?[0], .float(0.1))
        XCTAssertEqual(try table.integers("multi"), [1, 2])
        XCTAssertEqual(table["empty"], .array([]))
    }

    func testInlineTables() throws {
        let table = try parse("""
        name = { first = "Tom", last = "Preston-Werner" }
        point = {x=1,y=2}
        animal = { type.name = "pug" }
        empty = {}
        params = { use_chunk_softmax = false, chunk_coe = 0.25, appro_attn = true, local_window = 128,
                   noise_type = "gaussian", }
        nested = { inner = { deep = [1, { z = 2 }] } }
        """)
        XCTAssertEqual(try table.string("name", "last"), "Preston-Werner")
        XCTAssertEqual(try table.integer("point", "y"), 2)
        XCTAssertEqual(try table.string("animal", "type", "name"), "pug")
        XCTAssertEqual(table["empty"], .table(TOMLTable()))
        XCTAssertEqual(try table.number("params", "chunk_coe"), 0.25)
        XCTAssertEqual(try table.table("params")?.keys, ["use_chunk_softmax", "chunk_coe", "appro_attn", "local_window", "noise_type"])
        XCTAssertEqual(table.value(at: ["nested", "inner", "deep"])?.arrayValue?[1].tableValue?["z"], .integer(2))
    }

    func testTypedLookupErrors() throws {
        let table = try parse("a = 1\nb = 0.5\nc = \"x\"\nlist = [1, \"two\"]\n[t]\nk = true")
        XCTAssertThrowsError(try table.float("a")) { error in
            XCTAssertEqual(error as? TOMLLookupError, TOMLLookupError(keyPath: "a", reason: .typeMismatch(expected: "float", found: "integer")))
            XCTAssertEqual("\(error)", "key 'a' must be a float, found integer")
        }
        XCTAssertThrowsError(try table.integer("b")) { error in
            XCTAssertEqual("\(error)", "key 'b' must be an integer, found float")
        }
        XCTAssertThrowsError(try table.number("c")) { error in
            XCTAssertEqual("\(error)", "key 'c' must be an integer or float, found string")
        }
        XCTAssertThrowsError(try table.requiredInteger("missing")) { error in
            XCTAssertEqual("\(error)", "missing key 'missing'")
        }
        XCTAssertThrowsError(try table.requiredBool("t", "absent")) { error in
            XCTAssertEqual("\(error)", "missing key 't.absent'")
        }
        XCTAssertThrowsError(try table.string("a", "b")) { error in
            XCTAssertEqual("\(error)", "key 'a' must be a table, found integer")
        }
        XCTAssertThrowsError(try table.strings("list")) { error in
            XCTAssertEqual("\(error)", "key 'list' must be an array of strings, found array")
        }
        XCTAssertThrowsError(try table.integers("list"))
        XCTAssertThrowsError(try table.bool("c"))
        XCTAssertThrowsError(try table.array("a"))
        XCTAssertThrowsError(try table.table("a"))
        XCTAssertThrowsError(try table.requiredString("a"))
        XCTAssertThrowsError(try table.requiredNumber("c"))
        XCTAssertThrowsError(try table.requiredTable("a"))
        XCTAssertEqual(try table.requiredBool("t", "k"), true)
        XCTAssertEqual(try table.requiredNumber("b"), 0.5)
    }

    func testTableEditingAndEquality() {
        var table = TOMLTable([("a", .integer(1)), ("b", .string("x"))])
        table["c"] = .boolean(true)
        table["a"] = .integer(2)
        XCTAssertEqual(table.keys, ["a", "b", "c"])
        table["b"] = nil
        XCTAssertEqual(table.keys, ["a", "c"])
        XCTAssertEqual(table.count, 2)
        XCTAssertEqual(table, TOMLTable([("c", .boolean(true)), ("a", .integer(2))]))
        XCTAssertEqual(table.entries.map(\.key), ["a", "c"])
    }

    func testJSONRendering() throws {
        let table = try parse("""
        exp_name = "x\\"y"
        max_pe = 16384
        [params]
        chunk_coe = 3000
        ratio = 0.25
        std_base = 1.0
        flags = [true, false]
        empty = []
        bad = nan
        """)
        XCTAssertEqual(table.jsonText(indent: 0),
                       #"{"exp_name": "x\"y", "max_pe": 16384, "params": {"chunk_coe": 3000, "ratio": 0.25, "std_base": 1.0, "flags": [true, false], "empty": [], "bad": null}}"#)
        XCTAssertEqual(TOMLValue.array([.integer(1), .table(TOMLTable([("k", .float(2.5))]))]).jsonText(indent: 2),
                       "[\n  1,\n  {\n    \"k\": 2.5\n  }\n]")
        let decoded = try JSONSerialization.jsonObject(with: Data(table.jsonText().utf8)) as? [String: Any]
        XCTAssertEqual(decoded?["max_pe"] as? Int, 16384)
    }

    func testReadsFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toml-\(UUID().uuidString).toml")
        try Data("max_pe = 8192\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try TOMLDocument(contentsOf: url)["max_pe"], .integer(8192))

        try Data("max_pe = \n".utf8).write(to: url)
        XCTAssertThrowsError(try TOMLDocument(contentsOf: url)) { error in
            let description = "\(error)"
            XCTAssertTrue(description.hasPrefix(url.path + ": line 1, column 10:"), description)
        }
        try Data([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22]).write(to: url)
        XCTAssertThrowsError(try TOMLDocument(contentsOf: url)) { error in
            XCTAssertEqual((error as? TOMLFileError)?.reason, "is not valid UTF-8")
        }
        let missing = url.appendingPathExtension("absent")
        XCTAssertThrowsError(try TOMLDocument(contentsOf: missing)) { error in
            XCTAssertTrue((error as? TOMLFileError)?.reason.hasPrefix("cannot be read") == true)
        }
    }
}
