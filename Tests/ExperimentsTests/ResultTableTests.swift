import XCTest
@testable import Experiments

final class ResultTableTests: XCTestCase {
    func sample() -> ResultTable {
        var table = ResultTable(rowHeader: "method", columns: ["qasper", "trec"])
        table["GALI", "qasper"] = .number(29.314)
        table["GALI", "trec"] = .number(64)
        table["NTK", "trec"] = .text("61.5(150/200)")
        return table
    }

    func testCellsAndLabels() {
        var table = sample()
        XCTAssertEqual(table.rows, ["GALI", "NTK"])
        XCTAssertEqual(table.columns, ["qasper", "trec"])
        XCTAssertEqual(table["NTK", "qasper"], .missing)
        XCTAssertEqual(table["nobody", "nothing"], .missing)
        table["YaRN", "lcc"] = .number(.nan)
        XCTAssertEqual(table.rows.last, "YaRN")
        XCTAssertEqual(table.columns.last, "lcc")
        XCTAssertEqual(table["YaRN", "lcc"], .number(.nan))
        table.addRow("GALI")
        table.addColumn("trec")
        XCTAssertEqual(table.rows.count, 3)
        XCTAssertEqual(table.columns.count, 3)
        table.setRow("SE", numbers: ["qasper": 1.5, "trec": nil])
        XCTAssertEqual(table["SE", "qasper"], .number(1.5))
        XCTAssertEqual(table["SE", "trec"], .missing)
    }

    func testTranspose() {
        let table = sample()
        let transposed = table.transposed()
        XCTAssertEqual(transposed.rows, ["qasper", "trec"])
        XCTAssertEqual(transposed.columns, ["GALI", "NTK"])
        XCTAssertEqual(transposed["trec", "NTK"], .text("61.5(150/200)"))
        XCTAssertEqual(transposed.transposed(), table)
        XCTAssertNotEqual(transposed, table)
    }

    func testCSV() {
        var table = sample()
        table["row, with \"quotes\"", "qasper"] = .text("two\nlines")
        table["inf", "trec"] = .number(-.infinity)
        XCTAssertEqual(table.csv(), """
        method,qasper,trec\r
        GALI,29.314,64\r
        NTK,,61.5(150/200)\r
        "row, with ""quotes""\",\"two
        lines",\r
        inf,,-inf\r

        """)
        XCTAssertEqual(sample().csv(numbers: .fixed(1), lineEnding: "\n"), "method,qasper,trec\nGALI,29.3,64.0\nNTK,,61.5(150/200)\n")
    }

    func testCSVRoundTripsThroughAnRFC4180Reader() {
        var table = ResultTable(rowHeader: "a\"b", columns: ["x,y", "z"])
        table["r\r\n1", "x,y"] = .text(" lead and trail ")
        table["r\r\n1", "z"] = .number(0.1)
        let records = parseCSV(table.csv())
        XCTAssertEqual(records, [["a\"b", "x,y", "z"], ["r\r\n1", " lead and trail ", "0.1"]])
    }

    /// A minimal RFC 4180 reader (the obvious twin of the writer).
    func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" { field += "\""; scalars = scalars.dropFirst() } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\r", scalars.first == "\n" {
                scalars = scalars.dropFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        return records
    }

    func testMarkdown() {
        var table = sample()
        table.title = "LongBench"
        XCTAssertEqual(table.markdown(), """
        **LongBench**

        | method | qasper | trec          |
        | :----- | -----: | :------------ |
        | GALI   |  29.31 | 64.00         |
        | NTK    |      – | 61.5(150/200) |

        """)
    }

    func testMarkdownAlignmentEscapingAndWidth() {
        var table = ResultTable(rowHeader: "", columns: ["x"])
        table["北京", "x"] = .number(1)
        table["a|b", "x"] = .number(.nan)
        table["line\nbreak", "x"] = .missing
        XCTAssertEqual(table.markdown(numbers: .fixed(0), missing: "n/a"), """
        |               |   x |
        | :------------ | --: |
        | 北京          |   1 |
        | a\\|b          | NaN |
        | line<br>break | n/a |

        """)
        XCTAssertEqual(ResultTable.displayWidth("北京a"), 5)
        XCTAssertEqual(ResultTable.displayWidth("e\u{301}"), 1)
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberFormat.shortest.string(0.1), "0.1")
        XCTAssertEqual(NumberFormat.shortest.string(45), "45")
        XCTAssertEqual(NumberFormat.shortest.string(1e-5), "1e-05")
        XCTAssertEqual(NumberFormat.fixed(2).string(2.675), "2.67")
        XCTAssertEqual(NumberFormat.fixed(2).string(-0.001), "0.00")
        XCTAssertEqual(NumberFormat.fixed(-1).string(3.6), "4")
        XCTAssertEqual(NumberFormat.fixed(2).string(.infinity), "inf")
        XCTAssertEqual(NumberFormat.shortest.string(.nan), "NaN")
    }

    func testEmptyTable() {
        let table = ResultTable()
        XCTAssertEqual(table.csv(), "\r\n")
        XCTAssertEqual(table.markdown(), "|     |\n| :-- |\n")
    }
}
