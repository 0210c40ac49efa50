/// Reading the few facts SQLite's PRAGMAs do not report from the statement text SQLite stores in
/// `sqlite_schema.sql`: CHECK expressions, column collations, AUTOINCREMENT, a column-level key's
/// ASC/DESC, DEFERRABLE, generated-column expressions and a partial index's WHERE.
/// Everything else introspection takes from the PRAGMAs. Expressions are sliced from the stored
/// text verbatim, so they compare equal to the text the renderer wrote.
public enum SQLTokenizer {
    public struct Token: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case word, quoted, string, blob, number, punctuation }
        public var kind: Kind
        public var text: String
        /// UTF-8 offsets in the source.
        public var start: Int
        public var end: Int
        /// Nesting depth in parentheses (a `(` has the depth outside it).
        public var depth: Int

        /// A keyword or bare name compared case-insensitively.
        public func isWord(_ w: String) -> Bool { kind == .word && text.uppercased() == w }

        /// The identifier a word or quoted token names.
        public var name: String {
            guard kind == .quoted || kind == .string, let open = text.first else { return text }
            let close: Character = open == "[" ? "]" : open
            let inner = text.dropFirst().dropLast()
            if open == "[" { return String(inner) }
            // A doubled quote inside stands for one.
            var out = ""
            var pendingQuote = false
            for ch in inner {
                if ch == close && !pendingQuote { pendingQuote = true; continue }
                pendingQuote = false
                out.append(ch)
            }
            return out
        }
    }

    /// Tokens of SQL text, comments dropped. Unterminated quotes and comments end at the end of the text.
    public static func tokens(_ text: String) -> [Token] {
        let b = Array(text.utf8)
        var out: [Token] = []
        var i = 0, depth = 0
        func isIdent(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x24 || c >= 0x80 }
        func add(_ kind: Token.Kind, _ s: Int, _ e: Int, depth d: Int) {
            out.append(Token(kind: kind, text: String(decoding: b[s..<e], as: UTF8.self), start: s, end: e, depth: d))
        }
        func skipQuoted(from s: Int, close: UInt8) -> Int {
            var j = s + 1
            while j < b.count {
                if b[j] == close {
                    if close != 0x5D, j + 1 < b.count, b[j + 1] == close { j += 2; continue }
                    return j + 1
                }
                j += 1
            }
            return b.count
        }
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C { i += 1; continue }
            if c == 0x2D, i + 1 < b.count, b[i + 1] == 0x2D { // -- comment
                while i < b.count && b[i] != 0x0A { i += 1 }
                continue
            }
            if c == 0x2F, i + 1 < b.count, b[i + 1] == 0x2A { // /* comment */
                i += 2
                while i < b.count && !(b[i] == 0x2A && i + 1 < b.count && b[i + 1] == 0x2F) { i += 1 }
                i = min(b.count, i + 2)
                continue
            }
            if c == 0x27 { let e = skipQuoted(from: i, close: 0x27); add(.string, i, e, depth: depth); i = e; continue }
            if c == 0x22 || c == 0x60 { let e = skipQuoted(from: i, close: c); add(.quoted, i, e, depth: depth); i = e; continue }
            if c == 0x5B { let e = skipQuoted(from: i, close: 0x5D); add(.quoted, i, e, depth: depth); i = e; continue }
            if (c == 0x58 || c == 0x78), i + 1 < b.count, b[i + 1] == 0x27 {
                let e = skipQuoted(from: i + 1, close: 0x27); add(.blob, i, e, depth: depth); i = e; continue
            }
            if (c >= 0x30 && c <= 0x39) || (c == 0x2E && i + 1 < b.count && b[i + 1] >= 0x30 && b[i + 1] <= 0x39) {
                var j = i
                while j < b.count && (isIdent(b[j]) || b[j] == 0x2E || ((b[j] == 0x2B || b[j] == 0x2D) && (b[j - 1] == 0x65 || b[j - 1] == 0x45))) { j += 1 }
                add(.number, i, j, depth: depth); i = j; continue
            }
            if isIdent(c) {
                var j = i
                while j < b.count && isIdent(b[j]) { j += 1 }
                add(.word, i, j, depth: depth); i = j; continue
            }
            if c == 0x28 { add(.punctuation, i, i + 1, depth: depth); depth += 1; i += 1; continue }
            if c == 0x29 { depth = max(0, depth - 1); add(.punctuation, i, i + 1, depth: depth); i += 1; continue }
            add(.punctuation, i, i + 1, depth: depth)
            i += 1
        }
        return out
    }

    /// The source text between token `open` (a `(`) and its matching `)`, verbatim.
    static func parenthesized(_ text: [UInt8], _ tokens: [Token], open: Int) -> (String, next: Int)? {
        guard open < tokens.count, tokens[open].text == "(" else { return nil }
        let d = tokens[open].depth
        var j = open + 1
        while j < tokens.count && !(tokens[j].text == ")" && tokens[j].depth == d) { j += 1 }
        guard j < tokens.count else { return nil }
        return (String(decoding: text[tokens[open].end..<tokens[j].start], as: UTF8.self), j + 1)
    }
}

