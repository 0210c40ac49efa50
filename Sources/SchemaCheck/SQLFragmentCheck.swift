import SchemaSyntax
import SchemaModel
import SchemaEmit

/// SQL written in a schema file — column defaults `= (…)`, `check (…)`, index `where`, the
/// expressions and `where` of legacy `from` mappings — verified by SQLite itself before anything
/// is emitted (see docs/LANGUAGE.md, "SQL you write is checked by SQLite").
///
/// A fragment passes when
/// 1. the lexical rule holds (`lexicalProblems`): outside string literals and quoted identifiers
///    it has no `;`, no `--` comment and no unterminated `/*` comment, literal or quoted
///    identifier; and it holds no NUL or other control character (only tab, line feed and the
///    CR of a CRLF), nor U+0085, U+2028, U+2029;
/// 2. SQLite prepares a probe statement holding the fragment exactly as it is emitted (`CHECK
///    (<sql>)` in a `CREATE TABLE` of the table's columns, `DEFAULT (<sql>)` in a one-column
///    `CREATE TABLE` and as `SELECT (<sql>)`, `CREATE INDEX … WHERE <sql>`, `SELECT (<sql>) FROM
///    legacy`), the whole probe is that one statement (`pzTail` at the end) and it has no
///    parameters.
/// Then the whole emitted DDL, split by SQLite's own prepare-with-tail loop and run in an
/// in-memory database, must be exactly the statements the emitter produced, one per object.
public enum SQLFragmentCheck {
    /// Located errors for every fragment of `schema` (read from `file`) that SQLite or the
    /// lexical rule rejects, then — when `checkScript` and every fragment passed — for the
    /// emitted DDL as a whole.
    public static func diagnostics(for schema: Schema, file: SourceFile, checkScript: Bool = true) -> [Diagnostic] {
        guard let db = ProbeDatabase() else {
            return [Diagnostic(.error, "cannot open an in-memory SQLite database to check the schema's SQL", file: file.path, range: .empty)]
        }
        var checker = Checker(file: file, schema: schema, db: db)
        checker.checkNames()
        checker.checkFragments()
        if checkScript && checker.diagnostics.isEmpty { checker.checkTriggersAndVirtualTables() }
        if checkScript && checker.diagnostics.isEmpty { checker.checkScript() }
        return checker.diagnostics.sorted { $0.range.start < $1.range.start }
    }

    /// Checks one fragment: the lexical rule (when `lexical`), then SQLite prepares `prefix +
    /// fragment + suffix` in `database` as exactly one statement without parameters. Errors are
    /// located in `file`: SQLite's error offset inside the fragment maps to the token at
    /// `range.start + offset` (when `range` holds exactly the fragment's text), with "did you
    /// mean" among `columns` or SQLite's functions. An error outside the fragment points at
    /// `owner` (or the whole fragment). With `missingTablesAllowed`, "no such table" passes.
    public static func check(fragment text: String, at range: SourceRange, in file: SourceFile, what: String,
                             prefix: String, suffix: String, database db: ProbeDatabase, columns: [String] = [],
                             lexical: Bool = true, missingTablesAllowed: Bool = false, owner: SourceRange? = nil,
                             functionNames: inout [String]?) -> [Diagnostic] {
        let frag = Array(text.utf8)
        let exact = range.end - range.start == frag.count
        func located(_ start: Int, _ end: Int) -> SourceRange {
            exact ? SourceRange(start: range.start + start, end: range.start + max(start, end)) : range
        }
        func error(_ message: String, _ r: SourceRange, fixIts: [FixIt] = []) -> [Diagnostic] {
            [Diagnostic(.error, message, file: file.path, range: r, fixIts: fixIts)]
        }
        if lexical {
            let problems = lexicalProblems(in: frag, what: what)
            if !problems.isEmpty { return problems.map { Diagnostic(.error, $0.message, file: file.path, range: located($0.start, $0.end)) } }
        }
        let pre = Array(prefix.utf8)
        let sql = pre + frag + Array(suffix.utf8)
        let result = db.prepare(sql)
        if let message = result.error {
            if missingTablesAllowed, message.hasPrefix("no such table: ") { return [] }
            var text = "SQLite rejects \(what): \(message)"
            guard let o = result.errorOffset, o >= pre.count, o <= pre.count + frag.count else {
                return error(text, owner ?? range)
            }
            let local = o - pre.count
            let tok = SQLScanner.tokens(frag).first { $0.start <= local && local < $0.end && $0.kind != .whitespace }
                ?? SQLScanner.Token(kind: .other, start: min(local, frag.count), end: min(local, frag.count))
            let at = located(tok.start, tok.end)
            var fixIts: [FixIt] = []
            var suggestion: (match: String, name: String)?
            if message.hasPrefix("no such column: ") {
                let name = String(message.dropFirst("no such column: ".count).split(separator: ".").last ?? "")
                suggestion = closestMatch(name, in: columns).map { ($0, name) }
            } else if message.hasPrefix("no such function: ") {
                let name = String(message.dropFirst("no such function: ".count))
                if functionNames == nil { functionNames = db.functionNames() }
                suggestion = closestMatch(name, in: functionNames ?? []).map { ($0, name) }
            }
            if let suggestion {
                text += "; did you mean '\(suggestion.match)'?"
                let tokenText = String(decoding: frag[tok.start..<tok.end], as: UTF8.self)
                if exact, tokenText.lowercased() == suggestion.name.lowercased() {
                    fixIts.append(FixIt(message: "replace with '\(suggestion.match)'", range: at, replacement: suggestion.match))
                }
            }
            return error(text, at, fixIts: fixIts)
        }
        if result.tail < sql.count, SQLScanner.endOfLeadingTrivia(Array(sql[result.tail...])) < sql.count - result.tail {
            return error("SQLite reads \(what) as the end of a statement followed by more SQL; it must be a single expression",
                         located(max(0, result.tail - pre.count), frag.count))
        }
        if result.parameterCount > 0 {
            return error("\(what) uses an SQL parameter; values in schema SQL are written literally", range)
        }
        return []
    }

