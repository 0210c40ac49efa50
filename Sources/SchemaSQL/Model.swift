/// The typed SQL model: SQLite schema objects as values. `DDLEmitter` translates a resolved schema
/// into these values and renders them (`SQLRenderer`); `SchemaDatabase` introspects a live database
/// into the same values; `SchemaEvolve` diffs them. Nothing here parses or executes SQL.
///
/// SQL fragments the schema language keeps verbatim (CHECK and WHERE expressions, expression
/// defaults, view and trigger statements) are `String`s holding exactly the text SQLite stores.

/// Every object of a database's main schema that schemagen describes.
public struct SQLSchema: Sendable, Hashable {
    public var tables: [SQLTable]
    public var views: [SQLView]
    public var triggers: [SQLTrigger]
    /// `CREATE VIRTUAL TABLE` (FTS5 and other modules); their shadow tables are not listed.
    public var virtualTables: [SQLVirtualTable]
    public init(tables: [SQLTable] = [], views: [SQLView] = [], triggers: [SQLTrigger] = [], virtualTables: [SQLVirtualTable] = []) {
        self.tables = tables
        self.views = views
        self.triggers = triggers
        self.virtualTables = virtualTables
    }

    public func table(named name: String) -> SQLTable? { tables.first { $0.name.lowercased() == name.lowercased() } }
}

public enum SQLOrder: String, Sendable, Hashable { case asc = "ASC", desc = "DESC" }

public enum SQLForeignKeyAction: String, Sendable, Hashable, CaseIterable {
    case cascade = "CASCADE", restrict = "RESTRICT", setNull = "SET NULL", setDefault = "SET DEFAULT", noAction = "NO ACTION"
}

/// `DEFERRABLE INITIALLY DEFERRED` / `… IMMEDIATE`, `NOT DEFERRABLE`.
public enum SQLDeferrable: String, Sendable, Hashable {
    case initiallyDeferred = "DEFERRABLE INITIALLY DEFERRED"
    case initiallyImmediate = "DEFERRABLE INITIALLY IMMEDIATE"
    case notDeferrable = "NOT DEFERRABLE"
}

public struct SQLReference: Sendable, Hashable {
    public var table: String
    /// Empty: the referenced table's primary key.
    public var columns: [String]
    public var onDelete: SQLForeignKeyAction?
    public var onUpdate: SQLForeignKeyAction?
    public var deferrable: SQLDeferrable?
    public init(table: String, columns: [String] = [], onDelete: SQLForeignKeyAction? = nil, onUpdate: SQLForeignKeyAction? = nil, deferrable: SQLDeferrable? = nil) {
        self.table = table
        self.columns = columns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
        self.deferrable = deferrable
    }
}

/// What follows `DEFAULT`.
public enum SQLDefault: Sendable, Hashable {
    /// A literal written as is: `0`, `-1.5`, `'text'`, `NULL`, `X'00'`, `CURRENT_TIMESTAMP`.
    case literal(String)
    /// An expression, written in parentheses.
    case expression(String)

    /// The text SQLite reports in `PRAGMA table_xinfo.dflt_value` (an expression without its parentheses).
    public var storedText: String {
        switch self {
        case .literal(let s), .expression(let s): return s
        }
    }
}

/// `GENERATED ALWAYS AS (expression) VIRTUAL|STORED`.
public struct SQLGenerated: Sendable, Hashable {
    public var expression: String
    public var stored: Bool
    public init(expression: String, stored: Bool) {
        self.expression = expression
        self.stored = stored
    }
}

/// A column-level `PRIMARY KEY [ASC|DESC] [AUTOINCREMENT]`.
public struct SQLColumnPrimaryKey: Sendable, Hashable {
    public var order: SQLOrder?
    public var autoincrement: Bool
    public init(order: SQLOrder? = nil, autoincrement: Bool = false) {
        self.order = order
        self.autoincrement = autoincrement
    }
}

public struct SQLColumn: Sendable, Hashable {
    public var name: String
    /// The declared type as written (`INTEGER`, `TEXT`, `""` for none).
    public var type: String
    public var primaryKey: SQLColumnPrimaryKey?
    public var notNull: Bool
    public var unique: Bool
    public var defaultValue: SQLDefault?
    public var collation: String?
    public var checks: [String]
    public var references: SQLReference?
    public var generated: SQLGenerated?
    public init(name: String, type: String, primaryKey: SQLColumnPrimaryKey? = nil, notNull: Bool = false, unique: Bool = false,
                defaultValue: SQLDefault? = nil, collation: String? = nil, checks: [String] = [], references: SQLReference? = nil,
                generated: SQLGenerated? = nil) {
        self.name = name
        self.type = type
        self.primaryKey = primaryKey
        self.notNull = notNull
        self.unique = unique
        self.defaultValue = defaultValue
        self.collation = collation
        self.checks = checks
        self.references = references
        self.generated = generated
    }
}

public struct SQLForeignKey: Sendable, Hashable {
    public var columns: [String]
    public var reference: SQLReference
    public init(columns: [String], reference: SQLReference) {
        self.columns = columns
        self.reference = reference
    }
}

public struct SQLIndexedColumn: Sendable, Hashable {
    /// The column's name; empty for an expression term.
    public var name: String
    public var collation: String?
    public var order: SQLOrder?
    /// An expression term (`lower(email)`, `(a + b)`), verbatim as SQLite stores it.
    public var expression: String?
    public init(name: String, collation: String? = nil, order: SQLOrder? = nil, expression: String? = nil) {
        self.name = name
        self.collation = collation
        self.order = order
        self.expression = expression
    }
}

