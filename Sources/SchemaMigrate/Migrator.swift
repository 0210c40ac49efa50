import Foundation
import SchemaSyntax
import SchemaModel
import SchemagenRuntime
import SchemaDatabase

public struct MigrationOptions: Sendable {
    /// The database migrated in place: a path, or a `file:` URI (e.g. `file:/x/db?mode=ro`).
    public var database: String
    /// Further legacy files, ATTACHed; each legacy table is read from the file that has it.
    public var attach: [String]
    /// Drop the legacy tables in the same transaction (the proposal's Phase 4).
    public var dropLegacy: Bool
    /// Plan and count only; change nothing.
    public var dryRun: Bool
    public var busyTimeoutMilliseconds: Int32
    /// Test hook: throw after this many mappings have been copied (inside the transaction).
    public var failAfterSources: Int?

    public init(database: String, attach: [String] = [], dropLegacy: Bool = false, dryRun: Bool = false,
                busyTimeoutMilliseconds: Int32 = 2000, failAfterSources: Int? = nil) {
        self.database = database; self.attach = attach; self.dropLegacy = dropLegacy; self.dryRun = dryRun
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds; self.failAfterSources = failAfterSources
    }
}

public struct SourceReport: Sendable, Hashable {
    public var legacyTable: String
    /// `main` or the ATTACH alias (`legacy_1`, …) the table was read from.
    public var schema: String
    public var target: String
    public var isDistinct: Bool
    public var isArchiveOnly: Bool
    /// Legacy rows the mapping reads (after `where`).
    public var legacyRows: Int64
    public var expectedRows: Int64
    public var writtenRows: Int64
    public var archivedRows: Int64
    /// The target's largest rowid before each INSERT (one per unpivot entry): row k (1-based, in
    /// legacy rowid order) of entry e became target rowid `entryBases[e] + k` unless the mapping assigns the rowid.
    public var entryBases: [Int64]
}

public struct MigrationReport: Sendable {
    public var sources: [SourceReport]
    public var missing: [(target: String, legacyTable: String)]
    public var backups: [String]
    public var droppedTables: [String]
    public var warnings: [String]
    public var schemaVersion: Int
    public var dryRun: Bool
    public var seconds: Double

    public var legacyRows: Int64 { sources.filter { !$0.isDistinct }.reduce(0) { $0 + $1.legacyRows } }
    public var writtenRows: Int64 { sources.reduce(0) { $0 + $1.writtenRows } }
    public var archivedRows: Int64 { sources.reduce(0) { $0 + $1.archivedRows } }

    public var summary: String {
        var out = dryRun ? "Dry run: nothing was changed.\n" : ""
        for s in sources {
            let kind = s.isDistinct ? " (distinct)" : s.isArchiveOnly ? " (archive only)" : ""
            out += "\(s.legacyTable) [\(s.schema)] -> \(s.isArchiveOnly ? archiveTableName : s.target)\(kind): \(s.legacyRows) legacy rows, "
            out += "\(s.writtenRows) target rows \(dryRun ? "would be " : "")written, \(s.archivedRows) archived"
            out += "\n"
        }
        for m in missing { out += "\(m.legacyTable) -> \(m.target): skipped (no such legacy table)\n" }
        for w in warnings { out += "warning: \(w)\n" }
        for b in backups { out += "backup: \(b)\n" }
        if !droppedTables.isEmpty { out += "dropped \(droppedTables.count) legacy tables\n" }
        out += "\(dryRun ? "would migrate" : "migrated") \(legacyRows) legacy rows into \(writtenRows) rows"
        out += " (+\(archivedRows) archive rows), schema version \(schemaVersion), in \(String(format: "%.2f", seconds)) s"
        return out + "\n"
    }
}

public enum Migrator {
    /// The file system path of a path or `file:` URI.
    public static func filePath(of database: String) -> String {
        guard database.hasPrefix("file:") else { return database }
        var p = String(database.dropFirst(5))
        if let q = p.firstIndex(of: "?") { p = String(p[..<q]) }
        if p.hasPrefix("//") { p = String(p.dropFirst(2)) }
        return p.removingPercentEncoding ?? p
    }

    static func formatted(_ d: Diagnostic, file: SourceFile) -> String {
        let (line, col) = file.lineAndColumn(of: d.range.start)
        return "\(file.path):\(line):\(col): \(d.severity.rawValue): \(d.message)\(d.rule.map { " [\($0)]" } ?? "")"
    }

