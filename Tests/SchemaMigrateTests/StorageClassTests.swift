import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemagenRuntime
import VictorSchema
@testable import SchemaMigrate

/// Values of every SQLite storage class, as SQL literals: BLOBs (empty, binary, JSON-looking), TEXT
/// with a NUL and TEXT that is not UTF-8, INTEGER extremes, REAL extremes (±DBL_MAX, ±Inf, subnormals, -0.0), NULL.
let oddValues = [
    "X'00FF7B7D'", "X''", "CAST(X'61006200' AS TEXT)", "X'7B7D'", "9223372036854775807", "-9223372036854775808",
    "1.7976931348623157e308", "-1.7976931348623157e308", "4.9406564584124654e-324", "2.2250738585072009e-308",
    "9e999", "-9e999", "-0.0", "'abc'", "NULL", "0.30000000000000004", "CAST(X'61FF62' AS TEXT)", "CAST(X'C3' AS TEXT)",
]

/// SplitMix64: a seeded generator, so the random doubles are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// POSIX `cksum` of each file (CRC and size; "absent" when missing), computed in a child process:
/// opening and closing a file in this process would drop the POSIX locks a live connection of this
/// process holds on it (SQLite's WAL index locks), and another process would then think it is the
/// last connection and checkpoint and delete the WAL.
func checksums(_ paths: [String]) throws -> [String] {
    try paths.map { path in
        guard FileManager.default.fileExists(atPath: path) else { return "absent" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cksum < \"$0\"", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite(.serialized) struct StorageClassTests {
    /// Sets row k of every legacy column (but rowid aliases) to oddValues[k] (NULL skipped for NOT NULL columns).
    func spoil(_ path: String, rows: Int) throws {
        let db = try openPlain(path)
        defer { db.close() }
        let tables = try texts(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for t in tables {
            // A key column admits NULL in SQLite unless it is a rowid alias, but the targets' keys do
            // not (that refusal is BadInputTests.nullInTargetNotNull): keys get every other value.
            var cols: [(name: String, notNull: Bool, rowidAlias: Bool)] = []
            let pkCount = try scalar(db, "SELECT count(*) FROM pragma_table_info('\(t)') WHERE pk > 0")
            try db.withStatement(sql: "SELECT name, \"notnull\", pk, upper(type) FROM pragma_table_info('\(t)')") { stmt throws(DatabaseError) in
                while try stmt.step() {
                    let pk = try stmt.int64(2), type = try stmt.text(3)
                    cols.append((try stmt.text(0), try stmt.int64(1) != 0 || pk > 0, pk > 0 && pkCount == 1 && type == "INTEGER"))
                }
            }
            for k in 0..<min(rows, oddValues.count) {
                let sets = cols.filter { !$0.rowidAlias && !($0.notNull && oddValues[k] == "NULL") }
                    .map { "\(SQL.ident($0.name)) = \(oddValues[k])" }
                if sets.isEmpty { continue }
                try db.execute("UPDATE \(SQL.ident(t)) SET \(sets.joined(separator: ", ")) WHERE rowid = (SELECT rowid FROM \(SQL.ident(t)) ORDER BY rowid LIMIT 1 OFFSET \(k))")
            }
        }
    }

    func check(_ pristine: String, _ migrated: String, _ report: MigrationReport) throws {
        let loaded = try loadSchema()
        let m = try openPlain(migrated)
        try checkHealthy(m)
        try checkCounts(db: m, schema: loaded.schema, report: report)
        m.close()
        let old = try openPlain(pristine)
        try old.execute("ATTACH DATABASE '\(migrated)' AS new")
        _ = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        old.close()
        try checkDAOs(migrated)
    }

    /// Issue 11 item 12: every storage class in every legacy column (plain copies, JSON columns, unpivot,
    /// pack, archive, computed keys) migrates losslessly through the CLI, and the dry run agrees.
    @Test func everyStorageClassInEveryColumnMigratesThroughTheCLI() throws {
        let dir = try tempDir("classes")
        let db = dir.appendingPathComponent("victor.db").path
        let rows = oddValues.count + 3
        try Generator.build(files: [.graph: db], rows: rows)
        try spoil(db, rows: rows)
        let probe = try openPlain(db)
        #expect(try scalar(probe, "SELECT count(*) FROM rl_telemetry WHERE typeof(data) = 'blob'") == 3)
        #expect(try scalar(probe, "SELECT count(*) FROM prompt_template_styles WHERE typeof(task_type) = 'blob'") == 3)
        #expect(try scalar(probe, "SELECT count(*) FROM rl_outcomes WHERE typeof(success) = 'real'") >= 5)
        probe.close()
        let pristine = dir.appendingPathComponent("pristine.copy").path
        try FileManager.default.copyItem(atPath: db, toPath: pristine)
        let dry = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--dry-run"])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(FileManager.default.contents(atPath: db) == FileManager.default.contents(atPath: pristine), "the dry run changed the database")
        let run = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--drop-legacy"])
        #expect(run.status == 0, "\(run.err)")
        // The dry run printed the real run's figures.
        let last = { (s: String) in s.split(separator: "\n").last.map { String($0.prefix(while: { $0 != "(" })) } ?? "" }
        #expect(last(dry.out).replacingOccurrences(of: "would migrate", with: "migrated") == last(run.out), "\(dry.out)\n---\n\(run.out)")
        // Library run on a copy for the report, then every value checked against the pristine copy.
        let copy = dir.appendingPathComponent("copy.db").path
        try FileManager.default.copyItem(atPath: pristine, toPath: copy)
        let loaded = try loadSchema()
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: copy, dropLegacy: true))
        #expect(report.archivedRows > 0)
        try check(pristine, db, report)
        // A BLOB bound for a JSON column is a tagged object there, its original in the archive.
        let m = try openPlain(db)
        #expect(try texts(m, "SELECT metadata FROM rl_metric WHERE metadata LIKE '{\"$blob\"%' ORDER BY id").contains("{\"$blob\":\"00FF7B7D\"}"))
        #expect(try scalar(m, "SELECT count(*) FROM sys_legacy_archive WHERE source_table = 'prompt_template_styles' AND payload LIKE '%\"$blob\"%'") >= 3)
        m.close()
    }

    /// Issue 11 item 12, the dry run half: a legacy database the real run refuses is refused by the dry run too.
    @Test func dryRunRunsTheRealChecks() throws {
        let dir = try tempDir("dry-checks")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 6)
        let c = try openPlain(db)
        try c.execute("INSERT INTO model_selector_q_values VALUES ('dup', 0.1, 1, NULL); INSERT INTO model_selector_task_q_values VALUES ('dup', '*', 0.2, 1, NULL)")
        c.close()
        let before = fileBytes([db])
        let dry = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--dry-run"])
        #expect(dry.status != 0)
        #expect(dry.err.contains("UNIQUE") && dry.err.contains("model_selector_task_q_values"), "\(dry.err)")
        #expect(!dry.err.contains("schemagen-dry-run"), "messages name the user's file, not the private copy: \(dry.err)")
        #expect(fileBytes([db]) == before && listing(dir) == ["victor.db"])
        let real = try runCLI(["migrate", "legacy", schemaPath, "--database", db])
        #expect(real.status != 0 && real.err.contains("UNIQUE"))
        #expect(fileBytes([db]) == before && listing(dir) == ["victor.db"])
    }

    /// Issue 11 item 13: REALs that go into JSON read back as the identical bits (DBL_MAX, 20,000 random
    /// bit patterns), through the zero-loss checker and through the generated DAO.
    @Test func randomDoublesRoundTripBitExactThroughJSON() throws {
        let dir = try tempDir("doubles")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 0, only: ["rl_outcomes"])
        var rng = SplitMix64(state: 0x5eed_2026)
        var doubles: [Double] = [1.7976931348623157e308, -1.7976931348623157e308, Double.leastNonzeroMagnitude, 2.2250738585072014e-308, 0.1, 1e23, 9007199254740992]
        while doubles.count < 20_000 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite && d != 0 { doubles.append(d) }
        }
        #expect(doubles.filter { abs($0) > 1e200 }.count > 2_000)
        let c = try openPlain(db)
        try c.transaction { c in
            for (i, d) in doubles.enumerated() {
                try c.withStatement(sql: "INSERT INTO rl_outcomes (learner_name, provider, model, task_type, vertical, success, quality_score, metadata, timestamp, created_at) VALUES ('l', 'p', 'm', 't', 'v', 1, ?, NULL, '2025-01-02 03:04:05', ?)") { stmt throws(DatabaseError) in
                    stmt.bind(Double(i), at: 1)
                    stmt.bind(d, at: 2)
                    try stmt.run()
                }
            }
        }
        c.close()
        let pristine = dir.appendingPathComponent("pristine.copy").path
        try FileManager.default.copyItem(atPath: db, toPath: pristine)
        let loaded = try loadSchema()
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db))
        let old = try openPlain(pristine)
        try old.execute("ATTACH DATABASE '\(db)' AS new")
        _ = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        old.close()
        // The generated DAO: rl_outcome.metadata's "created_at" member (packed) is each double, bit for bit.
        let m = try openPlain(db)
        defer { m.close() }
        let rowsRead = try m.rlOutcome.fetchAll().sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        #expect(rowsRead.count == doubles.count)
        var wrong = 0
        for (row, d) in zip(rowsRead, doubles) {
            guard case .object(let o)? = row.metadata, let v = o["created_at"] else { wrong += 1; continue }
            let back: Double?
            switch v {
            case .number(let x): back = x
            case .int(let x): back = Double(x)
            default: back = nil
            }
            if back?.bitPattern != d.bitPattern { wrong += 1 }
        }
        #expect(wrong == 0, "\(wrong) of \(doubles.count) doubles changed through JSON")
        #expect(try texts(m, "SELECT metadata -> '$.created_at' FROM rl_outcome WHERE id = 1") == ["1.7976931348623157e+308"])
    }

    /// Issue 11 item 14: a dry run (and lint --legacy, --sql) on a WAL database whose -wal is not empty
    /// changes no file: not the database, not -wal, not -shm; and it sees the rows still in the WAL.
    @Test func dryRunOnALiveWALDatabaseChangesNoFile() throws {
        let dir = try tempDir("wal")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 5)
        let writer = try Database(path: db) // WAL mode
        defer { writer.close() }
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.execute("INSERT INTO schema_version VALUES (41); INSERT INTO schema_version VALUES (42)")
        let files = [db, db + "-wal", db + "-shm"]
        let walSize = (try FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(walSize > 0)
        let before = try checksums(files)
        let listed = listing(dir)
        let dry = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--dry-run"])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("schema_version [main] -> sys_legacy_archive (archive only): 7 legacy rows"), "\(dry.out)")
        #expect(try checksums(files) == before, "the dry run changed a file")
        let lint = try runCLI(["lint", schemaPath, "--legacy", db])
        #expect(lint.status == 0, "\(lint.out)\(lint.err)")
        let script = try runCLI(["migrate", "legacy", schemaPath, "--sql", "--database", db])
        #expect(script.status == 0, "\(script.err)")
        #expect(try checksums(files) == before, "lint --legacy or --sql changed a file")
        #expect(listing(dir) == listed)
        // The writer's connection is undisturbed.
        #expect(try scalar(writer, "SELECT count(*) FROM schema_version") == 7)
    }
}

