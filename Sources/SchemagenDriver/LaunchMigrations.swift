import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaSQL
import SchemaEvolve
import SchemagenRuntime
import SchemaCheck

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
    /// `describingStructures: false` (the pipeline's `history` check) stops before describing each
    /// version's structure and returns no chain: the check needs only the diagnostics, and
    /// describing a version creates every table of it in SQLite (the largest cost of `lint` on a
    /// big schema). Whether the current version's DDL can be created is the `sql-fragments`
    /// check's; `generate` describes the structures when it emits the chain.
    public static func build(_ schema: Schema, file: SourceFile?, describingStructures: Bool = true) -> Output {
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
            // Triggers and virtual tables are created with a new database but not yet planned between
            // versions: a chain that would fail its structure check at every launch is refused here.
            let (oldSQL, newSQL) = (DDLEmitter.sqlSchema(old), DDLEmitter.sqlSchema(new))
            let triggerChanges = Set(oldSQL.triggers).symmetricDifference(Set(newSQL.triggers)).map(\.name)
            let virtualChanges = Set(oldSQL.virtualTables).symmetricDifference(Set(newSQL.virtualTables)).map(\.name)
            if !triggerChanges.isEmpty || !virtualChanges.isEmpty {
                let what = (triggerChanges.isEmpty ? [] : ["trigger \(Set(triggerChanges).sorted().joined(separator: ", "))"])
                    + (virtualChanges.isEmpty ? [] : ["virtual table \(Set(virtualChanges).sorted().joined(separator: ", "))"])
                diagnostics.append(Diagnostic(.error, "version \(old.version) → \(new.version): \(what.joined(separator: " and ")) added, removed or changed; a launch migration does not plan trigger or virtual-table changes yet: keep them as in version \(old.version)",
                                              file: path, range: fallback))
            }
            // Drops: each dropped table or column declared for this version (`@dropped`), or refused.
            let declared = new.declaredDrops.filter { $0.version == new.version }
            let declaredKeys = Set(declared.map(\.key))
            let droppedKeys = Set(plan.steps.flatMap(\.dropped))
            for s in plan.steps where s.losesData {
                let undeclared = s.dropped.filter { !declaredKeys.contains($0) }
                if !undeclared.isEmpty || s.dropped.isEmpty {
                    let how = undeclared.map { key -> String in
                        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                        if parts.count == 2, parts[1] == "autoincrement" { return "its AUTOINCREMENT counter (a launch migration never drops it)" }
                        return parts.count == 2 ? "@dropped(\(parts[0]), column: \(parts[1]), version: \(new.version), reason: \"…\")"
                                                : "@dropped(\(parts[0]), version: \(new.version), reason: \"…\")"
                    }
                    diagnostics.append(Diagnostic(.error, "version \(old.version) → \(new.version): \(s.summary) loses stored values; a launch migration drops nothing undeclared: declare it before the schema header with \(how.joined(separator: " and ")), or keep it", file: path, range: fallback))
                }
            }
            for d in declared where !droppedKeys.contains(d.key) {
                diagnostics.append(Diagnostic(.error, "@dropped(\(d.table)\(d.column.map { ", column: \($0)" } ?? "")): version \(new.version)'s migration does not drop \(d.column.map { "column \($0) of table \(d.table)" } ?? "table \(d.table)") (version \(old.version) has no such \(d.column == nil ? "table" : "column"), or it is kept)",
                                              file: path, range: isCurrent ? d.range : .empty))
            }
            // Data steps of this version, each checked by SQLite against the schema at its point.
            let data = new.dataSteps.filter { $0.version == new.version }
            var seenNames: Set<String> = []
            for d in data where !seenNames.insert(d.name.lowercased()).inserted {
                diagnostics.append(Diagnostic(.error, "version \(new.version) has two data steps named \(d.name)", file: path, range: isCurrent ? d.nameRange : .empty))
            }
            for d in data {
                let at = d.point == .before ? old : new
                guard let probe = ProbeDatabase() else { continue }
                for sql in creationStatements(at) { probe.execute(sql) }
                diagnostics += DataStepCheck.diagnostics(sql: d.sql, at: isCurrent ? d.sqlRange : .empty, in: path, source: isCurrent ? file : nil,
                                                         what: "data step \(d.name) (run \(d.point.rawValue) the changes of version \(new.version), against version \(at.version))",
                                                         database: probe)
            }
            steps.append(.init(from: old.version, to: new.version, statements: plan.steps.flatMap(\.statements), rebuilds: plan.needsRebuild,
                               before: data.filter { $0.point == .before }.map { .init(name: $0.name, sql: $0.sql) },
                               after: data.filter { $0.point == .after }.map { .init(name: $0.name, sql: $0.sql) },
                               checks: valueChecks(plan, from: old, to: new)))
        }
        // Data steps in this file for a version it does not make: a later version's, or an older
        // one's that its frozen file does not hold (it would never run).
        for d in loaded.schema.dataSteps where d.version != loaded.schema.version {
            let frozen = history.versions.first { $0.version == d.version }?.loaded.schema.dataSteps
            if d.version > loaded.schema.version || !(frozen ?? []).contains(where: { $0.name == d.name && $0.sql == d.sql && $0.point == d.point }) {
                diagnostics.append(Diagnostic(.error, "data step \(d.name) is for version \(d.version), but this file is version \(loaded.schema.version)"
                                              + (d.version > loaded.schema.version ? "" : " and version \(d.version) is frozen without it, so it would never run; a data step belongs to the version whose migration runs it"),
                                              file: loaded.path, range: file == nil ? .empty : d.nameRange))
            }
        }
        guard describingStructures else { return Output(chain: nil, diagnostics: diagnostics, schemas: schemas) }
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

    /// The stored values a step must not change silently, checked at launch inside the step after
    /// its `before` data steps (old names: the renames have not run yet): a column that becomes NOT
    /// NULL while rows hold NULL, and a declared conversion (`@convert`) of a value that would not
    /// become the new type (stored into a probe column of that type, as evolve checks it).
    static func valueChecks(_ plan: EvolutionPlan, from old: Schema, to new: Schema) -> [EmbeddedMigrations.ValueCheck] {
        var checks: [EmbeddedMigrations.ValueCheck] = []
        let oldTables = old.tablesByName
        for table in plan.rebuiltTables {
            guard let nt = new.table(named: table),
                  let ot = oldTables[nt.name.lowercased()] ?? nt.renamedFrom.flatMap({ oldTables[$0.lowercased()] }) else { continue }
            let oldSQL = DDLEmitter.sqlTable(ot)
            let key = oldSQL.withoutRowid
                ? ot.primaryKey.map { "quote(\(SQLName.quoted($0)))" }.joined(separator: " || ', ' || ")
                : "CAST(rowid AS TEXT)"
            let from = SQLName.quoted(ot.name)
            for nc in nt.columns {
                guard let oc = ot.column(named: nc.name) ?? nc.renamedFrom.flatMap({ ot.column(named: $0) }) else { continue }
                let col = SQLName.quoted(oc.name)
                if oc.isNullable && !nc.isNullable {
                    checks.append(.init(table: ot.name, column: oc.name, problem: "holds NULL but becomes NOT NULL in version \(new.version)", setup: [],
                                        query: "SELECT \(key) FROM \(from) WHERE \(col) IS NULL ORDER BY 1"))
                }
                if let c = plan.conversions.first(where: { $0.isDeclared && $0.table.lowercased() == nt.name.lowercased() && $0.column.lowercased() == nc.name.lowercased() }) {
                    let storage: String
                    switch c.toType.uppercased() {
                    case "INTEGER": storage = "integer"
                    case "REAL": storage = "real"
                    case "TEXT": storage = "text"
                    case "BLOB": storage = "blob"
                    default: continue
                    }
                    checks.append(.init(table: ot.name, column: oc.name, problem: "holds a value that would not become \(c.toType.uppercased()) (@convert(from: \(c.fromType.lowercased())))",
                                        setup: ["CREATE TEMP TABLE schemagen_probe (rid TEXT, v \(c.toType))",
                                                "INSERT INTO temp.schemagen_probe (rid, v) SELECT \(key), \(col) FROM main.\(from)"],
                                        query: "SELECT rid FROM temp.schemagen_probe WHERE v IS NOT NULL AND typeof(v) <> '\(storage)' ORDER BY rowid"))
                }
            }
        }
        return checks
    }

    /// What creates a version from nothing: its tables and indexes, then its views in dependency order.
    static func creationStatements(_ schema: Schema) -> [String] { EmbeddedMigrations.creationStatements(schema) }

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
                        steps: chain.steps.map { s in
                            SchemaMigration.Step(from: s.from, to: s.to, statements: s.statements, rebuilds: s.rebuilds,
                                                 before: s.before.map { .init($0.name, sql: $0.sql) }, after: s.after.map { .init($0.name, sql: $0.sql) },
                                                 checks: s.checks.map { .init(table: $0.table, column: $0.column, problem: $0.problem, setup: $0.setup, query: $0.query) })
                        },
                        structures: Dictionary(chain.structures.map { ($0.version, $0.lines.joined(separator: "\n")) }, uniquingKeysWith: { a, _ in a }))
    }
}
