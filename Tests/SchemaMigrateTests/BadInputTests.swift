import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemagenRuntime
@testable import SchemaMigrate

@Suite(.serialized) struct BadInputTests {
    func legacyDB(_ name: String, rows: Int = 8) throws -> (dir: URL, db: String) {
        let dir = try tempDir(name)
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: rows)
        return (dir, db)
    }

    func expectUnchanged(_ dir: URL, _ run: () throws -> Void) throws {
        let names = listing(dir)
        let before = fileBytes(names.map { dir.appendingPathComponent($0).path })
        try run()
        #expect(listing(dir) == names, "no journal, WAL or backup left behind")
        #expect(fileBytes(names.map { dir.appendingPathComponent($0).path }) == before)
    }

    func migrate(_ options: MigrationOptions) throws -> MigrationReport {
        let loaded = try loadSchema()
        return try Migrator.run(schema: loaded.schema, file: loaded.file, options: options)
    }

    @Test func notSQLite() throws {
        let dir = try tempDir("notdb")
        let db = dir.appendingPathComponent("victor.db").path
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: db))
        try expectUnchanged(dir) {
            #expect { _ = try migrate(MigrationOptions(database: db)) } throws: { e in
                (e as? MigrationError)?.description.contains("not a database") ?? false
            }
        }
    }

    @Test func lockedByAnotherConnection() throws {
        let (dir, db) = try legacyDB("locked")
        let other = try openPlain(db)
        try other.execute("BEGIN EXCLUSIVE; INSERT INTO schema_version VALUES (99);")
        try expectUnchanged(dir) {
            #expect { _ = try migrate(MigrationOptions(database: db, busyTimeoutMilliseconds: 200)) } throws: { e in
                (e as? MigrationError)?.description.contains("locked") ?? false
            }
        }
        try other.execute("ROLLBACK")
        other.close()
    }

    @Test func readOnly() throws {
        let (dir, db) = try legacyDB("ro")
        try expectUnchanged(dir) {
            #expect { _ = try migrate(MigrationOptions(database: "file:\(db)?mode=ro")) } throws: { e in
                (e as? MigrationError)?.description.contains("readonly") ?? false
            }
        }
    }

    @Test func nullInTargetNotNull() throws {
        let (dir, db) = try legacyDB("null")
        // A TEXT PRIMARY KEY admits NULL in SQLite: rl_q_value.action_key does not.
        let c = try openPlain(db)
        try c.execute("INSERT INTO model_selector_q_values (provider, q_value) VALUES (NULL, 0.5)")
        let rowid = try scalar(c, "SELECT rowid FROM model_selector_q_values WHERE provider IS NULL")
        c.close()
        try expectUnchanged(dir) {
            #expect { _ = try migrate(MigrationOptions(database: db, dropLegacy: true)) } throws: { e in
                guard let m = e as? MigrationError else { return false }
                return m.sourceTable == "model_selector_q_values" && m.targetTable == "rl_q_value" && (m.sqliteMessage ?? "").contains("NOT NULL") && m.sql != nil
                    && m.message.contains("legacy rows (rowid) whose value for 'action_key' is NULL or has no home in it: \(rowid)")
            }
        }
    }

    @Test func duplicateKeyAfterConsolidation() throws {
        let (dir, db) = try legacyDB("dup")
        // The task '*' collides with the context-free Q-value of the same provider.
        let c = try openPlain(db)
        try c.execute("INSERT INTO model_selector_q_values VALUES ('dup', 0.1, 1, NULL); INSERT INTO model_selector_task_q_values VALUES ('dup', '*', 0.2, 1, NULL)")
        c.close()
        try expectUnchanged(dir) {
            #expect { _ = try migrate(MigrationOptions(database: db)) } throws: { e in
                guard let m = e as? MigrationError else { return false }
                return m.sourceTable == "model_selector_task_q_values" && (m.sqliteMessage ?? "").contains("UNIQUE")
            }
        }
    }

    @Test func diskTooFullForTheBackup() throws {
        let (dir, db) = try legacyDB("full", rows: 60)
        try expectUnchanged(dir) {
            // RLIMIT_FSIZE of 64 blocks, SIGXFSZ ignored: the backup's write fails with EFBIG.
            let r = try runCLI(["migrate", "legacy", schemaPath, "--database", db], shellPrefix: "trap '' XFSZ; ulimit -f 64;")
            #expect(r.status != 0)
            #expect(r.err.contains("cannot back up"), "\(r.err)")
        }
    }

    @Test func lintReportsBrokenMappings() throws {
        let text = """
        schema s version 1
        domain app {
          table app_thing {
            id: integer primary key
            n: integer?
            label: text?
            from legacy_things {
              id = id
              n = amount
              label = upper(nmae)
            }
            from ghosts {
              id = id
            }
          }
        }
        """
        let dir = try tempDir("lint")
        let legacy = dir.appendingPathComponent("legacy.sql").path
        try "CREATE TABLE legacy_things (id INTEGER PRIMARY KEY, amount TEXT, name TEXT, extra REAL);".write(toFile: legacy, atomically: true, encoding: .utf8)
        let file = SourceFile(path: "s.victor", text: text)
        let (schema, d0) = Resolver.load(file)
        #expect(d0.isEmpty)
        let d = MappingCheck.diagnostics(schema: schema, file: file, legacy: legacy)
        func find(_ rule: String) -> [Diagnostic] { d.filter { $0.rule == rule } }
        #expect(find("legacy-type-mismatch").count == 1)
        #expect(find("legacy-type-mismatch").first.map { file.text($0.range) } == "amount")
        #expect(find("unknown-legacy-column").first.map { file.text($0.range) } == "nmae")
        #expect(find("unknown-legacy-column").first?.message.contains("did you mean 'name'") == true)
        #expect(Set(find("unmapped-legacy-column").map(\.message).map { String($0.prefix(40)) }).count == 2) // name, extra
        #expect(find("unmapped-legacy-column").allSatisfy { file.text($0.range) == "legacy_things" })
        #expect(find("unknown-legacy-table").first?.severity == .error)
        // The CLI: exit 1 with the rule ids; the real schema against the shared DDL: exit 0.
        let victor = dir.appendingPathComponent("s.victor").path
        try text.write(toFile: victor, atomically: true, encoding: .utf8)
        let bad = try runCLI(["lint", victor, "--legacy", legacy])
        #expect(bad.status == 1 && bad.out.contains("[unknown-legacy-column]") && bad.out.contains("[unmapped-legacy-column]"))
        let good = try runCLI(["lint", schemaPath, "--legacy", fixtureDDL])
        #expect(good.status == 0, "\(good.out)")
        #expect(good.out.contains("0 errors, 5 warnings"))
    }

    @Test func theCheckerNoticesALostValue() throws {
        let loaded = try loadSchema()
        let (dir, db) = try legacyDB("checker", rows: 5)
        let pristine = dir.appendingPathComponent("pristine.copy").path
        try FileManager.default.copyItem(atPath: db, toPath: pristine)
        let report = try migrate(MigrationOptions(database: db, dropLegacy: true))
        let m = try openPlain(db)
        try m.execute("UPDATE rl_q_value SET q_value = q_value + 1 WHERE rowid = 2; UPDATE sys_legacy_archive SET payload = '{}' WHERE source_table = 'curriculum_stages'")
        m.close()
        let old = try openPlain(pristine)
        try old.execute("ATTACH DATABASE '\(db)' AS new")
        withKnownIssue {
            _ = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        }
        old.close()
    }
}
