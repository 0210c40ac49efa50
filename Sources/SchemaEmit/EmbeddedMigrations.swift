import SchemaModel

/// A schema's migration chain as the generated code embeds it (computed by SchemagenDriver's
/// `LaunchMigrations` from the frozen history with SchemaEvolve's planner; executed at launch by
/// SchemagenRuntime's `SchemaMigrator`): the create statements of the current version, one step per
/// released version to the next, and each version's expected structure (`SchemaStructure`).
public struct EmbeddedMigrations: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var statements: [String]
        public var rebuilds: Bool
        public init(from: Int, to: Int, statements: [String], rebuilds: Bool) {
            self.from = from
            self.to = to
            self.statements = statements
            self.rebuilds = rebuilds
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
