import Foundation
import Testing
import SchemaSyntax
import SchemaSQL
import SchemaDatabase
import SchemaEmit
import SchemaImport
import SchemagenDriver
import SchemagenRuntime
import SchemagenTestSupport

let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ImportCorpus")

func corpusFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? []).filter { $0.hasSuffix(".sql") }.sorted()
}

/// `schemagen import` (issue 14): every corpus schema imported from its `.sql` and from a live
/// database, and the imported file's DDL, loaded into SQLite, structurally the original.
struct ImportCorpusTests {
    @Test func theCorpusHasSchemas() {
        #expect(corpusFiles().count >= 5)
    }

    /// The structure of `text`'s DDL as SQLite reports it, after the whole pipeline with every lint rule.
    static func structure(ofImported text: String, name: String) throws -> SQLSchema {
        let loaded = SchemaPipeline(lint: .full).run(SourceFile(path: name, text: text))
        #expect(loaded.diagnostics.map(\.message) == [], "the imported file lints clean")
        let checked = try #require(loaded.checked)
        let db = try Database.inMemory()
        try db.execute(DDLEmitter.emit(checked.schema))
        return try Introspector.schema(of: db)
    }

    @Test(arguments: corpusFiles())
    func importFromSQLRoundTripsExactly(_ file: String) throws {
        let path = corpusDirectory.appendingPathComponent(file).path
        let result = try Importer.run(path: path, outputName: "imported.victor")
        let original = try Introspector.schema(of: ImportSource.loadScript(path: path, text: String(contentsOfFile: path, encoding: .utf8)))
        #expect(!original.tables.isEmpty)
        let ours = try Self.structure(ofImported: result.text, name: "imported.victor")
        #expect(SQLDifference.lines(expected: original, actual: ours) == [])
        #expect(SQLDifference.lines(expected: ours, actual: original) == [])
        #expect(ours.tables.count == original.tables.count && ours.triggers.count == original.triggers.count
                && ours.virtualTables.count == original.virtualTables.count)
    }

    @Test(arguments: corpusFiles())
    func importFromALiveDatabaseRoundTripsExactly(_ file: String) throws {
        let path = corpusDirectory.appendingPathComponent(file).path
        let dir = try SchemagenCLI.temporaryDirectory("import")
        let dbPath = dir.appendingPathComponent("live.sqlite").path
        let scratch = try ImportSource.loadScript(path: path, text: String(contentsOfFile: path, encoding: .utf8))
        try scratch.execute("VACUUM INTO '\(dbPath)'")
        let fromDatabase = try Importer.run(path: dbPath, outputName: "imported.victor")
        let fromScript = try Importer.run(path: path, outputName: "imported.victor")
        // The same file but for the header's source name.
        #expect(fromDatabase.text.split(separator: "\n").dropFirst() == fromScript.text.split(separator: "\n").dropFirst())
        let live = try Introspector.schema(of: ToolDatabase.open(existing: dbPath))
        let ours = try Self.structure(ofImported: fromDatabase.text, name: "imported.victor")
        #expect(SQLDifference.lines(expected: live, actual: ours) == [])
    }

    /// A difference the comparison would find is named (a made-up change to the imported text).
    @Test func aDifferenceIsNamed() throws {
        let path = corpusDirectory.appendingPathComponent("file-sync.sql").path
        let text = try Importer.run(path: path, outputName: "x.victor").text.replacingOccurrences(of: "size: integer = 0", with: "size: integer = 1")
        let original = try Introspector.schema(of: ImportSource.loadScript(path: path, text: String(contentsOfFile: path, encoding: .utf8)))
        let ours = try Self.structure(ofImported: text, name: "x.victor")
        #expect(SQLDifference.lines(expected: original, actual: ours) == ["table file entry: column size: default 0 ≠ 1"])
    }

    @Test func theMusicStoreKeepsItsNamesAndTypes() throws {
        let text = try Importer.run(path: corpusDirectory.appendingPathComponent("music-store.sql").path, outputName: "music.victor").text
        #expect(text.contains("    constraint PK_Artist primary key (ArtistId)\n"))
        #expect(text.contains("    UnitPrice: real sql \"NUMERIC(10,2)\"\n"))
        #expect(text.contains("    // NUMERIC(10,2): numeric affinity; real is a guess (integers are stored as integers)\n"))
        #expect(text.contains("    Name: text? sql \"NVARCHAR(120)\"\n"))
        #expect(text.hasPrefix(VictorWriter.marker))
    }
}

