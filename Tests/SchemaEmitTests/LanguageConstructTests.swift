import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver
import SchemagenRuntime
import SchemaSQL
import SchemaDatabase

/// Issue 14's constructs: each parsed, resolved, translated to the SQL model, emitted exactly into
/// the DDL, accepted by SchemaCheck, and round-tripped through SQLite (introspected back into the
/// SQL model it was translated to). Each bad form is a located error.
struct LanguageConstructTests {
    static let source = """
    schema demo version 1

    naming { require_domain: false }

    table author {
        id: integer primary key
        email: text collate nocase
        status: text in ('draft', 'active') = 'draft'
        price: real sql "NUMERIC(10,2)"
        name: text sql "NVARCHAR(160)"
        data: text? sql ""
        email_lower: text? as (lower(email)) stored
        email_len: integer? as (length(email))

        index idx_author_email (lower(email), email collate rtrim desc)
        index idx_author_k (json_extract(data, '$.k')) where data is not null
    }

    table book without rowid, strict {
        code: text primary key not null
        author_id: integer references author(id) on delete cascade deferrable initially deferred
        title: text
        index idx_book_author (author_id)
    }

    table tag strict {
        id: integer primary key
        label: text
        constraint tag_label_len check (length(label) > 0)
    }

    virtual table book_fts using fts5(title, content='book', content_rowid='rowid', tokenize='porter unicode61', prefix='2 3')

    /// Keeps the author's name trimmed.
    trigger author_trim after update of name on author for each row when new.name <> trim(new.name) {
        UPDATE author SET name = trim(new.name) WHERE id = new.id;
        SELECT RAISE(IGNORE) WHERE new.status = 'zzz';
    }

    trigger book_guard before delete on book {
        SELECT RAISE(ABORT, 'books are forever');
    }

    trigger tag_upsert after insert on tag {
        INSERT INTO author (id, email, price, name) VALUES (new.id, 'x', 0, new.label)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name;
    }
    """

    static func run(_ text: String) -> LoadedSchema {
        SchemaPipeline().run(SourceFile(path: "demo.victor", text: text))
    }

    @Test func everyConstructIsEmittedExactly() throws {
        let loaded = Self.run(Self.source)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let checked = try #require(loaded.checked)
        let ddl = DDLEmitter.emit(checked.schema)
        for snippet in [
            "    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active')),\n",
            "    price NUMERIC(10,2) NOT NULL,\n",
            "    name NVARCHAR(160) NOT NULL,\n",
            "    data,\n",
            "    email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED,\n",
            "    email_len INTEGER GENERATED ALWAYS AS (length(email)) VIRTUAL\n",
            "CREATE INDEX idx_author_email ON author (lower(email), email COLLATE RTRIM DESC);\n",
            "CREATE INDEX idx_author_k ON author (json_extract(data, '$.k')) WHERE data is not null;\n",
            "    code TEXT PRIMARY KEY NOT NULL,\n",
            "    author_id INTEGER NOT NULL REFERENCES author(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n",
            ") WITHOUT ROWID, STRICT;\n",
            "    CONSTRAINT tag_label_len CHECK (length(label) > 0)\n) STRICT;\n",
            "CREATE VIRTUAL TABLE book_fts USING fts5(title, content='book', content_rowid='rowid', tokenize='porter unicode61', prefix='2 3');\n",
            "-- Keeps the author's name trimmed.\nCREATE TRIGGER author_trim AFTER UPDATE OF name ON author FOR EACH ROW WHEN new.name <> trim(new.name) BEGIN\n    UPDATE author SET name = trim(new.name) WHERE id = new.id;\n    SELECT RAISE(IGNORE) WHERE new.status = 'zzz';\nEND;\n",
            "CREATE TRIGGER book_guard BEFORE DELETE ON book BEGIN\n    SELECT RAISE(ABORT, 'books are forever');\nEND;\n",
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name;\nEND;\n",
        ] {
            #expect(ddl.contains(snippet), "missing: \(snippet)")
        }
        // The FTS5 row and match types can be built outside the generated module (Swift's
        // synthesized memberwise init would be internal).
        let swift = SwiftEmitter.emit(checked.schema)
        for snippet in [
            "    public init(\n        rowid: Int64,\n        title: String? = nil\n    ) {\n",
            "        public init(\n            row: BookFts,\n            rank: Double,\n            highlight: String? = nil,\n            snippet: String? = nil\n        ) {\n",
        ] {
            #expect(swift.contains(snippet), "missing: \(snippet)")
        }
    }

