import Foundation
import SchemaModel
import SchemagenRuntime
import SchemaSQL

/// SQLite's type affinity of a declared column type (https://sqlite.org/datatype3.html §3.1).
public enum Affinity: String, Sendable, Hashable {
    case integer = "INTEGER", text = "TEXT", blob = "BLOB", real = "REAL", numeric = "NUMERIC"

    public init(declaredType: String) {
        let t = declaredType.uppercased()
        if t.contains("INT") { self = .integer }
        else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { self = .text }
        else if t.contains("BLOB") || t.isEmpty { self = .blob }
        else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { self = .real }
        else { self = .numeric }
    }

    /// The affinity a target column of this logical type has.
    public init(_ type: LogicalType) { self.init(declaredType: type.sqliteType) }
}

public struct LegacyColumn: Sendable, Hashable {
    public var name: String
    public var declaredType: String
    public var notNull: Bool
    public var affinity: Affinity { Affinity(declaredType: declaredType) }
}

public struct LegacyTable: Sendable, Hashable {
    /// The schema (`main` or an ATTACH alias) that holds the table.
    public var schema: String
    public var name: String
    public var columns: [LegacyColumn]

    public func column(named n: String) -> LegacyColumn? { columns.first { $0.name.lowercased() == n.lowercased() } }

    /// `"schema"."table"`, or just `"table"` in `main`.
    public var qualifiedName: String {
        schema == "main" ? SQL.ident(name) : SQL.ident(schema) + "." + SQL.ident(name)
    }
}

/// The legacy tables that exist, found by introspection (`sqlite_schema` + `PRAGMA table_info`).
public struct LegacyCatalog: Sendable {
    /// By lowercased table name.
    public var tables: [String: LegacyTable]
    /// Table names found in more than one schema (main and an attached file): which one is meant is unclear.
    public var ambiguous: [String: [String]]
    /// True when the catalog is the full legacy DDL (a `.sql` file): a table missing there is an error,
    /// while a real database only holds the tables whose learners ran.
    public var isFullDDL: Bool
    /// Where the catalog came from (for messages).
    public var origin: String

    public func table(_ name: String) -> LegacyTable? { tables[name.lowercased()] }

    /// Introspects every schema of `db` (main and attached), skipping `sqlite_*` tables and `excluding`.
    public static func introspect(_ db: Database, excluding: Set<String>, isFullDDL: Bool = false, origin: String) throws(DatabaseError) -> LegacyCatalog {
        var schemas: [String] = []
        try db.withStatement(sql: "SELECT name FROM pragma_database_list ORDER BY seq") { stmt throws(DatabaseError) in
            while try stmt.step() { schemas.append(try stmt.text(0)) }
        }
        var tables: [String: LegacyTable] = [:]
        var ambiguous: [String: [String]] = [:]
        let skip = Set(excluding.map { $0.lowercased() })
        for schema in schemas where schema != "temp" {
            var names: [String] = []
            try db.withStatement(sql: "SELECT name FROM \(SQL.ident(schema)).sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name") { stmt throws(DatabaseError) in
                while try stmt.step() { names.append(try stmt.text(0)) }
            }
            for name in names where !skip.contains(name.lowercased()) {
                var columns: [LegacyColumn] = []
                try db.withStatement(sql: "SELECT name, type, \"notnull\" FROM pragma_table_info(\(SQL.literal(name)), \(SQL.literal(schema))) ORDER BY cid") { stmt throws(DatabaseError) in
                    while try stmt.step() {
                        columns.append(LegacyColumn(name: try stmt.text(0), declaredType: try stmt.optionalText(1) ?? "", notNull: try stmt.int64(2) != 0))
                    }
                }
                let key = name.lowercased()
                if let existing = tables[key] {
                    ambiguous[key, default: [existing.schema]].append(schema)
                } else {
                    tables[key] = LegacyTable(schema: schema, name: name, columns: columns)
                }
            }
        }
        return LegacyCatalog(tables: tables, ambiguous: ambiguous, isFullDDL: isFullDDL, origin: origin)
    }

