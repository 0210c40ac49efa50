import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver
import SchemagenRuntime
import SchemaSQL
import SchemaDatabase

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func database(from script: String) throws -> Database {
    let db = try Database.inMemory()
    try db.execute(script)
    return db
}

struct DDLTests {
    static let schemaPath = repoRoot.appendingPathComponent("schema.victor").path
    static let appendixPath = repoRoot.appendingPathComponent("Tests/Fixtures/proposed-schema.sql").path

    func loadRepoSchema() throws -> LoadedSchema {
        let loaded = try SchemaLoader.load(path: Self.schemaPath)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics.map(\.message))")
        return loaded
    }

    /// The acceptance test of the core issue: schema.victor's DDL is structurally the proposal's
    /// appendix, as SQLite reports both (introspected into SQL model values), and is exactly the SQL
    /// model the schema translates to.
    @Test func ddlMatchesTheProposalAppendixStructurally() throws {
        let loaded = try loadRepoSchema()
        let ours = try Introspector.schema(of: database(from: DDLEmitter.emit(loaded.schema)))
        let appendix = try Introspector.schema(of: database(from: String(contentsOfFile: Self.appendixPath, encoding: .utf8)))
        #expect(appendix.tables.count == 21)
        #expect(Set(ours.tables.map(\.name)) == Set(appendix.tables.map(\.name)))
        #expect(SQLDifference.lines(expected: appendix, actual: ours) == [])
        #expect(ours == appendix)
        #expect(SQLDifference.lines(expected: DDLEmitter.sqlSchema(loaded.schema), actual: ours) == [])
    }

    /// The comparison itself can fail: a one-word change to the schema is caught, and named.
    @Test func structuralComparisonDetectsADifference() throws {
        let text = try String(contentsOfFile: Self.schemaPath, encoding: .utf8)
            .replacingOccurrences(of: "index idx_q_learner (learner_id)", with: "index idx_q_learner (learner_id desc)")
        let loaded = SchemaLoader.load(SourceFile(path: "schema.victor", text: text))
        let ours = try Introspector.schema(of: database(from: DDLEmitter.emit(loaded.schema)))
        let appendix = try Introspector.schema(of: database(from: String(contentsOfFile: Self.appendixPath, encoding: .utf8)))
        #expect(SQLDifference.lines(expected: appendix, actual: ours)
                == ["table rl_q_value: index idx_q_learner: CREATE INDEX idx_q_learner ON rl_q_value (learner_id COLLATE BINARY) ≠ CREATE INDEX idx_q_learner ON rl_q_value (learner_id COLLATE BINARY DESC)"])
    }

    /// The committed DDL is what the SQL model renders today (re-record: `swift run schemagen generate
    /// schema.victor --output Generated`).
    @Test func committedDDLIsTheRenderedSQLModel() throws {
        let loaded = try loadRepoSchema()
        #expect(try String(contentsOf: repoRoot.appendingPathComponent("Generated/schema.sql"), encoding: .utf8) == DDLEmitter.emit(loaded.schema))
    }

    /// The fixture is a copy of the proposal's appendix; when the shared proposal is beside the
    /// repository (as in CI and on developer machines) the copy must not drift from it.
    @Test func appendixFixtureIsTheProposalsAppendix() throws {
        let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/proposal/proposed-schema.sql").path
        guard FileManager.default.fileExists(atPath: shared) else { return }
        #expect(FileManager.default.contents(atPath: shared) == FileManager.default.contents(atPath: Self.appendixPath))
    }

    @Test func referencedTablesComeFirst() throws {
        let text = """
        schema s version 1
        domain app {
          table app_post {
            id: integer primary key
            author_id: integer references app_author(id)
          }
          table app_author { id: integer primary key }
        }
        """
        let (schema, d) = Resolver.load(SourceFile(path: "s.victor", text: text))
        #expect(d.isEmpty)
        let ddl = DDLEmitter.emit(schema)
        let author = try #require(ddl.range(of: "CREATE TABLE app_author"))
        let post = try #require(ddl.range(of: "CREATE TABLE app_post"))
        #expect(author.lowerBound < post.lowerBound)
        // And SQLite accepts it with foreign keys on.
        let db = try database(from: ddl)
        try db.execute("INSERT INTO app_author (id) VALUES (1); INSERT INTO app_post (author_id) VALUES (1);")
    }

    @Test func keywordsAreQuotedAndWork() throws {
        let text = """
        schema s version 1
        domain app {
          table order {
            id: integer primary key
            group: text
            select: integer? = 1
            index idx_order_group (group)
          }
          table app_line {
            id: integer primary key
            order: integer references order(id)
          }
        }
        """
        let (schema, d) = Resolver.load(SourceFile(path: "s.victor", text: text))
        #expect(d.isEmpty, "\(d.map(\.message))")
        let ddl = DDLEmitter.emit(schema)
        #expect(ddl.contains("CREATE TABLE \"order\" (\n    id INTEGER PRIMARY KEY,\n    \"group\" TEXT NOT NULL,\n    \"select\" INTEGER DEFAULT 1\n);"))
        #expect(ddl.contains("CREATE INDEX idx_order_group ON \"order\" (\"group\");"))
        #expect(ddl.contains("\"order\" INTEGER NOT NULL REFERENCES \"order\"(id)"))
        let db = try database(from: ddl)
        try db.execute("INSERT INTO \"order\" (\"group\") VALUES ('a'); INSERT INTO app_line (\"order\") VALUES (1);")
        let group = try db.withStatement("SELECT \"group\", \"select\" FROM \"order\"") { (s: borrowing Statement) throws(DatabaseError) -> String in
            _ = try s.step()
            return try s.text(0) + String(try s.int64(1))
        }
        #expect(group == "a1")
    }

    @Test func outputIsDeterministicAndHasAHeader() throws {
        let a = SchemaPipeline().emit(try #require(try loadRepoSchema().checked))
        let b = SchemaPipeline().emit(try #require(try loadRepoSchema().checked))
        #expect(a == b)
        for f in a {
            #expect(f.contents.contains("Generated by schemagen from schema.victor. DO NOT EDIT."))
            #expect(f.contents.prefix(300).contains("DO NOT EDIT"))
        }
    }

    /// Generated/ holds exactly what `schemagen generate schema.victor --output Generated` writes.
    /// Re-record with that command.
    @Test func generatedDirectoryIsFresh() throws {
        let files = SchemaPipeline().emit(try #require(try loadRepoSchema().checked))
        let stale = Generator.states(of: files, in: repoRoot.appendingPathComponent("Generated").path).filter { $0.1 != .unchanged }
        #expect(stale.isEmpty, "stale: \(stale.map(\.0.path)); run `swift run schemagen generate schema.victor --output Generated`")
    }

    @Test func atomicWriteLeavesNoTemporaryFilesAndReportsFailures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out/x.sql").path
        try AtomicWriter.write("one", to: path)
        try AtomicWriter.write("two", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path) == ["x.sql"])
        // A path under a regular file cannot be written: a clear error, and the old file is intact.
        #expect(throws: AtomicWriter.WriteError.self) { try AtomicWriter.write("three", to: path + "/y.sql") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
    }

    /// A doc comment's line terminators each start a new `--` line and a NUL cannot cut the script:
    /// the text after them stays comment, and every table is still created.
    @Test func docCommentsCannotBecomeSQL() throws {
        let text = "schema s version 1\ndomain app {\n  /// one\rDROP TABLE app_b; \u{2028}two\u{0}three\u{2029}four\n  table app_a {\n    id: integer primary key\n  }\n  table app_b {\n    id: integer primary key\n  }\n}\n"
        let loaded = SchemaLoader.load(SourceFile(path: "doc.victor", text: text))
        #expect(!loaded.hasErrors, "\(loaded.diagnostics.map(\.message))")
        let ddl = DDLEmitter.emit(loaded.schema)
        #expect(ddl.contains("-- one\n-- DROP TABLE app_b;\n-- two\u{FFFD}three\n-- four\nCREATE TABLE app_a ("), "\(ddl)")
        #expect(!ddl.unicodeScalars.contains { [0x00, 0x0D, 0x2028, 0x2029].contains($0.value) })
        let db = try database(from: ddl)
        #expect(try Introspector.schema(of: db).tables.map(\.name) == ["app_a", "app_b"])
    }
}
