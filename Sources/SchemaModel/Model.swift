import SchemaSyntax
import SchemaSQL

/// A logical column type: what the value means, mapped both to an SQLite declared type and to a Swift type.
public enum LogicalType: Sendable, Hashable {
    case integer, real, text, blob
    /// INTEGER 0/1 in SQLite, `Bool` in Swift.
    case bool
    /// TEXT holding JSON; `JSONValue` in Swift, or the named `Codable` type (`json<Payload>`).
    case json(swiftType: String?)
    /// TEXT in SQLite's `datetime()` format (`YYYY-MM-DD HH:MM:SS`, UTC); `Date` in Swift.
    case timestamp
    /// REAL seconds since 1970-01-01 UTC; `Date` in Swift.
    case epoch

    /// The names accepted in schema files.
    public static let names = ["integer", "real", "text", "blob", "bool", "json", "timestamp", "epoch"]

    public init?(name: String, argument: String?) {
        switch name {
        case "integer": self = .integer
        case "real": self = .real
        case "text": self = .text
        case "blob": self = .blob
        case "bool": self = .bool
        case "json": self = .json(swiftType: argument)
        case "timestamp": self = .timestamp
        case "epoch": self = .epoch
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .integer: return "integer"
        case .real: return "real"
        case .text: return "text"
        case .blob: return "blob"
        case .bool: return "bool"
        case .json(let t): return t.map { "json<\($0)>" } ?? "json"
        case .timestamp: return "timestamp"
        case .epoch: return "epoch"
        }
    }

    /// The declared type written in the DDL.
    public var sqliteType: String {
        switch self {
        case .integer, .bool: return "INTEGER"
        case .real, .epoch: return "REAL"
        case .text, .json, .timestamp: return "TEXT"
        case .blob: return "BLOB"
        }
    }

    /// The Swift type of a non-optional value.
    public var swiftType: String {
        switch self {
        case .integer: return "Int64"
        case .real: return "Double"
        case .text: return "String"
        case .blob: return "Data"
        case .bool: return "Bool"
        case .json(let t): return t ?? "JSONValue"
        case .timestamp, .epoch: return "Date"
        }
    }
}

public enum DefaultValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double, text: String)
    case string(String)
    case bool(Bool)
    case null
    /// An SQL expression evaluated by SQLite, such as `datetime('now')`.
    case expression(String)

    /// The text after `DEFAULT` in the DDL.
    public var sql: String {
        switch self {
        case .integer(let v): return String(v)
        case .real(_, let text): return text
        case .string(let s): return SQLIdentifier.stringLiteral(s)
        case .bool(let b): return b ? "1" : "0"
        case .null: return "NULL"
        case .expression(let e): return "(\(e))"
        }
    }
}

public enum ForeignKeyAction: String, Sendable, Hashable, CaseIterable {
    case cascade = "CASCADE", restrict = "RESTRICT", setNull = "SET NULL", setDefault = "SET DEFAULT", noAction = "NO ACTION"
    public init?(syntax: String) {
        switch syntax {
        case "cascade": self = .cascade
        case "restrict": self = .restrict
        case "set null": self = .setNull
        case "set default": self = .setDefault
        case "no action": self = .noAction
        default: return nil
        }
    }
}

public struct ForeignKey: Sendable, Hashable {
    public var columns: [String]
    public var referencedTable: String
    /// Empty means the referenced table's primary key.
    public var referencedColumns: [String]
    public var onDelete: ForeignKeyAction?
    public var onUpdate: ForeignKeyAction?
    /// Written on the column (`references t(c)`) rather than as a table constraint.
    public var isColumnLevel: Bool
    public var range: SourceRange
    public var tableRange: SourceRange
    /// `deferrable initially deferred` and the other forms, lowercased as written.
    public var deferrable: String? = nil
}

/// An inline `@allow(rule, reason: "…")` on a table, column or index.
public struct Suppression: Sendable, Hashable {
    public var rule: String
    public var reason: String
    public var range: SourceRange
}

