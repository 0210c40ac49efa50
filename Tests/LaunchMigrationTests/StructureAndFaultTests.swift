import Foundation
import Testing
import SchemagenDriver
import SchemagenRuntime
import SchemagenTestSupport

/// The launch structure check's CREATE-text parts (CHECK, COLLATE, AUTOINCREMENT, generated
/// columns), and faults during a launch migration: a full disk, a locked database, readers.
enum NoteVersions {
    static let v1 = """
        schema app version 1

        table app_note {
            id: integer primary key autoincrement
            body: text check (length(body) > 0)
            tag: text? collate nocase
            check (id > 0)
        }

        """
    /// Renames a column a CHECK reads (SQLite rewrites the CREATE text, quoting the name) and adds one.
    static let v2 = v1.replacingOccurrences(of: "version 1", with: "version 2")
        .replacingOccurrences(of: "    body: text check (length(body) > 0)", with: "    @renamed(from: body)\n    content: text check (length(content) > 0)")
        .replacingOccurrences(of: "    tag: text? collate nocase", with: "    tag: text? collate nocase\n    extra: text? collate rtrim")

    /// A version-1 database with `rows` notes (rollback-journal mode unless `wal`).
    static func database(_ path: String, rows: Int = 3, wal: Bool = true) throws {
        let dir = try Versions.project(frozen: [], current: v1)
        var options = Database.Options()
        options.walMode = wal
        let db = try Database(path: path, options: options)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .created(version: 1))
        try db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows)) INSERT INTO app_note (body, tag) SELECT 'note ' || i || ' ' || hex(randomblob(40)), 'T' || i FROM n")
    }

    static func content(_ db: Database) throws -> [String] {
        try Versions.strings(db, "SELECT name || ':' || coalesce(sql, '') FROM sqlite_schema ORDER BY name")
            + Versions.strings(db, "SELECT quote(id) || quote(body) || quote(tag) FROM app_note ORDER BY id")
            + Versions.strings(db, "SELECT CAST(user_version AS TEXT) FROM pragma_user_version")
    }
}

@Suite struct StructureCheckTests {
    @Test func checksCollationsAndAutoincrementAreDescribedAndSurviveRenamesAndAdds() throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: NoteVersions.v2)
        let chain = try Versions.chain(dir)
        let v1 = chain.structures[1] ?? ""
        #expect(v1.contains("table app_note check (length(body) > 0)"), "\(v1)")
        #expect(v1.contains("table app_note check (id > 0)"), "\(v1)")
        #expect(v1.contains("table app_note column tag collate NOCASE"), "\(v1)")
        #expect(v1.contains("table app_note autoincrement"), "\(v1)")
        #expect(chain.structures[2]?.contains("table app_note check (length(content) > 0)") == true)
        // RENAME COLUMN rewrites the CHECK ("content" quoted) and ADD COLUMN appends: still version 2.
        let path = dir.appendingPathComponent("notes.db").path
        try NoteVersions.database(path)
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, chain) == .migrated(from: 1, to: 2))
        #expect(try SchemaMigrator.migrate(db, chain, structureCheck: .always) == .current)
    }

    @Test func aDriftedCheckIsAStructureMismatchWithReadableLines() throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: NoteVersions.v2)
        let path = dir.appendingPathComponent("drift.db").path
        try NoteVersions.database(path)
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(replace(sql, '> 0)', '> 1)'), 'COLLATE NOCASE', 'COLLATE RTRIM') WHERE name = 'app_note'; PRAGMA writable_schema = OFF")
            db.close()
        }
        let db = try Database(path: path)
        defer { db.close() }
        let before = try NoteVersions.content(db)
        do {
            try SchemaMigrator.migrate(db, try Versions.chain(dir))
            Issue.record("a drifted CHECK was migrated")
        } catch let error as SchemaMigrationError {
            guard case .structureMismatch(let version, let lines) = error else { Issue.record("\(error)"); return }
            #expect(version == 1)
            #expect(lines.contains("missing: table app_note check (length(body) > 0)"), "\(lines)")
            #expect(lines.contains("unexpected: table app_note check (length(body) > 1)"), "\(lines)")
            #expect(lines.contains("missing: table app_note check (id > 0)"), "\(lines)")
            #expect(lines.contains("missing: table app_note column tag collate NOCASE"), "\(lines)")
            #expect(lines.contains("unexpected: table app_note column tag collate RTRIM"), "\(lines)")
        }
        #expect(try NoteVersions.content(db) == before)
    }
}

@Suite struct LaunchFaultTests {
    /// A chain whose step rebuilds app_note (tag becomes NOT NULL) on a database that cannot grow.
    static let v2Rebuild = NoteVersions.v1.replacingOccurrences(of: "version 1", with: "version 2")
        .replacingOccurrences(of: "    tag: text? collate nocase", with: "    tag: text collate nocase")

