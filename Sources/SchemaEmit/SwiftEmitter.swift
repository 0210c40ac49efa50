import SchemaModel
import SchemaQuery
import SchemaSyntax

/// Emits Swift for a schema: per table a `Codable` row struct and a DAO over `SchemagenRuntime`,
/// plus one enum holding the schema's DDL. The output is deterministic (tables and members in
/// schema order, nothing machine-specific) and compiles warning-free in Swift 6 language mode.
///
/// The layers (see docs/ARCHITECTURE.md): translators build a `SwiftFile` code model from the
/// schema — `SchemaEnumTranslator` (the DDL enum), `RowTypeTranslator` (row structs),
/// `ReadDAOTranslator` (read DAOs, for any `DatabaseReading`), `DAOTranslator` (full DAOs, for a
/// `Database`) — and `SwiftRenderer` alone writes it as text. Runtime API names live
/// in `RuntimeAPI`.
///
/// Hot-path design of the generated code: every statement is a `StaticString` literal (the runtime
/// caches prepared statements by the literal's address), parameters are numbered `?N` and bound by
/// position, and rows are read by column index straight into the struct (no `Decodable`, no name
/// lookups).
public enum SwiftEmitter {
    public static func emit(_ schema: Schema, queries: QueryAnalysis = .empty, migrations: EmbeddedMigrations? = nil) -> String {
        // The same as rendering `file(schema)`, one table's declarations at a time, so the code
        // model of the whole schema is never held at once.
        var r = SwiftRenderer(capacity: schema.tables.count * 24_000)
        r.file(SwiftFile(header: header(schema), imports: [RuntimeAPI.foundation, RuntimeAPI.module],
                         declarations: schemaDeclarations(schema, migrations: migrations)))
        let tables = swiftTables(schema, queries)
        for table in schema.tables {
            for d in tableDeclarations(SwiftTable(table), queries, tables: tables) { r.topLevel(d) }
        }
        for d in ftsDeclarations(schema) { r.topLevel(d) }
        for d in queryDeclarations(schema, queries, tables: tables) { r.topLevel(d) }
        return r.finish()
    }

    /// The code model of the whole Swift output.
    public static func file(_ schema: Schema, queries: QueryAnalysis = .empty, migrations: EmbeddedMigrations? = nil) -> SwiftFile {
        var declarations = schemaDeclarations(schema, migrations: migrations)
        let tables = swiftTables(schema, queries)
        for table in schema.tables { declarations += tableDeclarations(SwiftTable(table), queries, tables: tables) }
        declarations += ftsDeclarations(schema)
        declarations += queryDeclarations(schema, queries, tables: tables)
        return SwiftFile(header: header(schema), imports: [RuntimeAPI.foundation, RuntimeAPI.module], declarations: declarations)
    }

    /// Swift names the queries and views would get that would not compile, as located errors.
    public static func diagnostics(for schema: Schema, queries: QueryAnalysis) -> [Diagnostic] {
        QueryTranslator.diagnostics(for: schema, queries: queries)
    }

    /// The tables a query returns the row struct of (by lowercased name).
    static func swiftTables(_ schema: Schema, _ queries: QueryAnalysis) -> [String: SwiftTable] {
        var out: [String: SwiftTable] = [:]
        for q in queries.queries {
            if let t = q.analysis.rowTable, out[t.lowercased()] == nil, let table = schema.tablesByName[t.lowercased()] {
                out[t.lowercased()] = SwiftTable(table)
            }
        }
        return out
    }

    static func tableDeclarations(_ t: SwiftTable, _ queries: QueryAnalysis, tables: [String: SwiftTable]) -> [SwiftDeclaration] {
        var out = tableDeclarations(t)
        if let e = QueryTranslator.tableExtension(t, queries.queries(ofTable: t.table.name), tables: tables) { out.append(e) }
        return out
    }

    /// Each FTS5 virtual table's row struct and typed search (FTSTranslator).
    static func ftsDeclarations(_ schema: Schema) -> [SwiftDeclaration] {
        schema.virtualTables.compactMap(SwiftFTSTable.init).flatMap(FTSTranslator.declarations)
    }

    /// The views' declarations, then the schema-wide queries' namespace.
    static func queryDeclarations(_ schema: Schema, _ queries: QueryAnalysis, tables: [String: SwiftTable]) -> [SwiftDeclaration] {
        queries.views.flatMap(QueryTranslator.viewDeclarations) + QueryTranslator.namespace(schema, queries.schemaQueries, tables: tables)
    }

    /// The same code as `emit`, one file per table (its row struct, DAO and `db.` accessor, named
    /// `<Type>.swift`) plus `<Schema>DDL.swift` for the schema enum, so the compiler can build them in
    /// parallel and incrementally. Paths are relative to the output directory; two names that differ
    /// only in case get a numeric suffix, so the files are distinct on case-insensitive file systems.
    public static func emitFiles(_ schema: Schema, migrations: EmbeddedMigrations? = nil) -> [GeneratedFile] {
        let imports = [RuntimeAPI.foundation, RuntimeAPI.module]
        let ddlName = ddlTypeName(for: schema)
        var used: Set<String> = []
        func path(_ name: String) -> String {
            var candidate = name
            var n = 2
            while used.contains(candidate.lowercased()) {
                candidate = "\(name)_\(n)"
                n += 1
            }
            used.insert(candidate.lowercased())
            return candidate + ".swift"
        }
        var files = [GeneratedFile(path: path(ddlName), contents: SwiftRenderer.render(SwiftFile(
            header: header(schema), imports: imports,
            declarations: schemaDeclarations(schema, migrations: migrations))))]
        for table in schema.tables {
            let t = SwiftTable(table)
            files.append(GeneratedFile(path: path(t.typeName), contents: SwiftRenderer.render(SwiftFile(
                header: header(schema), imports: imports, declarations: tableDeclarations(t)), capacity: 24_000)))
        }
        for f in schema.virtualTables.compactMap(SwiftFTSTable.init) {
            files.append(GeneratedFile(path: path(f.typeName), contents: SwiftRenderer.render(SwiftFile(
                header: header(schema), imports: imports, declarations: FTSTranslator.declarations(f)))))
        }
        return files
    }

    /// The schema enum and, with a chain, `<Schema>Migrations` (MigrationTranslator).
    static func schemaDeclarations(_ schema: Schema, migrations: EmbeddedMigrations?) -> [SwiftDeclaration] {
        [SchemaEnumTranslator.schemaEnum(schema, typeName: ddlTypeName(for: schema))]
            + (migrations.map { [MigrationTranslator.migrationsEnum(schema, chain: $0)] } ?? [])
    }

    static func tableDeclarations(_ t: SwiftTable) -> [SwiftDeclaration] {
        [RowTypeTranslator.rowStruct(t)] + ReadDAOTranslator.declarations(t) + DAOTranslator.declarations(t)
    }

    /// `GeneratedHeader.lines(source:comment: "//")` as comment lines (the file name is user text:
    /// spelt as the DDL header spells it, and the renderer sanitises comments again).
    static func header(_ schema: Schema) -> [String] {
        let source = SQLIdentifier.commentText(GeneratedHeader.sourceName(schema.file))
        return ["Generated by schemagen from \(source). DO NOT EDIT.",
                "Edit \(source) and run `schemagen generate` (or build with the schemagen plugin) instead."]
    }

    /// `victor` → `VictorDDL`.
    public static func ddlTypeName(for schema: Schema) -> String {
        SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(schema.name)) + "DDL"
    }
}