public struct Column: Sendable, Hashable {
    public var name: String
    public var type: LogicalType
    public var isNullable: Bool
    /// Declared `primary key` on the column itself.
    public var isPrimaryKey: Bool
    public var primaryKeyDescending: Bool?
    public var isAutoincrement: Bool
    public var isUnique: Bool
    public var defaultValue: DefaultValue?
    public var checks: [String]
    public var collation: String?
    public var doc: String?
    /// `@swift("name")`: the Swift property name, overriding lowerCamelCase.
    public var swiftName: String?
    public var suppressions: [Suppression]
    public var range: SourceRange
    public var nameRange: SourceRange
    public var typeRange: SourceRange
    /// Where each of `checks` is written: exactly its text (SchemaCheck locates SQLite's errors with these).
    public var checkRanges: [SourceRange] = []
    /// Where the default is written; for `.expression` exactly the expression's text.
    public var defaultRange: SourceRange? = nil
    /// `@convert(from: type)`: `schemagen evolve` may convert the stored values from that type.
    public var convertedFrom: LogicalType? = nil
    /// `@renamed(from: old_name)`: the column's name in the previous version (the planner renames it).
    public var renamedFrom: String? = nil
    public var renamedFromRange: SourceRange? = nil
    /// `sql "NVARCHAR(160)"`: the declared type in the DDL (`""`: none), instead of the logical type's.
    public var declaredType: String? = nil
    /// `as (expr) stored|virtual`: a generated column.
    public var generated: GeneratedColumn? = nil
    /// `in ('a', 'b')`: the closed set of values, emitted as `CHECK (col IN (…))`.
    public var allowedValues: [DefaultValue]? = nil
    /// Where `in (…)` is written.
    public var allowedValuesRange: SourceRange? = nil
    /// `not null` written on a primary key column: emitted (SQLite's legacy rule admits NULL otherwise).
    public var isExplicitNotNull: Bool = false

    /// The declared type written in the DDL.
    public var sqlType: String { declaredType ?? type.sqliteType }
}

public struct GeneratedColumn: Sendable, Hashable {
    public var expression: String
    public var isStored: Bool
    /// Exactly the expression's text.
    public var range: SourceRange
}

/// `trigger NAME before|after|instead of EVENT on TABLE … { body }`.
public struct Trigger: Sendable, Hashable {
    public enum Timing: String, Sendable, Hashable { case before = "BEFORE", after = "AFTER", insteadOf = "INSTEAD OF" }
    public enum Event: String, Sendable, Hashable { case insert = "INSERT", update = "UPDATE", delete = "DELETE" }
    public var name: String
    public var timing: Timing
    public var event: Event
    public var updateColumns: [String]
    public var table: String
    public var forEachRow: Bool
    public var whenClause: String?
    public var whenRange: SourceRange?
    /// The body's statements, verbatim.
    public var body: String
    public var bodyRange: SourceRange
    public var doc: String?
    public var range: SourceRange
    public var nameRange: SourceRange
    public var tableRange: SourceRange
}

/// `virtual table NAME using MODULE(arguments)`.
public struct VirtualTable: Sendable, Hashable {
    public var name: String
    public var module: String
    public var arguments: String?
    public var argumentsRange: SourceRange?
    public var doc: String?
    public var range: SourceRange
    public var nameRange: SourceRange
}

public struct IndexedColumn: Sendable, Hashable {
    /// The column; for an expression term, the expression's text.
    public var name: String
    public var descending: Bool?
    public var range: SourceRange
    /// `lower(email)`: an expression term, verbatim (its range is `range`).
    public var expression: String? = nil
    /// `collate nocase` on the term.
    public var collation: String? = nil
}

public struct Index: Sendable, Hashable {
    public var name: String
    public var columns: [IndexedColumn]
    public var isUnique: Bool
    public var whereClause: String?
    public var doc: String?
    public var suppressions: [Suppression]
    public var range: SourceRange
    public var nameRange: SourceRange
    /// Exactly the text of `whereClause`.
    public var whereRange: SourceRange? = nil
}

public struct UniqueConstraint: Sendable, Hashable {
    public var columns: [String]
    public var range: SourceRange
}

