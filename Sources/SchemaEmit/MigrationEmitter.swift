import SchemaModel

/// Emits `<Schema>Migrations`: the schema's whole migration chain as static SQL and the one call an
/// app makes at launch, `try <Schema>Migrations.migrate(db)` (docs/MIGRATION.md, "Migrating at
/// launch"). The chain is computed at generate time (SchemagenDriver's `LaunchMigrations`); the
/// runtime's `SchemaMigrator` executes it.
public enum MigrationEmitter {
    /// `victor` → `VictorMigrations`.
    public static func typeName(for schema: Schema) -> String {
        SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(schema.name)) + "Migrations"
    }

    public static func emit(_ schema: Schema, chain: EmbeddedMigrations) -> String {
        let lit = SwiftNaming.stringLiteral
        let released = chain.structures.map { String($0.version) }.joined(separator: ", ")
        var out = "/// The `\(schema.name)` schema's migrations: version \(chain.version) and every released version before it (\(released)).\n"
        out += "public enum \(typeName(for: schema)) {\n"
        out += "    /// The schema version this code reads and writes.\n"
        out += "    public static let version = \(chain.version)\n\n"
        out += "    /// Call once when the app opens its database, before anything else uses it: creates a new\n"
        out += "    /// database at version \(chain.version) (stamped in `PRAGMA user_version`), brings one from any\n"
        out += "    /// released version to version \(chain.version) (one transaction per version, each recorded), and\n"
        out += "    /// returns at once on a current database (one `PRAGMA user_version` read). Refuses a database\n"
        out += "    /// newer than this code or not structurally its recorded version. Safe when two processes\n"
        out += "    /// launch at once (`BEGIN IMMEDIATE`, the version read again under the lock).\n"
        out += "    @discardableResult\n"
        out += "    public static func migrate(_ db: Database, structureCheck: SchemaMigrator.StructureCheck = .whenMigrating) throws(SchemaMigrationError) -> SchemaMigrationOutcome {\n"
        out += "        try SchemaMigrator.migrate(db, chain, structureCheck: structureCheck)\n"
        out += "    }\n\n"
        out += "    /// The chain, computed by schemagen from the frozen history with its planner.\n"
        out += "    public static let chain = SchemaMigration(\n"
        out += "        schema: \(lit(schema.name)),\n"
        out += "        version: \(chain.version),\n"
        out += "        create: [\n"
        for s in chain.create { out += "            \(lit(s)),\n" }
        out += "        ],\n"
        if chain.steps.isEmpty {
            out += "        steps: [],\n"
        } else {
            out += "        steps: [\n"
            for step in chain.steps {
                out += "            SchemaMigration.Step(from: \(step.from), to: \(step.to), statements: [\n"
                for s in step.statements { out += "                \(lit(s)),\n" }
                out += "            ], rebuilds: \(step.rebuilds)),\n"
            }
            out += "        ],\n"
        }
        out += "        structures: [\n"
        for s in chain.structures {
            out += "            \(s.version): \(lit(s.lines.joined(separator: "\n"))),\n"
        }
        out += "        ]\n"
        out += "    )\n"
        out += "}\n"
        return out
    }
}