    /// The DDL loaded into SQLite and introspected is the SQL model the schema translates to.
    @Test func theDDLRoundTripsThroughSQLite() throws {
        let checked = try #require(Self.run(Self.source).checked)
        let db = try database(from: DDLEmitter.emit(checked.schema))
        let live = try Introspector.schema(of: db)
        let model = DDLEmitter.sqlSchema(checked.schema)
        #expect(SQLDifference.lines(expected: model, actual: live) == [])
        #expect(live.virtualTables.map(\.name) == ["book_fts"])
        #expect(!live.tables.contains { $0.name.hasPrefix("book_fts_") }, "FTS5 shadow tables are not tables of the schema")
        let author = try #require(live.table(named: "author"))
        #expect(author.indexes.first { $0.name == "idx_author_email" }?.columns.first?.expression == "lower(email)")
        #expect(author.column(named: "price")?.type == "NUMERIC(10,2)")
        #expect(author.column(named: "data")?.type == "")
        #expect(live.table(named: "book")?.withoutRowid == true)
        #expect(live.table(named: "book")?.strict == true)
        #expect(live.table(named: "book")?.foreignKeys.first?.reference.deferrable == .initiallyDeferred)
        #expect(live.table(named: "tag")?.constraintNames == [SQLConstraintName(name: "tag_label_len", kind: .check, index: 0)])
        // The triggers run: RAISE and the UPSERT body.
        try db.execute("INSERT INTO author (id, email, price, name) VALUES (1, 'a@b', 1.5, 'Ann')")
        try db.execute("UPDATE author SET name = '  Ann ' WHERE id = 1")
        let name = try db.withStatement(sql: "SELECT name FROM author WHERE id = 1") { (s: borrowing Statement) throws(DatabaseError) -> String? in
            try s.step() ? try s.optionalText(0) : nil
        }
        #expect(name == "Ann")
        try db.execute("INSERT INTO tag (id, label) VALUES (1, 'Renamed')")
        let renamed = try db.withStatement(sql: "SELECT name FROM author WHERE id = 1") { (s: borrowing Statement) throws(DatabaseError) -> String? in
            try s.step() ? try s.optionalText(0) : nil
        }
        #expect(renamed == "Renamed")
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO author (id, email, price, name, status) VALUES (2, 'c', 1, 'C', 'gone')") }
    }

    /// A trigger's body is lexed by SQL's rules (like a query's): quotes in `--` comments, `}` in
    /// strings, `||` and `%` reach SQLite verbatim, and the body ends at the first `}` outside them.
    @Test func aTriggerBodyIsSQLNotThisLanguage() throws {
        let text = """
        schema demo version 1
        naming { require_domain: false }
        table note { id: integer primary key
         title: text }
        trigger note_title after insert on note {
            -- it's the title's {braces} that matter
            UPDATE note SET title = '{' || new.title || '}' || (new.id % 10) WHERE id = new.id;
        }
        """
        let loaded = Self.run(text)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let checked = try #require(loaded.checked)
        let ddl = DDLEmitter.emit(checked.schema)
        #expect(ddl.contains("BEGIN\n    -- it's the title's {braces} that matter\n    UPDATE note SET title = '{' || new.title || '}' || (new.id % 10) WHERE id = new.id;\nEND;\n"), "\(ddl)")
        let db = try database(from: ddl)
        try db.execute("INSERT INTO note (id, title) VALUES (13, 'x')")
        let title = try db.withStatement(sql: "SELECT title FROM note") { (s: borrowing Statement) throws(DatabaseError) -> String? in
            try s.step() ? try s.optionalText(0) : nil
        }
        #expect(title == "{x}3")
        // A column named `trigger` is still a column.
        #expect(Self.run("schema demo version 1\nnaming { require_domain: false }\ntable t {\n    id: integer primary key\n    trigger: text\n}\n").checked != nil)
    }

    /// Each error is located at what is wrong, with SQLite's message where SQLite decides.
    @Test(arguments: [
        ("table a { id: integer primary key\n name: text }\ntrigger a_t after insert on a when new.nme is null {\n    UPDATE a SET name = 'x';\n}", "nme", "no such column: new.nme"),
        ("table a { id: integer primary key\n name: text }\ntrigger a_t after insert on a {\n    UPDATE a SET nme = 'x';\n}", "nme", "no such column: nme"),
        ("table a { id: integer primary key\n name: text }\ntrigger a_t after insert on a {\n    UPDATE a SET name = 'x'\n    DELETE FROM a;\n}", "DELETE", "syntax error"),
        ("table a { id: integer primary key\n name: text }\nvirtual table f using fts5(name, tokenize='nonesuch')", "name, tokenize='nonesuch'", "no such tokenizer"),
        ("table a { id: integer primary key\n status: text in ('a', 'b') = 'c' }", "'c'", "is not one of the values"),
        ("table a { id: integer primary key\n g: integer as (lenght(id)) }", "lenght", "no such function: lenght"),
        ("table a strict { id: integer primary key\n p: real sql \"NUMERIC(10,2)\" }", "a", "unknown datatype"),
        ("table a { id: integer primary key\n p: real sql \"NUMERIC(10\" }", "\"NUMERIC(10\"", "is not an SQL type name"),
        ("table a strick { id: integer primary key }", "strick", "did you mean 'strict'"),
        ("table a { id: integer primary key\n p: text\n index i (lower(p)) }\ntrigger t after insert on b {\n SELECT 1;\n}", "b", "no such table"),
    ])
    func badInputIsALocatedError(body: String, at: String, message: String) throws {
        let text = "schema demo version 1\nnaming { require_domain: false }\n" + body + "\n"
        let loaded = Self.run(text)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        let first = try #require(errors.first, "no error for \(body)")
        #expect(first.message.contains(message), "\(first.message)")
        #expect(loaded.file.text(first.range) == at, "\(first.message) at '\(loaded.file.text(first.range))'")
        #expect(loaded.checked == nil)
    }
}