    /// An in-memory database holding the schema's tables and indexes, loaded from the emitted
    /// DDL after every check passed (for checking further SQL, e.g. queries, against the
    /// schema); nil when the schema's SQL does not pass.
    public static func schemaDatabase(for schema: Schema, file: SourceFile) -> ProbeDatabase? {
        guard let probeDB = ProbeDatabase(), let target = ProbeDatabase() else { return nil }
        var checker = Checker(file: file, schema: schema, db: probeDB)
        checker.checkNames()
        checker.checkFragments()
        guard checker.diagnostics.isEmpty else { return nil }
        checker.checkScript(into: target, keepTables: true)
        return checker.diagnostics.isEmpty ? target : nil
    }

    /// One violation of the lexical rule: a byte offset into the fragment and a message.
    public struct LexicalProblem: Sendable, Hashable {
        public var start: Int
        public var end: Int
        public var message: String
    }

    /// The lexical rule (item 1 above) over `bytes`; `what` names the fragment in messages.
    public static func lexicalProblems(in bytes: [UInt8], what: String) -> [LexicalProblem] {
        var problems: [LexicalProblem] = []
        for t in SQLScanner.tokens(bytes) {
            switch t.kind {
            case .semicolon:
                problems.append(.init(start: t.start, end: t.end, message: "';' would end the SQL statement here; \(what) must be a single expression"))
            case .lineComment:
                problems.append(.init(start: t.start, end: min(t.end, t.start + 2),
                                      message: "an SQL '--' comment is not allowed in \(what): it would hide the rest of the emitted line; use /* … */"))
            case .blockComment(terminated: false):
                problems.append(.init(start: t.start, end: t.start + 2, message: "unterminated '/*' comment in \(what)"))
            case .string(terminated: false):
                problems.append(.init(start: t.start, end: t.start + 1, message: "unterminated string literal in \(what)"))
            case .quotedIdentifier(terminated: false):
                problems.append(.init(start: t.start, end: t.start + 1, message: "unterminated quoted identifier in \(what)"))
            default:
                break
            }
        }
        if let (offset, length, name) = forbiddenCharacter(in: bytes) {
            problems.append(.init(start: offset, end: offset + length, message: "\(name) is not allowed in \(what); write it with char() if a value needs it"))
        }
        return problems.sorted { $0.start < $1.start }
    }