/// Where a target table's rows come from in a legacy database (see docs/MIGRATION.md).
public struct LegacySource: Sendable, Hashable {
    public struct Assignment: Sendable, Hashable {
        public var target: String
        public var expression: String
        public var range: SourceRange
        public var targetRange: SourceRange
        /// Exactly the text of `expression`.
        public var expressionRange: SourceRange? = nil
    }
    public struct Unpivot: Sendable, Hashable {
        public struct Entry: Sendable, Hashable {
            public var column: String
            public var key: String
            public var range: SourceRange
        }
        public var keyColumn: String
        public var valueColumn: String
        public var entries: [Entry]
        public var range: SourceRange
    }
    public struct Pack: Sendable, Hashable {
        public var target: String
        public var columns: [String]
        public var range: SourceRange
    }
    public struct Drop: Sendable, Hashable {
        public var columns: [String]
        public var reason: String
        public var range: SourceRange
    }
    public var legacyTable: String
    public var whereClause: String?
    /// Exactly the text of `whereClause`.
    public var whereRange: SourceRange? = nil
    /// `from t distinct { … }`: one target row per distinct tuple; existing primary keys are skipped.
    public var isDistinct: Bool = false
    public var assignments: [Assignment]
    public var unpivot: Unpivot?
    public var packs: [Pack]
    public var archived: [String]
    public var archiveRange: SourceRange?
    public var drops: [Drop]
    public var doc: String?
    public var range: SourceRange
    public var nameRange: SourceRange

    /// True when the mapping writes no target column: the rows only go to the archive table.
    public var isArchiveOnly: Bool { assignments.isEmpty && unpivot == nil && packs.isEmpty }

    /// Target rows written per legacy row (0 for an archive-only mapping).
    public var rowFactor: Int { isArchiveOnly ? 0 : unpivot?.entries.count ?? 1 }
}

public struct Table: Sendable, Hashable {
    public var name: String
    /// The domain prefix the table is declared in, if any.
    public var domain: String?
    public var doc: String?
    /// `@swift("Name")`: the Swift type name, overriding the derived one.
    public var swiftName: String?
    public var columns: [Column]
    /// A table-level `primary key (a, b)`.
    public var primaryKeyConstraint: UniqueConstraint?
    public var uniqueConstraints: [UniqueConstraint]
    public var checks: [String]
    /// Every foreign key: the column-level ones first, in column order, then the table-level ones.
    public var foreignKeys: [ForeignKey]
    public var indexes: [Index]
    public var legacySources: [LegacySource]
    public var suppressions: [Suppression]
    public var range: SourceRange
    public var nameRange: SourceRange
    /// Where each of `checks` is written: exactly its text.
    public var checkRanges: [SourceRange] = []
    /// `table t strict { … }`.
    public var isStrict: Bool = false
    /// `table t without rowid { … }`.
    public var isWithoutRowid: Bool = false
    /// `constraint NAME …` on table-level constraints (indexes count table-level ones of each kind).
    public var constraintNames: [SQLConstraintName] = []
    /// `@renamed(from: old_name)`: the table's name in the previous version (the planner renames it).
    public var renamedFrom: String? = nil
    public var renamedFromRange: SourceRange? = nil

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The primary key's columns, from the column-level or table-level declaration.
    public var primaryKey: [String] {
        if let pk = primaryKeyConstraint { return pk.columns }
        return columns.filter(\.isPrimaryKey).map(\.name)
    }

    /// True when the table has a single `integer primary key` column: SQLite's rowid alias.
    public var rowidAlias: Column? {
        let pk = primaryKey
        guard !isWithoutRowid, pk.count == 1, let c = column(named: pk[0]), c.type == .integer, c.sqlType.uppercased() == "INTEGER",
              c.primaryKeyDescending != true else { return nil }
        return c
    }

    /// Every set of columns SQLite keeps unique: the primary key and each UNIQUE (column or table level).
    public var uniqueKeys: [[String]] {
        var keys: [[String]] = []
        if !primaryKey.isEmpty { keys.append(primaryKey) }
        for c in columns where c.isUnique { keys.append([c.name]) }
        for u in uniqueConstraints { keys.append(u.columns) }
        return keys
    }
}