/// What a stored CREATE TABLE says that the PRAGMAs do not.
public struct StoredTableSQL: Sendable, Hashable {
    public struct ColumnFacts: Sendable, Hashable {
        public var name: String
        public var collation: String?
        public var checks: [String] = []
        public var hasPrimaryKey = false
        public var primaryKeyOrder: SQLOrder?
        public var autoincrement = false
        /// One entry per REFERENCES clause on the column.
        public var referenceDeferrables: [SQLDeferrable?] = []
        public var generated: SQLGenerated?
    }
    public var columns: [ColumnFacts] = []
    public var tableChecks: [String] = []
    public var hasTablePrimaryKey = false
    /// One entry per table-level FOREIGN KEY, in order.
    public var tableForeignKeyDeferrables: [SQLDeferrable?] = []
    /// `CONSTRAINT name` on table-level constraints; the index counts within what introspection
    /// lists (UNIQUEs and FOREIGN KEYs of the columns too, CHECKs of the table only).
    public var constraintNames: [SQLConstraintName] = []
    /// `column: name` for each `CONSTRAINT name` inside a column definition.
    public var columnConstraintNames: [String] = []
    var columnUniques = 0
    var tableUniques = 0

    /// Every REFERENCES/FOREIGN KEY's deferrability in declaration order.
    public var foreignKeyDeferrables: [SQLDeferrable?] { columns.flatMap(\.referenceDeferrables) + tableForeignKeyDeferrables }

