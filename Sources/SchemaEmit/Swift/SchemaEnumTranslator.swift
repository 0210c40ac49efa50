import SchemaModel

/// Translates the schema itself into one enum holding its version and DDL (from `DDLEmitter`),
/// (`<Schema>Migrations.migrate(db)`, MigrationTranslator, creates and migrates databases).
enum SchemaEnumTranslator {
    static func schemaEnum(_ schema: Schema, typeName: String) -> SwiftDeclaration {
        let sql = EmbeddedMigrations.script(EmbeddedMigrations.creationStatements(schema))
        let members: [SwiftDeclaration] = [
            SwiftDeclaration(doc: "The schema version declared in the schema file.", .variable(SwiftVariable(
                access: .public, isStatic: true, name: "version", initializer: .integer(Int64(schema.version))))),
            SwiftDeclaration(doc: schema.views.isEmpty ? "Every `CREATE TABLE` and `CREATE INDEX` statement, referenced tables first."
                             : "Every `CREATE TABLE` and `CREATE INDEX` statement, referenced tables first, then every `CREATE VIEW`.", .variable(SwiftVariable(
                access: .public, isStatic: true, name: "sql", initializer: .multilineString(sql)))),
        ]
        return SwiftDeclaration(doc: "The `\(schema.name)` schema, version \(schema.version): its SQLite DDL.",
                                .enum(SwiftTypeDeclaration(access: .public, name: typeName, members: members)))
    }
}