/// `query NAME { SQL }`: a statement checked by SQLite at generate time that becomes a typed
/// Swift method (docs/LANGUAGE.md, "Queries and views").
public struct Query: Sendable, Hashable {
    public var name: String
    /// The table whose DAO gets the method (declared inside its block); nil for a schema-wide
    /// query (top level or in a domain), a method of the `<Schema>Queries` namespace (`db.queries`).
    public var table: String?
    /// The domain the query is declared in (directly or through its table), if any.
    public var domain: String?
    public var doc: String?
    /// The SQL exactly as written between the braces (comments and whitespace included).
    public var sql: String
    /// Where `sql` is in the file: errors at an offset in the SQL point at `sqlRange.start + offset`.
    public var sqlRange: SourceRange
    public var nameRange: SourceRange
    public var range: SourceRange
    public init(name: String, table: String?, domain: String?, doc: String?, sql: String, sqlRange: SourceRange, nameRange: SourceRange, range: SourceRange) {
        self.name = name; self.table = table; self.domain = domain; self.doc = doc; self.sql = sql
        self.sqlRange = sqlRange; self.nameRange = nameRange; self.range = range
    }
}

/// `view NAME { SELECT … }`: emitted as `CREATE VIEW` (after the tables, in dependency order),
/// with a read-only row struct.
public struct View: Sendable, Hashable {
    public var name: String
    public var domain: String?
    public var doc: String?
    /// The SELECT exactly as written between the braces.
    public var sql: String
    public var sqlRange: SourceRange
    public var nameRange: SourceRange
    public var range: SourceRange
    public init(name: String, domain: String?, doc: String?, sql: String, sqlRange: SourceRange, nameRange: SourceRange, range: SourceRange) {
        self.name = name; self.domain = domain; self.doc = doc; self.sql = sql
        self.sqlRange = sqlRange; self.nameRange = nameRange; self.range = range
    }
}

/// `@run(version: N, before|after) migration NAME { SQL }`: hand-written SQL (a backfill, a data fix)
/// run inside the launch migration step that reaches version `version`, before or after its
/// structural statements, checked by SQLite at generate time against the schema at that point
/// (docs/MIGRATION.md, "Data steps").
public struct DataStep: Sendable, Hashable {
    public enum Point: String, Sendable, Hashable {
        /// Before the step's structural statements: the database is exactly the previous version.
        case before
        /// After them: the database has this version's structure.
        case after
    }
    public var name: String
    public var version: Int
    public var point: Point
    public var doc: String?
    /// The SQL exactly as written between the braces (one or more statements).
    public var sql: String
    public var sqlRange: SourceRange
    public var nameRange: SourceRange
    public var range: SourceRange
    public init(name: String, version: Int, point: Point, doc: String?, sql: String, sqlRange: SourceRange, nameRange: SourceRange, range: SourceRange) {
        self.name = name; self.version = version; self.point = point; self.doc = doc; self.sql = sql
        self.sqlRange = sqlRange; self.nameRange = nameRange; self.range = range
    }
}

/// `@dropped(TABLE, version: N, reason: "…")` or `@dropped(TABLE, column: COLUMN, version: N, reason: "…")`
/// before the `schema` header: the migration step reaching version `version` may drop that table or
/// column and its stored values (docs/MIGRATION.md, "Declared drops").
public struct DeclaredDrop: Sendable, Hashable {
    public var table: String
    public var column: String?
    public var version: Int
    public var reason: String
    public var range: SourceRange
    public init(table: String, column: String?, version: Int, reason: String, range: SourceRange) {
        self.table = table; self.column = column; self.version = version; self.reason = reason; self.range = range
    }
    /// `table` or `table.column`, lowercased: what a plan's dropped items are matched against.
    public var key: String { column.map { "\(table).\($0)" }?.lowercased() ?? table.lowercased() }
}

public struct Domain: Sendable, Hashable {
    /// The prefix, e.g. `rl`; tables in the domain are named `rl_…`.
    public var name: String
    public var description: String?
    public var doc: String?
    public var tableNames: [String]
    public var range: SourceRange
    public var nameRange: SourceRange
}