    static let constraintStarts: Set<String> = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]

    public init() {}

    public init?(createTable sql: String) {
        let text = Array(sql.utf8)
        let tokens = SQLTokenizer.tokens(sql)
        guard let open = tokens.firstIndex(where: { $0.text == "(" && $0.depth == 0 }) else { return nil }
        guard let close = tokens[(open + 1)...].firstIndex(where: { $0.text == ")" && $0.depth == 0 }) else { return nil }
        // Split the body at commas outside parentheses.
        var parts: [[SQLTokenizer.Token]] = [[]]
        for t in tokens[(open + 1)..<close] {
            if t.text == "," && t.depth == 1 { parts.append([]) } else { parts[parts.count - 1].append(t) }
        }
        for part in parts where !part.isEmpty {
            if part[0].kind == .word && Self.constraintStarts.contains(part[0].text.uppercased()) {
                if part[0].isWord("CONSTRAINT"), part.count > 2 {
                    let kind: SQLConstraintName.Kind? = part[2].isWord("PRIMARY") ? .primaryKey : part[2].isWord("UNIQUE") ? .unique
                        : part[2].isWord("CHECK") ? .check : part[2].isWord("FOREIGN") ? .foreignKey : nil
                    if let kind {
                        let index: Int
                        switch kind {
                        case .primaryKey: index = 0
                        case .unique: index = columnUniques + tableUniques
                        case .check: index = tableChecks.count
                        case .foreignKey: index = columns.flatMap(\.referenceDeferrables).count + tableForeignKeyDeferrables.count
                        }
                        constraintNames.append(SQLConstraintName(name: part[1].name, kind: kind, index: index))
                    }
                }
                if part.contains(where: { $0.depth == 1 && $0.isWord("UNIQUE") }) { tableUniques += 1 }
                scanTableConstraint(part, text)
            } else {
                let c = Self.scanColumn(part, text)
                columnUniques += part.filter { $0.depth == 1 && $0.isWord("UNIQUE") }.count
                for (k, t) in part.enumerated() where t.depth == 1 && t.isWord("CONSTRAINT") && k + 1 < part.count {
                    columnConstraintNames.append("\(c.name): \(part[k + 1].name)")
                }
                columns.append(c)
            }
        }
    }

    static func deferrable(_ p: [SQLTokenizer.Token], from start: Int) -> (SQLDeferrable?, next: Int) {
        var k = start
        // Skip the REFERENCES clause up to DEFERRABLE or the next constraint keyword.
        while k < p.count {
            let t = p[k]
            if t.depth == 1 && t.isWord("DEFERRABLE") {
                let not = k > 0 && p[k - 1].isWord("NOT")
                if not { return (.notDeferrable, k + 1) }
                if k + 2 < p.count, p[k + 1].isWord("INITIALLY") {
                    return (p[k + 2].isWord("DEFERRED") ? .initiallyDeferred : .initiallyImmediate, k + 3)
                }
                return (.initiallyImmediate, k + 1)
            }
            if t.depth == 1 && t.kind == .word && ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "COLLATE", "DEFAULT", "GENERATED", "AS"].contains(t.text.uppercased()) {
                return (nil, k)
            }
            k += 1
        }
        return (nil, k)
    }

    static func scanColumn(_ p: [SQLTokenizer.Token], _ text: [UInt8]) -> ColumnFacts {
        var c = ColumnFacts(name: p[0].name)
        var k = 1
        while k < p.count {
            let t = p[k]
            guard t.depth == 1 else { k += 1; continue }
            if t.isWord("CHECK"), let (expr, next) = SQLTokenizer.parenthesized(text, p, open: k + 1) {
                c.checks.append(expr); k = next; continue
            }
            if t.isWord("COLLATE"), k + 1 < p.count { c.collation = p[k + 1].name; k += 2; continue }
            if t.isWord("AUTOINCREMENT") { c.autoincrement = true }
            if t.isWord("PRIMARY") {
                c.hasPrimaryKey = true
                if k + 2 < p.count, p[k + 1].isWord("KEY") {
                    if p[k + 2].isWord("DESC") { c.primaryKeyOrder = .desc } else if p[k + 2].isWord("ASC") { c.primaryKeyOrder = .asc }
                }
            }
            if t.isWord("REFERENCES") {
                let (d, next) = deferrable(p, from: k + 1)
                c.referenceDeferrables.append(d); k = next; continue
            }
            if t.isWord("AS"), let (expr, next) = SQLTokenizer.parenthesized(text, p, open: k + 1) {
                let stored = next < p.count && p[next].isWord("STORED")
                c.generated = SQLGenerated(expression: expr, stored: stored)
                k = next; continue
            }
            k += 1
        }
        return c
    }

    mutating func scanTableConstraint(_ p: [SQLTokenizer.Token], _ text: [UInt8]) {
        var k = 0
        while k < p.count {
            let t = p[k]
            guard t.depth == 1 else { k += 1; continue }
            if t.isWord("CHECK"), let (expr, next) = SQLTokenizer.parenthesized(text, p, open: k + 1) {
                tableChecks.append(expr); k = next; continue
            }
            if t.isWord("PRIMARY") { hasTablePrimaryKey = true }
            if t.isWord("REFERENCES") {
                let (d, next) = Self.deferrable(p, from: k + 1)
                tableForeignKeyDeferrables.append(d); k = next; continue
            }
            k += 1
        }
    }
}

