import Foundation
import Testing
import SchemaSQL
import SchemaDatabase
import SchemagenRuntime

/// The typed SQL model round-tripped through SQLite: render → execute → introspect → equal, for
/// tables covering every construct the model has.
struct SQLModelRoundTripTests {
    static let parent = SQLTable(
        name: "parent",
        columns: [
            SQLColumn(name: "id", type: "INTEGER", primaryKey: SQLColumnPrimaryKey(autoincrement: true)),
            SQLColumn(name: "code", type: "TEXT", notNull: true, unique: true, collation: "NOCASE"),
            SQLColumn(name: "score", type: "REAL", notNull: true, defaultValue: .literal("-0.5"), checks: ["score <= 1"]),
            SQLColumn(name: "label", type: "TEXT", defaultValue: .literal("'it''s'")),
            SQLColumn(name: "created_at", type: "TEXT", notNull: true, defaultValue: .expression("datetime('now')")),
            SQLColumn(name: "order", type: "INTEGER", defaultValue: .literal("NULL")),
            SQLColumn(name: "doubled", type: "REAL", generated: SQLGenerated(expression: "score * 2", stored: false)),
            SQLColumn(name: "upper_code", type: "TEXT", generated: SQLGenerated(expression: "upper(code)", stored: true)),
        ],
        uniques: [["label", "order"]],
        checks: ["length(code) > 0", "\"order\" IS NULL OR \"order\" >= 0"],
        indexes: [
            SQLIndex(name: "idx_parent_label", table: "parent", columns: [SQLIndexedColumn(name: "label", collation: "NOCASE", order: .desc), SQLIndexedColumn(name: "score")]),
            SQLIndex(name: "idx_parent_positive", table: "parent", unique: true, columns: [SQLIndexedColumn(name: "code", order: .asc)], whereClause: "score > 0 AND label <> 'x'"),
        ])

    static let child = SQLTable(
        name: "child item",
        columns: [
            SQLColumn(name: "parent_id", type: "INTEGER", notNull: true, references: SQLReference(table: "parent", columns: ["id"], onDelete: .cascade, onUpdate: .restrict)),
            SQLColumn(name: "seq", type: "INTEGER", notNull: true),
            SQLColumn(name: "other_code", type: "TEXT", references: SQLReference(table: "parent", columns: ["code"], deferrable: .initiallyDeferred)),
            SQLColumn(name: "note", type: ""),
        ],
        primaryKey: ["parent_id", "seq"],
        foreignKeys: [SQLForeignKey(columns: ["parent_id", "other_code"], reference: SQLReference(table: "pair", onDelete: .setNull))],
        indexes: [SQLIndex(name: "idx_child_note", table: "child item", columns: [SQLIndexedColumn(name: "note")])])

    static let pair = SQLTable(
        name: "pair",
        columns: [
            SQLColumn(name: "a", type: "INTEGER", notNull: true),
            SQLColumn(name: "b", type: "TEXT", notNull: true),
        ],
        primaryKey: ["a", "b"], withoutRowid: true, strict: true)

    static let descending = SQLTable(
        name: "descending",
        columns: [SQLColumn(name: "k", type: "INTEGER", primaryKey: SQLColumnPrimaryKey(order: .desc)), SQLColumn(name: "v", type: "BLOB", defaultValue: .literal("X'00ff'"))])

    static let schema = SQLSchema(
        tables: [parent, pair, child, descending],
        views: [SQLView(name: "parent_codes", sql: "CREATE VIEW parent_codes AS SELECT code FROM parent")],
        triggers: [SQLTrigger(name: "parent_touch", table: "parent", sql: "CREATE TRIGGER parent_touch AFTER UPDATE ON parent BEGIN UPDATE parent SET label = 'touched' WHERE id = new.id; END")])

    func load(_ schema: SQLSchema) throws -> Database {
        let db = try Database.inMemory()
        for sql in SQLRenderer.statements(for: schema) { try db.execute(sql) }
        return db
    }

    @Test func everyConstructSurvivesRenderExecuteIntrospect() throws {
        let db = try load(Self.schema)
        let back = try Introspector.schema(of: db)
        #expect(SQLDifference.lines(expected: Self.schema, actual: back) == [])
        #expect(back == Self.schema.canonical)
        // Introspection is exactly what was rendered, not merely "no difference found".
        #expect(back.table(named: "parent")?.columns.first?.primaryKey?.autoincrement == true)
        #expect(back.table(named: "child item")?.foreignKeys.map(\.reference.deferrable) == [nil, .initiallyDeferred, nil])
        #expect(back.table(named: "parent")?.indexes.first { $0.name == "idx_parent_positive" }?.whereClause == "score > 0 AND label <> 'x'")
        #expect(back.table(named: "pair")?.withoutRowid == true)
        #expect(back.table(named: "pair")?.strict == true)
        #expect(back.table(named: "parent")?.strict == false)
        #expect(back.table(named: "parent")?.column(named: "upper_code")?.generated == SQLGenerated(expression: "upper(code)", stored: true))
    }