/// The design principles, as data. The defaults are the proposal's.
public struct NamingRules: Sendable, Hashable {
    public enum Case: String, Sendable, Hashable { case snakeCase = "snake_case" }
    public var nameCase: Case = .snakeCase
    public var singularTables = true
    public var maxWords = 3
    public var forbiddenSuffixes = ["stats", "history"]
    public var requireDomain = true
    public var range: SourceRange?
    public init() {}
}

/// Lint settings written in the schema file's `lint { }` block.
public struct LintSettings: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var value: ConfigValue
        public var keyRange: SourceRange
    }
    /// Every setting, keyed by rule id or option name, validated by SchemaLint.
    public var entries: [String: Entry] = [:]
    public var orderedKeys: [String] = []
    public init() {}
}

/// A resolved schema: what the emitters and lint rules read.
public struct Schema: Sendable, Hashable {
    public var name: String
    public var version: Int
    public var naming: NamingRules
    public var lint: LintSettings
    public var domains: [Domain]
    /// Every table in source order.
    public var tables: [Table]
    public var file: String
    /// The ranges of declarations the resolver already reported as meaningless (a column whose
    /// type is unknown): later stages report nothing inside them, so one mistake is one error.
    public var failedDeclarations: [SourceRange] = []
    /// Every `query` in source order (table queries and schema-wide ones).
    public var queries: [Query] = []
    /// Every `view` in source order (`DDLEmitter` orders them by dependency).
    public var views: [View] = []
    /// Every trigger, in source order (emitted after the tables).
    public var triggers: [Trigger] = []
    /// Every virtual table, in source order (emitted after the tables, before the triggers).
    public var virtualTables: [VirtualTable] = []
    /// Hand-written data steps of version migrations (`@run(version: N, before|after) migration NAME { SQL }`), in source order.
    public var dataSteps: [DataStep] = []
    /// What a version's migration may drop (`@dropped(…)` before the `schema` header), in source order.
    public var declaredDrops: [DeclaredDrop] = []

    /// Whether a range lies inside a declaration that already failed.
    public func isInsideFailedDeclaration(_ r: SourceRange) -> Bool {
        failedDeclarations.contains { $0.start <= r.start && r.end <= $0.end }
    }

    /// Linear; for lookups in a loop use `tablesByName`.
    public func table(named name: String) -> Table? { tables.first { $0.name == name } }
    public func domain(named name: String) -> Domain? { domains.first { $0.name == name } }

    /// Tables by lowercased name (SQLite names are case-insensitive); the first definition wins.
    public var tablesByName: [String: Table] {
        var map: [String: Table] = [:]
        map.reserveCapacity(tables.count)
        for t in tables where map[t.name.lowercased()] == nil { map[t.name.lowercased()] = t }
        return map
    }

    /// Tables ordered so that every referenced table comes before the tables referencing it,
    /// otherwise in source order (a depth-first topological sort, linear in tables + keys;
    /// a reference cycle keeps the order in which the cycle was entered).
    public var tablesInDependencyOrder: [Table] {
        var position: [String: Int] = [:]
        for (i, t) in tables.enumerated() where position[t.name.lowercased()] == nil { position[t.name.lowercased()] = i }
        var state = [UInt8](repeating: 0, count: tables.count) // 0 new, 1 in progress, 2 done
        var order: [Table] = []
        order.reserveCapacity(tables.count)
        for root in tables.indices where state[root] == 0 {
            // Iterative DFS: (table index, next foreign key to visit).
            var stack: [(Int, Int)] = [(root, 0)]
            state[root] = 1
            while let (i, k) = stack.last {
                let fks = tables[i].foreignKeys
                if k < fks.count {
                    stack[stack.count - 1].1 += 1
                    if let j = position[fks[k].referencedTable.lowercased()], state[j] == 0 {
                        state[j] = 1
                        stack.append((j, 0))
                    }
                } else {
                    stack.removeLast()
                    state[i] = 2
                    order.append(tables[i])
                }
            }
        }
        return order
    }
}
