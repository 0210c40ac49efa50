import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemagenRuntime
import VictorSchema
@testable import SchemaMigrate

/// Proves, for every legacy row and column, that its value is in its documented destination.
/// `old` is a connection to pristine copies of the legacy files (main + the same ATTACH aliases the
/// migration used), with the migrated database attached as `new`.
func checkNothingLost(old: Database, schema: Schema, report: MigrationReport) throws -> (values: Int, rows: Int64) {
    let catalog = try LegacyCatalog.introspect(old, excluding: MappingCheck.ownTables(schema), origin: "pristine copy")
    let plan = MigrationPlan(schema: schema, catalog: catalog)
    #expect(plan.sources.count == report.sources.count)
    func same(_ a: String, _ b: String) -> String { "(typeof(\(a)) = typeof(\(b)) AND \(a) IS \(b))" }
    var checkedValues = 0
    var rows: Int64 = 0
    for (p, r) in zip(plan.sources, report.sources) where !p.source.isDistinct {
        #expect(p.legacy.name == r.legacyTable && p.target.name == r.target)
        let n = try scalar(old, p.countSQL)
        #expect(n == r.legacyRows, "\(p.legacy.name): legacy rows")
        rows += n
        #expect(r.writtenRows == n * Int64(p.source.rowFactor), "\(p.legacy.name) -> \(p.target.name): rows written")
        let t = "new." + SQL.ident(p.target.name)
        func link(_ entry: Int) -> String {
            if let c = p.rowidSourceColumn { return "L.\(SQL.ident(c))" }
            return "\(r.entryBases.count > entry ? r.entryBases[entry] : 0) + L.rn"
        }
        let archiveRow = "SELECT A.payload FROM new.sys_legacy_archive A WHERE A.source_table = \(SQL.literal(p.legacy.name)) AND A.source_rowid = L.rid"
        let archived = { (c: String) -> String in
            "EXISTS (SELECT 1 FROM (\(archiveRow)) AS A WHERE \(inJSON("A.payload", c, "L.\(SQL.ident(c))")))"
        }
        for col in p.legacy.columns {
            let dests = p.destinations[col.name] ?? []
            if dests.contains(where: { if case .dropped = $0 { return true }; return false }) { continue }
            let c = "L.\(SQL.ident(col.name))"
            var alternatives: [String] = []
            var exactAlternatives: [String] = [] // verbatim copies, compared by SQLite (bit-exact for REAL)
            var jsonMembers: [String] = []       // the raw JSON text of each JSON member holding the value
            let path = SQL.literal(SQL.jsonPath(col.name))
            let realPath = SQL.literal("$.\"$real\"")
            func member(_ x: String) -> String { "(SELECT coalesce(json_extract(m, \(realPath)), m) FROM (SELECT \(x) AS m))" }
            jsonMembers.append(member("(SELECT A.payload -> \(path) FROM (\(archiveRow)) AS A)"))
            for d in dests {
                switch d {
                case .column(_, let tc, let conv):
                    var ok = same("T.\(SQL.ident(tc))", c)
                    if conv == .integerToReal { ok += " OR (typeof(\(c)) = 'integer' AND typeof(T.\(SQL.ident(tc))) = 'real' AND T.\(SQL.ident(tc)) = \(c))" }
                    alternatives.append("EXISTS (SELECT 1 FROM \(t) T WHERE T.rowid = \(link(0)) AND (\(ok)))")
                    exactAlternatives.append(alternatives[alternatives.count - 1])
                    alternatives.append(archived(col.name)) // a conversion, or a storage class the column cannot hold
                case .unpivot(_, let kc, let key, let vc, let entry, let conv):
                    let v = "T.\(SQL.ident(vc))"
                    var ok = same(v, c)
                    if conv == .integerToReal { ok += " OR (typeof(\(c)) = 'integer' AND typeof(\(v)) = 'real' AND \(v) = \(c))" }
                    alternatives.append("EXISTS (SELECT 1 FROM \(t) T WHERE T.rowid = \(link(entry)) AND T.\(SQL.ident(kc)) = \(SQL.literal(key)) AND (\(ok)))")
                    exactAlternatives.append(alternatives[alternatives.count - 1])
                    alternatives.append(archived(col.name))
                case .pack(_, let pc, let key):
                    let path = SQL.literal(SQL.jsonPath(key))
                    let j = "T.\(SQL.ident(pc))"
                    alternatives.append("EXISTS (SELECT 1 FROM \(t) T WHERE T.rowid = \(link(0)) AND json_valid(\(j)) AND \(inJSON(j, key, c)))")
                    jsonMembers.append(member("(SELECT \(j) -> \(path) FROM \(t) T WHERE T.rowid = \(link(0)))"))
                case .archive:
                    alternatives.append(archived(col.name))
                case .computed, .dropped:
                    break
                }
            }
            #expect(!alternatives.isEmpty, "\(p.legacy.name).\(col.name) has no verbatim destination")
            if alternatives.isEmpty { continue }
            let sql = "SELECT count(*), min(L.rid) FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY rowid) AS rn, * FROM \(p.legacy.qualifiedName)\(p.whereSQL)) AS L WHERE NOT (\(alternatives.joined(separator: " OR ")))"
            let missing = try scalar(old, sql)
            #expect(missing == 0, "\(p.legacy.name).\(col.name): \(missing) values not found in their destination\n\(sql)")
            checkedValues += Int(n)
            // REAL values in JSON: the member's text must read back (Swift's correctly rounded parser) as the same bits.
            let exactOK = exactAlternatives.isEmpty ? "0" : exactAlternatives.joined(separator: " OR ")
            let bitsSQL = "SELECT L.rid, \(c), (\(exactOK)), \(jsonMembers.joined(separator: ", ")) FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY rowid) AS rn, * FROM \(p.legacy.qualifiedName)\(p.whereSQL)) AS L WHERE typeof(\(c)) = 'real'"
            var wrong: [Int64] = []
            try old.withStatement(sql: bitsSQL) { stmt throws(DatabaseError) in
                while try stmt.step() {
                    let d = try stmt.double(1)
                    if try stmt.int64(2) != 0 { continue }
                    var found = false
                    for i in 3..<stmt.columnCount {
                        if let text = try stmt.optionalText(i), let back = Double(text), back.bitPattern == d.bitPattern { found = true }
                    }
                    if !found { wrong.append(try stmt.int64(0)) }
                }
            }
            #expect(wrong.isEmpty, "\(p.legacy.name).\(col.name): REAL values of rowids \(wrong.prefix(10)) not bit-exact in JSON")
        }
    }
    return (checkedValues, rows)
}