    @Test func aDifferenceIsReadable() throws {
        var changed = Self.schema
        changed.tables[0].columns[2].defaultValue = .literal("0.25")
        changed.tables[0].checks.removeLast()
        changed.tables[0].indexes[0].columns[0].order = nil
        changed.triggers = []
        let db = try load(changed)
        let lines = SQLDifference.lines(expected: Self.schema, actual: try Introspector.schema(of: db))
        #expect(lines == [
            "table parent: column score: default -0.5 ≠ 0.25",
            "table parent: CHECK (\"order\" IS NULL OR \"order\" >= 0) is missing",
            "table parent: index idx_parent_label: CREATE INDEX idx_parent_label ON parent (label COLLATE NOCASE DESC, score COLLATE BINARY) ≠ CREATE INDEX idx_parent_label ON parent (label COLLATE NOCASE, score COLLATE BINARY)",
            "the database has no trigger parent_touch",
        ])
    }

    @Test func columnUsageAsksSQLite() throws {
        let t = SQLTable(name: "t", columns: [SQLColumn(name: "id", type: "INTEGER"), SQLColumn(name: "valid", type: "INTEGER"), SQLColumn(name: "Name", type: "TEXT")])
        #expect(try ColumnUsage.columns(readBy: "valid = 1", in: t) == ["valid"])
        #expect(try ColumnUsage.columns(readBy: "'id' || \"name\" = 'x' /* id */", in: t) == ["name"])
        #expect(throws: SchemaDatabaseError.self) { try ColumnUsage.columns(readBy: "nope > 0", in: t) }
    }

    @Test func versionsMustFitUserVersion() throws {
        let db = try Database.inMemory()
        try SchemaVersion.write(Int(Int32.max), to: db)
        #expect(try SchemaVersion.read(db) == Int(Int32.max))
        #expect(throws: SchemaDatabaseError.self) { try SchemaVersion.write(Int(Int32.max) + 1, to: db) }
        #expect(try SchemaVersion.read(db) == Int(Int32.max))
    }

    @Test func backupIsWrittenWholeOrNotAtAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("app.db").path
        let db = try Database(path: path, options: ToolDatabase.options)
        try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        let backup = Backup.path(for: path, version: 2)
        #expect(backup == path + ".before-v2.sqlite")
        // A partial file left by a killed run is replaced, never taken for a backup.
        try Data("junk".utf8).write(to: URL(fileURLWithPath: Backup.partialPath(for: backup)))
        try Backup.write(db, to: backup)
        #expect(!FileManager.default.fileExists(atPath: Backup.partialPath(for: backup)))
        let copy = try Database(path: backup, options: ToolDatabase.options)
        #expect(try copy.withStatement("SELECT count(*) FROM t") { (s: borrowing Statement) throws(DatabaseError) -> Int64 in _ = try s.step(); return try s.int64(0) } == 1)
        copy.close()
        #expect(throws: SchemaDatabaseError.self) { try Backup.write(db, to: backup) }
        Backup.remove(backup)
        #expect(!FileManager.default.fileExists(atPath: backup))
        // An attached file is backed up by its schema name.
        let other = dir.appendingPathComponent("other.db").path
        try db.execute("ATTACH \(SQLName.stringLiteral(other)) AS aux; CREATE TABLE aux.u (y); INSERT INTO aux.u VALUES (1), (2)")
        try Backup.write(db, schema: "aux", to: Backup.path(for: other, version: 3))
        let auxCopy = try Database(path: other + ".before-v3.sqlite", options: ToolDatabase.options)
        #expect(try auxCopy.withStatement("SELECT count(*) FROM u") { (s: borrowing Statement) throws(DatabaseError) -> Int64 in _ = try s.step(); return try s.int64(0) } == 2)
        auxCopy.close()
        #expect(throws: SchemaDatabaseError.self) { try ToolDatabase.open(existing: dir.appendingPathComponent("missing.db").path) }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing.db").path))
    }

    /// Every name the renderer writes goes through the one quoting function, collations included:
    /// a hostile name is an unknown collation for SQLite, never a second statement.
    @Test func namesAreAlwaysQuoted() throws {
        let t = SQLTable(name: "t\"; DROP TABLE victim; --", columns: [SQLColumn(name: "a b", type: "TEXT", collation: "NOCASE) ; DROP TABLE victim; --")])
        #expect(SQLRenderer.createTable(t) == "CREATE TABLE \"t\"\"; DROP TABLE victim; --\" (\n    \"a b\" TEXT COLLATE \"NOCASE) ; DROP TABLE victim; --\"\n)")
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE victim (x)")
        #expect(throws: DatabaseError.self) { try db.execute(SQLRenderer.createTable(t)) }
        #expect(try Introspector.schema(of: db).tables.map(\.name) == ["victim"])
    }

    /// A table another tool wrote, with comments, odd spacing, quoted names and parentheses and
    /// commas inside strings: what the PRAGMAs do not report is still read from the stored text exactly.
    @Test func storedTextIsReadAsSQLiteReadsIt() throws {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE "odd" ( -- a comment with CHECK (x) and a comma,
              a TEXT /* , b INT CHECK (no) */ CHECK( a <> ',)' ) COLLATE "NoCase",
              [b c] INTEGER CONSTRAINT pk PRIMARY KEY DESC,
              `d` INTEGER REFERENCES odd ([b c]) DEFERRABLE INITIALLY DEFERRED,
              CONSTRAINT ck CHECK (length(a) > 0)
            )
            """)
        let t = try #require(try Introspector.table("odd", in: db))
        #expect(t.columns.map(\.name) == ["a", "b c", "d"])
        #expect(t.checks == [" a <> ',)' ", "length(a) > 0"])
        #expect(t.column(named: "a")?.collation == "NOCASE")
        #expect(t.column(named: "b c")?.primaryKey == SQLColumnPrimaryKey(order: .desc))
        #expect(t.foreignKeys == [SQLForeignKey(columns: ["d"], reference: SQLReference(table: "odd", columns: ["b c"], deferrable: .initiallyDeferred))])
    }
}
