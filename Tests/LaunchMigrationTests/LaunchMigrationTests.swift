import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEvolve
import SchemagenDriver
import SchemagenRuntime
import SchemagenTestSupport

/// Three released versions of one schema, as an app ships them (docs/MIGRATION.md, "Releasing a
/// version with a rename"): v2 renames a table and a column, v3 changes a parent table's column type
/// (`@convert`, forcing a rebuild of a table with ON DELETE CASCADE children and an index) and adds
/// a table. The chains are the values the generated code embeds (`LaunchMigrations`), run by the
/// runtime's `SchemaMigrator`; the CLI tests run `schemagen migrations …` in child processes.
enum Versions {
    static let v1 = """
        schema app version 1

        table app_owner {
            id: integer primary key
            name: text
            code: text?
            index idx_owner_code (code)
        }

        table app_pet {
            id: integer primary key
            owner_id: integer references app_owner(id) on delete cascade
            nick: text?
            index idx_pet_owner (owner_id)
        }

        """
    static let v2 = v1.replacingOccurrences(of: "version 1", with: "version 2")
        .replacingOccurrences(of: "table app_pet {", with: "@renamed(from: app_pet)\ntable app_animal {")
        .replacingOccurrences(of: "    nick: text?", with: "    @renamed(from: nick)\n    nickname: text?")
    static let v3 = v2.replacingOccurrences(of: "version 2", with: "version 3")
        .replacingOccurrences(of: "    code: text?", with: "    @convert(from: text)\n    code: integer?")
        + """

        table app_toy {
            id: integer primary key
            animal_id: integer references app_animal(id)
            label: text?
        }

        """

    /// A directory holding app.victor at `current` with versions `frozen` in app.history/.
    static func project(frozen: [String], current: String) throws -> URL {
        let dir = try SchemagenCLI.temporaryDirectory("launch")
        let schema = dir.appendingPathComponent("app.victor")
        for text in frozen {
            try text.write(to: schema, atomically: true, encoding: .utf8)
            let r = try SchemagenCLI.run(["migrations", "freeze", schema.path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try current.write(to: schema, atomically: true, encoding: .utf8)
        return dir
    }

    static func chain(_ dir: URL) throws -> SchemaMigration {
        let loaded = try SchemaLoader.load(path: dir.appendingPathComponent("app.victor").path)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
        let built = LaunchMigrations.build(loaded)
        #expect(!built.diagnostics.hasErrors, "\(built.diagnostics.map(\.message))")
        guard let chain = built.chain else { throw CancellationError() }
        return LaunchMigrations.runtimeValue(chain, schema: loaded.schema.name)
    }

    /// A v1 database at `path` with rows in every table, a trigger on the parent and a view of the child.
    static func v1Database(_ path: String, owners: Int = 3) throws {
        let dir = try project(frozen: [], current: v1)
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, try chain(dir)) == .created(version: 1))
        try db.execute("""
            INSERT INTO app_owner (id, name, code) VALUES (1, 'Zoë 🐈', '12'), (9223372036854775807, 'max', '345'), (3, '', NULL);
            INSERT INTO app_pet (id, owner_id, nick) VALUES (10, 1, 'Mïmi'), (11, 1, NULL), (12, 9223372036854775807, 'a''b\nc'), (-9223372036854775808, 3, '');
            CREATE TABLE app_log (what TEXT);
            CREATE TRIGGER app_owner_log AFTER UPDATE ON app_owner BEGIN INSERT INTO app_log VALUES ('owner ' || new.id); END;
            CREATE VIEW app_pet_names AS SELECT nick FROM app_pet;
            """)
        if owners > 3 {
            try db.execute("WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < \(owners + 96)) INSERT INTO app_owner (id, name, code) SELECT i, 'owner ' || i, CAST(i AS TEXT) FROM n")
        }
    }

    static func int(_ db: Database, _ sql: String) throws -> Int64 {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> Int64 in
            _ = try s.step()
            return try s.int64(0)
        }
    }

    static func strings(_ db: Database, _ sql: String) throws -> [String] {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> [String] in
            var out: [String] = []
            while try s.step() { out.append(try s.optionalText(0) ?? "NULL") }
            return out
        }
    }
}