/// SQL true when JSON object `json` holds legacy value `v` losslessly under `key` (see SQL.jsonText):
/// NULL as null, INTEGER and TEXT by `typeof` and `IS`, a TEXT with NUL or not UTF-8 as `{"$text": HEX}`, a BLOB as
/// `{"$blob": HEX}`, a REAL as a JSON real (its bits are compared in Swift).
func inJSON(_ json: String, _ key: String, _ v: String) -> String {
    let path = SQL.literal(SQL.jsonPath(key))
    let tagged = { (tag: String) in SQL.literal(SQL.jsonPath(key) + "." + "\"$\(tag)\"") }
    let e = "json_extract(\(json), \(path))"
    return "(CASE typeof(\(v)) WHEN 'null' THEN json_type(\(json), \(path)) = 'null' "
        + "WHEN 'integer' THEN json_type(\(json), \(path)) = 'integer' AND \(e) = \(v) "
        + "WHEN 'real' THEN json_type(\(json), \(path)) = 'real' OR json_extract(\(json), \(tagged("real"))) IN ('inf', '-inf') "
        + "WHEN 'text' THEN CASE WHEN json_type(\(json), \(tagged("text"))) = 'text' THEN json_extract(\(json), \(tagged("text"))) = hex(\(v)) ELSE typeof(\(e)) = 'text' AND \(e) = \(v) END "
        + "ELSE json_extract(\(json), \(tagged("blob"))) = hex(\(v)) END)"
}