public enum StoredIndexSQL {
    /// A partial index's WHERE expression from its stored CREATE INDEX, verbatim.
    public static func whereClause(createIndex sql: String) -> String? {
        let tokens = SQLTokenizer.tokens(sql)
        guard let w = tokens.firstIndex(where: { $0.depth == 0 && $0.isWord("WHERE") }), w + 1 < tokens.count else { return nil }
        let bytes = Array(sql.utf8)
        let last = tokens[tokens.count - 1].text == ";" ? tokens.count - 2 : tokens.count - 1
        guard last > w else { return nil }
        return String(decoding: bytes[tokens[w + 1].start..<tokens[last].end], as: UTF8.self)
    }
}

extension StoredIndexSQL {
    /// One term of a stored CREATE INDEX's column list: the expression text verbatim (without its
    /// COLLATE and ASC/DESC), or nil when the term is a plain column name.
    public static func terms(createIndex sql: String) -> [String?] {
        let tokens = SQLTokenizer.tokens(sql)
        let bytes = Array(sql.utf8)
        guard let on = tokens.firstIndex(where: { $0.depth == 0 && $0.isWord("ON") }),
              let open = tokens[on...].firstIndex(where: { $0.depth == 0 && $0.text == "(" && $0.kind == .punctuation }) else { return [] }
        var out: [String?] = []
        var termStart = open + 1
        var j = open + 1
        func finish(_ end: Int) {
            // Drop a trailing ASC/DESC and COLLATE name.
            var last = end - 1
            if last >= termStart, tokens[last].depth == 1, tokens[last].isWord("ASC") || tokens[last].isWord("DESC") { last -= 1 }
            if last - 1 >= termStart, tokens[last - 1].depth == 1, tokens[last - 1].isWord("COLLATE") { last -= 2 }
            guard last >= termStart else { out.append(nil); return }
            if last == termStart, tokens[last].kind == .word || tokens[last].kind == .quoted || tokens[last].kind == .string { out.append(nil); return }
            out.append(String(decoding: bytes[tokens[termStart].start..<tokens[last].end], as: UTF8.self))
        }
        while j < tokens.count {
            let t = tokens[j]
            if t.depth == 1 && t.text == "," && t.kind == .punctuation { finish(j); termStart = j + 1 }
            if t.depth == 0 && t.text == ")" && t.kind == .punctuation { finish(j); break }
            j += 1
        }
        return out
    }
}

public enum StoredVirtualTableSQL {
    /// `CREATE VIRTUAL TABLE [IF NOT EXISTS] name USING module[(arguments)]`: the module and the
    /// arguments' text verbatim.
    public static func parse(_ sql: String) -> (module: String, arguments: String?)? {
        let tokens = SQLTokenizer.tokens(sql)
        guard let using = tokens.firstIndex(where: { $0.depth == 0 && $0.isWord("USING") }), using + 1 < tokens.count else { return nil }
        let module = tokens[using + 1].name
        let bytes = Array(sql.utf8)
        if using + 2 < tokens.count, tokens[using + 2].text == "(", let (args, _) = SQLTokenizer.parenthesized(bytes, tokens, open: using + 2) {
            return (module, args)
        }
        return (module, nil)
    }
}

public enum SQLNormalForm {
    /// SQL text as a comparison key: comments dropped, tokens joined by one space, words and
    /// quoted names case-folded (SQLite's identifiers and keywords are case-insensitive), string
    /// literals kept exactly, a trailing `;` dropped. Two statements with equal keys are the same
    /// statement to SQLite, whatever their layout.
    public static func normalized(_ sql: String) -> String {
        var tokens = SQLTokenizer.tokens(sql)
        if tokens.last?.text == ";" { tokens.removeLast() }
        return tokens.map { t -> String in
            switch t.kind {
            case .word: return t.text.lowercased()
            case .quoted:
                // "name", [name], `name` and name are one identifier.
                let n = t.name.lowercased()
                let first = n.utf8.first ?? 0x30
                let plain = n.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F } && !(first >= 0x30 && first <= 0x39)
                return plain ? n : "\"" + n + "\""
            default: return t.text
            }
        }.joined(separator: " ")
    }
}

