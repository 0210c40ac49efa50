import Foundation
import SchemaModel
import SchemaEmit
import SchemaSQL
import SchemaEvolve
import SchemaDatabase
import SchemagenRuntime

/// `schemagen migrations verify`: for every frozen version, a database at that version filled with
/// rows in every table (NULLs, unicode, extremes, foreign keys pointing at real parents) is brought to
/// the current version by the generated chain (the same `SchemaMigration` value the generated code
/// embeds, run by the same `SchemaMigrator`), then checked: structurally identical to a fresh
/// database of the current version, no row lost (counts per table, following renames), every value
/// of a column that survives unchanged in type read back identical (`IS` and `typeof`),
/// `integrity_check` and `foreign_key_check` clean.
public enum MigrationVerifier {
    public struct Report: Sendable {
        public var lines: [String] = []
        public var failures: [String] = []
        public var ok: Bool { failures.isEmpty }
    }

    public static func verify(_ schema: Schema, rowsPerTable: Int = 4) -> Report {
        var report = Report()
        let built = LaunchMigrations.build(schema, file: nil)
        guard let chain = built.chain else {
            report.failures = built.diagnostics.filter { $0.severity == .error }.map { "\($0.file): \($0.message)" }
            return report
        }
        let migration = LaunchMigrations.runtimeValue(chain, schema: schema.name)
        let current = built.schemas.last ?? schema
        let fresh: SQLSchema
        do {
            let db = try Database.inMemory()
            defer { db.close() }
            try SchemaMigrator.migrate(db, migration)
            fresh = try Introspector.schema(of: db)
        } catch {
            report.failures.append("a fresh database at version \(schema.version) cannot be created: \(error)")
            return report
        }
        for old in built.schemas where old.version != schema.version || built.schemas.count == 1 {
            do {
                report.lines.append(try verify(from: old, to: current, through: built.schemas, migration: migration, fresh: fresh, rows: rowsPerTable))
            } catch {
                report.failures.append("version \(old.version) → \(schema.version): \(error)")
            }
        }
        return report
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func verify(from old: Schema, to current: Schema, through chain: [Schema], migration: SchemaMigration, fresh: SQLSchema, rows: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try Database(path: dir.appendingPathComponent("v\(old.version).sqlite").path)
        defer { db.close() }
        for sql in LaunchMigrations.creationStatements(old) { try db.execute(sql) }
        try db.execute("PRAGMA user_version = \(old.version)")
        // Columns a later step converts (`@convert`) are filled with values that convert.
        var converted: Set<String> = []
        for (a, b) in zip(chain, chain.dropFirst()) where a.version >= old.version {
            for c in SchemaEvolution.plan(from: a, to: b).conversions where c.isDeclared { converted.insert("\(c.table).\(c.column)".lowercased()) }
        }
        let filled = try fill(db, old, rows: rows, converted: converted)
        let snapshot = try values(db, old)

        // Where each old table and column is at the current version (following @renamed).
        var tableName = Dictionary(old.tables.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a })
        var columnName: [String: [String: String]] = [:] // old table lower -> old column lower -> current column
        for t in old.tables { columnName[t.name.lowercased()] = Dictionary(t.columns.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a }) }
        for (a, b) in zip(chain, chain.dropFirst()) where a.version >= old.version {
            let renamed = Renames.apply(from: a, to: b)
            for step in renamed.steps where step.kind == .renameTable {
                for (k, v) in tableName where v.lowercased() == (b.table(named: step.table)?.renamedFrom ?? "").lowercased() { tableName[k] = step.table }
            }
            for step in renamed.steps where step.kind == .renameColumn {
                guard let t = b.table(named: step.table) else { continue }
                for c in t.columns { guard let from = c.renamedFrom else { continue }
                    for (k, v) in tableName where v.lowercased() == t.name.lowercased() {
                        for (ck, cv) in columnName[k] ?? [:] where cv.lowercased() == from.lowercased() { columnName[k]?[ck] = c.name }
                    }
                }
            }
        }