    static func scalar(_ db: Database, _ sql: String) throws(DatabaseError) -> Int64 {
        try db.withStatement(sql: sql) { stmt throws(DatabaseError) in
            guard try stmt.step() else { return 0 }
            return try stmt.optionalInt64(0) ?? 0
        }
    }

    static func texts(_ db: Database, _ sql: String) throws(DatabaseError) -> [String] {
        try db.withStatement(sql: sql) { stmt throws(DatabaseError) in
            var out: [String] = []
            while try stmt.step() { out.append(try stmt.optionalText(0) ?? "") }
            return out
        }
    }

    static func wrap(_ e: any Error, _ what: String, source: String? = nil, target: String? = nil) -> MigrationError {
        if var m = e as? MigrationError {
            if m.sourceTable == nil { m.sourceTable = source }
            if m.targetTable == nil { m.targetTable = target }
            return m
        }
        if let d = e as? DatabaseError {
            return MigrationError(what, sourceTable: source, targetTable: target, sql: d.sql, sqliteMessage: "\(d.message) (\(DatabaseError.codeName(d.extendedResultCode)))")
        }
        return MigrationError("\(what): \(e)", sourceTable: source, targetTable: target)
    }

    /// Records the exact shortest text of every REAL value the plan writes into JSON (see `SQL.exactTable`).
    static func recordExactReals(_ db: Database, _ plan: MigrationPlan) throws(DatabaseError) {
        try db.execute(SQL.exactTableDDL)
        for p in plan.sources {
            for q in p.exactRealSQL {
                var rows: [(String, Int64, String)] = []
                try db.withStatement(sql: q) { stmt throws(DatabaseError) in
                    while try stmt.step() {
                        if try stmt.text(2) == "real" {
                            rows.append((try stmt.text(0), try stmt.int64(1), exactJSON(try stmt.double(3))))
                        } else {
                            let bytes = try stmt.blob(3)
                            if String(data: bytes, encoding: .utf8) == nil {
                                rows.append((try stmt.text(0), try stmt.int64(1), "{\"$text\":\"" + bytes.map { String(format: "%02X", $0) }.joined() + "\"}"))
                            }
                        }
                    }
                }
                for (k, r, j) in rows {
                    try db.withStatement(sql: "INSERT OR REPLACE INTO temp.\(SQL.exactTable) (k, r, j) VALUES (?, ?, ?)") { stmt throws(DatabaseError) in
                        stmt.bind(k, at: 1)
                        stmt.bind(r, at: 2)
                        stmt.bind(j, at: 3)
                        try stmt.run()
                    }
                }
            }
        }
    }

    /// The JSON number text of a finite double that reads back as the same bits (Swift's shortest
    /// round-trip formatting), always with a `.` or an exponent so it reads back as REAL.
    public static func exactJSON(_ d: Double) -> String {
        let t = d.description
        return t.contains(".") || t.contains("e") ? t : t + ".0"
    }

    /// Migrates in place. Either everything is copied, checked and committed, or nothing changes
    /// (the backups made for this run are removed again).
    ///
    /// A dry run is the real run on a private snapshot of the files (the database and its `-wal` or
    /// hot `-journal`, copied byte for byte into a temporary directory, never opened by SQLite in
    /// place): it runs every step and check the real run does and changes no file of the user's.
    public static func run(schema: Schema, file: SourceFile, options: MigrationOptions) throws(MigrationError) -> MigrationReport {
        let fm = FileManager.default
        guard fm.fileExists(atPath: filePath(of: options.database)) else { throw MigrationError("cannot open database '\(options.database)': no such file") }
        for a in options.attach where !fm.fileExists(atPath: filePath(of: a)) {
            throw MigrationError("cannot attach '\(a)': no such file")
        }
        guard options.dryRun else { return try execute(schema: schema, file: file, options: options, snapshot: false) }
        let snapshot: Snapshot
        do { snapshot = try Snapshot(options.database, options.attach) } catch {
            throw MigrationError("cannot copy the database for the dry run: \(error.message)")
        }
        defer { snapshot.remove() }
        var copy = options
        copy.database = snapshot.database
        copy.attach = snapshot.attach
        do {
            var report = try execute(schema: schema, file: file, options: copy, snapshot: true)
            report.dryRun = true
            return report
        } catch {
            throw snapshot.unmapped(error)
        }
    }