    /// The catalog of a `LEGACY` argument: a `.sql` file (loaded into an in-memory database: the full
    /// DDL) or a database file (opened read-only). Returns the open database for preparing statements.
    public static func open(legacy path: String, excluding: Set<String>) throws -> (Database, LegacyCatalog) {
        if path.lowercased().hasSuffix(".sql") {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw MigrationError("cannot read '\(path)': \((error as NSError).localizedDescription)")
            }
            let db = try Database.inMemory()
            do { try db.execute(text) } catch {
                throw MigrationError("'\(path)' is not valid SQLite DDL: \(error.message)", sql: error.sql)
            }
            return (db, try introspect(db, excluding: excluding, isFullDDL: true, origin: path))
        }
        guard FileManager.default.fileExists(atPath: path) else { throw MigrationError("cannot open '\(path)': no such file") }
        // Opening the file itself, even read-only, can write its `-shm` (and a last connection may
        // checkpoint and delete its `-wal`): read a private byte copy instead. The copy is folded into
        // one file and unlinked; the open connection keeps reading it.
        let snapshot = try Snapshot(path, [])
        defer { snapshot.remove() }
        var options = Database.Options()
        options.walMode = false
        options.foreignKeys = false
        let db: Database
        do {
            db = try Database(path: snapshot.database, options: options)
            try db.execute("PRAGMA journal_mode = DELETE; PRAGMA query_only = 1")
        } catch {
            throw snapshot.unmapped(MigrationError("cannot open '\(snapshot.database)'", sql: error.sql, sqliteMessage: error.message))
        }
        return (db, try introspect(db, excluding: excluding, origin: path))
    }
}

/// SQL text helpers.
public enum SQL {
    /// Always double-quoted (SchemaSQL's one quoting implementation).
    public static func ident(_ name: String) -> String { SQLName.alwaysQuoted(name) }
    public static func literal(_ s: String) -> String { SQLName.stringLiteral(s) }

    /// The temporary table holding the exact JSON text of REAL values (filled by the migrator from
    /// Swift's shortest round-trip formatting; SQLite's own formatting keeps 15–17 digits and is not
    /// bit-exact near DBL_MAX). Keyed by legacy table + column (`k`) and the legacy row's rowid (`r`).
    public static let exactTable = "schemagen_exact_real"
    public static let exactTableDDL = "CREATE TEMP TABLE IF NOT EXISTS \(exactTable) (k TEXT NOT NULL, r INTEGER NOT NULL, j TEXT NOT NULL, PRIMARY KEY (k, r)) WITHOUT ROWID"

    /// The key of a legacy column in `exactTable`.
    public static func exactKey(schema: String, table: String, column: String) -> String {
        "\(schema).\(table).\(column)".lowercased()
    }

    /// The lookup of a legacy value's exact text: `rowRef` is the legacy row's rowid expression.
    public static func exactLookup(key: String, rowRef: String) -> String {
        "(SELECT j FROM temp.\(exactTable) WHERE k = \(literal(key)) AND r = \(rowRef))"
    }

    /// The JSON text of any SQLite value, losslessly and with its storage class recoverable:
    /// NULL as `null`; INTEGER as written (no `.` or exponent); REAL as the shortest text that reads back
    /// as the same double (from `exact`, the lookup in `exactTable`; `printf('%!.17g')` when absent), always
    /// with a `.` or an exponent, ±Inf as `{"$real": "inf"}` / `"-inf"` (JSON has no infinity); TEXT as a JSON string, or `{"$text": "HEX"}` when it
    /// holds a NUL byte (SQLite's JSON functions cut strings at `\u0000`) or, per `exact`, is not UTF-8
    /// (JSON readers reject the whole document); BLOB as `{"$blob": "HEX"}`.
    public static func jsonText(_ v: String, exact: String? = nil) -> String {
        let real = exact.map { "coalesce(\($0), \(realText(v)))" } ?? realText(v)
        return "CASE typeof(\(v)) WHEN 'null' THEN 'null' WHEN 'integer' THEN CAST(\(v) AS TEXT) "
            + "WHEN 'real' THEN CASE WHEN \(v) = 9e999 THEN '{\"$real\":\"inf\"}' WHEN \(v) = -9e999 THEN '{\"$real\":\"-inf\"}' ELSE \(real) END "
            + "WHEN 'text' THEN CASE \(exact.map { "WHEN \($0) IS NOT NULL THEN \($0) " } ?? "")WHEN instr(CAST(\(v) AS BLOB), x'00') > 0 THEN '{\"$text\":\"' || hex(\(v)) || '\"}' ELSE json_quote(\(v)) END "
            + "ELSE '{\"$blob\":\"' || hex(\(v)) || '\"}' END"
    }

