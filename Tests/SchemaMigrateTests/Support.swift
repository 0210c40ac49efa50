import Foundation
import SchemagenTestSupport
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemagenRuntime
@testable import SchemaMigrate

let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
let fixtureDDL = testsDir.appendingPathComponent("Fixtures/legacy_schema.sql").path
let schemaPath = repoRoot.appendingPathComponent("schema.victor").path

struct TestError: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

func loadSchema() throws -> LoadedSchema {
    let loaded = try SchemaLoader.load(path: schemaPath)
    if loaded.hasErrors { throw TestError("schema.victor has errors: \(loaded.diagnostics.map(\.message))") }
    return loaded
}

/// A fresh temporary directory.
func tempDir(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-migrate-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func scalar(_ db: Database, _ sql: String) throws -> Int64 {
    try db.withStatement(sql: sql) { stmt throws(DatabaseError) in
        guard try stmt.step() else { return 0 }
        return try stmt.optionalInt64(0) ?? 0
    }
}

func texts(_ db: Database, _ sql: String) throws -> [String] {
    try db.withStatement(sql: sql) { stmt throws(DatabaseError) in
        var out: [String] = []
        while try stmt.step() { out.append(try stmt.optionalText(0) ?? "NULL") }
        return out
    }
}

func openPlain(_ path: String) throws -> Database {
    var o = Database.Options()
    o.walMode = false
    return try Database(path: path, options: o)
}

/// The legacy DDL split into CREATE statements per table (with their indexes).
func legacyStatements() throws -> [(table: String, sql: String)] {
    let db = try Database.inMemory()
    try db.execute(try String(contentsOfFile: fixtureDDL, encoding: .utf8))
    var out: [(String, String)] = []
    let names = try texts(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    for n in names {
        let ddl = try texts(db, "SELECT sql FROM sqlite_schema WHERE tbl_name = '\(n)' AND sql IS NOT NULL ORDER BY type DESC")
        out.append((n, ddl.joined(separator: ";\n") + ";"))
    }
    return out
}

/// Victor's four legacy files.
enum LegacyFile: String, CaseIterable {
    case graph, team, signatures, sessions
    static func of(_ table: String) -> LegacyFile {
        if table.hasPrefix("team_") { return .team }
        if table == "failed_signatures" || table == "schema_version" { return .signatures }
        if table == "sessions" { return .sessions }
        return .graph
    }
}

/// Deterministic rows of real shapes: NULLs where allowed, unicode, extreme numbers, JSON-looking
/// and invalid JSON text, ISO timestamps with microseconds, the same keys under different learners.
enum Generator {
    static let texts = ["plain", "héllo wörld ✓ 🌍 日本語", "{\"k\": [1, 2.5, null], \"s\": \"x\"}", "{not json", "", "it's \"quoted\"\nline",
                        "[1,2,3]", "\"already a json string\"", "2025-01-02T03:04:05.123456", "42"]
    static let stamps = ["2025-01-02T03:04:05.123456", "2025-01-02 03:04:05", "2024-12-31T23:59:59Z", "2025-06-30T12:00:00.5+02:00", "not a date", "2025-01-02 03:04:05.250"]
    static let ints: [Int64] = [Int64.max, Int64.min, 0, -1, 9_007_199_254_740_993, 7, 1]
    static let reals: [Double] = [1e308, -0.0, 0.1 + 0.2, -1.5e-300, 2.0, 123456.789, -Double.leastNonzeroMagnitude]

    static func isStamp(_ c: String) -> Bool {
        ["timestamp", "last_updated", "created_at", "updated_at", "last_used"].contains(c)
    }

    /// SQL literal for row `i` of column `c`.
    static func value(table: String, column c: LegacyColumn, pk: Bool, row i: Int) -> String {
        let v = (i + c.name.count) % 11
        if !c.notNull && !pk && v == 10 { return "NULL" }
        if c.name == "success" || c.name == "hit_after" { return "\(i % 2)" }
        if table == "rl_outcomes" && c.name == "created_at" { return "\(2460000.5 + Double(i) / 7)" }
        switch c.affinity {
        case .integer:
            if pk { return "\(i)" }
            return "\(ints[v % ints.count])"
        case .real:
            if pk { return "\(Double(i) + 0.25)" }
            if c.name.hasSuffix("_seen") || c.name == "expires_at" { return "\(1_735_787_045.123456 + Double(i))" }
            let r = reals[v % reals.count]
            return r == -0.0 && r.sign == .minus ? "-0.0" : "\(r)"
        default:
            if isStamp(c.name) {
                if pk { return SQL.literal("\(stamps[i % stamps.count])#\(i)") }
                return SQL.literal(stamps[v % stamps.count])
            }
            // Keys are shared across tables (same keys under different learners); PKs stay unique.
            let base = texts[v % texts.count]
            if pk || c.notNull && ["state_key", "action_key", "provider", "tool_name", "context_key", "task_type", "learner_name", "id", "composition_key", "args_hash", "template_id", "checkpoint_id", "key", "style", "element", "dimension", "version"].contains(c.name) {
                return SQL.literal("k\(i) \(base)")
            }
            return SQL.literal(base)
        }
    }

    /// Creates the legacy tables (all, or `only`) in the given files and fills them with `rows` rows each.
    /// Returns the number of rows inserted per table.
    @discardableResult
    static func build(files: [LegacyFile: String], rows: Int, only: Set<String>? = nil) throws -> [String: Int] {
        var dbs: [LegacyFile: Database] = [:]
        for (f, path) in files { dbs[f] = try openPlain(path) }
        let defaultFile = files.keys.contains(.graph) ? LegacyFile.graph : files.keys.first ?? .graph
        var counts: [String: Int] = [:]
        for (table, sql) in try legacyStatements() where only?.contains(table) ?? true {
            let f = files.keys.contains(LegacyFile.of(table)) ? LegacyFile.of(table) : defaultFile
            guard let db = dbs[f] else { continue }
            try db.execute(sql)
            var cols: [(LegacyColumn, Bool)] = []
            try db.withStatement(sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info('\(table)')") { stmt throws(DatabaseError) in
                while try stmt.step() {
                    cols.append((LegacyColumn(name: try stmt.text(0), declaredType: try stmt.text(1), notNull: try stmt.int64(2) != 0), try stmt.int64(3) != 0))
                }
            }
            try db.transaction { db in
                for i in 0..<rows {
                    let names = cols.map { SQL.ident($0.0.name) }.joined(separator: ", ")
                    let singlePK = cols.filter(\.1).count == 1
                    let values = cols.map { c -> String in
                        if c.1 && c.0.affinity == .integer && singlePK { return "NULL" } // rowid alias: SQLite numbers it
                        return value(table: table, column: c.0, pk: c.1, row: i)
                    }.joined(separator: ", ")
                    try db.execute("INSERT INTO \(SQL.ident(table)) (\(names)) VALUES (\(values))")
                }
            }
            counts[table] = rows
        }
        for db in dbs.values { db.close() }
        return counts
    }
}

func fileBytes(_ paths: [String]) -> [String: Data] {
    var out: [String: Data] = [:]
    for p in paths { out[p] = FileManager.default.contents(atPath: p) }
    return out
}

/// Every file in a directory (to prove no journal, WAL or backup was left behind).
func listing(_ dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
}

/// Runs the built `schemagen` binary.
func runCLI(_ args: [String], shellPrefix: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let r = try SchemagenCLI.run(args, shellPrefix: shellPrefix, environment: environment)
    return (r.status, r.stdout, r.stderr)
}
