import SchemaModel

/// A view to create in the analysis database: `CREATE VIEW name AS sql`.
public struct ViewDefinition: Sendable, Hashable {
    public var name: String
    /// The view's SELECT statement, as written.
    public var sql: String
    public init(name: String, sql: String) { self.name = name; self.sql = sql }
}

/// What a statement does.
public enum StatementKind: String, Sendable, Hashable {
    case select, insert, update, delete
}

/// The table column a value comes from (in the schema, after following aliases, views, CTEs and subqueries).
public struct ColumnOrigin: Sendable, Hashable {
    public var table: String
    public var column: String
    public init(table: String, column: String) { self.table = table; self.column = column }
}

/// A named SQL parameter (`:snake_name`), in order of first appearance.
public struct QueryParameter: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// Compared with, assigned to or inserted into this column.
        case column(ColumnOrigin)
        /// `LIMIT :n` / `OFFSET :m`: a Swift `Int`.
        case limit
        /// A `/* as TYPE */` annotation after the parameter.
        case annotation
    }
    /// The name without the colon (`learner_id`).
    public var name: String
    /// The SQLite bind index (every occurrence of the name shares it).
    public var index: Int32
    public var type: LogicalType
    /// Nil may be bound: the column is nullable, the comparison is `IS`/`IS NOT`, or the annotation says `?`.
    public var isOptional: Bool
    /// `col IN (:p)`: the caller passes an array; see `AnalyzedQuery.sql(expandingLists:)`.
    public var isList: Bool
    public var source: Source
    /// UTF-8 byte offset of each occurrence of `:name` in the SQL.
    public var offsets: [Int]

    /// The Swift type of the argument: `Int` for LIMIT/OFFSET, `[T]` for a list, `T?` when optional.
    public var swiftType: String {
        let base = source == .limit ? "Int" : type.swiftType
        let element = isOptional ? base + "?" : base
        return isList ? "[\(element)]" : element
    }
}

/// One column of the rows a statement returns.
public struct ResultColumn: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A table column, possibly through aliases, views, CTEs and subqueries.
        case column
        /// `count`, `sum`, `avg`, `min`, `max`, `total`, `group_concat`, a window function or `coalesce`.
        case function(String)
        case cast
        case literal
        /// A `/* as TYPE */` annotation.
        case annotation
        /// A scalar subquery `(SELECT …)`.
        case subquery
    }
    /// The name SQLite gives the column (`sqlite3_column_name`).
    public var name: String
    public var type: LogicalType
    public var isOptional: Bool
    /// The table column SQLite reports as the value's origin (`sqlite3_column_table_name`/`origin_name`), if any.
    public var origin: ColumnOrigin?
    public var source: Source
    /// UTF-8 byte offset of the result column (of its `*` for columns a star expands to) in the SQL.
    public var offset: Int?

    /// The Swift type of the property: `T` or `T?`.
    public var swiftType: String { type.swiftType + (isOptional ? "?" : "") }
}

/// A statement verified by SQLite, with everything code generation needs.
public struct AnalyzedQuery: Sendable, Hashable {
    /// The SQL exactly as given.
    public var sql: String
    public var kind: StatementKind
    public var parameters: [QueryParameter]
    /// Empty for a statement without result rows.
    public var columns: [ResultColumn]
    /// `sqlite3_column_count > 0`: a SELECT, or a write with RETURNING.
    public var returnsRows: Bool { !columns.isEmpty }
    /// `sqlite3_stmt_readonly`.
    public var isReadOnly: Bool
    /// Schema tables the statement reads (SQLite's authorizer, through views), sorted by name.
    public var tablesRead: [String]
    /// Schema tables the statement inserts into, updates or deletes from, sorted by name.
    public var tablesWritten: [String]
    /// Views the statement reads, sorted by name.
    public var viewsRead: [String]
    /// The schema table whose row the statement returns exactly (every column, in order, with the
    /// table's types and nullability): the caller can reuse that table's row struct.
    public var rowTable: String?

    /// The SQL with each list parameter's occurrences expanded to `count` parameters
    /// (`:ids` → `:ids__1, :ids__2`; a count of 0 gives `IN ()`, which SQLite reads as an empty list).
    /// Bind element `k` (1-based) of list `name` to the parameter named `:name__k`.
    public func sql(expandingLists counts: [String: Int]) -> String {
        let lists = parameters.filter(\.isList)
        guard !lists.isEmpty else { return sql }
        var edits: [(Int, Int, String)] = []
        for p in lists {
            let n = counts[p.name] ?? 0
            let replacement = (0..<n).map { ":\(p.name)__\($0 + 1)" }.joined(separator: ", ")
            for o in p.offsets { edits.append((o, o + 1 + p.name.utf8.count, replacement)) }
        }
        var bytes = Array(sql.utf8)
        for (start, end, text) in edits.sorted(by: { $0.0 > $1.0 }) {
            bytes.replaceSubrange(start..<end, with: Array(text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a statement (or a view) was refused. `offset`/`length` locate the offending token inside
/// the SQL text (UTF-8 bytes), so the caller can point at it in the schema file.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case empty, syntax, unknownTable, unknownColumn, unknownFunction, ambiguousColumn, misplacedParameter
        case multipleStatements, writeToView, unsupportedStatement
        case badParameterName, unknownParameterType, conflictingParameterType
        case untypedResultColumn, duplicateResultName, badAnnotation
        case viewCycle, duplicateView
        /// Any other error SQLite reports (an unknown function, a constraint in the DDL, …).
        case sqlite
    }
    public var kind: Kind
    public var message: String
    public var offset: Int
    public var length: Int
    /// The replacement a "did you mean" suggests for the located token.
    public var suggestion: String?
    /// The view whose SQL the location points into, or nil for the analysed statement.
    public var view: String?

    public init(_ kind: Kind, _ message: String, offset: Int, length: Int, suggestion: String? = nil, view: String? = nil) {
        self.kind = kind; self.message = message; self.offset = offset; self.length = length
        self.suggestion = suggestion; self.view = view
    }

    public var description: String { "\(view.map { "view \($0): " } ?? "")\(offset): \(message)" }
}

import SchemaSyntax

extension QueryError {
    /// The error as a located diagnostic, for SQL taken verbatim from a schema file: `sqlStart` is
    /// the byte offset in `file` of the SQL's first byte (of the view's SQL when `view` is set).
    /// A "did you mean" becomes a fix-it replacing the located token.
    public func diagnostic(file: String, sqlStart: Int) -> Diagnostic {
        let range = SourceRange(start: sqlStart + offset, end: sqlStart + offset + length)
        var fixIts: [FixIt] = []
        if let suggestion, length > 0 {
            fixIts.append(FixIt(message: "replace with '\(suggestion)'", range: range, replacement: suggestion))
        }
        return Diagnostic(.error, message, file: file, range: range, fixIts: fixIts, id: messageID)
    }
}