public struct SQLIndex: Sendable, Hashable {
    public var name: String
    public var table: String
    public var unique: Bool
    public var columns: [SQLIndexedColumn]
    /// A partial index's `WHERE` expression.
    public var whereClause: String?
    public init(name: String, table: String, unique: Bool = false, columns: [SQLIndexedColumn], whereClause: String? = nil) {
        self.name = name
        self.table = table
        self.unique = unique
        self.columns = columns
        self.whereClause = whereClause
    }
}

/// `CONSTRAINT name` before a table-level constraint: its kind and its position in the table's
/// list of that kind (`uniques`, `checks`, `foreignKeys`; 0 for the primary key).
public struct SQLConstraintName: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case primaryKey = "PRIMARY KEY", unique = "UNIQUE", check = "CHECK", foreignKey = "FOREIGN KEY" }
    public var name: String
    public var kind: Kind
    public var index: Int
    public init(name: String, kind: Kind, index: Int) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

public struct SQLTable: Sendable, Hashable {
    public var name: String
    public var columns: [SQLColumn]
    /// A table-level `PRIMARY KEY (a, b)`.
    public var primaryKey: [String]?
    /// Table-level `UNIQUE (…)` constraints.
    public var uniques: [[String]]
    /// Table-level `CHECK (…)` expressions.
    public var checks: [String]
    /// Table-level `FOREIGN KEY (…) REFERENCES …`.
    public var foreignKeys: [SQLForeignKey]
    public var withoutRowid: Bool
    /// A STRICT table (SQLite 3.37+).
    public var strict: Bool
    public var indexes: [SQLIndex]
    /// Names of table-level constraints (`CONSTRAINT pk_t PRIMARY KEY (…)`).
    public var constraintNames: [SQLConstraintName] = []
    public init(name: String, columns: [SQLColumn], primaryKey: [String]? = nil, uniques: [[String]] = [], checks: [String] = [],
                foreignKeys: [SQLForeignKey] = [], withoutRowid: Bool = false, strict: Bool = false, indexes: [SQLIndex] = [],
                constraintNames: [SQLConstraintName] = []) {
        self.constraintNames = constraintNames
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.uniques = uniques
        self.checks = checks
        self.foreignKeys = foreignKeys
        self.withoutRowid = withoutRowid
        self.strict = strict
        self.indexes = indexes
    }

    public func column(named name: String) -> SQLColumn? { columns.first { $0.name.lowercased() == name.lowercased() } }

    /// The primary key's columns, column-level or table-level.
    public var primaryKeyColumns: [String] {
        primaryKey ?? columns.filter { $0.primaryKey != nil }.map(\.name)
    }

    /// The column that is SQLite's rowid (a single-column primary key declared exactly `INTEGER`,
    /// not a column-level DESC key), or nil when the rowid is hidden (or the table is WITHOUT ROWID).
    public var rowidAlias: String? {
        guard !withoutRowid else { return nil }
        let pk = primaryKeyColumns
        guard pk.count == 1, let c = column(named: pk[0]), c.type.uppercased() == "INTEGER", c.primaryKey?.order != .desc else { return nil }
        return c.name
    }

    /// True when the table has AUTOINCREMENT (and so a row in `sqlite_sequence`).
    public var hasAutoincrement: Bool { columns.contains { $0.primaryKey?.autoincrement == true } }

    /// Every foreign key in declaration order: column-level ones in column order, then table-level ones.
    public var allForeignKeys: [SQLForeignKey] {
        columns.compactMap { c in c.references.map { SQLForeignKey(columns: [c.name], reference: $0) } } + foreignKeys
    }

    /// Every CHECK in declaration order: column-level ones in column order, then table-level ones.
    public var allChecks: [String] { columns.flatMap(\.checks) + checks }

    /// Every UNIQUE in declaration order: column-level ones in column order, then table-level ones.
    public var allUniques: [[String]] { columns.filter(\.unique).map { [$0.name] } + uniques }

    /// The name of a table-level constraint, if it has one.
    public func constraintName(_ kind: SQLConstraintName.Kind, _ index: Int = 0) -> String? {
        constraintNames.first { $0.kind == kind && $0.index == index }?.name
    }
}

/// A view, kept as the statement SQLite stores (`sqlite_schema.sql`).
public struct SQLView: Sendable, Hashable {
    public var name: String
    public var sql: String
    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// A trigger, kept as the statement SQLite stores (`sqlite_schema.sql`).
public struct SQLTrigger: Sendable, Hashable {
    public var name: String
    public var table: String
    public var sql: String
    public init(name: String, table: String, sql: String) {
        self.name = name
        self.table = table
        self.sql = sql
    }
}

/// A virtual table: `CREATE VIRTUAL TABLE name USING module(arguments)`; the arguments are kept
/// verbatim (FTS5's columns and options, or any other module's).
public struct SQLVirtualTable: Sendable, Hashable {
    public var name: String
    public var module: String
    /// The text between the parentheses after the module name, verbatim; nil without parentheses.
    public var arguments: String?
    public init(name: String, module: String, arguments: String?) {
        self.name = name
        self.module = module
        self.arguments = arguments
    }
}
