import SchemaSQL

/// Writes SQL model values (a database as `Introspector` reads it) as a `.victor` file: tables in
/// dependency order, then virtual tables, then triggers, laid out as a person would write them.
/// What the language cannot say is an `ImportError` naming it, never a silent drop.
public struct VictorWriter {
    /// The first line of every imported file: `import --output` overwrites only files starting so.
    public static let marker = "// Imported by schemagen import"

    public var schemaName: String
    public var sourceName: String
    /// `lint { rule: off }` entries (the imported style, declared once).
    public var lintOff: [String] = []

    public init(schemaName: String, sourceName: String) {
        self.schemaName = schemaName
        self.sourceName = sourceName
    }

    public func write(_ schema: SQLSchema) throws(ImportError) -> String {
        var out = "\(Self.marker) from \(Self.comment(sourceName)). It is your schema now: edit it freely.\n"
        out += "schema \(Self.name(schemaName).isPlainName ? schemaName : "imported") version 1\n\n"
        out += "naming { preset: legacy }\n"
        if !lintOff.isEmpty {
            out += "\n// The imported schema's style: rules it does not follow are off.\nlint {\n"
            for r in lintOff.sorted() { out += "    \(r): off\n" }
            out += "}\n"
        }
        for t in Self.dependencyOrder(schema.tables) {
            out += "\n" + (try table(t))
        }
        for v in schema.virtualTables.sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
            out += "\nvirtual table \(try Self.victorName(v.name, "virtual table")) using \(try Self.victorName(v.module, "module"))"
            if let a = v.arguments { out += "(\(a))" }
            out += "\n"
        }
        // Views by name: the emitted DDL orders them by dependency (views on views).
        for v in schema.views {
            out += "\n" + (try view(v))
        }
        for tr in schema.triggers {
            out += "\n" + (try trigger(tr))
        }
        return out
    }

    // MARK: Views

    /// `view NAME { SELECT … }`: the SELECT exactly as SQLite stores it (comments and layout kept).
    func view(_ v: SQLView) throws(ImportError) -> String {
        let t = SQLTokenizer.tokens(v.sql)
        var i = 0
        func at(_ w: String) -> Bool { i < t.count && t[i].isWord(w) }
        guard at("CREATE") else { throw ImportError("error: view '\(v.name)' cannot be read: \(Self.comment(String(v.sql.prefix(80))))") }
        i += 1
        if at("TEMP") || at("TEMPORARY") { i += 1 }
        guard at("VIEW") else { throw ImportError("error: view '\(v.name)' cannot be read: \(Self.comment(String(v.sql.prefix(80))))") }
        i += 1
        if at("IF") { i += 3 }
        i += 1 // the name
        if i + 1 < t.count, t[i].text == "." { i += 2 }
        if i < t.count, t[i].text == "(" {
            throw ImportError("error: view '\(v.name)' names its columns (CREATE VIEW \(v.name)(…) AS …), which the schema language cannot express yet; name them with AS in its SELECT")
        }
        guard at("AS"), i + 1 < t.count else { throw ImportError("error: view '\(v.name)' cannot be read: \(Self.comment(String(v.sql.prefix(80))))") }
        let bytes = Array(v.sql.utf8)
        var select = String(decoding: bytes[t[i + 1].start...], as: UTF8.self).trimmingASCIIWhitespace()
        if select.hasSuffix(";") { select = String(select.dropLast()).trimmingASCIIWhitespace() }
        return "view \(try Self.victorName(v.name, "view")) {\n    \(select)\n}\n"
    }

    static func comment(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" ? "?" : Character($0) })
    }

    // MARK: Names

    struct NameCheck { var isPlainName: Bool }
    static func name(_ s: String) -> NameCheck {
        let u = Array(s.utf8)
        guard let f = u.first, (f >= 0x41 && f <= 0x5A) || (f >= 0x61 && f <= 0x7A) || f == 0x5F else { return NameCheck(isPlainName: false) }
        return NameCheck(isPlainName: u.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
    }

    /// A name as the language writes it: bare, or in backticks.
    static func victorName(_ s: String, _ what: String) throws(ImportError) -> String {
        if name(s).isPlainName { return s }
        if s.isEmpty || s.contains("`") || s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) {
            throw ImportError("error: the \(what) name \(SQLName.alwaysQuoted(s)) cannot be written in a schema file (a backtick or control character)")
        }
        return "`\(s)`"
    }

    // MARK: Tables

    static func dependencyOrder(_ tables: [SQLTable]) -> [SQLTable] {
        let byName = Dictionary(tables.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var done = Set<String>(), visiting = Set<String>()
        var out: [SQLTable] = []
        func visit(_ t: SQLTable) {
            let k = t.name.lowercased()
            if done.contains(k) || visiting.contains(k) { return }
            visiting.insert(k)
            for fk in t.allForeignKeys { if let p = byName[fk.reference.table.lowercased()] { visit(p) } }
            visiting.remove(k)
            done.insert(k)
            out.append(t)
        }
        for t in tables { visit(t) }
        return out
    }

    /// The logical type for a declared type, by SQLite's affinity rules (and `sql "…"` when the
    /// declared type is not that logical type's own), with a note when the guess is uncertain.
    static func type(for declared: String, column: String) -> (logical: String, sql: String?, note: String?) {
        let u = declared.uppercased()
        let base = u.split(separator: "(").first.map { String($0).trimmingASCIIWhitespace() } ?? u
        func result(_ l: String, _ own: String, _ note: String? = nil) -> (String, String?, String?) { (l, u == own ? nil : declared, note) }
        if u.isEmpty { return ("blob", "", "typeless: SQLite stores any value here; blob is a guess") }
        if u.contains("INT") {
            if ["BOOL"].contains(where: base.contains) { return result("bool", "INTEGER") }
            return result("integer", "INTEGER")
        }
        if u.contains("CHAR") || u.contains("CLOB") || u.contains("TEXT") {
            if base == "JSON" { return result("json", "TEXT") }
            return result("text", "TEXT")
        }
        if u.contains("BLOB") { return result("blob", "BLOB") }
        if u.contains("REAL") || u.contains("FLOA") || u.contains("DOUB") { return result("real", "REAL") }
        // NUMERIC affinity.
        if base.hasPrefix("BOOL") { return result("bool", "INTEGER") }
        if base == "JSON" { return result("json", "TEXT", "JSON declared type: numeric affinity in SQLite") }
        if base.hasPrefix("DATE") || base.hasPrefix("TIME") {
            return result("timestamp", "TEXT", "\(declared): timestamp is a guess; SQLite may hold text or numbers here")
        }
        return result("real", "REAL", "\(declared): numeric affinity; real is a guess (integers are stored as integers)")
    }

    func table(_ t: SQLTable) throws(ImportError) -> String {
        let tname = try Self.victorName(t.name, "table")
        var options: [String] = []
        if t.strict { options.append("strict") }
        if t.withoutRowid { options.append("without rowid") }
        var out = "table \(tname)\(options.isEmpty ? "" : " " + options.joined(separator: ", ")) {\n"
        // Single-column UNIQUEs and foreign keys go on their column when that keeps SQLite's order.
        let columnLevel = { (keys: [[String]]) -> Bool in
            let single = t.columns.compactMap { c in keys.first { $0.count == 1 && $0[0].lowercased() == c.name.lowercased() } }
            let rest = keys.filter { k in !single.contains(k) }
            let once = Set(keys.filter { $0.count == 1 }.map { $0[0].lowercased() })
            return single + rest == keys && once.count == keys.filter { $0.count == 1 }.count
        }
        let uniquesOnColumns = columnLevel(t.uniques) && !t.constraintNames.contains { $0.kind == .unique }
        let fksOnColumns = columnLevel(t.foreignKeys.map(\.columns)) && !t.constraintNames.contains { $0.kind == .foreignKey }
        func named(_ kind: SQLConstraintName.Kind, _ i: Int) throws(ImportError) -> String {
            guard let n = t.constraintName(kind, i) else { return "" }
            return "constraint \(try Self.victorName(n, "constraint")) "
        }
        let pk = t.primaryKey
        for c in t.columns {
            let (logical, sql, note) = Self.type(for: c.type, column: c.name)
            if let note { out += "    // \(Self.comment(note))\n" }
            let isKey = c.primaryKey != nil
            var line = "    \(try Self.victorName(c.name, "column")): \(logical)\(!isKey && !c.notNull ? "?" : "")"
            if let sql { line += " sql \"\(try Self.swiftString(sql))\"" }
            if let k = c.primaryKey {
                line += " primary key"
                if k.order == .desc { line += " desc" }
                if k.autoincrement { line += " autoincrement" }
                if c.notNull { line += " not null" }
            }
            if uniquesOnColumns, t.uniques.contains([c.name]) { line += " unique" }
            if let d = c.defaultValue { line += " = " + Self.defaultText(d, logical: logical) }
            if let coll = c.collation {
                guard ["BINARY", "NOCASE", "RTRIM"].contains(coll.uppercased()) else {
                    throw ImportError("error: column \(t.name).\(c.name) uses collation \(coll), which the schema language cannot name yet")
                }
                line += " collate \(coll.lowercased())"
            }
            if fksOnColumns, let fk = t.foreignKeys.first(where: { $0.columns.count == 1 && $0.columns[0].lowercased() == c.name.lowercased() }) {
                line += " " + (try Self.reference(fk.reference))
            }
            if let g = c.generated { line += " as (\(g.expression)) \(g.stored ? "stored" : "virtual")" }
            out += line + "\n"
        }
        var constraints: [String] = []
        if let pk { constraints.append(try named(.primaryKey, 0) + "primary key (\(try Self.names(pk)))") }
        for (i, u) in t.uniques.enumerated() where !uniquesOnColumns || u.count > 1 {
            constraints.append(try named(.unique, i) + "unique (\(try Self.names(u)))")
        }
        for (i, c) in t.checks.enumerated() { constraints.append(try named(.check, i) + "check (\(c))") }
        for (i, fk) in t.foreignKeys.enumerated() where !fksOnColumns || fk.columns.count > 1 {
            constraints.append(try named(.foreignKey, i) + "foreign key (\(try Self.names(fk.columns))) " + (try Self.reference(fk.reference)))
        }
        if !constraints.isEmpty { out += "\n" + constraints.map { "    \($0)\n" }.joined() }
        if !t.indexes.isEmpty { out += "\n" }
        let collations = Dictionary(t.columns.map { ($0.name.lowercased(), ($0.collation ?? "BINARY").uppercased()) }, uniquingKeysWith: { a, _ in a })
        for i in t.indexes {
            var terms: [String] = []
            for c in i.columns {
                var s: String
                if let e = c.expression { s = Self.indexExpression(e) } else { s = try Self.victorName(c.name, "column") }
                let implied = c.expression == nil ? collations[c.name.lowercased()] ?? "BINARY" : "BINARY"
                if let coll = c.collation?.uppercased(), coll != implied {
                    guard ["BINARY", "NOCASE", "RTRIM"].contains(coll) else {
                        throw ImportError("error: index \(i.name) uses collation \(coll), which the schema language cannot name yet")
                    }
                    s += " collate \(coll.lowercased())"
                }
                if c.order == .desc { s += " desc" }
                terms.append(s)
            }
            var line = "    \(i.unique ? "unique " : "")index \(try Self.victorName(i.name, "index")) (\(terms.joined(separator: ", ")))"
            if let w = i.whereClause { line += " where " + (try Self.oneLine(w, "the WHERE of index \(i.name)")) }
            out += line + "\n"
        }
        return out + "}\n"
    }

    static func names(_ n: [String]) throws(ImportError) -> String {
        var out: [String] = []
        for x in n { out.append(try victorName(x, "column")) }
        return out.joined(separator: ", ")
    }

    static func reference(_ r: SQLReference) throws(ImportError) -> String {
        var s = "references \(try victorName(r.table, "table"))"
        if !r.columns.isEmpty { s += "(\(try names(r.columns)))" }
        if let a = r.onDelete { s += " on delete \(a.rawValue.lowercased())" }
        if let a = r.onUpdate { s += " on update \(a.rawValue.lowercased())" }
        if let d = r.deferrable { s += " " + d.rawValue.lowercased() }
        return s
    }

    static func swiftString(_ s: String) throws(ImportError) -> String {
        guard !s.contains("\"") && !s.contains("\\") else { throw ImportError("error: the declared type \(s) cannot be written in a schema file") }
        return s
    }

    /// A default in the form whose DDL SQLite reports exactly as `dflt_value` did.
    static func defaultText(_ d: SQLDefault, logical: String) -> String {
        let text = d.storedText
        let tokens = SQLTokenizer.tokens(text)
        if tokens.count == 1 {
            let t = tokens[0]
            if t.kind == .string, ["text", "timestamp", "json"].contains(logical), SQLName.stringLiteral(t.name) == text { return text }
            if t.kind == .number, logical == "integer", let v = Int64(text), String(v) == text { return text }
            if t.kind == .number, logical == "real" { return text }
            if t.kind == .number, logical == "bool", text == "0" || text == "1" { return text == "1" ? "true" : "false" }
        }
        return "(\(text))"
    }

    /// An index term that is an expression, written so the language reads it as one: a function
    /// call as is, anything else in parentheses.
    static func indexExpression(_ e: String) -> String {
        let t = SQLTokenizer.tokens(e)
        guard let last = t.last, last.text == ")", last.depth == 0, t.count >= 2 else { return "(\(e))" }
        let inner = t.dropFirst().dropLast()
        if t[0].kind == .word, t.count >= 3, t[1].text == "(", t[1].start == t[0].end, t[0].start == 0, last.end == e.utf8.count,
           !inner.dropFirst().contains(where: { $0.depth == 0 }) {
            return e // fn(…)
        }
        if t[0].text == "(", t[0].start == 0, last.end == e.utf8.count, !inner.contains(where: { $0.depth == 0 }) { return e }
        return "(\(e))"
    }

    /// SQL the language reads to the end of a line, on one line (the comparison ignores layout).
    static func oneLine(_ sql: String, _ what: String) throws(ImportError) -> String {
        guard sql.contains("\n") || sql.contains("\r") else { return sql }
        let tokens = SQLTokenizer.tokens(sql)
        if tokens.contains(where: { $0.text.contains("\n") || $0.text.contains("\r") }) {
            throw ImportError("error: \(what) holds a line break inside a literal, which a schema file cannot carry there")
        }
        var out = ""
        var prevEnd = -1
        let bytes = Array(sql.utf8)
        for t in tokens {
            if prevEnd >= 0 { out += prevEnd == t.start ? "" : " " }
            out += String(decoding: bytes[t.start..<t.end], as: UTF8.self)
            prevEnd = t.end
        }
        return out
    }

    // MARK: Triggers

    func trigger(_ tr: SQLTrigger) throws(ImportError) -> String {
        guard let p = SQLTriggerParts(tr.sql) else {
            throw ImportError("error: trigger '\(tr.name)' cannot be read: \(Self.comment(String(tr.sql.prefix(80))))")
        }
        var s = "trigger \(try Self.victorName(p.name, "trigger")) \(p.timing.lowercased()) \(p.event.lowercased())"
        if !p.updateColumns.isEmpty { s += " of " + (try Self.names(p.updateColumns)) }
        s += " on \(try Self.victorName(p.table, "table"))"
        if p.forEachRow { s += " for each row" }
        if let w = p.whenClause { s += " when \(w)" }
        return s + " {\n    \(p.body)\n}\n"
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
