import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaCheck
import SchemagenDriver
import SchemagenRuntime

/// A schema with a victim table and `app_t (id, x, b)`; `member` is one more line of `app_t`.
func schemaText(_ member: String) -> String {
    """
    schema app version 1

    domain app {
        table app_victim {
            id: integer primary key
        }
        table app_t {
            id: integer primary key
            x: integer?
            b: text?
            \(member)
        }
    }

    """
}

/// The line `member` is on in `schemaText` (1-based).
let memberLine = 11

func load(_ text: String) -> LoadedSchema {
    SchemaLoader.load(SourceFile(path: "t.victor", text: text))
}

/// Each fragment kind, as a line of `app_t` with `PAYLOAD` where the SQL goes.
let fragmentKinds: [(name: String, template: String)] = [
    ("column default", "y: integer? = (PAYLOAD)"),
    ("column default, call form", "y: integer? = abs(PAYLOAD)"),
    ("column check", "y: integer? check (PAYLOAD)"),
    ("table check", "check (PAYLOAD)"),
    ("index where", "index idx_t_x (x) where PAYLOAD"),
    ("legacy where", "from legacy_t where PAYLOAD { id = legacy_id }"),
    ("legacy expression", "from legacy_t { x = PAYLOAD }"),
    ("legacy expression, distinct mapping", "from legacy_t distinct { x = PAYLOAD }"),
]