    /// The first character user SQL text may not hold: NUL and the other C0 controls except tab,
    /// line feed and a CR before a line feed; DEL; U+0085, U+2028, U+2029 (line terminators to
    /// editors and to Swift source, where the SQL is also emitted).
    public static func forbiddenCharacter(in bytes: [UInt8]) -> (offset: Int, length: Int, name: String)? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0 { return (i, 1, "a NUL character") }
            if (b < 0x20 && b != 0x09 && b != 0x0A && !(b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A)) || b == 0x7F {
                return (i, 1, "control character U+\(hex4(UInt32(b)))")
            }
            if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 { return (i, 2, "U+0085 (next line)") }
            if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                return (i, 3, bytes[i + 2] == 0xA8 ? "U+2028 (line separator)" : "U+2029 (paragraph separator)")
            }
            i += 1
        }
        return nil
    }

    static func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

/// The kinds of fragment, as messages name them.
enum FragmentKind {
    case columnDefault(column: String)
    case columnCheck(column: String)
    case tableCheck
    case indexWhere(index: String)
    case legacyWhere(legacy: String)
    case legacyExpression(target: String)
    case generated(column: String)

    var what: String {
        switch self {
        case .columnDefault(let c): return "the default of column '\(c)'"
        case .columnCheck(let c): return "the check of column '\(c)'"
        case .tableCheck: return "a table check"
        case .indexWhere(let i): return "the where clause of index '\(i)'"
        case .legacyWhere(let l): return "the where clause of the mapping from '\(l)'"
        case .legacyExpression(let t): return "the mapping of '\(t)'"
        case .generated(let c): return "the expression of generated column '\(c)'"
        }
    }
}

struct Checker {
    let file: SourceFile
    let schema: Schema
    let db: ProbeDatabase
    var diagnostics: [Diagnostic] = []
    var functionNamesCache: [String]?
    /// Column defaults that already passed both probes, by declared type and text: a default
    /// cannot refer to a table or a column, so the same text under the same type passes again
    /// (and the probe's table and column names are quoted identifiers, which change nothing).
    /// Only successes are remembered: every failing default is probed, and located, itself.
    var passedDefaults: Set<String> = []

    init(file: SourceFile, schema: Schema, db: ProbeDatabase) {
        self.file = file
        self.schema = schema
        self.db = db
    }

    static func uniqueColumns(_ t: Table) -> [Column] {
        var seen = Set<String>()
        return t.columns.filter { seen.insert($0.name.lowercased()).inserted && !$0.name.utf8.contains(0) }
    }

    /// `"a" INTEGER, "b" TEXT` — the table's columns with their declared types, no constraints.
    static func columnList(_ t: Table) -> String {
        uniqueColumns(t).map { "\(SQLIdentifier.alwaysQuoted($0.name)) \($0.type.sqliteType)" }.joined(separator: ", ")
    }