        var ran: [String] = []
        let outcome = try SchemaMigrator.migrate(db, migration, dataStepRan: { to, name, _ in ran.append("\(to) \(name)") })
        let expectedSteps = migration.steps.filter { $0.from >= old.version }.flatMap { s in (s.before + s.after).map { "\(s.to) \($0.name)" } }
        if ran != expectedSteps {
            throw Failure(description: "data steps: expected \(expectedSteps) to run, \(ran) ran")
        }
        guard outcome == .migrated(from: old.version, to: current.version) || (old.version == current.version && outcome == .current) else {
            throw Failure(description: "the chain reported \(outcome)")
        }
        let after = try Introspector.schema(of: db)
        let diff = SQLDifference.lines(expected: fresh, actual: after) + SQLDifference.lines(expected: after, actual: fresh).filter { $0.hasPrefix("the database has no") }
        if !diff.isEmpty { throw Failure(description: "not structurally identical to a fresh database: " + diff.joined(separator: "; ")) }
        let integrity = try text(db, "PRAGMA integrity_check")
        if integrity != "ok" { throw Failure(description: "integrity_check: \(integrity)") }
        if try int(db, "SELECT count(*) FROM pragma_foreign_key_check") != 0 { throw Failure(description: "foreign_key_check reports violations") }