extension StorageClassTests {
    /// A failed real run on a WAL database with a live writer leaves the database and `-wal`
    /// byte-identical, and the writer's rows in place. (`-shm`, the WAL index, is shared memory every
    /// reader of a WAL database takes its read locks in: a real run cannot read without it. Only the
    /// dry run, which never opens the files, keeps it byte-identical.)
    @Test func failedRunOnALiveWALDatabaseChangesNoFile() throws {
        let dir = try tempDir("wal-fail")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 5)
        let writer = try Database(path: db)
        defer { writer.close() }
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.execute("INSERT INTO schema_version VALUES (41)")
        let files = [db, db + "-wal"]
        let before = try checksums(files)
        let listed = listing(dir)
        let r = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--drop-legacy"], environment: ["SCHEMAGEN_MIGRATE_FAIL_AFTER": "5"])
        #expect(r.status != 0 && r.err.contains("injected failure"), "\(r.err)")
        #expect(try checksums(files) == before, "a failed run changed a file: \(before) -> \((try? checksums(files)) ?? [])")
        #expect(listing(dir) == listed)
        #expect(try scalar(writer, "SELECT count(*) FROM schema_version") == 6)
    }
}

extension StorageClassTests {
    /// A failed real run on a WAL database whose `-wal` a crashed writer left behind (no connection
    /// open) leaves the database and `-wal` byte-identical: our connection closing last would
    /// checkpoint the WAL into the database and delete it. The next, successful run migrates the rows
    /// that were still in the WAL.
    @Test func failedRunOnALeftoverWALChangesNeitherDatabaseNorWAL() throws {
        let dir = try tempDir("wal-left")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 5)
        let writer = try Database(path: db)
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.execute("INSERT INTO schema_version VALUES (41)")
        let frozen = (FileManager.default.contents(atPath: db), FileManager.default.contents(atPath: db + "-wal"))
        writer.close() // checkpoints and deletes the WAL: put the crashed state back
        try #require(frozen.0 != nil && (frozen.1?.count ?? 0) > 0)
        try frozen.0?.write(to: URL(fileURLWithPath: db))
        try frozen.1?.write(to: URL(fileURLWithPath: db + "-wal"))
        try? FileManager.default.removeItem(atPath: db + "-shm")
        let files = [db, db + "-wal"]
        let before = try checksums(files)
        let r = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--drop-legacy"], environment: ["SCHEMAGEN_MIGRATE_FAIL_AFTER": "5"])
        #expect(r.status != 0 && r.err.contains("injected failure"), "\(r.err)")
        #expect(try checksums(files) == before, "a failed run changed the database or its WAL")
        #expect(Set(listing(dir)).isSubset(of: ["victor.db", "victor.db-wal", "victor.db-shm"]), "no backup left behind: \(listing(dir))")
        let ok = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--drop-legacy"])
        #expect(ok.status == 0, "\(ok.err)")
        let m = try openPlain(db)
        defer { m.close() }
        #expect(try scalar(m, "SELECT count(*) FROM sys_legacy_archive WHERE source_table = 'schema_version'") == 6)
    }
}
