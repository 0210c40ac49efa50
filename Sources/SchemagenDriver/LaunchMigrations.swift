import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaSQL
import SchemaEvolve
import SchemagenRuntime

/// The migration chain the generated code carries: from each frozen version of the schema to the
/// next and from the last frozen one to the current one, planned by SchemaEvolve's one planner at
/// generate time (docs/MIGRATION.md, "Migrating at launch").
public enum LaunchMigrations {
    public struct Output: Sendable {
        public var chain: EmbeddedMigrations?
        public var diagnostics: [Diagnostic]
        /// The versions of the chain, resolved (frozen ones, then the current one when newer).
        public var schemas: [Schema]
    }

    /// The chain for a loaded (error-free) schema and its history; diagnostics for a broken history,
    /// a schema changed without a version bump, a rename whose source does not exist, or a step the
    /// planner cannot make without losing or changing stored values.
    public static func build(_ loaded: LoadedSchema) -> Output {
        build(loaded.schema, file: loaded.file)
    }

    /// The same for a schema value (`file`, when given, locates diagnostics in the header).
    public static func build(_ schema: Schema, file: SourceFile?) -> Output {
        let loaded = (schema: schema, path: schema.file)
        var diagnostics = SchemaHistory.diagnostics(for: schema, file: file)
        let history: SchemaHistory
        do { history = try SchemaHistory.load(forSchemaFile: loaded.path) } catch {
            return Output(chain: nil, diagnostics: diagnostics, schemas: [])
        }
        if diagnostics.hasErrors { return Output(chain: nil, diagnostics: diagnostics, schemas: []) }
        var schemas = history.versions.map(\.loaded.schema)
        if schemas.last.map({ loaded.schema.version > $0.version }) ?? true { schemas.append(loaded.schema) }
        var steps: [EmbeddedMigrations.Step] = []
        for (i, (old, new)) in zip(schemas, schemas.dropFirst()).enumerated() {
            let plan = SchemaEvolution.plan(from: old, to: new)
            let isCurrent = i == schemas.count - 2 && new.version == loaded.schema.version && history.versions.last?.version != new.version
            let path = isCurrent ? loaded.path : history.versions[i + 1].path
            let fallback = isCurrent ? (file.map(SchemaHistory.versionRange) ?? .empty) : SourceRange.empty
            let renames = Renames.apply(from: old, to: new)
            for p in renames.problems {
                diagnostics.append(Diagnostic(.error, p.message, file: path, range: isCurrent ? (p.range ?? fallback) : .empty))
            }
            let renameMessages = Set(renames.problems.map(\.message))
            for p in plan.problems where !renameMessages.contains(p) {
                diagnostics.append(Diagnostic(.error, "version \(old.version) → \(new.version): \(p)", file: path, range: fallback))
            }
            for s in plan.steps where s.losesData {
                diagnostics.append(Diagnostic(.error, "version \(old.version) → \(new.version): \(s.summary) loses stored values; a launch migration never drops data", file: path, range: fallback))
            }
            steps.append(.init(from: old.version, to: new.version, statements: plan.steps.flatMap(\.statements), rebuilds: plan.needsRebuild))
        }
        var structures: [(version: Int, lines: [String])] = []
        for s in schemas {
            do { structures.append((s.version, try structure(of: s))) } catch {
                diagnostics.append(Diagnostic(.error, "version \(s.version) cannot be created: \(error.message)", file: s.file, range: .empty))
            }
        }
        if diagnostics.hasErrors { return Output(chain: nil, diagnostics: diagnostics, schemas: schemas) }
        let create = creationStatements(loaded.schema)
        return Output(chain: EmbeddedMigrations(version: loaded.schema.version, create: create, steps: steps, structures: structures),
                      diagnostics: diagnostics, schemas: schemas)
    }

    /// What creates a version from nothing: its tables and indexes, then its views in dependency order.
    static func creationStatements(_ schema: Schema) -> [String] {
        SQLRenderer.statements(for: DDLEmitter.sqlSchema(schema))
            + schema.viewsInDependencyOrder.map { DDLEmitter.createViewStatement(name: $0.name, select: $0.statementSQL) }
    }

    /// The structure lines of a version: its DDL executed in a scratch database and read back with
    /// the runtime's own `SchemaStructure` (so launch compares like with like).
    ///
    ///
    /// SQLite's `CREATE TABLE` costs grow with the tables already there (each one re-reads the
    /// schema table), so creating 10,000 tables in one database takes minutes. Without views, the
    /// tables are therefore created a batch at a time (`structureBatch`, in dependency order, each
    /// with its indexes), described, and dropped before the next batch: a table's description reads
    /// only its own declaration (foreign keys are listed as declared, whether or not the parent is
    /// there), so the lines are the same, sorted as one set. A schema with views, triggers or virtual
    /// tables creates everything in one database, since those need their tables. The result is kept per schema for the run:
    /// `generate` asks twice (the history check, then the emitter).
    public static func structure(of schema: Schema) throws(DatabaseError) -> [String] {
        if let cached = structureCache.lines(for: schema) { return cached }
        var lines: [String]
        if schema.views.isEmpty, schema.triggers.isEmpty, schema.virtualTables.isEmpty, let batched = try? batchedStructure(of: schema) {
            lines = batched
        } else {
            // Views, triggers, virtual tables (which need other tables), or a statement that failed
            // in a batch: everything in one database, as the
            // launch would do it (and with its error).
            let db = try Database.inMemory()
            defer { db.close() }
            for sql in creationStatements(schema) { try db.execute(sql) }
            lines = try SchemaStructure.describe(db)
        }
        structureCache.store(lines, for: schema)
        return lines
    }

    private static func batchedStructure(of schema: Schema) throws(DatabaseError) -> [String] {
        let db = try Database.inMemory()
        defer { db.close() }
        var lines: [String] = []
        let tables = DDLEmitter.sqlSchema(schema).tables
        var start = 0
        while start < tables.count {
            let batch = tables[start..<min(start + structureBatch, tables.count)]
            for table in batch {
                for sql in SQLRenderer.statements(for: table) { try db.execute(sql) }
            }
            lines += try SchemaStructure.describe(db)
            for table in batch.reversed() { try db.execute(SQLRenderer.dropTable(table.name)) }
            start += structureBatch
        }
        return lines.sorted()
    }

    /// Tables created together when describing a schema's structure (see `structure(of:)`).
    static let structureBatch = 100

    /// The last few structures described (a schema value is compared in full, so a changed schema
    /// never gets a stale answer).
    private final class StructureCache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(schema: Schema, lines: [String])] = []
        func lines(for schema: Schema) -> [String]? {
            lock.lock(); defer { lock.unlock() }
            return entries.first { $0.schema == schema }?.lines
        }
        func store(_ lines: [String], for schema: Schema) {
            lock.lock(); defer { lock.unlock() }
            entries.append((schema, lines))
            if entries.count > 4 { entries.removeFirst() }
        }
    }
    private static let structureCache = StructureCache()

    /// The runtime value of a chain (for `migrations verify` and tests).
    public static func runtimeValue(_ chain: EmbeddedMigrations, schema: String) -> SchemaMigration {
        SchemaMigration(schema: schema, version: chain.version, create: chain.create,
                        steps: chain.steps.map { SchemaMigration.Step(from: $0.from, to: $0.to, statements: $0.statements, rebuilds: $0.rebuilds) },
                        structures: Dictionary(chain.structures.map { ($0.version, $0.lines.joined(separator: "\n")) }, uniquingKeysWith: { a, _ in a }))
    }
}