    @Test func aFullDiskFailsTheStepWithSQLITE_FULLAndLeavesTheFileByteIdentical() throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: Self.v2Rebuild)
        let path = dir.appendingPathComponent("full.db").path
        try NoteVersions.database(path, rows: 2_000, wal: false)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var options = Database.Options()
        options.walMode = false
        let db = try Database(path: path, options: options)
        defer { db.close() }
        let pages = try Versions.int(db, "PRAGMA page_count")
        try db.execute("PRAGMA max_page_count = \(pages + 2)") // the rebuild's copy needs about twice as many
        do {
            try SchemaMigrator.migrate(db, try Versions.chain(dir))
            Issue.record("the migration fit in \(pages + 2) pages")
        } catch let error as SchemaMigrationError {
            guard case .stepFailed(let from, let to, let e) = error else { Issue.record("\(error)"); return }
            #expect(from == 1 && to == 2)
            #expect(e.resultCode == .SQLITE_FULL, "\(e)")
            #expect(error.description.contains("database or disk is full"), "\(error)")
        }
        #expect(try Versions.int(db, "PRAGMA user_version") == 1)
        db.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test(arguments: [false, true]) func aLockedDatabaseFailsWithSQLITE_BUSYAfterTheBusyTimeoutAndIsUnchanged(wal: Bool) throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: NoteVersions.v2)
        let path = dir.appendingPathComponent("locked.db").path
        try NoteVersions.database(path, wal: wal)
        var options = Database.Options()
        options.walMode = wal
        let holder = try Database(path: path, options: options)
        defer { holder.close() }
        let before = try NoteVersions.content(holder)
        try holder.execute("BEGIN IMMEDIATE; INSERT INTO app_note (body) VALUES ('held')")
        options.busyTimeoutMilliseconds = 200
        let db = try Database(path: path, options: options)
        defer { db.close() }
        let start = Date()
        do {
            try SchemaMigrator.migrate(db, try Versions.chain(dir))
            Issue.record("migrated under another connection's write lock")
        } catch let error as SchemaMigrationError {
            guard case .stepFailed(let from, let to, let e) = error else { Issue.record("\(error)"); return }
            #expect(from == 1 && to == 2)
            #expect(e.resultCode == .SQLITE_BUSY, "\(e)")
        }
        #expect(Date().timeIntervalSince(start) >= 0.19)
        try holder.execute("ROLLBACK")
        #expect(try NoteVersions.content(db) == before)
        // Once the lock is gone the same launch succeeds.
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .migrated(from: 1, to: 2))
    }

    @Test func aReaderHoldingASnapshotInRollbackJournalModeMakesTheCommitBusyAndChangesNothing() throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: NoteVersions.v2)
        let path = dir.appendingPathComponent("reader.db").path
        try NoteVersions.database(path, wal: false)
        var options = Database.Options()
        options.walMode = false
        let reader = try Database(path: path, options: options)
        defer { reader.close() }
        let before = try NoteVersions.content(reader)
        try reader.execute("BEGIN")
        #expect(try Versions.int(reader, "SELECT count(*) FROM app_note") == 3) // holds a SHARED lock
        options.busyTimeoutMilliseconds = 200
        let db = try Database(path: path, options: options)
        defer { db.close() }
        do {
            try SchemaMigrator.migrate(db, try Versions.chain(dir))
            Issue.record("committed under a reader's shared lock")
        } catch let error as SchemaMigrationError {
            guard case .stepFailed(_, _, let e) = error else { Issue.record("\(error)"); return }
            #expect(e.resultCode == .SQLITE_BUSY, "\(e)")
        }
        #expect(try NoteVersions.content(reader) == before)
        try reader.execute("COMMIT")
        #expect(try NoteVersions.content(db) == before)
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .migrated(from: 1, to: 2))
    }

    @Test func aReaderHoldingAWALSnapshotKeepsReadingTheOldVersionWhole() throws {
        let dir = try Versions.project(frozen: [NoteVersions.v1], current: NoteVersions.v2)
        let path = dir.appendingPathComponent("wal.db").path
        try NoteVersions.database(path)
        let reader = try Database(path: path)
        defer { reader.close() }
        let before = try NoteVersions.content(reader)
        try reader.execute("BEGIN")
        #expect(try Versions.int(reader, "SELECT count(*) FROM app_note") == 3) // the snapshot starts here
        let db = try Database(path: path)
        defer { db.close() }
        // WAL: the writer does not wait for readers; the reader's snapshot stays version 1, whole.
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .migrated(from: 1, to: 2))
        #expect(try NoteVersions.content(reader) == before)
        #expect(try Versions.strings(reader, "PRAGMA integrity_check") == ["ok"])
        try reader.execute("COMMIT")
        #expect(try Versions.int(reader, "PRAGMA user_version") == 2)
        #expect(try Versions.strings(reader, "SELECT name FROM pragma_table_info('app_note') ORDER BY cid") == ["id", "content", "tag", "extra"])
    }
}