    mutating func error(_ message: String, _ range: SourceRange, fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(.error, message, file: file.path, range: range, fixIts: fixIts))
    }

    // MARK: Names and literals

    /// Names and string literals are quoted or escaped on their way into SQL; the one character
    /// quoting cannot carry is NUL (SQLite reads a statement only up to it).
    mutating func checkNames() {
        func check(_ text: String, _ what: String, _ range: SourceRange) {
            if text.utf8.contains(0) { error("\(what) contains a NUL character, which SQLite cannot read", range) }
        }
        for t in schema.tables {
            check(t.name, "table name '\(t.name)'", t.nameRange)
            for c in t.columns {
                check(c.name, "column name", c.nameRange)
                if case .string(let s)? = c.defaultValue, let (_, _, name) = SQLFragmentCheck.forbiddenCharacter(in: Array(s.utf8)) {
                    // The literal reaches the DDL and the Swift that embeds it; control characters go through an expression.
                    error("the default of column '\(c.name)' holds \(name); write it as an expression, e.g. = ('a' || char(13) || 'b')", c.defaultRange ?? c.range)
                }
            }
            for i in t.indexes { check(i.name, "index name", i.nameRange) }
            for fk in t.foreignKeys { check(([fk.referencedTable] + fk.referencedColumns).joined(), "the reference", fk.range) }
            for s in t.legacySources {
                check(s.legacyTable, "legacy table name", s.nameRange)
                for e in s.unpivot?.entries ?? [] { check(e.column + e.key, "the unpivot entry", e.range) }
                for p in s.packs { check(p.columns.joined(), "the pack", p.range) }
                if let r = s.archiveRange { check(s.archived.joined(), "the archive", r) }
                for d in s.drops { check(d.columns.joined(), "the drop", d.range) }
            }
        }
    }

    // MARK: Fragments

    mutating func checkFragments() {
        for t in schema.tables {
            let q = SQLIdentifier.alwaysQuoted(t.name)
            // A table without columns (an error of its own) still gets probes that parse.
            let cols = Checker.uniqueColumns(t).isEmpty ? "schemagen_probe" : Checker.columnList(t)
            for c in t.columns {
                for (i, check) in c.checks.enumerated() {
                    let range = i < c.checkRanges.count ? c.checkRanges[i] : c.range
                    probe(check, range, .columnCheck(column: c.name), table: t,
                          prefix: "CREATE TEMP TABLE \(q) (\(cols), CHECK (", suffix: "))")
                }
                if case .expression(let e)? = c.defaultValue, case let key = c.type.sqliteType + "\u{0}" + e, !passedDefaults.contains(key) {
                    let range = c.defaultRange ?? c.range
                    let kind = FragmentKind.columnDefault(column: c.name)
                    if probe(e, range, kind, table: t,
                             prefix: "CREATE TEMP TABLE \(q) (\(SQLIdentifier.alwaysQuoted(c.name)) \(c.type.sqliteType) DEFAULT (", suffix: "))"),
                       probe(e, range, kind, table: t, prefix: "SELECT (", suffix: ")", lexical: false) {
                        passedDefaults.insert(key)
                    }
                }
            }
            for c in t.columns {
                guard let g = c.generated else { continue }
                probe(g.expression, g.range, .generated(column: c.name), table: t,
                      prefix: "CREATE TEMP TABLE \(q) (\(cols), schemagen_probe_generated ANY GENERATED ALWAYS AS (", suffix: "))")
            }
            for (i, check) in t.checks.enumerated() {
                probe(check, i < t.checkRanges.count ? t.checkRanges[i] : t.range, .tableCheck, table: t,
                      prefix: "CREATE TEMP TABLE \(q) (\(cols), CHECK (", suffix: "))")
            }
            // A partial index is probed against the table's bare columns, created for it and
            // dropped after (one table at a time: SQLite's CREATE TABLE costs grow with the schema).
            let partial = t.indexes.filter { $0.whereClause != nil }
            let skeleton = !partial.isEmpty && !Checker.uniqueColumns(t).isEmpty && db.execute("CREATE TABLE \(q) (\(cols))") == nil
            defer { if skeleton { db.execute("DROP TABLE \(q)") } }
            for index in partial {
                guard let w = index.whereClause else { continue }
                let known = Set(Checker.uniqueColumns(t).map { $0.name.lowercased() })
                var indexed = index.columns.map(\.name).filter { known.contains($0.lowercased()) }
                if indexed.isEmpty, let first = Checker.uniqueColumns(t).first { indexed = [first.name] }
                let list = indexed.map(SQLIdentifier.alwaysQuoted).joined(separator: ", ")
                probe(w, index.whereRange ?? index.range, .indexWhere(index: index.name), table: t,
                      prefix: "CREATE INDEX \(SQLIdentifier.alwaysQuoted(index.name)) ON \(q) (\(list)) WHERE ", suffix: "", owner: index.nameRange)
            }
            for s in t.legacySources { checkLegacy(s, target: t) }
        }
    }

    /// A legacy mapping is checked without the legacy database (which `migrate` checks against
    /// later): against a stand-in table holding every name the mapping mentions, so SQLite
    /// decides syntax, functions and the shape of the statement; a table the stand-in lacks
    /// (a subquery over another legacy table) is left to `migrate`.
    mutating func checkLegacy(_ s: LegacySource, target: Table) {
        guard let legacyDB = ProbeDatabase() else {
            error("cannot open an in-memory SQLite database to check the mapping from '\(s.legacyTable)'", s.nameRange)
            return
        }
        var names: [String] = []
        var seen = Set<String>()
        func add(_ n: String) { if !n.isEmpty, !n.utf8.contains(0), seen.insert(n.lowercased()).inserted { names.append(n) } }
        let texts = s.assignments.map(\.expression) + (s.whereClause.map { [$0] } ?? [])
        for text in texts {
            let bytes = Array(text.utf8)
            for tok in SQLScanner.tokens(bytes) {
                switch tok.kind {
                case .word:
                    if let f = bytes[tok.start...].first, !(f >= 0x30 && f <= 0x39) { add(String(decoding: bytes[tok.start..<tok.end], as: UTF8.self)) }
                case .quotedIdentifier(terminated: true):
                    let quote = bytes[tok.start]
                    let inner = String(decoding: bytes[(tok.start + 1)..<(tok.end - 1)], as: UTF8.self)
                    add(quote == UInt8(ascii: "[") ? inner : inner.replacingDoubled(String(decoding: [quote], as: UTF8.self)))
                default: break
                }
            }
        }
        for e in s.unpivot?.entries ?? [] { add(e.column) }
        for p in s.packs { p.columns.forEach(add) }
        s.archived.forEach(add)
        for d in s.drops { d.columns.forEach(add) }
        if names.isEmpty { names = ["schemagen_probe"] }
        let legacy = SQLIdentifier.alwaysQuoted(s.legacyTable)
        guard legacyDB.execute("CREATE TABLE \(legacy) (\(names.map(SQLIdentifier.alwaysQuoted).joined(separator: ", ")))") == nil else {
            // No stand-in (a name SQLite reserves): the lexical rule still holds; `migrate` prepares the rest.
            for a in s.assignments { lexicalOnly(a.expression, a.expressionRange ?? a.range, .legacyExpression(target: a.target)) }
            if let w = s.whereClause { lexicalOnly(w, s.whereRange ?? s.range, .legacyWhere(legacy: s.legacyTable)) }
            return
        }
        for a in s.assignments {
            probe(a.expression, a.expressionRange ?? a.range, .legacyExpression(target: a.target), table: nil,
                  prefix: "SELECT (", suffix: ") FROM \(legacy)", database: legacyDB, owner: a.targetRange)
        }
        if let w = s.whereClause {
            probe(w, s.whereRange ?? s.range, .legacyWhere(legacy: s.legacyTable), table: nil,
                  prefix: "SELECT 1 FROM \(legacy) WHERE (", suffix: ")", database: legacyDB, owner: s.nameRange)
        }
    }

    mutating func lexicalOnly(_ text: String, _ range: SourceRange, _ kind: FragmentKind) {
        let exact = range.end - range.start == text.utf8.count
        for p in SQLFragmentCheck.lexicalProblems(in: Array(text.utf8), what: kind.what) {
            error(p.message, exact ? SourceRange(start: range.start + p.start, end: range.start + p.end) : range)
        }
    }

    /// Checks one fragment in one probe; true when it passed.
    @discardableResult
    mutating func probe(_ text: String, _ range: SourceRange, _ kind: FragmentKind, table: Table?,
                        prefix: String, suffix: String, lexical: Bool = true, database: ProbeDatabase? = nil, owner: SourceRange? = nil) -> Bool {
        let found = SQLFragmentCheck.check(fragment: text, at: range, in: file, what: kind.what, prefix: prefix, suffix: suffix,
                                           database: database ?? db, columns: table?.columns.map(\.name) ?? [], lexical: lexical,
                                           missingTablesAllowed: database != nil, owner: owner, functionNames: &functionNamesCache)
        diagnostics += found
        return found.isEmpty
    }

    // MARK: The whole script

    /// The emitted DDL, split by SQLite's prepare-with-tail loop, must be exactly the emitter's
    /// statements; each is run in a fresh in-memory database (after the comparison) so the next
    /// one prepares against the tables before it.
    mutating func checkScript() {
        // Triggers and virtual tables need every table: then the tables are kept.
        if let target = ProbeDatabase() { checkScript(into: target, keepTables: !schema.triggers.isEmpty || !schema.virtualTables.isEmpty) }
    }

    /// With `keepTables` false each table is dropped once its indexes are checked, so the check
    /// stays linear in the schema's size (SQLite's CREATE TABLE rescans the schema table); a
    /// table and an index sharing a name, which SQLite then cannot see, are checked by name.
    mutating func checkScript(into target: ProbeDatabase, keepTables: Bool = true) {
        struct Expected { var sql: String; var owner: SourceRange; var what: String; var table: Table?; var isTable: Bool }
        // The script exactly as `emit` writes it, and the statements the emitter put in it.
        let (text, statements) = DDLEmitter.script(schema)
        var expected: [Expected] = []
        func expect(_ owner: SourceRange, _ what: String, _ table: Table?, isTable: Bool) {
            expected.append(Expected(sql: expected.count < statements.count ? statements[expected.count] : "",
                                     owner: owner, what: what, table: table, isTable: isTable))
        }
        for t in schema.tablesInDependencyOrder {
            expect(t.nameRange, "table '\(t.name)'", t, isTable: true)
            for i in t.indexes { expect(i.nameRange, "index '\(i.name)'", t, isTable: false) }
        }
        // Virtual tables, then views, then triggers (`checkTriggersAndVirtualTables` located their
        // errors first). Views are created and verified by the query check (SchemaQuery), which
        // needs every table: here their statements must split exactly as written, and they are
        // executed only when the tables are kept.
        for v in schema.virtualTables { expect(v.nameRange, "virtual table '\(v.name)'", nil, isTable: false) }
        let firstView = expected.count
        for v in schema.viewsInDependencyOrder { expect(v.nameRange, "view '\(v.name)'", nil, isTable: false) }
        for t in schema.triggers { expect(t.nameRange, "trigger '\(t.name)'", nil, isTable: false) }
        guard expected.count == statements.count else {
            error("the DDL emitter wrote \(statements.count) statements for \(expected.count) schema objects", .empty)
            return
        }
        let tableNames = Set(schema.tables.map { $0.name.lowercased() })
        // NUL-terminated, and prepared with the NUL counted: otherwise sqlite3_prepare copies the
        // whole rest of the script for every statement (quadratic in the schema's size).
        let script = Array(text.utf8) + [0]
        var offset = 0
        var k = 0
        var current: Table?
        while offset < script.count {
            var problem: String?
            if k < expected.count, expected[k].isTable, !keepTables, let previous = current {
                target.execute("DROP TABLE \(SQLIdentifier.alwaysQuoted(previous.name))")
                current = nil
            }
            // The statement SQLite split off is compared with the emitter's, then run as prepared.
            var created: Table?
            let result = target.prepare(script, from: offset) { stmt, tail in
                let start = offset + SQLScanner.endOfLeadingTrivia(Array(script[offset..<tail]))
                let consumed = String(decoding: script[start..<tail], as: UTF8.self)
                if k >= expected.count || consumed != expected[k].sql {
                    problem = "SQLite reads the statement `\(Checker.abbreviated(consumed))` where the emitter wrote \(k < expected.count ? "`\(Checker.abbreviated(expected[k].sql))`" : "nothing more")"
                } else if !expected[k].isTable, let i = expected[k].table?.indexes.first(where: { expected[k].owner == $0.nameRange }),
                          tableNames.contains(i.name.lowercased()) {
                    problem = "there is already a table named \(i.name)"
                } else if k >= firstView && !keepTables {
                    // checked by the query check
                } else if let e = target.step(stmt) {
                    problem = e
                } else if expected[k].isTable {
                    created = expected[k].table
                }
            }
            if let e = result.error {
                problem = e
            } else if !result.hasStatement {
                break
            } else if let created {
                current = created
            }
            if let problem {
                let what = k < expected.count ? expected[k].what : "the schema"
                error("the DDL emitted for \(what) does not load as it was written: \(problem)", k < expected.count ? expected[k].owner : .empty)
                return
            }
            offset = result.tail
            k += 1
        }
        if k != expected.count {
            error("the emitted DDL holds \(k) statements where the emitter wrote \(expected.count)", k < expected.count ? expected[k].owner : .empty)
        }
    }

    /// Virtual tables and triggers, created in a database holding every table: SQLite's error in
    /// a trigger's `when` or body is located there; then each trigger's table is renamed (and the
    /// rename undone), which makes SQLite resolve every name in every trigger body.
    mutating func checkTriggersAndVirtualTables() {
        guard !schema.triggers.isEmpty || !schema.virtualTables.isEmpty, let target = ProbeDatabase() else { return }
        for t in schema.tablesInDependencyOrder {
            if let e = target.execute(DDLEmitter.createTable(t, comments: false)) {
                error("the DDL emitted for table '\(t.name)' does not load: \(e)", t.nameRange); return
            }
        }
        for v in schema.virtualTables {
            if let e = target.execute(DDLEmitter.createVirtualTable(v)) {
                error("SQLite rejects virtual table '\(v.name)': \(e)", v.argumentsRange ?? v.nameRange); return
            }
        }
        // Views (an INSTEAD OF trigger's table); their own errors are the query check's.
        for v in schema.viewsInDependencyOrder { target.execute(DDLEmitter.createView(v)) }
        for t in schema.triggers {
            let head = DDLEmitter.triggerHead(t)
            let sql = DDLEmitter.triggerSQL(t)
            let result = target.prepare(sql)
            if let message = result.error {
                var at = message.hasPrefix("no such table") ? t.tableRange : t.nameRange
                if let o = result.errorOffset {
                    let headBytes = head.utf8.count
                    if o >= headBytes && o - headBytes <= t.body.utf8.count {
                        at = Checker.token(in: t.body, at: o - headBytes, base: t.bodyRange)
                    } else if let w = t.whenClause, let wr = t.whenRange {
                        let whenStart = headBytes - " BEGIN\n    ".utf8.count - w.utf8.count
                        if o >= whenStart && o <= whenStart + w.utf8.count { at = Checker.token(in: w, at: o - whenStart, base: wr) }
                    }
                }
                error("SQLite rejects trigger '\(t.name)': \(message)", at); return
            }
            if let e = target.execute(sql) { error("SQLite rejects trigger '\(t.name)': \(e)", t.nameRange); return }
        }
        // Preparing a statement that fires a trigger compiles its body: every name in it is resolved.
        for t in schema.triggers {
            let q = SQLIdentifier.alwaysQuoted(t.table)
            let firing: String
            switch t.event {
            case .insert: firing = "INSERT INTO \(q) DEFAULT VALUES"
            case .delete: firing = "DELETE FROM \(q)"
            case .update:
                guard let c = t.updateColumns.first ?? schema.table(named: t.table)?.columns.first?.name else { continue }
                firing = "UPDATE \(q) SET \(SQLIdentifier.alwaysQuoted(c)) = \(SQLIdentifier.alwaysQuoted(c))"
            }
            guard let e = target.prepare(firing).error else { continue }
            // "no such column: new.x": the unknown name, found in the trigger's when or body.
            var at = t.bodyRange
            if let colon = e.lastIndex(of: ":") {
                let name = String(e[e.index(after: colon)...]).trimmingWhitespace().split(separator: ".").last.map(String.init) ?? ""
                if let w = t.whenClause, let wr = t.whenRange, let r = Checker.word(name, in: w, base: wr) { at = r }
                else if let r = Checker.word(name, in: t.body, base: t.bodyRange) { at = r }
            }
            error("SQLite rejects trigger '\(t.name)': \(e)", at)
            return
        }
    }

    /// The token of `text` (written at `base`) holding byte `offset`.
    static func token(in text: String, at offset: Int, base: SourceRange) -> SourceRange {
        let bytes = Array(text.utf8)
        let exact = base.end - base.start == bytes.count
        guard exact else { return base }
        let tok = SQLScanner.tokens(bytes).first { $0.start <= offset && offset < $0.end && $0.kind != .whitespace }
        let s = tok?.start ?? min(offset, bytes.count), e = tok?.end ?? min(offset, bytes.count)
        return SourceRange(start: base.start + s, end: base.start + max(s, e))
    }

    /// The first token of `text` spelling `word` (case-insensitively).
    static func word(_ word: String, in text: String, base: SourceRange) -> SourceRange? {
        let bytes = Array(text.utf8)
        guard base.end - base.start == bytes.count, !word.isEmpty else { return nil }
        for t in SQLScanner.tokens(bytes) where t.kind != .whitespace {
            let s = String(decoding: bytes[t.start..<t.end], as: UTF8.self)
            if s.lowercased() == word.lowercased() || s.dropFirst().dropLast().lowercased() == word.lowercased() {
                return SourceRange(start: base.start + t.start, end: base.start + t.end)
            }
        }
        return nil
    }

    static func abbreviated(_ s: String) -> String {
        let one = s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        return one.count > 120 ? String(one.prefix(120)) + "…" : one
    }
}

extension String {
    /// `a""b` → `a"b` for the given quote.
    func replacingDoubled(_ quote: String) -> String {
        var out = ""
        var previousWasQuote = false
        for ch in self {
            if String(ch) == quote && previousWasQuote { previousWasQuote = false; continue }
            previousWasQuote = String(ch) == quote
            out.append(ch)
        }
        return out
    }
}
