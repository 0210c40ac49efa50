import SchemaModel
import SchemaSQL

/// A schema's migration chain as the generated code embeds it (computed by SchemagenDriver's
/// `LaunchMigrations` from the frozen history with SchemaEvolve's planner; executed at launch by
/// SchemagenRuntime's `SchemaMigrator`): the create statements of the current version, one step per
/// released version to the next, and each version's expected structure (`SchemaStructure`).
public struct EmbeddedMigrations: Sendable, Hashable {
    /// A hand-written data step (`migration NAME { SQL }`), checked by SQLite at generate time.
    public struct DataStep: Sendable, Hashable {
        public var name: String
        public var sql: String
        public init(name: String, sql: String) { self.name = name; self.sql = sql }
    }
    /// A check of stored values run inside the step (SchemaMigration.ValueCheck).
    public struct ValueCheck: Sendable, Hashable {
        public var table: String
        public var column: String
        public var problem: String
        public var setup: [String]
        public var query: String
        public init(table: String, column: String, problem: String, setup: [String], query: String) {
            self.table = table; self.column = column; self.problem = problem; self.setup = setup; self.query = query
        }
    }
    public struct Step: Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var statements: [String]
        public var rebuilds: Bool
        public var before: [DataStep] = []
        public var after: [DataStep] = []
        public var checks: [ValueCheck] = []
        public init(from: Int, to: Int, statements: [String], rebuilds: Bool,
                    before: [DataStep] = [], after: [DataStep] = [], checks: [ValueCheck] = []) {
            self.from = from
            self.to = to
            self.statements = statements
            self.rebuilds = rebuilds
            self.before = before
            self.after = after
            self.checks = checks
        }
    }
    public var version: Int
    public var create: [String]
    public var steps: [Step]
    /// Version → structure lines (ascending versions).
    public var structures: [(version: Int, lines: [String])]
    public init(version: Int, create: [String], steps: [Step], structures: [(version: Int, lines: [String])]) {
        self.version = version
        self.create = create
        self.steps = steps
        self.structures = structures
    }
    public static func == (a: EmbeddedMigrations, b: EmbeddedMigrations) -> Bool {
        a.version == b.version && a.create == b.create && a.steps == b.steps
            && a.structures.map(\.version) == b.structures.map(\.version) && a.structures.map(\.lines) == b.structures.map(\.lines)
    }
    public func hash(into h: inout Hasher) {
        h.combine(version); h.combine(create); h.combine(steps)
    }
}

extension EmbeddedMigrations {
    /// What creates a version from nothing, in `DDLEmitter.script`'s order: its tables and indexes
    /// (referenced tables first), virtual tables, views in dependency order, then triggers (which
    /// may be on views). The one list behind `<Schema>DDL.sql` and the chain's create statements
    /// (which generated code references rather than repeats).
    public static func creationStatements(_ schema: Schema) -> [String] {
        let sql = DDLEmitter.sqlSchema(schema)
        return sql.tables.flatMap(SQLRenderer.statements(for:)) + sql.virtualTables.map(SQLRenderer.createVirtualTable)
            + schema.viewsInDependencyOrder.map { DDLEmitter.createViewStatement(name: $0.name, select: $0.statementSQL) }
            + sql.triggers.map(\.sql)
    }

    /// Statements as one script, each ended by `;`, one per line.
    public static func script(_ statements: [String]) -> String {
        statements.map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n")
    }
}
