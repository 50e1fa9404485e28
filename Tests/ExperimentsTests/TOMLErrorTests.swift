import XCTest
@testable import Experiments

/// Every error path of the TOML reader: the message says what was expected, and the line and
/// column point at the offending text.
final class TOMLErrorTests: XCTestCase {
    /// Asserts that `text` fails at `line`:`column` with a message containing `fragment`.
    func assertError(_ text: String, line: Int, column: Int, _ fragment: String,
                     file: StaticString = #filePath, sourceLine: UInt = #line) {
        do {
            let table = try TOMLDocument(parsing: text).root
            XCTFail("expected an error, parsed \(table.jsonText(indent: 0))", file: file, line: sourceLine)
        } catch let error as TOMLError {
            XCTAssertEqual(error.line, line, "line of: \(error)", file: file, line: sourceLine)
            XCTAssertEqual(error.column, column, "column of: \(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' lacks '\(fragment)'", file: file, line: sourceLine)
            XCTAssertEqual(error.description, "line \(error.line), column \(error.column): \(error.message)", file: file, line: sourceLine)
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: sourceLine)
        }
    }

    func testHeaders() {
        assertError("[[a]\nx = 1", line: 1, column: 4, "expected ']]' to close the array-of-tables header [[a]]")
        assertError("[a\nx = 1", line: 1, column: 3, "expected ']' to close the table header [a]")
        assertError("[a.b", line: 1, column: 5, "expected ']'")
        assertError("[]", line: 1, column: 2, "expected a key")
        assertError("[", line: 1, column: 2, "expected a key, found the end of the file")
        assertError("[a] x = 1", line: 1, column: 5, "expected the end of the line")
    }

    func testRedefinedTables() {
        assertError("[a]\nx = 1\n[a]\ny = 2", line: 3, column: 1, "table [a] is defined more than once")
        assertError("[a.b]\n[a]\n[a]", line: 3, column: 1, "table [a] is defined more than once")
        assertError("a.b = 1\n[a]", line: 2, column: 1, "table [a] was already defined with dotted keys")
        assertError("[fruit]\napple.color = 'red'\n[fruit.apple]", line: 3, column: 1, "table [fruit.apple] was already defined with dotted keys")
        assertError("[[a]]\n[a]", line: 2, column: 1, "[a] is an array of tables; add elements with [[a]]")
        assertError("a = 1\n[a]", line: 2, column: 2, "cannot define table [a]: 'a' already holds an integer")
        assertError("a = {}\n[a]", line: 2, column: 2, "already holds an inline table")
        assertError("[a]\n[[a]]", line: 2, column: 3, "cannot define array of tables [[a]]: 'a' is already a table")
        assertError("a = [1]\n[[a]]", line: 2, column: 3, "cannot define array of tables [[a]]: 'a' already holds an array")
        assertError("a = 1\n[a.b]", line: 2, column: 2, "cannot use 'a' as a table: it already holds an integer")
        assertError("a = { b = 1 }\n[a.c]", line: 2, column: 2, "cannot extend inline table 'a' with a header")
    }

    func testDuplicateKeys() {
        assertError("name = 'a'\nname = 'b'", line: 2, column: 1, "duplicate key 'name' (already defined as a value)")
        assertError("a = 1\n\"a\" = 2", line: 2, column: 1, "duplicate key 'a'")
        assertError("[t]\nx.y = 1\nx.y = 2", line: 3, column: 3, "duplicate key 'x.y'")
        assertError("[a.b]\n[a]\nb = 1", line: 3, column: 1, "duplicate key 'b' (already defined as a table)")
        assertError("[[a.b]]\n[a]\nb = 1", line: 3, column: 1, "duplicate key 'b' (already defined as an array of tables)")
        assertError("p = { x = 1, x = 2 }", line: 1, column: 14, "duplicate key 'x'")
        assertError("\"a b\".c = 1\n\"a b\".c = 2", line: 2, column: 7, "duplicate key '\"a b\".c'")
    }

    func testDottedKeysIntoOtherTables() {
        assertError("[a.b]\nx = 1\n[a]\nb.y = 2", line: 4, column: 1, "cannot add to table 'b' with a dotted key: it was defined by a header")
    }

    func testDottedKeysIntoArraysValuesAndInlineTables() {
        assertError("[a.b.c]\n[a]\nb.d = 1\n[a.b]", line: 4, column: 1, "table [a.b] was already defined with dotted keys")
        assertError("[a.b.c]\n[a]\nb.c.d = 1", line: 3, column: 3, "cannot add to table 'b.c' with a dotted key")
        assertError("[[a.b]]\n[a]\nb.x = 1", line: 3, column: 1, "cannot add to array of tables 'b' with a dotted key")
        assertError("a = 1\na.b = 2", line: 2, column: 1, "cannot use 'a' as a table: it already holds an integer")
        assertError("a = { b = 1 }\na.c = 2", line: 2, column: 1, "cannot add to inline table 'a'")
        assertError("a = { b = { c = 1 }, b.d = 2 }", line: 1, column: 22, "cannot add to inline table 'b'")
    }

    func testKeys() {
        assertError("= 1", line: 1, column: 1, "expected a key (letters, digits, '_', '-', or a quoted string), found '='")
        assertError("a! = 1", line: 1, column: 2, "expected '=' after the key 'a', found '!'")
        assertError("a", line: 1, column: 2, "expected '=' after the key 'a'")
        assertError("a\nb = 1", line: 1, column: 2, "expected '=' after the key 'a'")
        assertError("a. = 1", line: 1, column: 4, "expected a key")
        assertError("\"\"\"a\"\"\" = 1", line: 1, column: 1, "multi-line strings cannot be keys")
        assertError("'''a''' = 1", line: 1, column: 1, "multi-line strings cannot be keys")
        assertError("\"a\nb\" = 1", line: 1, column: 1, "unterminated string")
        assertError("ключ = 1", line: 1, column: 1, "expected a key")
    }

    func testMissingValues() {
        assertError("a =", line: 1, column: 4, "expected a value after '=', found the end of the file")
        assertError("a =\n1", line: 1, column: 4, "expected a value after '=' on the same line")
        assertError("a = # comment", line: 1, column: 5, "on the same line")
        assertError("a = ,", line: 1, column: 5, "expected a value (string, number, boolean, array or inline table), found ','")
        assertError("a = hello", line: 1, column: 5, "found 'hello'; strings must be quoted")
        assertError("a = True", line: 1, column: 5, "strings must be quoted")
        assertError("a = 1 2", line: 1, column: 7, "expected the end of the line, found '2'")
        assertError("a = 1 b = 2", line: 1, column: 7, "expected the end of the line")
        assertError("a = \"x\" \"y\"", line: 1, column: 9, "expected the end of the line")
    }

    func testDatesAreRejectedClearly() {
        assertError("when = 1979-05-27T07:32:00Z", line: 1, column: 8, "dates and times are not supported")
        assertError("day = 1979-05-27", line: 1, column: 7, "dates and times are not supported")
        assertError("at = 07:32:00", line: 1, column: 6, "dates and times are not supported")
    }

    func testIntegers() {
        assertError("a = 0123", line: 1, column: 5, "leading zeros are not allowed in '0123'")
        assertError("a = -01", line: 1, column: 5, "leading zeros are not allowed")
        assertError("a = 1__000", line: 1, column: 5, "underscores must sit between digits in '1__000'")
        assertError("a = 1_", line: 1, column: 5, "underscores must sit between digits")
        assertError("a = 1_a", line: 1, column: 5, "invalid number '1_a'")
        assertError("a = 12a", line: 1, column: 5, "invalid number '12a'")
        assertError("a = -", line: 1, column: 5, "invalid number '-'")
        assertError("a = 9223372036854775808", line: 1, column: 5, "integer '9223372036854775808' does not fit in 64 bits")
        assertError("a = -9223372036854775809", line: 1, column: 5, "does not fit in 64 bits")
        assertError("a = +0x10", line: 1, column: 5, "hexadecimal integers cannot have a sign: '+0x10'")
        assertError("a = -0b1", line: 1, column: 5, "binary integers cannot have a sign")
        assertError("a = -0o7", line: 1, column: 5, "octal integers cannot have a sign")
        assertError("a = 0x", line: 1, column: 5, "expected hexadecimal digits after '0x' in '0x'")
        assertError("a = 0xg1", line: 1, column: 5, "invalid hexadecimal digit in '0xg1'")
        assertError("a = 0o8", line: 1, column: 5, "invalid octal digit")
        assertError("a = 0b102", line: 1, column: 5, "invalid binary digit")
        assertError("a = 0x+1", line: 1, column: 5, "invalid hexadecimal digit")
        assertError("a = 0x_1", line: 1, column: 5, "underscores must sit between digits")
        assertError("a = 0x8000000000000000", line: 1, column: 5, "does not fit in 64 bits")
        assertError("a = 0xFFFFFFFFFFFFFFFFFF", line: 1, column: 5, "does not fit in 64 bits")
    }

    func testFloats() {
        assertError("a = 1.", line: 1, column: 5, "expected digits after the decimal point in '1.'")
        assertError("a = 1.e5", line: 1, column: 5, "expected digits after the decimal point")
        assertError("a = .5", line: 1, column: 5, "expected digits before the '.' in float '.5'")
        assertError("a = +.5", line: 1, column: 5, "expected digits before the '.'")
        assertError("a = 1e", line: 1, column: 5, "expected digits in the exponent of '1e'")
        assertError("a = 1e+", line: 1, column: 5, "expected digits in the exponent")
        assertError("a = 1.5.3", line: 1, column: 5, "expected digits after the decimal point")
        assertError("a = 01.5", line: 1, column: 5, "leading zeros are not allowed in '01.5'")
        assertError("a = 1_.5", line: 1, column: 5, "underscores must sit between digits")
        assertError("a = 1.5_", line: 1, column: 5, "underscores must sit between digits")
        assertError("a = 1e400", line: 1, column: 5, "float '1e400' is out of range")
        assertError("a = 1.0x", line: 1, column: 5, "expected digits after the decimal point")
        assertError("a = 1e5x", line: 1, column: 5, "expected digits in the exponent")
        assertError("a = infinity", line: 1, column: 5, "strings must be quoted")
        assertError("a = -infinity", line: 1, column: 5, "invalid number")
    }

    func testBasicStrings() {
        assertError("a = \"abc", line: 1, column: 5, "unterminated string: expected '\"' before the end of the file")
        assertError("a = \"abc\nb = 1", line: 1, column: 5, "basic strings end on the same line")
        assertError("a = \"\\q\"", line: 1, column: 6, "invalid escape sequence \\q")
        assertError("a = \"\\", line: 1, column: 6, "unterminated escape sequence")
        assertError("a = \"\\u12\"", line: 1, column: 6, "escape \\u needs exactly 4 hexadecimal digits")
        assertError("a = \"\\U0001F60\"", line: 1, column: 6, "escape \\U needs exactly 8 hexadecimal digits")
        assertError("a = \"\\uD800\"", line: 1, column: 6, "names U+D800, which is not a Unicode scalar value")
        assertError("a = \"\\U00110000\"", line: 1, column: 6, "not a Unicode scalar value")
        assertError("a = \"x\u{01}y\"", line: 1, column: 7, "control character U+0001 is not allowed in strings")
        assertError("a = \"x\u{7F}\"", line: 1, column: 7, "control character U+007F")
    }

    func testMultilineBasicStrings() {
        assertError("a = \"\"\"abc", line: 1, column: 5, "unterminated multi-line string")
        assertError("a = \"\"\"abc\"\"\"\"\"\"", line: 1, column: 11, "too many quotes")
        assertError("a = \"\"\"x\\ y\"\"\"", line: 1, column: 9, "invalid escape sequence")
        assertError("a = \"\"\"x\u{00}\"\"\"", line: 1, column: 9, "control character U+0000")
        assertError("a = \"\"\"x\ry\"\"\"", line: 1, column: 9, "a carriage return must be followed by a line feed")
    }

    func testLiteralStrings() {
        assertError("a = 'abc", line: 1, column: 5, "unterminated literal string")
        assertError("a = 'abc\n'", line: 1, column: 5, "literal strings end on the same line")
        assertError("a = 'x\u{08}'", line: 1, column: 7, "control character U+0008")
        assertError("a = '''abc", line: 1, column: 5, "unterminated multi-line literal string")
        assertError("a = '''abc''''''", line: 1, column: 11, "too many quotes")
        assertError("a = '''\u{1F}'''", line: 1, column: 8, "control character U+001F")
        assertError("a = '''x\ry'''", line: 1, column: 9, "carriage return")
    }

    func testArrays() {
        assertError("a = [1 2]", line: 1, column: 8, "expected ',' or ']' in the array, found '2'")
        assertError("a = [1,,2]", line: 1, column: 8, "expected a value")
        assertError("a = [1, 2", line: 1, column: 5, "unterminated array: expected ']' before the end of the file")
        assertError("a = [1", line: 1, column: 5, "unterminated array")
        assertError("a = [\n1,\n# c\n", line: 1, column: 5, "unterminated array")
        assertError("a = [x]", line: 1, column: 6, "strings must be quoted")
        let deep = "a = " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        assertError(deep, line: 1, column: 133, "nested more than 128 deep")
    }

    func testInlineTables() {
        assertError("a = { b = 1 c = 2 }", line: 1, column: 13, "expected ',' or '}' in the inline table, found 'c'")
        assertError("a = { b = 1", line: 1, column: 5, "unterminated inline table")
        assertError("a = { b = 1,", line: 1, column: 5, "unterminated inline table")
        assertError("a = { b }", line: 1, column: 9, "expected '=' after the key 'b', found '}'")
        assertError("a = { , }", line: 1, column: 7, "expected a key")
        assertError("a = { b = 1,, }", line: 1, column: 13, "expected a key")
    }

    func testCommentsAndNewlines() {
        assertError("# bad \u{00} comment", line: 1, column: 7, "control character U+0000 is not allowed in comments")
        assertError("a = 1 # x\u{7F}", line: 1, column: 10, "control character U+007F")
        assertError("a = 1 # x\ry", line: 1, column: 10, "a carriage return must be followed by a line feed")
        assertError("a = 1\rb = 2", line: 1, column: 6, "a carriage return must be followed by a line feed")
        assertError("\r", line: 1, column: 1, "carriage return")
    }

    func testPositionsCountLinesAndScalars() {
        assertError("a = 1\r\nb = 2\n\n  c = é\n", line: 4, column: 7, "found 'é'")
        assertError("s = \"ünïcode\" x", line: 1, column: 15, "expected the end of the line")
    }
}