struct ImportBadInputTests {
    func write(_ name: String, _ contents: Data) throws -> String {
        let dir = try SchemagenCLI.temporaryDirectory("import-bad")
        let p = dir.appendingPathComponent(name).path
        try contents.write(to: URL(fileURLWithPath: p))
        return p
    }

    @Test func sqliteErrorsAreLocatedInTheScript() throws {
        let path = try write("bad.sql", Data("CREATE TABLE a (id INTEGER);\n-- fine\nCREATE TABLE b (x INTEGER,\n  y TEXT REFERENCES);\n".utf8))
        #expect(throws: ImportError.self) { try Importer.run(path: path, outputName: "x.victor") }
        do { _ = try Importer.run(path: path, outputName: "x.victor") } catch {
            #expect(error.message.hasPrefix("\(path):4:20: error: SQLite rejects this script: near \")\": syntax error"), "\(error.message)")
        }
    }

    @Test func aRejectedStatementIsLocatedWhereSQLiteSays() throws {
        let path = try write("bad.sql", Data("CREATE TABLE a (id INTEGER);\n  CREATE TABLE a (id INTEGER);\n".utf8))
        do { _ = try Importer.run(path: path, outputName: "x.victor"); Issue.record("no error") } catch {
            #expect(error.message == "\(path):2:16: error: SQLite rejects this script: table a already exists")
        }
    }