/// Injection attempts, each one line that the schema language itself parses, with the text the
/// located error must point at.
let attacks: [(name: String, payload: String, blamed: String, message: String)] = [
    // The schema language reads "\" ) ; DROP …" as one string; SQLite reads "\" as a quoted
    // identifier, then `)` and `;` would end the statement and DROP would run.
    ("quote trick ending the statement", #"1 > "\" ) ; DROP TABLE app_victim; --""#, ";", "';' would end the SQL statement"),
    ("'--' comment swallowing the closing parenthesis", "1 > 0 --", "--", "'--' comment is not allowed"),
    ("unterminated '/*' comment", #"1 > "\" /*""#, "/*", "unterminated '/*' comment"),
    ("string literal trick: an unterminated ' swallows ')'", #"1 = "\"'""#, "'", "unterminated string literal"),
    // Nested comments for the schema language, not for SQLite: `/* /* */` ends SQLite's comment.
    ("nested comment trick", "1 > /* /* */ ; DROP TABLE app_victim; SELECT /* */ */ 0", ";", "';' would end the SQL statement"),
]

struct InjectionTests {
    @Test(arguments: 0..<(fragmentKinds.count * attacks.count))
    func everyInjectionAttemptIsALocatedErrorAndNothingIsEmitted(_ n: Int) throws {
        let kind = fragmentKinds[n / attacks.count], attack = attacks[n % attacks.count]
        let member = kind.template.replacingOccurrences(of: "PAYLOAD", with: attack.payload)
        let text = schemaText(member)
        let loaded = load(text)
        #expect(loaded.hasErrors, "\(kind.name) / \(attack.name): not rejected")
        let d = try #require(loaded.diagnostics.first { $0.message.contains(attack.message) },
                             "\(kind.name) / \(attack.name): \(loaded.diagnostics.map(\.message))")
        let (line, column) = loaded.file.lineAndColumn(of: d.range.start)
        #expect(line == memberLine)
        // The caret is on the offending token inside the fragment.
        let payloadColumn = try #require(loaded.file.lineText(line).utf8.firstRange(of: attack.payload.utf8)).lowerBound
        let payloadStart = loaded.file.lineText(line).utf8.distance(from: loaded.file.lineText(line).utf8.startIndex, to: payloadColumn) + 1
        let blamedOffset = try #require(attack.payload.utf8.firstRange(of: attack.blamed.utf8)).lowerBound
        #expect(column == payloadStart + attack.payload.utf8.distance(from: attack.payload.utf8.startIndex, to: blamedOffset),
                "\(kind.name) / \(attack.name): \(d.message) at \(line):\(column)")
        #expect(loaded.file.text(d.range).hasPrefix(attack.blamed))
    }

    /// Without the check, the first attack is a real injection: the emitted DDL drops the victim.
    @Test func theQuoteTrickWasARealInjection() throws {
        let (schema, d) = Resolver.load(SourceFile(path: "t.victor", text: schemaText(#"index idx_t_x (x) where x > "\"; DROP TABLE app_victim; --""#)))
        #expect(!d.hasErrors)
        let ddl = DDLEmitter.emit(schema)
        let db = try Database.inMemory()
        try? db.execute(ddl)
        var tables: [String] = []
        try db.withStatement(sql: "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { stmt throws(DatabaseError) in
            while try stmt.step() { tables.append(try stmt.text(0)) }
        }
        #expect(!tables.contains("app_victim"), "the unchecked DDL dropped the table: \(tables)")
        #expect(SQLFragmentCheck.diagnostics(for: schema, file: SourceFile(path: "t.victor", text: schemaText(""))).hasErrors)
    }
}

struct ValidFragmentTests {
    static let valid: [String] = [
        "y: integer? = (((1 + (2)) * 3))",
        "y: text? = ('a;b)' || ')' || '--' || '/*')",
        "y: text? = datetime('now')",
        "y: text? = current_timestamp",
        "y: integer? check ((y > 0) and (y < (10 + (2))))",
        "y: text? check (y <> ')' and y <> ';' and y <> '-- x' and y <> '/* x')",
        "check (x > 0 /* a harmless comment ) ; -- */)",
        "check (\"x\" >= 0 and [b] <> 'it''s')",
        "index idx_t_x (x) where x > 0 and b <> ';'",
        "index idx_t_x (x) where b IS NOT NULL /* partial */",
        "from legacy_t where (y) <> ')' and z = ';' { id = legacy_id }",
        "from legacy_t { x = CASE WHEN y = ';' THEN 1 ELSE (2) END }",
        // A subquery over another legacy table: only `migrate` can check that table.
        "from legacy_t { x = (SELECT max(z) FROM legacy_other) }",
        "from legacy_t { b = printf('%!.17g', \"weird \"\" name\") }",
    ]

    @Test(arguments: valid)
    func validFragmentsPassAndTheirDDLLoads(_ member: String) throws {
        let loaded = load(schemaText(member))
        #expect(!loaded.hasErrors, "\(member): \(loaded.diagnostics.map(\.message))")
        let db = try Database.inMemory()
        try db.execute(DDLEmitter.emit(loaded.schema))
    }

    @Test func theRepoSchemaPassesAndItsDDLIsUnchanged() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let loaded = try SchemaLoader.load(path: root.appendingPathComponent("schema.victor").path)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        #expect(SQLFragmentCheck.diagnostics(for: loaded.schema, file: loaded.file).isEmpty)
        let committed = try String(contentsOf: root.appendingPathComponent("Generated/schema.sql"), encoding: .utf8)
        #expect(DDLEmitter.emit(loaded.schema) == committed)
        #expect(SQLFragmentCheck.schemaDatabase(for: loaded.schema, file: loaded.file) != nil)
    }
}

struct LocatedErrorTests {
    func only(_ member: String) throws -> (Diagnostic, LoadedSchema) {
        let loaded = load(schemaText(member))
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors.map(\.message))")
        return (try #require(errors.first), loaded)
    }

    func position(_ d: Diagnostic, _ l: LoadedSchema) -> String {
        let (line, col) = l.file.lineAndColumn(of: d.range.start)
        return "\(line):\(col)"
    }

    @Test func misspeltColumnInACheckPointsAtItWithASuggestionAndFixIt() throws {
        let (d, l) = try only("y: integer? check (y > 0 and valu > 1)")
        #expect(d.message == "SQLite rejects the check of column 'y': no such column: valu")
        #expect(position(d, l) == "\(memberLine):38")
        #expect(l.file.text(d.range) == "valu")
    }

    @Test func didYouMeanTheClosestColumn() throws {
        let (d, l) = try only("value: integer? check (valeu > 0)")
        #expect(d.message == "SQLite rejects the check of column 'value': no such column: valeu; did you mean 'value'?")
        #expect(d.fixIts.map(\.replacement) == ["value"])
        #expect(l.file.text(d.fixIts[0].range) == "valeu")
    }

    @Test func aTableCheckMayNotHoldASubquery() throws {
        let (d, l) = try only("check (x > (SELECT 1))")
        #expect(d.message.contains("subqueries prohibited in CHECK constraints"))
        #expect(position(d, l).hasPrefix("\(memberLine):"))
    }

    @Test func aDefaultMayNotReferenceAColumn() throws {
        let (d, l) = try only("y: integer? = (x + 1)")
        #expect(d.message.contains("default value of column [y] is not constant"))
        #expect(l.file.text(d.range) == "x + 1")
    }

    /// A default that passed is not probed again for the next column with the same text and type
    /// (`Checker.passedDefaults`); a failing one is probed, and located, at every occurrence.
    @Test func aRepeatedDefaultIsCheckedOnceWhenItPassesAndLocatedEveryTimeItFails() throws {
        let good = load(schemaText("y: timestamp? = datetime('now')\n        z: timestamp? = datetime('now')"))
        #expect(good.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let bad = load(schemaText("y: text? = (uper('a'))\n        z: text? = (uper('a'))"))
        let errors = bad.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == ["SQLite rejects the default of column 'y': no such function: uper; did you mean 'upper'?",
                                          "SQLite rejects the default of column 'z': no such function: uper; did you mean 'upper'?"])
        #expect(errors.map { bad.file.lineAndColumn(of: $0.range.start).0 } == [memberLine, memberLine + 1])
        // Passing under one type says nothing of another: each type's first use is probed.
        let mixed = load(schemaText("y: text? = (upper('a'))\n        z: integer? = (upper('a'))"))
        #expect(mixed.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    }

    @Test func anUnknownFunctionInADefaultIsNamedWithASuggestion() throws {
        let (d, l) = try only("y: text? = (uper('a'))")
        #expect(d.message == "SQLite rejects the default of column 'y': no such function: uper; did you mean 'upper'?")
        #expect(l.file.text(d.range) == "uper")
    }

    @Test func aPartialIndexMayNotCallNonDeterministicFunctions() throws {
        let (d, l) = try only("index idx_t_x (x) where x > random()")
        #expect(d.message.contains("non-deterministic functions prohibited in partial index WHERE clauses"))
        #expect(l.file.text(d.range) == "random")
    }

    @Test func aSyntaxErrorPointsAtTheToken() throws {
        let (d, l) = try only("index idx_t_x (x) where x > > 0")
        #expect(d.message == "SQLite rejects the where clause of index 'idx_t_x': near \">\": syntax error")
        #expect(position(d, l) == "\(memberLine):37")
    }

    @Test func aLegacyExpressionWithAnUnknownFunction() throws {
        let (d, l) = try only("from legacy_t { b = lenght(y) }")
        #expect(d.message == "SQLite rejects the mapping of 'b': no such function: lenght; did you mean 'length'?")
        #expect(l.file.text(d.range) == "lenght")
    }

    /// A legacy table SQLite would not let the stand-in be created under: the lexical rule still holds.
    @Test func aReservedLegacyTableNameStillGetsTheLexicalRule() throws {
        let (d, l) = try only("from sqlite_legacy { b = 1 > 0 -- }")
        #expect(d.message.hasPrefix("an SQL '--' comment is not allowed in the mapping of 'b'"))
        #expect(l.file.text(d.range) == "--")
    }

    @Test func aLegacyExpressionMayNotHoldParameters() throws {
        let (d, _) = try only("from legacy_t { b = :value }")
        #expect(d.message == "the mapping of 'b' uses an SQL parameter; values in schema SQL are written literally")
    }

    @Test func controlCharactersInsideAFragmentAreRefused() throws {
        let (d, l) = try only("y: text? check (y <> 'a\u{2028}b')")
        #expect(d.message.contains("U+2028 (line separator) is not allowed in the check of column 'y'"))
        #expect(l.file.text(d.range) == "\u{2028}")
    }

    @Test func controlCharactersInAStringDefaultAreRefused() throws {
        let loaded = load(schemaText("y: text? = 'a\u{0}b'"))
        #expect(loaded.diagnostics.map(\.message) == ["the default of column 'y' holds a NUL character; write it as an expression, e.g. = ('a' || char(13) || 'b')"])
        #expect(load(schemaText("y: text? = 'a\rb'")).diagnostics.map(\.message) == ["the default of column 'y' holds control character U+000D; write it as an expression, e.g. = ('a' || char(13) || 'b')"])
        #expect(!load(schemaText("y: text? = ('a' || char(13) || 'b')")).hasErrors)
    }
}

struct ScriptLevelTests {
    @Test func theEmittedScriptSplitsIntoExactlyTheEmittersStatements() throws {
        let loaded = load(schemaText("index idx_t_x (x) where x > 0 and b <> ';'"))
        #expect(!loaded.hasErrors)
        #expect(SQLFragmentCheck.diagnostics(for: loaded.schema, file: loaded.file, checkScript: true).isEmpty)
    }

    /// An index named like a table passes every fragment probe, but the DDL does not load: the
    /// error points at the index.
    @Test func aStatementSQLiteRefusesIsLocatedAtItsObject() throws {
        let text = schemaText("index app_victim (x)")
        let (schema, _) = Resolver.load(SourceFile(path: "t.victor", text: text))
        let file = SourceFile(path: "t.victor", text: text)
        let d = SQLFragmentCheck.diagnostics(for: schema, file: file)
        #expect(d.count == 1)
        #expect(d.first?.message == "the DDL emitted for index 'app_victim' does not load as it was written: there is already a table named app_victim")
        #expect(d.first.map { file.lineAndColumn(of: $0.range.start).line } == memberLine)
    }

    @Test(arguments: ["\r", "\u{0}", "\u{2028}", "\u{2029}", "\u{85}", "\u{1B}"])
    func docCommentsInTheDDLStayComments(_ terminator: String) throws {
        let text = schemaText("").replacingOccurrences(of: "    table app_t {", with: "    /// doc\(terminator)DROP TABLE app_victim; --\n    table app_t {")
        let loaded = load(text)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics.map(\.message))")
        let ddl = DDLEmitter.emit(loaded.schema)
        #expect(!ddl.unicodeScalars.contains { [0x0D, 0x00, 0x2028, 0x2029, 0x85, 0x1B].contains($0.value) })
        // Every line of the DDL that mentions DROP is a comment.
        for line in ddl.split(separator: "\n") where line.contains("DROP") { #expect(line.hasPrefix("-- ")) }
        let db = try Database.inMemory()
        try db.execute(ddl)
        var count: Int64 = 0
        try db.withStatement(sql: "SELECT count(*) FROM sqlite_schema WHERE name = 'app_victim'") { stmt throws(DatabaseError) in
            _ = try stmt.step(); count = try stmt.int64(0)
        }
        #expect(count == 1)
    }

    /// The one spelling of user text inside `--` comments (DDL doc lines, the header, evolve and
    /// migrate scripts): every line terminator and control character but tab as `\u{…}`.
    @Test func commentTextEscapesEveryLineTerminator() {
        #expect(SQLIdentifier.commentText("a\nb\rc\u{2028}d\u{2029}e\u{85}f\u{0}g\th\u{7F}i") == "a\\u{A}b\\u{D}c\\u{2028}d\\u{2029}e\\u{85}f\\u{0}g\th\\u{7F}i")
        #expect(SQLIdentifier.commentText("plain text, ünïcode ✓") == "plain text, ünïcode ✓")
    }

    @Test func theHeaderEscapesTheSchemaFilesName() {
        let header = GeneratedHeader.lines(source: "a\nDROP TABLE app_victim;\r.victor", comment: "--")
        #expect(header.split(separator: "\n").count == 2)
        #expect(header.split(separator: "\n").allSatisfy { $0.hasPrefix("-- ") })
    }
}