    static func execute(schema: Schema, file: SourceFile, options: MigrationOptions, snapshot: Bool) throws(MigrationError) -> MigrationReport {
        let started = Date()
        let mainPath = filePath(of: options.database)
        var dbOptions = Database.Options()
        dbOptions.walMode = false
        dbOptions.busyTimeoutMilliseconds = options.busyTimeoutMilliseconds
        let db: Database
        do { db = try Database(path: options.database, options: dbOptions) } catch {
            throw MigrationError("cannot open database '\(options.database)'", sqliteMessage: error.message)
        }
        // SQLite checkpoints a WAL into its database and deletes it when the last connection closes;
        // a read-only connection cannot. One per file, closed after ours when the run fails, keeps a
        // database whose -wal was left behind (a crashed writer) byte-identical. Not with the journal
        // switch of a multi-file run (it needs the files to itself, and changes them anyway).
        var guards: [Database] = []
        if !snapshot && !(options.dropLegacy && !options.attach.isEmpty) {
            var g = Database.Options()
            g.readOnly = true
            g.walMode = false
            g.foreignKeys = false
            g.busyTimeoutMilliseconds = options.busyTimeoutMilliseconds
            for path in [options.database] + options.attach {
                if let c = try? Database(path: path, options: g) { guards.append(c) }
            }
        }
        var succeeded = false
        defer {
            if succeeded { for g in guards { g.close() } }
            db.close()
            for g in guards { g.close() }
        }
        // Attach the other legacy files.
        var files: [(schema: String, path: String)] = [("main", mainPath)]
        for (i, a) in options.attach.enumerated() {
            let alias = "legacy_\(i + 1)"
            do {
                try db.withStatement(sql: "ATTACH DATABASE ? AS \(SQL.ident(alias))") { stmt throws(DatabaseError) in
                    stmt.bind(a, at: 1)
                    try stmt.run()
                }
                _ = try scalar(db, "SELECT count(*) FROM \(SQL.ident(alias)).sqlite_schema")
            } catch {
                throw MigrationError("cannot attach '\(a)'", sql: error.sql, sqliteMessage: error.message)
            }
            files.append((alias, filePath(of: a)))
        }
        // The exact REAL texts the SQL looks up (temporary: in memory, no file of the user's).
        do { try db.execute(SQL.exactTableDDL) } catch {
            throw MigrationError("cannot create the temporary table \(SQL.exactTable)", sql: error.sql, sqliteMessage: error.message)
        }
        // Refuse an already migrated database.
        let own = MappingCheck.ownTables(schema)
        let present: [String]
        do {
            present = try texts(db, "SELECT name FROM main.sqlite_schema WHERE type = 'table'").filter { own.contains($0.lowercased()) }
        } catch {
            throw MigrationError("cannot read database '\(options.database)'", sql: error.sql, sqliteMessage: error.message)
        }
        if !present.isEmpty {
            var version = ""
            if present.contains("sys_schema_version"), let v = try? scalar(db, "SELECT max(version) FROM sys_schema_version") { version = " (sys_schema_version holds version \(v))" }
            throw MigrationError("'\(options.database)' is already migrated\(version): it has the new tables \(present.sorted().prefix(5).joined(separator: ", "))\(present.count > 5 ? ", …" : ""); restore a backup to migrate again")
        }
        // Introspect and validate the mapping against the real columns.
        let catalog: LegacyCatalog
        do { catalog = try LegacyCatalog.introspect(db, excluding: own, origin: options.database) } catch {
            throw MigrationError("cannot read the legacy tables of '\(options.database)'", sql: error.sql, sqliteMessage: error.message)
        }
        let diagnostics = MappingCheck.diagnostics(schema: schema, file: file, catalog: catalog, db: db)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            throw MigrationError("the mapping in \(file.path) does not fit the legacy tables; nothing was changed:\n" + errors.map { formatted($0, file: file) }.joined(separator: "\n"))
        }
        let warnings = diagnostics.filter { $0.severity == .warning }.map(\.message)
        let plan = MigrationPlan(schema: schema, catalog: catalog)
        var reports: [SourceReport] = []
        for p in plan.sources {
            do {
                let n = try scalar(db, p.countSQL)
                let expected = try p.distinctTupleCountSQL.map { q throws(DatabaseError) in try scalar(db, q) } ?? n * Int64(p.source.rowFactor)
                reports.append(SourceReport(legacyTable: p.legacy.name, schema: p.legacy.schema, target: p.target.name, isDistinct: p.source.isDistinct,
                                            isArchiveOnly: p.source.isArchiveOnly, legacyRows: n, expectedRows: expected, writtenRows: 0, archivedRows: 0, entryBases: []))
            } catch {
                throw MigrationError("cannot count the rows of legacy table '\(p.legacy.name)'", sourceTable: p.legacy.name, targetTable: p.target.name, sql: error.sql, sqliteMessage: error.message)
            }
        }
        var report = MigrationReport(sources: reports, missing: plan.missing, backups: [], droppedTables: [], warnings: warnings,
                                     schemaVersion: schema.version, dryRun: snapshot, seconds: 0)
        // Back up every file this run changes, with the one backup scheme (SchemaDatabase's `Backup`:
        // `FILE.before-vN.sqlite`, written under `.partial` and renamed when complete). An existing
        // backup of that name is refused before anything is written.
        var backups: [String] = []
        func removeBackups() { for b in backups { Backup.remove(b) } }
        let changed = options.dropLegacy ? files : [files[0]]
        var targets: [(schema: String, path: String, backup: String)] = []
        for f in changed where !snapshot {
            let target = Backup.path(for: f.path, version: schema.version)
            do throws(SchemaDatabaseError) { try Backup.checkAvailable(target) } catch { throw MigrationError(error.message + "; nothing was changed") }
            targets.append((f.schema, f.path, target))
        }
        for t in targets {
            do throws(SchemaDatabaseError) {
                try Backup.write(db, schema: t.schema, to: t.backup)
                backups.append(t.backup)
            } catch {
                removeBackups()
                throw MigrationError("cannot back up '\(t.path)' to '\(t.backup)'; nothing was changed", sql: error.sql, sqliteMessage: error.message)
            }
        }
        // A transaction over several files commits atomically only with a rollback journal, not WAL.
        var restoreWAL: [String] = []
        if changed.count > 1 {
            for f in changed {
                let mode = (try? texts(db, "PRAGMA \(SQL.ident(f.schema)).journal_mode").first) ?? ""
                if mode.lowercased() == "wal" {
                    do { _ = try texts(db, "PRAGMA \(SQL.ident(f.schema)).journal_mode = DELETE") } catch {
                        removeBackups()
                        throw MigrationError("cannot switch '\(f.path)' from WAL to a rollback journal for an atomic multi-file commit", sqliteMessage: error.message)
                    }
                    restoreWAL.append(f.schema)
                }
            }
        }
        func restoreJournals() { for s in restoreWAL { _ = try? texts(db, "PRAGMA \(SQL.ident(s)).journal_mode = WAL") } }
        do {
            try db.transaction { db in
                for sql in plan.createSQL {
                    do { try db.execute(sql) } catch { throw wrap(error, "cannot create the new tables") }
                }
                do { try recordExactReals(db, plan) } catch { throw wrap(error, "cannot record the exact text of REAL values") }
                for (i, p) in plan.sources.enumerated() {
                    let what = "copying '\(p.legacy.name)' into '\(p.target.name)' failed"
                    do {
                        if let a = p.archiveSQL, let countSQL = p.archiveCountSQL {
                            let expected = try scalar(db, countSQL)
                            try db.execute(a)
                            let written = Int64(db.changes)
                            if written != expected {
                                throw MigrationError("archived \(written) rows of '\(p.legacy.name)', expected \(expected)", sql: a)
                            }
                            reports[i].archivedRows = written
                        }
                        if let dc = p.distinctCountSQL, let ins = p.insertSQL.first {
                            let expected = try scalar(db, dc)
                            try db.execute(ins)
                            reports[i].writtenRows = Int64(db.changes)
                            reports[i].expectedRows = expected
                            if reports[i].writtenRows != expected {
                                throw MigrationError("wrote \(reports[i].writtenRows) distinct rows, expected \(expected) (distinct tuples sharing a key, or a NULL in a NOT NULL column)", sql: ins)
                            }
                        } else {
                            for ins in p.insertSQL {
                                let base = try scalar(db, "SELECT coalesce(max(rowid), 0) FROM \(SQL.ident(p.target.name))")
                                try db.execute(ins)
                                let written = Int64(db.changes)
                                if written != reports[i].legacyRows {
                                    throw MigrationError("wrote \(written) rows, expected \(reports[i].legacyRows)", sql: ins)
                                }
                                reports[i].writtenRows += written
                                reports[i].entryBases.append(base)
                            }
                            if reports[i].writtenRows != reports[i].expectedRows {
                                throw MigrationError("wrote \(reports[i].writtenRows) rows, expected \(reports[i].expectedRows) (\(reports[i].legacyRows) legacy rows × \(p.source.rowFactor))")
                            }
                        }
                    } catch {
                        var e = wrap(error, what, source: p.legacy.name, target: p.target.name)
                        if let d = error as? DatabaseError, d.message.contains("NOT NULL constraint failed"),
                           let column = d.message.components(separatedBy: "NOT NULL constraint failed: \(p.target.name).").last?.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }),
                           let q = p.rowsWithNull(targetColumn: String(column)),
                           let rows = try? texts(db, q), !rows.isEmpty {
                            e.message += "; the legacy rows (rowid) whose value for '\(column)' is NULL or has no home in it: \(rows.joined(separator: ", "))\(rows.count == 10 ? ", …" : "")"
                        }
                        throw e
                    }
                    if let n = options.failAfterSources, i + 1 >= n {
                        throw MigrationError("injected failure after \(i + 1) mappings (test hook)", sourceTable: p.legacy.name, targetTable: p.target.name)
                    }
                }
                do { try db.execute(plan.versionSQL) } catch { throw wrap(error, "cannot record the schema version", target: "sys_schema_version") }
                // The one version mechanism (what evolve and launch migrations read) records it too.
                do throws(SchemaDatabaseError) { try SchemaVersion.write(schema.version, to: db) } catch { throw MigrationError(error.message, sql: error.sql) }
                if options.dropLegacy {
                    for (sql, t) in zip(plan.dropSQL(), plan.legacyTables) {
                        do { try db.execute(sql) } catch { throw wrap(error, "cannot drop legacy table '\(t.name)'", source: t.name) }
                    }
                }
                let violations: (count: Int, first: [ForeignKeyCheck.Violation])
                do throws(SchemaDatabaseError) { violations = try ForeignKeyCheck.violations(in: db) } catch { throw MigrationError(error.message, sql: error.sql) }
                if violations.count > 0 {
                    throw MigrationError("foreign key violations after the copy: \(violations.first.map(\.description).joined(separator: "; "))\(violations.count > violations.first.count ? "; …" : "")")
                }
            }
        } catch {
            restoreJournals()
            removeBackups()
            var e = wrap(error, "the migration failed")
            e.message += "; everything was rolled back, nothing was changed"
            throw e
        }
        restoreJournals()
        succeeded = true
        report.sources = reports
        report.backups = backups
        report.droppedTables = options.dropLegacy ? plan.legacyTables.map(\.name) : []
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}