    /// SQLite's best text of a REAL (only where no exact text was recorded), with a `.` or exponent.
    static func realText(_ v: String) -> String {
        "(SELECT CASE WHEN instr(t, '.') OR instr(t, 'e') OR instr(t, 'n') THEN t ELSE t || '.0' END FROM (SELECT printf('%!.17g', \(v)) AS t))"
    }

    /// A JSON object built from members `(key, value SQL, guard SQL?)`; guarded members appear only
    /// when their guard is true. `exact` gives a member's exact REAL lookup (see `jsonText`).
    public static func jsonObject(_ members: [(key: String, value: String, guard: String?)], exact: (String) -> String? = { _ in nil }) -> String {
        guard !members.isEmpty else { return "'{}'" }
        let parts = members.map { m -> String in
            let member = "',' || \(literal(jsonQuoted(m.key))) || ':' || (\(jsonText(m.value, exact: exact(m.key))))"
            if let g = m.guard { return "(CASE WHEN \(g) THEN \(member) ELSE '' END)" }
            return "(\(member))"
        }
        return "('{' || substr(" + parts.joined(separator: " || ") + ", 2) || '}')"
    }

    static func jsonQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// The JSON path of a member: `$."key"`.
    public static func jsonPath(_ key: String) -> String { "$." + jsonQuoted(key) }

    /// Identifiers an SQL expression mentions (not function names, not inside string literals).
    public static func identifiers(in expression: String) -> [String] {
        var out: [String] = []
        let chars = Array(expression)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                i += 1
                while i < chars.count { if chars[i] == "'" { if i + 1 < chars.count && chars[i + 1] == "'" { i += 2; continue }; break }; i += 1 }
                i += 1
            } else if c == "\"" || c == "`" || c == "[" {
                let close: Character = c == "[" ? "]" : c
                var j = i + 1
                var name = ""
                while j < chars.count && chars[j] != close { name.append(chars[j]); j += 1 }
                out.append(name)
                i = j + 1
            } else if c.isLetter || c == "_" {
                var j = i
                var name = ""
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { name.append(chars[j]); j += 1 }
                var k = j
                while k < chars.count && chars[k].isWhitespace { k += 1 }
                if !(k < chars.count && chars[k] == "(") { out.append(name) }
                i = j
            } else if c.isNumber {
                while i < chars.count && (chars[i].isNumber || chars[i].isLetter || chars[i] == ".") { i += 1 }
            } else {
                i += 1
            }
        }
        return out
    }

    /// The bare column an expression consists of, if it is just one (optionally quoted) identifier.
    public static func bareIdentifier(_ expression: String) -> String? {
        let e = expression.trimmingCharacters(in: .whitespaces)
        if e.count >= 2, e.first == "\"", e.last == "\"" {
            let inner = String(e.dropFirst().dropLast())
            return inner.contains("\"") ? nil : inner
        }
        guard let f = e.first, f.isLetter || f == "_", e.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        let keywords: Set<String> = ["null", "true", "false", "current_timestamp", "current_date", "current_time"]
        return keywords.contains(e.lowercased()) ? nil : e
    }
}

/// Something went wrong before, during or after the migration; nothing was changed unless stated.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var sourceTable: String?
    public var targetTable: String?
    public var sql: String?
    public var sqliteMessage: String?

    public init(_ message: String, sourceTable: String? = nil, targetTable: String? = nil, sql: String? = nil, sqliteMessage: String? = nil) {
        self.message = message; self.sourceTable = sourceTable; self.targetTable = targetTable; self.sql = sql; self.sqliteMessage = sqliteMessage
    }

    public var description: String {
        var s = "error: \(message)"
        if let t = sourceTable { s += "\n  source table: \(t)" }
        if let t = targetTable { s += "\n  target table: \(t)" }
        if let m = sqliteMessage { s += "\n  SQLite: \(m)" }
        if let q = sql { s += "\n  SQL: \(q.count > 2000 ? String(q.prefix(2000)) + "…" : q)" }
        return s
    }
}