/// A stored CREATE TRIGGER taken apart: what a trigger means, whatever its layout (SQLite's
/// default timing is BEFORE; `FOR EACH ROW` is the only kind SQLite has).
public struct SQLTriggerParts: Sendable, Hashable {
    public var name: String
    public var timing: String
    public var event: String
    public var updateColumns: [String]
    public var table: String
    public var forEachRow: Bool
    public var whenClause: String?
    public var body: String

    public init?(_ sql: String) {
        let t = SQLTokenizer.tokens(sql)
        let bytes = Array(sql.utf8)
        func text(_ a: Int, _ b: Int) -> String { a < b ? String(decoding: bytes[a..<b], as: UTF8.self) : "" }
        var i = 0
        func at(_ w: String) -> Bool { i < t.count && t[i].isWord(w) }
        guard at("CREATE") else { return nil }
        i += 1
        if at("TEMP") || at("TEMPORARY") { i += 1 }
        guard at("TRIGGER") else { return nil }
        i += 1
        if at("IF") { i += 3 }
        guard i < t.count else { return nil }
        var name = t[i].name
        i += 1
        if i + 1 < t.count, t[i].text == "." { name = t[i + 1].name; i += 2 }
        self.name = name
        timing = "BEFORE"
        if at("BEFORE") || at("AFTER") { timing = t[i].text.uppercased(); i += 1 }
        else if at("INSTEAD") { timing = "INSTEAD OF"; i += 2 }
        guard i < t.count else { return nil }
        event = t[i].text.uppercased()
        i += 1
        updateColumns = []
        if event == "UPDATE" && at("OF") {
            i += 1
            while i < t.count {
                updateColumns.append(t[i].name)
                i += 1
                if i < t.count, t[i].text == "," { i += 1 } else { break }
            }
        }
        guard at("ON"), i + 1 < t.count else { return nil }
        table = t[i + 1].name
        i += 2
        forEachRow = false
        if at("FOR") { forEachRow = true; i += 3 }
        whenClause = nil
        guard let begin = t[i...].firstIndex(where: { $0.depth == 0 && $0.isWord("BEGIN") }) else { return nil }
        if at("WHEN"), i + 1 < begin { whenClause = text(t[i + 1].start, t[begin - 1].end) }
        guard let end = t.lastIndex(where: { $0.depth == 0 && $0.isWord("END") }), end > begin else { return nil }
        body = text(t[begin].end, t[end].start).trimmingASCIIWhitespace()
    }

    /// The parts compared as SQLite sees them (layout, case and `FOR EACH ROW` forgotten).
    public var normalized: [String] {
        [name.lowercased(), timing, event, updateColumns.map { $0.lowercased() }.joined(separator: ","), table.lowercased(),
         whenClause.map(SQLNormalForm.normalized) ?? "", SQLNormalForm.normalized(body)]
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

extension SQLNormalForm {
    /// `(expr)` → `expr` when the parentheses enclose the whole text (an index term written either way).
    public static func withoutOuterParentheses(_ sql: String) -> String {
        let t = SQLTokenizer.tokens(sql)
        guard t.count >= 2, t[0].text == "(", t[t.count - 1].text == ")", t[t.count - 1].depth == 0,
              !t.dropFirst().dropLast().contains(where: { $0.depth == 0 }) else { return sql }
        let bytes = Array(sql.utf8)
        return String(decoding: bytes[t[0].end..<t[t.count - 1].start], as: UTF8.self).trimmingASCIIWhitespace()
    }
}