/// Per target table: its rows are exactly those the mappings wrote; per discriminator constant too.
func checkCounts(db: Database, schema: Schema, report: MigrationReport) throws {
    var perTarget: [String: Int64] = [:]
    var perConstant: [String: Int64] = [:] // "table|column|value"
    let plansByIndex = report.sources
    for r in plansByIndex where !r.isArchiveOnly { perTarget[r.target, default: 0] += r.writtenRows }
    for t in schema.tables {
        let n = try scalar(db, "SELECT count(*) FROM \(SQL.ident(t.name))")
        let expected = t.name == "sys_schema_version" ? 1 : perTarget[t.name] ?? 0
        #expect(n == expected, "\(t.name): \(n) rows, the mappings wrote \(expected)")
        for s in t.legacySources where !s.isDistinct {
            guard let r = report.sources.first(where: { $0.target == t.name && $0.legacyTable == s.legacyTable }) else { continue }
            for a in s.assignments where a.expression.hasPrefix("'") && a.expression.hasSuffix("'") {
                perConstant["\(t.name)|\(a.target)|\(a.expression)", default: 0] += r.writtenRows
            }
        }
    }
    for (key, expected) in perConstant {
        let parts = key.split(separator: "|", maxSplits: 2).map(String.init)
        let n = try scalar(db, "SELECT count(*) FROM \(SQL.ident(parts[0])) WHERE \(SQL.ident(parts[1])) = \(parts[2])")
        #expect(n == expected, "\(parts[0]) where \(parts[1]) = \(parts[2]): \(n) rows, expected \(expected)")
    }
    let archived = try scalar(db, "SELECT count(*) FROM sys_legacy_archive")
    #expect(archived == report.archivedRows)
    #expect(try scalar(db, "SELECT count(*) FROM sys_legacy_archive WHERE NOT json_valid(payload)") == 0)
}

func checkHealthy(_ db: Database) throws {
    #expect(try texts(db, "PRAGMA integrity_check") == ["ok"])
    #expect(try texts(db, "SELECT \"table\" FROM pragma_foreign_key_check").isEmpty)
    // JSON columns hold valid JSON only.
    for (t, c) in [("rl_outcome", "metadata"), ("rl_transition", "metadata"), ("rl_metric", "metadata"), ("agent_policy_snapshot", "policy_data"),
                   ("ui_session", "data"), ("ui_failed_call", "args_json"), ("rl_learner", "config")] {
        #expect(try scalar(db, "SELECT count(*) FROM \(t) WHERE \(c) IS NOT NULL AND NOT json_valid(\(c))") == 0, "\(t).\(c)")
    }
}

/// The generated DAOs read every migrated row.
func checkDAOs(_ path: String) throws {
    let db = try openPlain(path)
    defer { db.close() }
    #expect(try db.rlQValue.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_q_value")))
    #expect(try db.rlOutcome.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_outcome")))
    #expect(try db.rlLearner.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_learner")))
    #expect(try db.rlTransition.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_transition")))
    #expect(try db.rlParam.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_param")))
    #expect(try db.rlTaskStat.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_task_stat")))
    #expect(try db.rlMetric.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM rl_metric")))
    #expect(try db.agentTeamConfig.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_team_config")))
    #expect(try db.agentTeamRun.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_team_run")))
    #expect(try db.agentPromptStyle.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_prompt_style")))
    #expect(try db.agentPromptElement.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_prompt_element")))
    #expect(try db.agentCurriculumStage.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_curriculum_stage")))
    #expect(try db.agentCurriculumMetric.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_curriculum_metric")))
    #expect(try db.agentPolicySnapshot.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM agent_policy_snapshot")))
    #expect(try db.uiSession.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM ui_session")))
    #expect(try db.uiFailedCall.fetchAll().count == Int(try scalar(db, "SELECT count(*) FROM ui_failed_call")))
    #expect(try db.sysSchemaVersion.fetchAll().map(\.version) == [1])
    #expect(try db.rlQValue.fetchAll(learnerId: "mode_transition").count > 0)
}

@Suite(.serialized) struct MigrationTests {
    static let rows = 40

    @Test func fixtureEqualsSharedDDL() throws {
        let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/victor-legacy/legacy_schema.sql").path
        guard let theirs = FileManager.default.contents(atPath: shared) else { return } // CI without ../shared
        #expect(FileManager.default.contents(atPath: fixtureDDL) == theirs)
    }

    @Test func mappingCoversTheWholeLegacyDDL() throws {
        let loaded = try loadSchema()
        let d = MappingCheck.diagnostics(schema: loaded.schema, file: loaded.file, legacy: fixtureDDL)
        #expect(d.isEmpty, "\(d.map(\.message))")
        let (db, catalog) = try LegacyCatalog.open(legacy: fixtureDDL, excluding: [])
        defer { db.close() }
        #expect(catalog.tables.count == 35) // 34 of the proposal's 39 + template_stats
        let plan = MigrationPlan(schema: loaded.schema, catalog: catalog)
        #expect(plan.missing.isEmpty)
        #expect(Set(plan.legacyTables.map(\.name)) == Set(catalog.tables.values.map(\.name)))
    }