    @Test func notADatabaseIsOneLine() throws {
        var bytes = Data("SQLite format 3\u{0}".utf8)
        bytes.append(Data(repeating: 0xAB, count: 4096))
        let corrupt = try write("corrupt.sqlite", bytes)
        let binary = try write("random.bin", Data([0x00, 0xFF, 0x13, 0x00, 0x42]))
        for p in [corrupt, binary] {
            do { _ = try Importer.run(path: p, outputName: "x.victor"); Issue.record("no error for \(p)") } catch {
                #expect(error.message.hasPrefix("error: cannot import '\(p)': "), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    @Test func whatTheLanguageCannotSayIsNamed() throws {
        let cases: [(String, String)] = [
            ("CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE VIEW v(a) AS SELECT id FROM t;", "view 'v' names its columns"),
            ("CREATE TABLE t (id INTEGER CONSTRAINT nn NOT NULL);", "a named column constraint (id: nn) cannot be expressed yet"),
            ("CREATE TABLE t (id INTEGER, n TEXT COLLATE myco);", ""),
        ]
        for (sql, message) in cases.prefix(2) {
            let path = try write("x.sql", Data(sql.utf8))
            do { _ = try Importer.run(path: path, outputName: "x.victor"); Issue.record("no error for \(sql)") } catch {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }

    /// `--output` onto a file import did not write is refused, the file byte-identical; nothing is written on failure.
    @Test func theCLIRefusesToOverwriteAForeignFile() throws {
        let dir = try SchemagenCLI.temporaryDirectory("import-cli")
        let out = dir.appendingPathComponent("schema.victor")
        try Data("schema mine version 3\n".utf8).write(to: out)
        let input = corpusDirectory.appendingPathComponent("adblock-lists.sql").path
        let refused = try SchemagenCLI.run(["import", input, "--output", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not written by schemagen import; pass --force"))
        #expect(try String(contentsOf: out, encoding: .utf8) == "schema mine version 3\n")
        let forced = try SchemagenCLI.run(["import", input, "--output", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix(VictorWriter.marker))
        // An imported file is overwritten without --force; a failing import leaves it as it was.
        let again = try SchemagenCLI.run(["import", input, "--output", out.path])
        #expect(again.status == 0)
        let before = try Data(contentsOf: out)
        let bad = dir.appendingPathComponent("bad.sql")
        try Data("CREATE TABLE (;".utf8).write(to: bad)
        let failed = try SchemagenCLI.run(["import", bad.path, "--output", out.path])
        #expect(failed.status == 1)
        #expect(failed.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: out) == before)
    }

    /// A locked, corrupt or not-SQLite database: one line on stderr, exit 1, no output file.
    @Test func aDatabaseThatCannotBeReadIsOneLineAndWritesNothing() throws {
        let dir = try SchemagenCLI.temporaryDirectory("import-bad-db")
        let locked = dir.appendingPathComponent("locked.sqlite")
        var options = Database.Options()
        options.walMode = false   // a rollback journal: an EXCLUSIVE lock keeps every reader out
        let holder = try Database(path: locked.path, options: options)
        try holder.execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)")
        try holder.execute("BEGIN EXCLUSIVE; UPDATE t SET id = 2")
        defer { try? holder.execute("ROLLBACK") }
        var corruptBytes = Data("SQLite format 3\u{0}".utf8)
        corruptBytes.append(Data(repeating: 0x5A, count: 8192))
        let corrupt = dir.appendingPathComponent("corrupt.sqlite")
        try corruptBytes.write(to: corrupt)
        let notSQLite = dir.appendingPathComponent("photo.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00]).write(to: notSQLite)
        for input in [locked, corrupt, notSQLite] {
            let out = dir.appendingPathComponent(input.lastPathComponent + ".victor")
            let r = try SchemagenCLI.run(["import", input.path, "--output", out.path])
            #expect(r.status == 1, "\(input.lastPathComponent): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(input.lastPathComponent): \(r.stderr)")
            #expect(r.stderr.hasPrefix("error: cannot import '\(input.path)': "), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }
}

/// The adoption path (issue 14 item 4, README "Adopting schemagen for an existing database"):
/// `import`, then `migrations freeze` makes the database's present shape version 1, and the launch
/// migration (`migrations apply`, the generated `migrate(db)`'s code path) takes the existing
/// database over without rebuilding anything: every table and index keeps its root page and its
/// statement (so its rows are untouched), `user_version` becomes 1, and the next launch does nothing.
struct AdoptionTests {
    static func objects(_ db: Database) throws -> [String] {
        try db.withStatement(sql: "SELECT type || '|' || name || '|' || rootpage || '|' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name") {
            (s: borrowing Statement) throws(DatabaseError) -> [String] in
            var out: [String] = []
            while try s.step() { out.append(try s.text(0)) }
            return out
        }
    }

    static func scalar(_ db: Database, _ sql: String) throws -> Int64 {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> Int64 in try s.step() ? try s.int64(0) : -1 }
    }

    /// `migrations verify` fills every table with rows and runs the launch chain: generated columns
    /// are left to SQLite and value-set columns get their own values (Tests/LanguageCodegenTests's
    /// schema: value sets, generated columns, STRICT, WITHOUT ROWID, quoted names, FTS5 and triggers).
    @Test func migrationsVerifyHandlesTheNewConstructs() throws {
        let dir = try SchemagenCLI.temporaryDirectory("verify-lang")
        let schema = dir.appendingPathComponent("Language.victor")
        let source = corpusDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LanguageCodegenTests").appendingPathComponent("Language.victor")
        try FileManager.default.copyItem(at: source, to: schema)
        let frozen = try SchemagenCLI.run(["migrations", "freeze", schema.path])
        #expect(frozen.status == 0, "\(frozen.stderr)")
        let verified = try SchemagenCLI.run(["migrations", "verify", schema.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("ok: version 1 → 1: 3 tables, 12 rows kept"), "\(verified.stdout)")
    }

    @Test(arguments: corpusFiles())
    func anImportedDatabaseIsTakenOverWithoutARebuild(_ file: String) throws {
        let dir = try SchemagenCLI.temporaryDirectory("adopt")
        let dbPath = dir.appendingPathComponent("app.sqlite").path
        do {
            let db = try Database(path: dbPath)
            try db.execute(String(contentsOf: corpusDirectory.appendingPathComponent(file), encoding: .utf8))
            db.close()
        }
        let schema = dir.appendingPathComponent("app.victor").path
        let imported = try SchemagenCLI.run(["import", dbPath, "--output", schema])
        #expect(imported.status == 0, "\(imported.stderr)")
        let frozen = try SchemagenCLI.run(["migrations", "freeze", schema])
        #expect(frozen.status == 0, "\(frozen.stderr)")

        let before: [String]
        do { let db = try Database(path: dbPath); before = try Self.objects(db); db.close() }
        let first = try SchemagenCLI.run(["migrations", "apply", schema, "--database", dbPath])
        #expect(first.status == 0, "\(file): \(first.stdout)\(first.stderr)")
        let db = try Database(path: dbPath)
        defer { db.close() }
        #expect(try Self.scalar(db, "PRAGMA user_version") == 1)
        #expect(try Self.objects(db) == before, "\(file): a table was rebuilt or an object changed")
        #expect(try Self.scalar(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0)
        let again = try SchemagenCLI.run(["migrations", "apply", schema, "--database", dbPath])
        #expect(again.status == 0)
        #expect(again.stdout.contains("is at version 1"), "\(again.stdout)")
    }
}
