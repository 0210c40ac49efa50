import Foundation
import Testing
import SchemagenRuntime
import SchemaDatabase
import SchemagenTestSupport
import SchemaModel
import SchemaSyntax
import SchemaEmit

/// `schemagen evolve OLD NEW --database DB` as a user runs it: one regression test per defect of
/// issue 11 items 6–11 (silent value rewrites, lost triggers and counters, unclean failures).
struct EvolveCLITests {
    typealias CLI = SchemagenCLI

    /// A directory with `v1.victor`, a database created at v1 (rollback journal, as `sqlite3` makes
    /// it), and helpers to write more versions and run evolve.
    final class Scene {
        let dir: URL
        var db: String { dir.appendingPathComponent("app.db").path }
        init(_ v1: String, rows: String = "") throws {
            dir = try CLI.temporaryDirectory("evolve")
            try write("v1.victor", v1)
            let (schema, diagnostics) = Resolver.load(SourceFile(path: "v1.victor", text: v1))
            #expect(!diagnostics.hasErrors, "\(diagnostics.map(\.message))")
            let d = try Database(path: db, options: ToolDatabase.options)
            try d.execute(DDLEmitter.emit(schema) + rows)
            try d.execute("PRAGMA user_version = \(schema.version)")
            d.close()
        }
        deinit { try? FileManager.default.removeItem(at: dir) }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func evolve(_ old: String, _ new: String, _ extra: [String] = []) throws -> SchemagenCLI.Result {
            try CLI.run(["evolve", old, new, "--database", "app.db"] + extra, cwd: dir)
        }
        /// Every file in the directory with its bytes: a refused run must leave all of them as they were.
        func snapshot() throws -> [String: Data] {
            var out: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                out[name] = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path)
            }
            return out
        }
        /// Names of the files whose bytes differ from `snapshot` (or that appeared or went away).
        func changed(since snapshot: [String: Data]) throws -> [String] {
            let now = try self.snapshot()
            return Set(now.keys).union(snapshot.keys).filter { now[$0] != snapshot[$0] }.sorted()
        }
        func scalar(_ sql: String) throws -> String {
            let d = try Database(path: db, options: ToolDatabase.options)
            defer { d.close() }
            return try d.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> String in
                _ = try s.step()
                if s.isNull(0) { return "NULL" }
                do throws(DatabaseError) { return try s.text(0) } catch { return String(try s.int64(0)) }
            }
        }
    }

    static let codes = """
    schema s version 1
    domain app {
      table app_code {
        id: integer primary key
        code: text
      }
    }
    """

    /// Item 6: a type change that rewrites stored values is refused unless the column says
    /// `@convert(from:)`, names the rows, and a value that cannot become the new type is refused always.
    @Test func typeChangesAreRefusedUnlessDeclaredAndNameTheRows() throws {
        let scene = try Scene(Self.codes, rows: "INSERT INTO app_code (code) VALUES ('007'), (' 5'), ('abc'), ('12'), ('line' || char(10) || 'break' || char(13) || printf('%.100c', 'x'));")
        try scene.write("v2.victor", Self.codes.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "code: text", with: "code: integer"))
        let before = try scene.snapshot()
        let refused = try scene.evolve("v1.victor", "v2.victor")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: table app_code: column code: changing its type from text to integer can change stored values; declare @convert(from: text) on the column to convert them"), "\(refused.stderr)")
        #expect(refused.stderr.contains("converting TEXT to INTEGER changes 3 stored values: rowid 1 '007' → 7 (integer), rowid 2 ' 5' → 5 (integer), rowid 4 '12' → 12 (integer)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("rowid 3 'abc' → 'abc' (text)"))
        // A long or multi-line value is shown on one bounded line.
        let shown = "'line\\nbreak\\r" + String(repeating: "x", count: 48) + "…" // 60 characters of the value, then …
        #expect(refused.stderr.contains("rowid 5 \(shown) → \(shown) (text)"), "\(refused.stderr)")
        #expect(try scene.changed(since: before) == [])
        // Declared: still refused while a value cannot become an integer.
        try scene.write("v2c.victor", Self.codes.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "code: text", with: "@convert(from: text)\n    code: integer"))
        let unfit = try scene.evolve("v1.victor", "v2c.victor")
        #expect(unfit.status == 1)
        #expect(unfit.stderr.hasPrefix("error: table app_code: column code: 2 stored values would not become INTEGER: rowid 3 'abc' → 'abc' (text), rowid 5 'line"), "\(unfit.stderr)")
        #expect(try scene.changed(since: before) == ["v2c.victor"])
        // Without that row, the declared conversion runs and reports every value it changed.
        let d = try Database(path: scene.db, options: ToolDatabase.options)
        try d.execute("DELETE FROM app_code WHERE id IN (3, 5)")
        d.close()
        let run = try scene.evolve("v1.victor", "v2c.victor")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("note: table app_code: column code: converting TEXT to INTEGER changes 3 stored values: rowid 1 '007' → 7 (integer), rowid 2 ' 5' → 5 (integer), rowid 4 '12' → 12 (integer)"), "\(run.stdout)")
        #expect(try scene.scalar("SELECT group_concat(typeof(code) || ':' || code, ',') FROM app_code") == "integer:7,integer:5,integer:12")
    }

    /// Item 6: integer → real loses precision above 2^53; the rows are named.
    @Test func integerToRealNamesTheValuesItWouldRound() throws {
        let v1 = Self.codes.replacingOccurrences(of: "code: text", with: "n: integer?")
        let scene = try Scene(v1, rows: "INSERT INTO app_code (n) VALUES (9007199254740993), (9223372036854775807), (3), (NULL);")
        try scene.write("v2.victor", v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "n: integer?", with: "n: real?"))
        let before = try scene.snapshot()
        let refused = try scene.evolve("v1.victor", "v2.victor")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("converting INTEGER to REAL changes 3 stored values: rowid 1 9007199254740993 → 9.00719925474099199994e+15 (real), rowid 2 9223372036854775807 → 9.2233720368547758078e+18 (real), rowid 3 3 → 3.0 (real)"), "\(refused.stderr)")
        #expect(try scene.changed(since: before) == [])
    }

    static let counted = """
    schema s version 1
    domain app {
      table app_event {
        id: integer primary key autoincrement
        name: text
      }
    }
    """

    /// Item 7: a rebuild keeps the database's triggers (and views) and the AUTOINCREMENT counter.
    @Test func aRebuildKeepsTriggersViewsAndTheCounter() throws {
        let scene = try Scene(Self.counted, rows: """
            INSERT INTO app_event (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g'), ('h'), ('i'), ('j');
            DELETE FROM app_event WHERE id > 7;
            CREATE TABLE app_log (msg TEXT);
            CREATE TRIGGER app_event_logged AFTER INSERT ON app_event BEGIN INSERT INTO app_log VALUES (new.name); END;
            CREATE VIEW app_event_names AS SELECT name FROM app_event;
            """)
        #expect(try scene.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'app_event'") == "10")
        // name becomes NOT NULL with a default: a rebuild.
        try scene.write("v2.victor", Self.counted.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "name: text", with: "name: text = ''\n    check (length(name) < 100)"))
        let run = try scene.evolve("v1.victor", "v2.victor")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rebuild table app_event"))
        #expect(run.stdout.contains("note: trigger app_event_logged is recreated"))
        #expect(try scene.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'app_event'") == "10")
        #expect(try scene.scalar("SELECT count(*) FROM sqlite_schema WHERE name IN ('app_event_logged', 'app_event_names')") == "2")
        let d = try Database(path: scene.db, options: ToolDatabase.options)
        try d.execute("INSERT INTO app_event (name) VALUES ('k')")
        d.close()
        #expect(try scene.scalar("SELECT max(id) FROM app_event") == "11")
        #expect(try scene.scalar("SELECT group_concat(msg) FROM app_log") == "k")
        #expect(try scene.scalar("SELECT count(*) FROM app_event_names") == "8")

        // Dropping AUTOINCREMENT loses the counter: refused without --allow-data-loss.
        try scene.write("v3.victor", Self.counted.replacingOccurrences(of: "version 1", with: "version 3").replacingOccurrences(of: " autoincrement", with: "").replacingOccurrences(of: "name: text", with: "name: text = ''\n    check (length(name) < 100)"))
        let before = try scene.snapshot()
        let lossy = try scene.evolve("v2.victor", "v3.victor")
        #expect(lossy.status == 1)
        #expect(lossy.stderr.contains("rebuild table app_event, dropping its AUTOINCREMENT counter"), "\(lossy.stderr)")
        #expect(try scene.changed(since: before) == [])
    }

    /// Item 7: a trigger that cannot survive the rebuild (it reads a dropped column) is named, and
    /// nothing changes.
    @Test func aTriggerTheRebuildWouldLoseIsNamed() throws {
        let v1 = Self.counted.replacingOccurrences(of: "name: text", with: "name: text\n    old: text?")
        let scene = try Scene(v1, rows: """
            CREATE TABLE app_log (msg TEXT);
            CREATE TRIGGER app_event_old AFTER INSERT ON app_event BEGIN INSERT INTO app_log VALUES (new.old); END;
            """)
        try scene.write("v2.victor", v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "name: text\n", with: "name: text = ''\n").replacingOccurrences(of: "    old: text?\n", with: ""))
        let before = try scene.snapshot()
        let run = try scene.evolve("v1.victor", "v2.victor", ["--allow-data-loss"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("trigger app_event_old"), "\(run.stderr)")
        #expect(try scene.changed(since: before) == [])
    }

    /// Items 8 and 9: a refused or failed run writes nothing — no backup, no journal-mode switch, the
    /// database byte-identical — and a retry after the cause is fixed works.
    @Test func aFailedRunLeavesEveryFileAsItWasAndTheRetryWorks() throws {
        let scene = try Scene(Self.codes, rows: "INSERT INTO app_code (code) VALUES ('same'), ('same');")
        #expect(try scene.scalar("PRAGMA journal_mode") == "delete")
        try scene.write("v2.victor", Self.codes.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "code: text", with: "code: text unique"))
        let before = try scene.snapshot()
        let failed = try scene.evolve("v1.victor", "v2.victor")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: rebuild table app_code failed: UNIQUE constraint failed: _schemagen_new_app_code.code — while executing: INSERT INTO"), "\(failed.stderr)")
        #expect(try scene.changed(since: before) == [], "the database, its journal and the directory are unchanged; no backup is left")
        // A refusal (data loss) writes nothing either.
        try scene.write("v3.victor", Self.codes.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "    code: text\n", with: ""))
        let snap = try scene.snapshot()
        let refused = try scene.evolve("v1.victor", "v3.victor")
        #expect(refused.status == 1)
        #expect(try scene.changed(since: snap) == [])
        // Fix the data and retry: the backup is written whole (no .partial) and the change applied.
        // A `.partial` left by a run killed during VACUUM INTO is never taken for a backup.
        try Data("half a backup".utf8).write(to: URL(fileURLWithPath: scene.db + ".before-v2.sqlite.partial"))
        let d = try Database(path: scene.db, options: ToolDatabase.options)
        try d.execute("UPDATE app_code SET code = 'other' WHERE id = 2")
        d.close()
        let retry = try scene.evolve("v1.victor", "v2.victor")
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("backed up app.db to app.db.before-v2.sqlite"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: scene.dir.path))
        #expect(names.contains("app.db.before-v2.sqlite"))
        #expect(!names.contains { $0.hasSuffix(".partial") || $0.hasSuffix("-wal") || $0.hasSuffix("-shm") })
        #expect(try scene.scalar("PRAGMA journal_mode") == "delete")
        #expect(try scene.scalar("PRAGMA user_version") == "2")
        let backup = try Database(path: scene.db + ".before-v2.sqlite", options: ToolDatabase.options)
        defer { backup.close() }
        #expect(try backup.withStatement("SELECT group_concat(code) FROM app_code") { (s: borrowing Statement) throws(DatabaseError) -> String in _ = try s.step(); return try s.text(0) } == "same,other")
    }

    /// Item 9: with a reader holding a snapshot of a rollback-journal database, evolve fails with a
    /// clear error after the busy timeout, leaves the file byte-identical and no backup; it never
    /// touches the journal mode.
    @Test func aReaderHoldingASnapshotFailsCleanly() throws {
        let scene = try Scene(Self.codes, rows: "INSERT INTO app_code (code) VALUES ('x');")
        try scene.write("v2.victor", Self.codes.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "code: text", with: "code: text unique"))
        let before = try scene.snapshot()
        let reader = try Database(path: scene.db, options: ToolDatabase.options)
        try reader.execute("BEGIN")
        #expect(try reader.withStatement("SELECT count(*) FROM app_code") { (s: borrowing Statement) throws(DatabaseError) -> Int64 in _ = try s.step(); return try s.int64(0) } == 1)
        let run = try scene.evolve("v1.victor", "v2.victor")
        try reader.execute("COMMIT")
        reader.close()
        #expect(run.status == 1)
        #expect(run.stderr.contains("database is locked"), "\(run.stderr)")
        #expect(try scene.changed(since: before) == [])
    }

    static let checked = """
    schema s version 1
    domain app {
      table app_note {
        id: integer primary key
        body: text
      }
    }
    """

    /// Item 10: drift compares CHECKs (and every other part of the structure), prints what differs,
    /// and a database already at the target version says so instead of rebuilding.
    @Test func driftSeesChecksAndAnEvolvedDatabaseSaysSo() throws {
        let v2 = Self.checked.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "body: text\n", with: "body: text check (length(body) > 0)\n")
        let v3 = v2.replacingOccurrences(of: "version 2", with: "version 3").replacingOccurrences(of: "check (length(body) > 0)\n", with: "check (length(body) > 0)\n    pinned: bool = false\n")
        // Shaped like v1, stamped v2: evolving v2 → v3 is refused and names the missing CHECK.
        let scene = try Scene(Self.checked)
        try scene.write("v2.victor", v2)
        try scene.write("v3.victor", v3)
        let d = try Database(path: scene.db, options: ToolDatabase.options)
        try d.execute("PRAGMA user_version = 2")
        d.close()
        let before = try scene.snapshot()
        let drift = try scene.evolve("v2.victor", "v3.victor")
        #expect(drift.status == 1)
        #expect(drift.stderr == "error: the database is not at version 2 of s:\n  table app_note: CHECK (length(body) > 0) is missing\n", "\(drift.stderr)")
        #expect(try scene.changed(since: before) == [])

        // A real v1 database evolved to v2, then asked again: already there, nothing rebuilt.
        let fresh = try Scene(Self.checked, rows: "INSERT INTO app_note (body) VALUES ('x');")
        try fresh.write("v2.victor", v2)
        let first = try fresh.evolve("v1.victor", "v2.victor")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("rebuild table app_note"))
        try FileManager.default.removeItem(atPath: fresh.db + ".before-v2.sqlite")
        let snap = try fresh.snapshot()
        let again = try fresh.evolve("v1.victor", "v2.victor")
        #expect(again.status == 0)
        #expect(again.stdout == "app.db is already at version 2\n")
        #expect(try fresh.changed(since: snap) == [])
    }

    /// Item 11: a version that PRAGMA user_version cannot hold is refused; nothing records a truncated one.
    @Test func aVersionBeyondUserVersionIsRefused() throws {
        let scene = try Scene(Self.checked)
        try scene.write("big.victor", Self.checked.replacingOccurrences(of: "version 1", with: "version 2147483648").replacingOccurrences(of: "body: text\n", with: "body: text\n    extra: text?\n"))
        let before = try scene.snapshot()
        let run = try scene.evolve("v1.victor", "big.victor")
        #expect(run.status == 1)
        // The schema file itself is refused at its header (syntax/version-out-of-range), before evolve runs.
        #expect(run.stderr.contains("big.victor:1:18: error: schema version 2147483648 is too large"), "\(run.stderr)")
        #expect(try scene.changed(since: before) == [])
        #expect(try scene.scalar("PRAGMA user_version") == "1")
    }
}