    @Test func oneFileMigratesWithNothingLost() throws {
        let loaded = try loadSchema()
        let dir = try tempDir("one")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: Self.rows)
        let pristine = dir.appendingPathComponent("pristine.copy").path
        try FileManager.default.copyItem(atPath: db, toPath: pristine)
        let start = Date()
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db, dropLegacy: true))
        let seconds = Date().timeIntervalSince(start)
        #expect(report.sources.count == 37)
        #expect(report.backups.count == 1 && FileManager.default.fileExists(atPath: report.backups[0]))
        // The backup is the legacy database.
        let backup = try openPlain(report.backups[0])
        #expect(try scalar(backup, "SELECT count(*) FROM rl_outcomes") == Int64(Self.rows))
        backup.close()
        let migrated = try openPlain(db)
        try checkHealthy(migrated)
        try checkCounts(db: migrated, schema: loaded.schema, report: report)
        #expect(try scalar(migrated, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('rl_outcomes', 'sessions', 'template_stats')") == 0)
        migrated.close()
        let old = try openPlain(pristine)
        try old.execute("ATTACH DATABASE '\(db)' AS new")
        let (values, rows) = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        old.close()
        #expect(rows == Int64(35 * Self.rows))
        #expect(values > 5_000)
        try checkDAOs(db)
        print("one file: \(rows) legacy rows, \(values) values checked, \(report.writtenRows) rows + \(report.archivedRows) archive rows written in \(String(format: "%.2f", seconds)) s")
        // A second run is refused.
        #expect(throws: MigrationError.self) { try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db)) }
        do { _ = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db)) } catch {
            #expect(error.message.contains("already migrated") && error.message.contains("version 1"))
        }
    }

    func fourFiles(_ dir: URL) -> [LegacyFile: String] {
        var files: [LegacyFile: String] = [:]
        for f in LegacyFile.allCases { files[f] = dir.appendingPathComponent("\(f.rawValue).db").path }
        return files
    }

    @Test func fourFilesMigrateThroughTheCLI() throws {
        let loaded = try loadSchema()
        let dir = try tempDir("four")
        let files = fourFiles(dir)
        try Generator.build(files: files, rows: 25)
        var pristine: [LegacyFile: String] = [:]
        for (f, p) in files {
            pristine[f] = p + ".pristine"
            try FileManager.default.copyItem(atPath: p, toPath: p + ".pristine")
        }
        let order: [LegacyFile] = [.team, .signatures, .sessions]
        let attach = order.flatMap { ["--attach", files[$0] ?? ""] }
        let dry = try runCLI(["migrate", "legacy", schemaPath, "--database", files[.graph] ?? ""] + attach + ["--dry-run"])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("team_execution_history [legacy_1] -> agent_team_run") && dry.out.contains("sessions [legacy_3] -> ui_session"))
        for (f, p) in files { #expect(FileManager.default.contents(atPath: p) == FileManager.default.contents(atPath: pristine[f] ?? ""), "dry run changed \(p)") }
        let run = try runCLI(["migrate", "legacy", schemaPath, "--database", files[.graph] ?? ""] + attach + ["--drop-legacy"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("backup:") && run.out.components(separatedBy: "backup:").count == 5)
        // The attached files lost their legacy tables in the same transaction.
        for f in order {
            let db = try openPlain(files[f] ?? "")
            #expect(try scalar(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") == 0)
            db.close()
        }
        // Rebuild the report the CLI printed from a library dry run on the pristine copies, then check values.
        let copyDir = try tempDir("four-copy")
        var copies: [LegacyFile: String] = [:]
        for f in LegacyFile.allCases {
            copies[f] = copyDir.appendingPathComponent("\(f.rawValue).db").path
            try FileManager.default.copyItem(atPath: pristine[f] ?? "", toPath: copies[f] ?? "")
        }
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file,
                                      options: MigrationOptions(database: copies[.graph] ?? "", attach: order.map { copies[$0] ?? "" }, dropLegacy: true))
        let migrated = try openPlain(files[.graph] ?? "")
        try checkHealthy(migrated)
        try checkCounts(db: migrated, schema: loaded.schema, report: report)
        migrated.close()
        let old = try openPlain(pristine[.graph] ?? "")
        for (i, f) in order.enumerated() { try old.execute("ATTACH DATABASE '\(pristine[f] ?? "")' AS legacy_\(i + 1)") }
        try old.execute("ATTACH DATABASE '\(files[.graph] ?? "")' AS new")
        let (_, rows) = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        old.close()
        #expect(rows == Int64(35 * 25))
        try checkDAOs(files[.graph] ?? "")
    }

    @Test(arguments: [1, 12, 37]) func injectedFailureLeavesEveryFileByteIdentical(after: Int) throws {
        let loaded = try loadSchema()
        let dir = try tempDir("fail")
        let files = fourFiles(dir)
        try Generator.build(files: files, rows: 10)
        let before = fileBytes(Array(files.values))
        let listed = listing(dir)
        let order: [LegacyFile] = [.team, .signatures, .sessions]
        do {
            _ = try Migrator.run(schema: loaded.schema, file: loaded.file,
                                 options: MigrationOptions(database: files[.graph] ?? "", attach: order.map { files[$0] ?? "" }, dropLegacy: true, failAfterSources: after))
            Issue.record("the injected failure did not fail the run")
        } catch {
            #expect(error.message.contains("injected failure") && error.message.contains("rolled back"))
            #expect(error.sourceTable != nil)
        }
        #expect(fileBytes(Array(files.values)) == before)
        #expect(listing(dir) == listed, "no journal, WAL or backup left behind")
    }

    @Test func injectedFailureThroughTheCLI() throws {
        let dir = try tempDir("fail-cli")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 5)
        let before = fileBytes([db])
        let r = try runCLI(["migrate", "legacy", schemaPath, "--database", db, "--drop-legacy"], environment: ["SCHEMAGEN_MIGRATE_FAIL_AFTER": "3"])
        #expect(r.status != 0 && r.err.contains("injected failure") && r.err.contains("source table:"))
        #expect(fileBytes([db]) == before && listing(dir) == ["victor.db"])
    }

    @Test func missingLegacyTablesAreSkipped() throws {
        let loaded = try loadSchema()
        let dir = try tempDir("partial")
        let db = dir.appendingPathComponent("victor.db").path
        let only: Set<String> = ["rl_outcomes", "mode_transition_q_values", "sessions", "quality_weights"]
        try Generator.build(files: [.graph: db], rows: 12, only: only)
        let pristine = db + ".pristine"
        try FileManager.default.copyItem(atPath: db, toPath: pristine)
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db, dropLegacy: true))
        #expect(Set(report.sources.map(\.legacyTable)) == only)
        #expect(report.missing.count == 37 - 5) // rl_outcomes feeds two targets
        let m = try openPlain(db)
        try checkHealthy(m)
        try checkCounts(db: m, schema: loaded.schema, report: report)
        m.close()
        let old = try openPlain(pristine)
        try old.execute("ATTACH DATABASE '\(db)' AS new")
        _ = try checkNothingLost(old: old, schema: loaded.schema, report: report)
        old.close()
    }

    @Test func scriptAndDryRunChangeNothing() throws {
        let r = try runCLI(["migrate", "legacy", schemaPath, "--sql", "--legacy", fixtureDDL, "--drop-legacy"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("INSERT INTO \"rl_q_value\"") && r.out.contains("CREATE TABLE sys_legacy_archive") && r.out.contains("DROP TABLE \"sessions\""))
        // The script runs as it is on a legacy database.
        let dir = try tempDir("script")
        let db = dir.appendingPathComponent("v.db").path
        try Generator.build(files: [.graph: db], rows: 6)
        let conn = try openPlain(db)
        try conn.execute(r.out)
        #expect(try scalar(conn, "SELECT count(*) FROM rl_outcome") == 12) // rl_outcomes + tool_selector_outcomes
        conn.close()
    }

    @Test func docsMappingIsCurrent() throws {
        let loaded = try loadSchema()
        let (db, catalog) = try LegacyCatalog.open(legacy: fixtureDDL, excluding: MappingCheck.ownTables(loaded.schema))
        defer { db.close() }
        let table = MappingDoc.markdown(MigrationPlan(schema: loaded.schema, catalog: catalog))
        let doc = try String(contentsOf: repoRoot.appendingPathComponent("docs/MIGRATION.md"), encoding: .utf8)
        #expect(doc.contains(table), "regenerate with: schemagen migrate legacy schema.victor --mapping-doc --legacy Tests/SchemaMigrateTests/Fixtures/legacy_schema.sql")
        #expect(!table.contains("**unmapped**"))
    }
}
