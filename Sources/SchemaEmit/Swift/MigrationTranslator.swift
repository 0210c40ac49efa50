import SchemaModel

/// Translates a schema's migration chain (`EmbeddedMigrations`, computed at generate time from the
/// frozen history by SchemagenDriver's `LaunchMigrations`) into `<Schema>Migrations`: the chain as
/// static SQL and the one call an app makes at launch, `try <Schema>Migrations.migrate(db)`
/// (docs/MIGRATION.md, "Migrating at launch"), executed by the runtime's `SchemaMigrator`.
enum MigrationTranslator {
    /// `victor` → `VictorMigrations`.
    static func typeName(for schema: Schema) -> String {
        SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(schema.name)) + "Migrations"
    }

    static func script(_ statements: [String]) -> String { EmbeddedMigrations.script(statements) }

    static func migrationsEnum(_ schema: Schema, chain: EmbeddedMigrations) -> SwiftDeclaration {
        let released = chain.structures.map { String($0.version) }.joined(separator: ", ")
        func dataSteps(_ list: [EmbeddedMigrations.DataStep]) -> SwiftExpression {
            .array(list.map { d in
                .call(.type(.named(RuntimeAPI.migrationDataStep)), [SwiftArgument(nil, .string(d.name)), SwiftArgument("sql", .multilineString(d.sql))])
            })
        }
        let steps: [SwiftExpression] = chain.steps.map { step in
            var arguments = [
                SwiftArgument("from", .integer(Int64(step.from))), SwiftArgument("to", .integer(Int64(step.to))),
                SwiftArgument("sql", .multilineString(script(step.statements))), SwiftArgument("rebuilds", .bool(step.rebuilds)),
            ]
            if !step.before.isEmpty { arguments.append(SwiftArgument("before", dataSteps(step.before))) }
            if !step.after.isEmpty { arguments.append(SwiftArgument("after", dataSteps(step.after))) }
            if !step.checks.isEmpty {
                arguments.append(SwiftArgument("checks", .array(step.checks.map { c in
                    .call(.type(.named(RuntimeAPI.migrationValueCheck)), [
                        SwiftArgument("table", .string(c.table)), SwiftArgument("column", .string(c.column)),
                        SwiftArgument("problem", .string(c.problem)),
                        SwiftArgument("setup", .array(c.setup.map { .string($0) })), SwiftArgument("query", .string(c.query)),
                    ])
                })))
            }
            return .call(.type(.named(RuntimeAPI.migrationStep)), arguments)
        }
        let versions: [SwiftExpression] = chain.structures.map { v in
            .call(.type(.named(RuntimeAPI.migrationVersion)), [
                SwiftArgument(nil, .integer(Int64(v.version))), SwiftArgument("structure", .multilineString(v.lines.joined(separator: "\n"))),
            ])
        }
        let chainValue = SwiftExpression.call(.type(.named(RuntimeAPI.schemaMigration)), [
            SwiftArgument("schema", .string(schema.name)),
            SwiftArgument("version", .integer(Int64(chain.version))),
            // The current version's DDL is `<Schema>DDL.sql` (the same statements): referenced, not repeated.
            SwiftArgument("createSQL", chain.create == EmbeddedMigrations.creationStatements(schema)
                          ? .member(.identifier(SwiftEmitter.ddlTypeName(for: schema)), "sql") : .multilineString(script(chain.create))),
            SwiftArgument("steps", .array(steps)),
            SwiftArgument("versions", .array(versions)),
        ])
        let members: [SwiftDeclaration] = [
            SwiftDeclaration(doc: "The schema version this code reads and writes.", .variable(SwiftVariable(
                access: .public, isStatic: true, name: "version", initializer: .integer(Int64(chain.version))))),
            SwiftDeclaration(doc: """
                Call once when the app opens its database, before anything else uses it: creates a new database at \
                version \(chain.version) (stamped in `PRAGMA user_version`), brings one from any released version \
                (\(released)) to version \(chain.version) (one transaction per version, each recorded), and returns at \
                once on a current database (one `PRAGMA user_version` read). Throws for a database newer than this code \
                or not structurally its recorded version. Safe when two processes launch at once.
                """,
                .function(SwiftFunction(
                    access: .public, isStatic: true, .function("migrate"),
                    parameters: [
                        SwiftParameter(label: nil, name: "db", type: .named(RuntimeAPI.database)),
                        SwiftParameter("structureCheck", .named(RuntimeAPI.migratorStructureCheck), defaultValue: .implicitMember("whenMigrating")),
                    ],
                    throwsClause: .typed(.named(RuntimeAPI.schemaMigrationError)),
                    body: [.try(SwiftExpression.identifier(RuntimeAPI.schemaMigrator).call("migrate", [
                        SwiftArgument(nil, .identifier("db")), SwiftArgument(nil, .identifier("chain")),
                        SwiftArgument("structureCheck", .identifier("structureCheck")),
                    ]))]))),
            SwiftDeclaration(doc: "The chain, planned by schemagen from the frozen history (`<stem>.history/`).", .variable(SwiftVariable(
                access: .public, isStatic: true, name: "chain", initializer: chainValue))),
        ]
        return SwiftDeclaration(doc: "The `\(schema.name)` schema's migrations: version \(chain.version) and every released version before it.",
                                .enum(SwiftTypeDeclaration(access: .public, name: typeName(for: schema), members: members)))
    }
}