        // Data steps may rewrite the values of the tables they name: those are counted, not compared.
        let written = Set(migration.steps.filter { $0.from >= old.version }.flatMap { s in (s.before + s.after).flatMap { words($0.sql) } })
        var skipped: [String] = []
        var total = 0
        for t in old.tables {
            let key = t.name.lowercased()
            guard let now = tableName[key], current.table(named: now) != nil else { continue } // dropped (declared)
            let before = filled[key] ?? 0
            let count = try int(db, "SELECT count(*) FROM \(SQLName.quoted(now))")
            if count != before { throw Failure(description: "table \(t.name) (now \(now)) had \(before) rows, has \(count)") }
            total += before
            guard let nowTable = current.table(named: now) else { continue }
            if written.contains(now.lowercased()) || written.contains(key) { skipped.append(now); continue }
            for c in t.columns {
                guard let cn = columnName[key]?[c.name.lowercased()], let nc = nowTable.column(named: cn), nc.type.sqliteType == c.type.sqliteType else { continue }
                let got = try column(db, now, cn)
                let had = snapshot[key]?[c.name.lowercased()] ?? []
                if got != had { throw Failure(description: "table \(t.name).\(c.name) (now \(now).\(cn)): values changed: \(had.prefix(3)) → \(got.prefix(3))") }
            }
        }
        return "version \(old.version) → \(current.version): \(old.tables.count) tables, \(total) rows kept, every unconverted value identical"
            + (skipped.isEmpty ? "" : " (outside \(Set(skipped + current.tables.map(\.name).filter { written.contains($0.lowercased()) }).sorted().joined(separator: ", ")), which data steps write)")
            + (ran.isEmpty ? "" : ", \(ran.count) data step\(ran.count == 1 ? "" : "s") ran")
            + "; structure = a fresh version \(current.version)"
    }

    /// The lowercased words of some SQL (for the tables a data step names).
    static func words(_ sql: String) -> [String] {
        sql.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
    }

    // MARK: Rows

    /// Fills every table (parents first) with `rows` rows: row 0 extremes, row 1 NULLs where allowed,
    /// the others unicode and plain values; a row a CHECK refuses is retried with plain values.
    static func fill(_ db: Database, _ schema: Schema, rows: Int, converted: Set<String> = []) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for t in schema.tablesInDependencyOrder {
            var inserted = 0
            for i in 0..<rows {
                var done = false
                for style in [i, 2] { // the row's own style, then plain
                    var names: [String] = [], exprs: [String] = []
                    for c in t.columns {
                        if c.generated != nil { continue } // computed by SQLite, never written
                        if c.isAutoincrement || (t.rowidAlias?.name == c.name) { names.append(c.name); exprs.append("\(i + 1)"); continue }
                        if let fk = t.foreignKeys.first(where: { $0.columns.contains(c.name) }) {
                            let pos = fk.columns.firstIndex(of: c.name) ?? 0
                            let parent = schema.table(named: fk.referencedTable)
                            let target = fk.referencedColumns.isEmpty ? (parent?.primaryKey[safe: pos] ?? "rowid") : fk.referencedColumns[pos]
                            if style == 1 && c.isNullable { names.append(c.name); exprs.append("NULL"); continue }
                            names.append(c.name)
                            exprs.append("(SELECT \(SQLName.quoted(target)) FROM \(SQLName.quoted(fk.referencedTable)) ORDER BY rowid LIMIT 1 OFFSET \(i % max(1, counts[fk.referencedTable.lowercased()] ?? 1)))")
                            continue
                        }
                        names.append(c.name)
                        if converted.contains("\(t.name).\(c.name)".lowercased()) && !(style == 1 && c.isNullable) {
                            exprs.append(c.type == .text ? "'\(i * 7 + 1)'" : "\(i * 7 + 1)")
                            continue
                        }
                        exprs.append(value(c, row: i, style: style))
                    }
                    let sql = "INSERT INTO \(SQLName.quoted(t.name)) (\(names.map(SQLName.quoted).joined(separator: ", "))) VALUES (\(exprs.joined(separator: ", ")))"
                    do throws(DatabaseError) { try db.execute(sql); done = true; break } catch { continue }
                }
                if done { inserted += 1 }
            }
            if inserted == 0 { throw Failure(description: "no row could be written into \(t.name) at version \(schema.version)") }
            counts[t.name.lowercased()] = inserted
        }
        return counts
    }

    static func value(_ c: Column, row i: Int, style: Int) -> String {
        if style == 1 && c.isNullable && !c.isPrimaryKey { return "NULL" }
        // A value set (`in (…)`): its values in turn.
        if let set = c.allowedValues, !set.isEmpty { return set[i % set.count].sql }
        let extreme = style == 0
        switch c.type {
        case .integer: return extreme ? (i == 0 ? "-9223372036854775808" : "9223372036854775807") : "\(i * 7 + 1)"
        case .bool: return "\(i % 2)"
        case .real, .epoch: return extreme ? "1.7976931348623157e308" : "\(Double(i) + 0.5)"
        case .text: return extreme ? "'Ünïcødé ✓ 🎉 \(i) '' \" \\n'" : "'text \(i)'"
        case .json: return extreme ? "'{\"k\":\"ünï 🎉\",\"n\":\(i)}'" : "'{\"n\":\(i)}'"
        case .timestamp: return "'2026-0\(i % 9 + 1)-1\(i % 9) 12:34:5\(i % 10)'"
        case .blob: return extreme ? "X'00FF\(String(format: "%02X", i))'" : "X'0\(i % 10)'"
        }
    }

    /// Every column's values as `typeof|quote`, in rowid order (or primary-key order).
    static func values(_ db: Database, _ schema: Schema) throws -> [String: [String: [String]]] {
        var out: [String: [String: [String]]] = [:]
        for t in schema.tables {
            for c in t.columns { out[t.name.lowercased(), default: [:]][c.name.lowercased()] = try column(db, t.name, c.name) }
        }
        return out
    }

    static func column(_ db: Database, _ table: String, _ column: String) throws -> [String] {
        let c = SQLName.quoted(column)
        return try db.withStatement(sql: "SELECT typeof(\(c)) || '|' || quote(\(c)) FROM \(SQLName.quoted(table)) ORDER BY 1") { (s: borrowing Statement) throws(DatabaseError) -> [String] in
            var out: [String] = []
            while try s.step() { out.append(try s.text(0)) }
            return out
        }
    }

    static func int(_ db: Database, _ sql: String) throws -> Int {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> Int in
            _ = try s.step()
            return try s.int(0)
        }
    }

    static func text(_ db: Database, _ sql: String) throws -> String {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> String in
            _ = try s.step()
            return try s.text(0)
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