/// Byte copies of a database and its attached files (each with its `-wal` and `-journal`, never its
/// `-shm`) in a private temporary directory, for a dry run that must not touch the originals.
struct Snapshot {
    var directory: String
    var database: String
    var attach: [String]
    /// Copy path or URI → the user's original, for messages.
    var names: [(copy: String, original: String)]

    init(_ database: String, _ attach: [String]) throws(MigrationError) {
        let fm = FileManager.default
        directory = fm.temporaryDirectory.appendingPathComponent("schemagen-dry-run-\(UUID().uuidString)").path
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw MigrationError("cannot create '\(directory)': \((error as NSError).localizedDescription)")
        }
        names = []
        self.database = ""
        self.attach = []
        for (i, original) in ([database] + attach).enumerated() {
            let source = Migrator.filePath(of: original)
            let copy = "\(directory)/\(i).db"
            do {
                try Self.copy(source, to: copy)
            } catch {
                try? fm.removeItem(atPath: directory)
                throw MigrationError("cannot copy '\(source)': \((error as NSError).localizedDescription)")
            }
            // Keep a file: URI's parameters (mode=ro, …): the copy must behave like the original.
            var uri = copy
            if original.hasPrefix("file:"), let q = original.firstIndex(of: "?") {
                uri = "file:" + copy + String(original[q...])
            }
            if i == 0 { self.database = uri } else { self.attach.append(uri) }
            names.append((uri, original))
            names.append((copy, source))
        }
    }

    static func copy(_ source: String, to copy: String) throws {
        let fm = FileManager.default
        try fm.copyItem(atPath: source, toPath: copy)
        for suffix in ["-wal", "-journal"] where fm.fileExists(atPath: source + suffix) {
            try fm.copyItem(atPath: source + suffix, toPath: copy + suffix)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The error with the copies' names replaced by the originals'.
    func unmapped(_ e: MigrationError) -> MigrationError {
        func fix(_ s: String) -> String {
            var s = s
            for n in names.sorted(by: { $0.copy.count > $1.copy.count }) { s = s.replacingOccurrences(of: n.copy, with: n.original) }
            return s
        }
        var e = e
        e.message = fix(e.message)
        e.sql = e.sql.map(fix)
        e.sqliteMessage = e.sqliteMessage.map(fix)
        return e
    }
}
