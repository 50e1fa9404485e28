/// One cell of a result table.
public enum ResultCell: Equatable, Sendable {
    /// A number (formatted by the renderer; NaN and infinities print as `NaN`, `inf`, `-inf`).
    case number(Double)
    /// Text as is (e.g. the reference's partial scores like `45.2(150/200)`).
    case text(String)
    /// No value.
    case missing

    /// Equal when of the same kind with equal contents; NaN numbers are equal to each other.
    public static func == (lhs: ResultCell, rhs: ResultCell) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.text(let a), .text(let b)): return a == b
        case (.missing, .missing): return true
        default: return false
        }
    }
}

/// A table of results: labelled rows (e.g. methods) × labelled columns (e.g. datasets or
/// lengths), any cell possibly missing, rendered as CSV or Markdown.
///
/// ```swift
/// var table = ResultTable(rowHeader: "method", columns: ["qasper", "trec"])
/// table["GALI", "qasper"] = .number(29.31)
/// table["NTK", "trec"] = .text("61.5(150/200)")
/// print(table.markdown())
/// ```
public struct ResultTable: Equatable, Sendable {
    /// An optional caption (Markdown prints it above the table; CSV has no place for it).
    public var title: String?
    /// The header of the label column.
    public var rowHeader: String
    /// Column labels in order.
    public private(set) var columns: [String]
    /// Row labels in order.
    public private(set) var rows: [String]
    private var cells: [String: [String: ResultCell]] = [:]

    /// An empty table with the given labels (more are added when cells are set).
    public init(title: String? = nil, rowHeader: String = "", columns: [String] = [], rows: [String] = []) {
        self.title = title
        self.rowHeader = rowHeader
        self.columns = []
        self.rows = []
        for column in columns { addColumn(column) }
        for row in rows { addRow(row) }
    }

    /// Adds a column at the end unless it exists.
    public mutating func addColumn(_ label: String) {
        if !columns.contains(label) { columns.append(label) }
    }

    /// Adds a row at the end unless it exists.
    public mutating func addRow(_ label: String) {
        if !rows.contains(label) { rows.append(label) }
    }

    /// The cell at `row`, `column` (`.missing` when unset); setting adds the row and column when
    /// they are new.
    public subscript(row: String, column: String) -> ResultCell {
        get { cells[row]?[column] ?? .missing }
        set {
            addRow(row)
            addColumn(column)
            cells[row, default: [:]][column] = newValue
        }
    }

    /// Sets a whole row from numbers by column label (`nil` values leave cells missing).
    public mutating func setRow(_ row: String, numbers: [String: Double?]) {
        addRow(row)
        for (column, value) in numbers.sorted(by: { $0.key < $1.key }) {
            self[row, column] = value.map(ResultCell.number) ?? .missing
        }
    }

    /// The table with rows and columns swapped (`rowHeader` kept).
    public func transposed() -> ResultTable {
        var result = ResultTable(title: title, rowHeader: rowHeader, columns: rows, rows: columns)
        for row in rows {
            for column in columns { result.cells[column, default: [:]][row] = self[row, column] }
        }
        return result
    }

    /// Equal when titles, labels (in order) and every cell are.
    public static func == (lhs: ResultTable, rhs: ResultTable) -> Bool {
        guard lhs.title == rhs.title, lhs.rowHeader == rhs.rowHeader, lhs.columns == rhs.columns, lhs.rows == rhs.rows else {
            return false
        }
        return lhs.rows.allSatisfy { row in lhs.columns.allSatisfy { lhs[row, $0] == rhs[row, $0] } }
    }
}
