import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEvolve
import SchemaEmit
import SchemagenRuntime
import SchemaSQL
import SchemaDatabase

func schema(_ text: String) throws -> Schema {
    let (s, d) = Resolver.load(SourceFile(path: "s.victor", text: text))
    #expect(!d.hasErrors, "\(d.map(\.message))")
    return s
}

func scalar(_ db: Database, _ sql: String) throws -> String {
    try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> String in
        _ = try s.step()
        do throws(DatabaseError) { return try s.text(0) } catch { return String(try s.int64(0)) }
    }
}

/// A database created at `old`, with rows, is evolved to `new`: the result must be structurally
/// what `new`'s DDL creates, and the rows must still be there.
struct EvolutionTests {
    static let v1 = """
    schema app version 1
    domain app {
      table app_author {
        id: integer primary key
        name: text
        index idx_author_name (name)
      }
      table app_post {
        id: integer primary key
        author_id: integer references app_author(id)
        title: text
        body: text?
        legacy_flag: integer?
        index idx_post_author (author_id)
      }
    }
    """

    func database(at s: Schema) throws -> Database {
        let db = try Database.inMemory()
        try db.execute(DDLEmitter.emit(s))
        try db.execute("PRAGMA user_version = \(s.version)")
        return db
    }

    @Test func addColumnsUsesAlterTable() throws {
        let v2 = try schema(Self.v1.replacingOccurrences(of: "version 1", with: "version 2")
            .replacingOccurrences(of: "legacy_flag: integer?\n", with: "legacy_flag: integer?\n    views: integer = 0\n    subtitle: text?\n"))
        let v1 = try schema(Self.v1)
        let plan = SchemaEvolution.plan(from: v1, to: v2)
        #expect(plan.steps.map(\.kind) == [.addColumns])
        #expect(plan.steps[0].statements == ["ALTER TABLE app_post ADD COLUMN views INTEGER NOT NULL DEFAULT 0", "ALTER TABLE app_post ADD COLUMN subtitle TEXT"])
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_author (name) VALUES ('ann'); INSERT INTO app_post (author_id, title) VALUES (1, 'hello')")
        try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: false)
        #expect(try scalar(db, "SELECT title || ':' || views FROM app_post") == "hello:0")
        #expect(try scalar(db, "PRAGMA user_version") == "2")
    }

    @Test func rebuildKeepsRowsAndMatchesTheNewSchema() throws {
        // A type change, a new NOT NULL column with a default expression, a dropped column, a new unique key.
        let text2 = Self.v1.replacingOccurrences(of: "version 1", with: "version 2")
            .replacingOccurrences(of: "title: text\n", with: "title: text unique\n    created_at: timestamp = datetime('now')\n")
            .replacingOccurrences(of: "legacy_flag: integer?\n", with: "")
            .replacingOccurrences(of: "body: text?", with: "body: json?")
        let v1 = try schema(Self.v1), v2 = try schema(text2)
        let plan = SchemaEvolution.plan(from: v1, to: v2)
        #expect(plan.steps.map(\.kind) == [.rebuildTable])
        #expect(plan.losesData)
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_author (name) VALUES ('ann'); INSERT INTO app_post (author_id, title, body, legacy_flag) VALUES (1, 'a', '{\"k\":1}', 7), (1, 'b', NULL, NULL)")
        // Data loss is refused unless allowed, and the database is untouched.
        #expect(throws: EvolutionError.self) { try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: false) }
        #expect(try scalar(db, "SELECT count(legacy_flag) FROM app_post") == "1")
        try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: true)
        #expect(try scalar(db, "SELECT group_concat(title || '=' || coalesce(body, 'null'), ';') FROM app_post ORDER BY id") == "a={\"k\":1};b=null")
        #expect(try scalar(db, "SELECT count(*) FROM app_post WHERE created_at IS NOT NULL") == "2")
        #expect(try SchemaEvolution.differences(db, from: v2) == [])
        #expect(try Introspector.schema(of: db) == (try Introspector.schema(of: database(at: v2))))
        #expect(try scalar(db, "PRAGMA foreign_keys") == "1")
    }

    @Test func indexesTablesAndDropsAreDiffed() throws {
        let text2 = Self.v1.replacingOccurrences(of: "version 1", with: "version 2")
            .replacingOccurrences(of: "index idx_author_name (name)", with: "index idx_author_name (name desc)")
            .replacingOccurrences(of: "index idx_post_author (author_id)\n", with: "")
            + "\ndomain app2 {\n  table app2_tag {\n    id: integer primary key\n    label: text\n  }\n}\n"
        let v1 = try schema(Self.v1), v2 = try schema(text2)
        let plan = SchemaEvolution.plan(from: v1, to: v2)
        #expect(plan.steps.map(\.summary) == ["drop index idx_author_name", "create index idx_author_name", "drop index idx_post_author", "create table app2_tag"])
        let db = try database(at: v1)
        try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: false)
        #expect(try Introspector.schema(of: db) == (try Introspector.schema(of: database(at: v2))))
        // And back: dropping the table needs permission.
        let back = SchemaEvolution.plan(from: v2, to: try schema(Self.v1.replacingOccurrences(of: "version 1", with: "version 3")))
        #expect(back.steps.contains { $0.kind == .dropTable && $0.losesData })
    }

    @Test func problemsAndDriftAreRefused() throws {
        let v1 = try schema(Self.v1)
        // A new NOT NULL column without a default cannot be filled for existing rows.
        let bad = try schema(Self.v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "body: text?", with: "body: text?\n    slug: text unique"))
        let plan = SchemaEvolution.plan(from: v1, to: bad)
        #expect(plan.problems.count == 1)
        #expect(plan.problems.first?.contains("new column 'slug' is NOT NULL without a default") == true)
        // The version must increase.
        let same = SchemaEvolution.plan(from: v1, to: try schema(Self.v1.replacingOccurrences(of: "body: text?", with: "body: text? = ''")))
        #expect(same.problems.contains { $0.contains("version did not increase") })
        // A database that drifted from the old schema is refused before anything changes.
        let db = try database(at: v1)
        try db.execute("ALTER TABLE app_post ADD COLUMN extra TEXT")
        let v2 = try schema(Self.v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "legacy_flag: integer?\n", with: "legacy_flag: integer?\n    views: integer = 0\n"))
        #expect(throws: EvolutionError.self) { try SchemaEvolution.apply(SchemaEvolution.plan(from: v1, to: v2), from: v1, to: v2, to: db, allowDataLoss: false) }
        #expect(try scalar(db, "SELECT count(*) FROM pragma_table_info('app_post') WHERE name = 'views'") == "0")
    }

    @Test func aFailingStepRollsEverythingBack() throws {
        // The new unique key cannot hold: the existing titles repeat.
        let v1 = try schema(Self.v1)
        let v2 = try schema(Self.v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "title: text\n", with: "title: text unique\n"))
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_author (name) VALUES ('ann'); INSERT INTO app_post (author_id, title) VALUES (1, 'same'), (1, 'same')")
        let before = try Introspector.schema(of: db)
        do {
            try SchemaEvolution.apply(SchemaEvolution.plan(from: v1, to: v2), from: v1, to: v2, to: db, allowDataLoss: false)
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("rebuild table app_post failed: UNIQUE constraint failed"))
        }
        #expect(try Introspector.schema(of: db) == before)
        #expect(try scalar(db, "SELECT count(*) FROM app_post") == "2")
        #expect(try scalar(db, "PRAGMA user_version") == "1")
    }

    /// A column is "used" when SQLite says an expression reads it, not when its name is a substring:
    /// `lid` (a substring of `valid`) is not read by `check (valid in (0, 1))`, so dropping it is an ALTER TABLE DROP COLUMN;
    /// `valid` is, so dropping that rebuilds the table.
    @Test func columnUseIsAskedOfSQLiteNotMatchedAsText() throws {
        let v1 = try schema("""
        schema app version 1
        domain app {
          table app_flag {
            id: integer primary key
            valid: integer = 1
            lid: text?
            check (valid in (0, 1))
            index idx_flag_valid (id) where valid = 1
          }
        }
        """)
        let dropVid = try schema("""
        schema app version 2
        domain app {
          table app_flag {
            id: integer primary key
            valid: integer = 1
            check (valid in (0, 1))
            index idx_flag_valid (id) where valid = 1
          }
        }
        """)
        let plan = SchemaEvolution.plan(from: v1, to: dropVid)
        #expect(plan.steps.map(\.kind) == [.dropColumns])
        #expect(plan.steps.first?.statements == ["ALTER TABLE app_flag DROP COLUMN lid"])
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_flag (valid, lid) VALUES (1, 'x')")
        try SchemaEvolution.apply(plan, from: v1, to: dropVid, to: db, allowDataLoss: true)
        #expect(try SchemaEvolution.differences(db, from: dropVid) == [])

        let dropValid = try schema("""
        schema app version 2
        domain app {
          table app_flag {
            id: integer primary key
            lid: text?
          }
        }
        """)
        #expect(SchemaEvolution.plan(from: v1, to: dropValid).steps.map(\.kind) == [.rebuildTable])
    }

    /// `@convert(from:)` takes one logical type name; anything else is a located error.
    @Test func convertAttributeIsChecked() throws {
        let good = try schema("schema app version 1\ndomain app {\n  table app_x {\n    id: integer primary key\n    @convert(from: text)\n    n: integer\n  }\n}\n")
        #expect(good.tables[0].columns[1].convertedFrom == .text)
        let (_, d) = Resolver.load(SourceFile(path: "s.victor", text: "schema app version 1\ndomain app {\n  table app_x {\n    id: integer primary key\n    @convert(to: text)\n    n: integer\n  }\n}\n"))
        #expect(d.map(\.message) == ["@convert takes the column's previous type: @convert(from: text)"])
    }

    /// Drift is the whole structure the schema describes, each difference a readable line; the
    /// database's own triggers, views and tables are not drift (a rebuild keeps them).
    @Test func driftNamesEachDifference() throws {
        let v1 = try schema(Self.v1)
        let db = try database(at: v1)
        try db.execute("CREATE TABLE own (x); CREATE VIEW own_view AS SELECT title FROM app_post; CREATE TRIGGER own_trigger AFTER INSERT ON app_post BEGIN SELECT 1; END")
        #expect(try SchemaEvolution.differences(db, from: v1) == [])
        let drifted = try Database.inMemory()
        try drifted.execute("""
            CREATE TABLE app_author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE INDEX idx_author_name ON app_author (name COLLATE NOCASE);
            CREATE TABLE app_post (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES app_author(id) ON DELETE CASCADE, title TEXT NOT NULL DEFAULT '', body BLOB, legacy_flag INTEGER, CHECK (id > 0));
            CREATE INDEX idx_post_author ON app_post (author_id);
            CREATE INDEX extra_index ON app_post (title);
            """)
        let lines = try SchemaEvolution.differences(drifted, from: v1)
        #expect(lines == [
            "table app_author: index idx_author_name: CREATE INDEX idx_author_name ON app_author (name COLLATE BINARY) ≠ CREATE INDEX idx_author_name ON app_author (name COLLATE NOCASE)",
            "table app_post: column author_id: NOT NULL yes ≠ no",
            "table app_post: column title: default none ≠ ''",
            "table app_post: column body: type TEXT ≠ BLOB",
            "table app_post: the database has an extra CHECK (id > 0)",
            "table app_post: FOREIGN KEY (author_id): REFERENCES app_author(id) ≠ REFERENCES app_author(id) ON DELETE CASCADE",
            "table app_post: the database has an extra index extra_index",
        ], "\(lines)")
    }

    /// A rebuild keeps the hidden rowid of a table whose key is not the rowid.
    @Test func aRebuildKeepsHiddenRowids() throws {
        let text = "schema app version 1\ndomain app {\n  table app_pair {\n    a: text\n    b: text\n    primary key (a, b)\n  }\n}\n"
        let v1 = try schema(text)
        let v2 = try schema(text.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "b: text\n", with: "b: text = ''\n"))
        let plan = SchemaEvolution.plan(from: v1, to: v2)
        #expect(plan.steps.map(\.kind) == [.rebuildTable])
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_pair VALUES ('x', '1'), ('y', '2'), ('z', '3'); DELETE FROM app_pair WHERE a = 'y'")
        let before = try scalar(db, "SELECT group_concat(rowid || a, ',') FROM app_pair")
        #expect(before == "1x,3z")
        try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: false)
        #expect(try scalar(db, "SELECT group_concat(rowid || a, ',') FROM app_pair") == before)
    }

    /// Rebuilding a parent table keeps its ON DELETE CASCADE children (foreign keys are off for the
    /// rebuild: a DROP TABLE with them on would delete every child row).
    @Test func rebuildingAParentKeepsCascadingChildren() throws {
        let text = Self.v1.replacingOccurrences(of: "author_id: integer references app_author(id)", with: "author_id: integer references app_author(id) on delete cascade")
        let v1 = try schema(text)
        let v2 = try schema(text.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "name: text\n", with: "name: text check (length(name) > 0)\n"))
        let plan = SchemaEvolution.plan(from: v1, to: v2)
        #expect(plan.steps.map(\.summary) == ["rebuild table app_author"])
        let db = try database(at: v1)
        try db.execute("INSERT INTO app_author (name) VALUES ('ann'), ('bob'); INSERT INTO app_post (author_id, title) VALUES (1, 'a'), (2, 'b'), (2, 'c')")
        try SchemaEvolution.apply(plan, from: v1, to: v2, to: db, allowDataLoss: false)
        #expect(try scalar(db, "SELECT count(*) FROM app_post") == "3")
        #expect(try scalar(db, "PRAGMA foreign_keys") == "1")
        try db.execute("DELETE FROM app_author WHERE id = 2")
        #expect(try scalar(db, "SELECT count(*) FROM app_post") == "1")
    }
}
