import Foundation
import SchemaModel
import SchemagenRuntime

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
        var options = Database.Options()
        options.readOnly = true
        options.walMode = false
        let db = try Database(path: path, options: options)
        return (db, try introspect(db, excluding: excluding, origin: path))
    }
}

/// SQL text helpers.
public enum SQL {
    /// Always double-quoted.
    public static func ident(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    public static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The JSON text of any SQLite value, losslessly: TEXT as a JSON string, INTEGER as written,
    /// REAL with 17 significant digits (json_object() keeps only 15), ±Inf as ±9e999, NULL as null,
    /// BLOB as {"$blob": "HEX"}.
    public static func jsonText(_ v: String) -> String {
        "CASE typeof(\(v)) WHEN 'null' THEN 'null' WHEN 'integer' THEN CAST(\(v) AS TEXT) "
            + "WHEN 'real' THEN CASE WHEN \(v) = 9e999 THEN '9e999' WHEN \(v) = -9e999 THEN '-9e999' ELSE printf('%!.17g', \(v)) END "
            + "WHEN 'text' THEN json_quote(\(v)) ELSE '{\"$blob\":\"' || hex(\(v)) || '\"}' END"
    }

    /// A JSON object built from members `(key, value SQL, guard SQL?)`; guarded members appear only
    /// when their guard is true.
    public static func jsonObject(_ members: [(key: String, value: String, guard: String?)]) -> String {
        guard !members.isEmpty else { return "'{}'" }
        let parts = members.map { m -> String in
            let member = "',' || \(literal(jsonQuoted(m.key))) || ':' || (\(jsonText(m.value)))"
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