@Suite struct LaunchMigrationTests {
    /// `LaunchMigrations.structure(of:)` creates and describes the tables a batch at a time (SQLite's
    /// CREATE TABLE slows with every table already there); the lines must be exactly those of the
    /// whole schema created in one database — across batch boundaries, with foreign keys into earlier
    /// batches, unique keys, descending indexes.
    @Test func theStructureDescribedInBatchesIsThatOfTheWholeSchema() throws {
        var text = "schema big version 1\n"
        for t in 0..<250 {
            text += "\ntable big_item\(t) {\n    id: integer primary key\n    name: text\n    code: text?\n"
            if t > 0 { text += "    parent_id: integer? references big_item\(t - 1)(id) on delete cascade\n" }
            if t % 7 == 3 { text += "    root_id: integer? references big_item0(id)\n" }
            text += "    unique (name, code)\n    index idx_big_item\(t)_code (code desc)\n}\n"
        }
        let loaded = SchemaLoader.load(SourceFile(path: "big.victor", text: text))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty, "\(loaded.diagnostics.prefix(3))")
        let checked = try #require(loaded.checked)
        let script = try #require(SchemaPipeline().emit(checked, kinds: .ddl).first?.contents)
        let db = try Database.inMemory()
        defer { db.close() }
        try db.execute(script)
        let whole = try SchemaStructure.describe(db)
        let batched = try LaunchMigrations.structure(of: checked.schema)
        #expect(whole.count > 250 * 6)
        #expect(whole.contains("table big_item150 foreign key (parent_id) references big_item149(id) on update NO ACTION on delete CASCADE"))
        #expect(batched == whole)
    }

    @Test func theChainRenamesInsteadOfDroppingAndAdding() throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let chain = try Versions.chain(dir)
        #expect(chain.steps.map(\.from) == [1, 2])
        #expect(chain.steps[0].statements == ["ALTER TABLE app_pet RENAME TO app_animal", "ALTER TABLE app_animal RENAME COLUMN nick TO nickname"])
        #expect(!chain.steps[0].rebuilds && chain.steps[1].rebuilds)
        #expect(!chain.steps.flatMap(\.statements).contains { $0.hasPrefix("DROP TABLE app_pet") || $0.contains("DROP COLUMN") })
        #expect(chain.knownVersions == [1, 2, 3])
    }

    @Test(arguments: [1, 2]) func everyValueSurvivesTheLaunchFromAnyVersion(start: Int) throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let path = dir.appendingPathComponent("app.db").path
        try Versions.v1Database(path)
        if start == 2 {
            let two = try Versions.project(frozen: [Versions.v1], current: Versions.v2)
            let db = try Database(path: path)
            #expect(try SchemaMigrator.migrate(db, try Versions.chain(two)) == .migrated(from: 1, to: 2))
            db.close()
        }
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .migrated(from: start, to: 3))
        #expect(try Versions.int(db, "PRAGMA user_version") == 3)
        // Every value, converted where declared (text '12' → integer 12).
        #expect(try Versions.strings(db, "SELECT id || '|' || quote(name) || '|' || quote(code) || '|' || typeof(code) FROM app_owner ORDER BY id")
                == ["1|'Zoë 🐈'|12|integer", "3|''|NULL|null", "9223372036854775807|'max'|345|integer"])
        #expect(try Versions.strings(db, "SELECT id || '|' || owner_id || '|' || quote(nickname) FROM app_animal ORDER BY id")
                == ["-9223372036854775808|3|''", "10|1|'Mïmi'", "11|1|NULL", "12|9223372036854775807|'a''b\nc'"])
        #expect(try Versions.int(db, "SELECT count(*) FROM app_toy") == 0)
        // The database's own trigger and view came through the rebuild and the renames.
        try db.execute("UPDATE app_owner SET name = 'Zoe' WHERE id = 1")
        #expect(try Versions.strings(db, "SELECT what FROM app_log") == ["owner 1"])
        #expect(try Versions.strings(db, "SELECT quote(nickname) FROM app_pet_names ORDER BY 1").count == 4)
        // The cascade and the index are there.
        #expect(try Versions.int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('idx_owner_code', 'idx_pet_owner')") == 2)
        try db.execute("DELETE FROM app_owner WHERE id = 1")
        #expect(try Versions.int(db, "SELECT count(*) FROM app_animal") == 2)
        #expect(try Versions.strings(db, "PRAGMA integrity_check") == ["ok"])
        // A second launch is a no-op.
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .current)
    }

    @Test func aNewDatabaseIsCreatedStampedAndThenANoOpMeasured() throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let chain = try Versions.chain(dir)
        let db = try Database(path: dir.appendingPathComponent("fresh.db").path)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, chain) == .created(version: 3))
        #expect(try Versions.int(db, "PRAGMA user_version") == 3)
        #expect(try SchemaMigrator.migrate(db, chain) == .current)
        let n = 20_000
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { _ = try SchemaMigrator.migrate(db, chain) }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n) / 1000
        let checkedStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<200 { _ = try SchemaMigrator.migrate(db, chain, structureCheck: .always) }
        let checked = Double(DispatchTime.now().uptimeNanoseconds - checkedStart) / 200 / 1000
        print("launch no-op: \(String(format: "%.2f", perCall)) µs per call; with the structure check: \(String(format: "%.1f", checked)) µs")
        #expect(perCall < 1000)
    }

    @Test func aDatabaseFromTheFutureIsRefusedAndUntouched() throws {
        let dir = try Versions.project(frozen: [Versions.v1], current: Versions.v2)
        let path = dir.appendingPathComponent("future.db").path
        try Versions.v1Database(path)
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("PRAGMA user_version = 9")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: SchemaMigrationError.databaseIsNewer(database: 9, code: 2)) { try SchemaMigrator.migrate(db, try Versions.chain(dir)) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(SchemaMigrationError.databaseIsNewer(database: 9, code: 2).description.contains("version 9, newer than this code's version 2"))
    }

    @Test func aDriftedDatabaseIsRefusedWithTheDifference() throws {
        let dir = try Versions.project(frozen: [Versions.v1], current: Versions.v2)
        let path = dir.appendingPathComponent("drift.db").path
        try Versions.v1Database(path)
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("ALTER TABLE app_pet ADD COLUMN color TEXT; DROP INDEX idx_owner_code")
        do {
            try SchemaMigrator.migrate(db, try Versions.chain(dir))
            Issue.record("a drifted database was migrated")
        } catch let error as SchemaMigrationError {
            guard case .structureMismatch(let version, let lines) = error else { Issue.record("\(error)"); return }
            #expect(version == 1)
            #expect(lines.contains("unexpected: table app_pet column 3 color TEXT"), "\(lines)")
            #expect(lines.contains("missing: table app_owner index idx_owner_code (code BINARY)"), "\(lines)")
            #expect(error.description.contains("not structurally version 1"))
        } catch {
            Issue.record("\(error)")
        }
        #expect(try Versions.int(db, "PRAGMA user_version") == 1)
        #expect(try Versions.int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'app_pet'") == 1)
    }

    @Test func twoProcessesLaunchingAtOnceBothSucceed() throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let path = dir.appendingPathComponent("app.db").path
        try Versions.v1Database(path)
        let schema = dir.appendingPathComponent("app.victor").path
        let results = ResultBox()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                let r = try? SchemagenCLI.run(["migrations", "apply", schema, "--database", path], environment: ["SCHEMAGEN_MIGRATE_PAUSE_MS": "300"])
                results.append(r)
                group.leave()
            }
        }
        group.wait()
        let all = results.values
        #expect(all.count == 2)
        for r in all { #expect(r?.status == 0, "\(r?.stderr ?? "no result")") }
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try Versions.int(db, "PRAGMA user_version") == 3)
        #expect(try Versions.int(db, "SELECT count(*) FROM app_animal") == 4)
        #expect(try Versions.strings(db, "PRAGMA integrity_check") == ["ok"])
    }

    @Test(arguments: [1, 2]) func killedMidMigrationLeavesAVersionNotAMix(killAtStep: Int) throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let path = dir.appendingPathComponent("big.db").path
        try Versions.v1Database(path, owners: 20_000)
        let p = Process()
        p.executableURL = SchemagenCLI.binary
        p.arguments = ["migrations", "apply", dir.appendingPathComponent("app.victor").path, "--database", path]
        p.environment = ProcessInfo.processInfo.environment.merging(["SCHEMAGEN_MIGRATE_PAUSE_MS": "20000", "NO_COLOR": "1"]) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        var seen = ""
        while seen.components(separatedBy: "ready to commit").count - 1 < killAtStep {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(seen.contains("step \(killAtStep) -> \(killAtStep + 1) ready to commit"), "\(seen)")
        let db = try Database(path: path)
        defer { db.close() }
        // Killed before the step's COMMIT: the database is at the version before it, whole.
        #expect(try Versions.int(db, "PRAGMA user_version") == Int64(killAtStep))
        #expect(try Versions.strings(db, "PRAGMA integrity_check") == ["ok"])
        #expect(try Versions.int(db, "SELECT count(*) FROM app_owner") == 20_000)
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .migrated(from: killAtStep, to: 3))
        #expect(try Versions.int(db, "SELECT count(*) FROM app_owner WHERE typeof(code) = 'integer'") == 20_000 - 1)
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SchemagenCLI.Result?] = []
    func append(_ r: SchemagenCLI.Result?) { lock.lock(); items.append(r); lock.unlock() }
    var values: [SchemagenCLI.Result?] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite struct HistoryTests {
    func run(_ args: [String]) throws -> SchemagenCLI.Result { try SchemagenCLI.run(args) }

    @Test func freezeWritesTheTextAndRefusesADifferentVersionOfTheSameNumber() throws {
        let dir = try Versions.project(frozen: [Versions.v1], current: Versions.v1)
        let schema = dir.appendingPathComponent("app.victor").path
        let frozen = try String(contentsOfFile: dir.appendingPathComponent("app.history/v1.victor").path, encoding: .utf8)
        #expect(frozen.hasPrefix("// schemagen frozen: version 1 of app.victor, sha256 "))
        #expect(frozen.hasSuffix(Versions.v1))
        #expect(try run(["migrations", "freeze", schema]).stdout.contains("already frozen"))
        try (Versions.v1 + "\n// a comment\n").write(toFile: schema, atomically: true, encoding: .utf8)
        let r = try run(["migrations", "freeze", schema])
        #expect(r.status == 1)
        #expect(r.stderr.contains("version 1 is already frozen in \(dir.path)/app.history/v1.victor with different content"), "\(r.stderr)")
        #expect(try String(contentsOfFile: dir.appendingPathComponent("app.history/v1.victor").path, encoding: .utf8) == frozen)
    }

    @Test func aChangeWithoutAVersionBumpFailsGenerateCheckAndLint() throws {
        let dir = try Versions.project(frozen: [Versions.v1], current: Versions.v1.replacingOccurrences(of: "    nick: text?", with: "    nick: text?\n    age: integer?"))
        let schema = dir.appendingPathComponent("app.victor").path
        let out = dir.appendingPathComponent("out").path
        for args in [["generate", schema, "--output", out], ["generate", schema, "--output", out, "--check"], ["generate", schema, "--output", out, "--swift-only"]] {
            let r = try run(args)
            #expect(r.status == 1)
            #expect(r.stderr.contains("app.victor:1:20: error: the schema changed since version 1 was frozen"), "\(args) \(r.stderr)")
            #expect(r.stderr.contains("column age is missing") || r.stderr.contains("age"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/Swift/app"))
        let lint = try run(["lint", schema])
        #expect(lint.stdout.contains("the schema changed since version 1 was frozen") || lint.stderr.contains("the schema changed since version 1 was frozen"), "\(lint.stdout)\(lint.stderr)")
    }

    @Test func anEditedFrozenFileAGapAndAMisnamedFileAreErrorsNamingTheFile() throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let schema = dir.appendingPathComponent("app.victor").path
        let out = dir.appendingPathComponent("out").path
        let v2 = dir.appendingPathComponent("app.history/v2.victor").path
        let original = try String(contentsOfFile: v2, encoding: .utf8)
        try original.replacingOccurrences(of: "name: text\n", with: "name: text?\n").write(toFile: v2, atomically: true, encoding: .utf8)
        var r = try run(["generate", schema, "--output", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(v2):1:1: error: version 2 was edited after it was frozen"), "\(r.stderr)")
        try original.write(toFile: v2, atomically: true, encoding: .utf8)
        let v3 = dir.appendingPathComponent("app.history/v3.victor").path
        try original.write(toFile: v3, atomically: true, encoding: .utf8)
        r = try run(["generate", schema, "--output", out])
        #expect(r.stderr.contains("\(v3):1:1: error: the file holds version 2 but is named v3.victor"), "\(r.stderr)")
        try FileManager.default.removeItem(atPath: v3)
        try FileManager.default.moveItem(atPath: v2, toPath: dir.appendingPathComponent("app.history/keep.txt").path)
        try Versions.v3.replacingOccurrences(of: "version 3", with: "version 4").write(toFile: schema, atomically: true, encoding: .utf8)
        #expect(try run(["generate", schema, "--output", out]).status == 0) // v1 → v4 is one step
        try Versions.v3.write(toFile: dir.appendingPathComponent("v3.victor").path, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(atPath: dir.appendingPathComponent("app.history/keep.txt").path, toPath: v2)
        try SchemaHistory.frozenText(Versions.v3.replacingOccurrences(of: "version 3", with: "version 4"), version: 4, schemaFile: schema)
            .write(toFile: dir.appendingPathComponent("app.history/v4.victor").path, atomically: true, encoding: .utf8)
        r = try run(["generate", schema, "--output", out])
        #expect(r.stderr.contains("v4.victor:1:1: error: the history has a gap: version 2 is followed by version 4"), "\(r.stderr)")
    }

    /// The pipeline's `history` check builds without describing structures (no SQLite database of
    /// every version): the same diagnostics as the full build, no chain.
    @Test func theHistoryCheckReportsWhatTheFullBuildReportsWithoutAChain() throws {
        let bad = Versions.v2.replacingOccurrences(of: "@renamed(from: nick)", with: "@renamed(from: nik)")
        for (current, frozen, fails) in [(Versions.v3, [Versions.v1, Versions.v2], false), (bad, [Versions.v1], true)] {
            let dir = try Versions.project(frozen: frozen, current: current)
            let loaded = try SchemaLoader.load(path: dir.appendingPathComponent("app.victor").path)
            let full = LaunchMigrations.build(loaded.schema, file: loaded.file)
            let check = LaunchMigrations.build(loaded.schema, file: loaded.file, describingStructures: false)
            #expect(check.diagnostics.map(\.message) == full.diagnostics.map(\.message))
            #expect(check.chain == nil)
            #expect(full.diagnostics.hasErrors == fails)
            #expect((full.chain == nil) == fails)
        }
    }

    @Test func aRenameWhoseSourceDoesNotExistIsLocated() throws {
        let bad = Versions.v2.replacingOccurrences(of: "@renamed(from: nick)", with: "@renamed(from: nik)")
        let dir = try Versions.project(frozen: [Versions.v1], current: bad)
        let r = try run(["generate", dir.appendingPathComponent("app.victor").path, "--output", dir.appendingPathComponent("out").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("app.victor:14:14: error: table app_animal: column nickname: @renamed(from: nik): version 1 of app_animal has no column nik"), "\(r.stderr)")
        #expect(r.stderr.contains("@renamed(from: nik)\n"), "\(r.stderr)")
    }

    @Test func verifyRunsTheChainFromEveryFrozenVersion() throws {
        let dir = try Versions.project(frozen: [Versions.v1, Versions.v2], current: Versions.v3)
        let r = try run(["migrations", "verify", dir.appendingPathComponent("app.victor").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ok: version 1 → 3: 2 tables, 8 rows kept"), "\(r.stdout)")
        #expect(r.stdout.contains("ok: version 2 → 3: 2 tables, 8 rows kept"), "\(r.stdout)")
    }

    @Test func evolveUsesTheSamePlannerWithRenames() throws {
        let dir = try SchemagenCLI.temporaryDirectory("evolve-rename")
        let v1 = dir.appendingPathComponent("v1.victor"), v2 = dir.appendingPathComponent("v2.victor")
        try Versions.v1.write(to: v1, atomically: true, encoding: .utf8)
        try Versions.v2.write(to: v2, atomically: true, encoding: .utf8)
        let r = try run(["evolve", v1.path, v2.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ALTER TABLE app_pet RENAME TO app_animal;\n"), "\(r.stdout)")
        #expect(r.stdout.contains("ALTER TABLE app_animal RENAME COLUMN nick TO nickname;\n"))
        #expect(!r.stdout.contains("DROP TABLE"))
    }
}
