import Foundation
import Testing
import SchemagenTestSupport

/// The repository checkout these tests run in, and the shared `schemagen` runner.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ args: [String], cwd: URL = root) throws -> SchemagenCLI.Result {
        try SchemagenCLI.run(args, cwd: cwd)
    }

    static func temp() throws -> URL { try SchemagenCLI.temporaryDirectory("schemagen-cli") }
}

struct CLITests {
    @Test func missingFileIsOneClearLine() throws {
        let r = try CLI.run(["ddl", "does-not-exist.victor"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: cannot read 'does-not-exist.victor': no such file\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func unreadableFileIsOneClearLine() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["ddl", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr == "error: cannot read '\(dir.path)': it is a directory\n")
    }

    @Test func ddlOfTheRepoSchema() throws {
        let r = try CLI.run(["ddl", "schema.victor"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("CREATE TABLE rl_q_value ("))
        #expect(r.stdout.components(separatedBy: "CREATE TABLE ").count - 1 == 21)
    }

    @Test func brokenSchemaPrintsLocatedDiagnosticsWithCaret() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.victor")
        try "schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: strng\n  }\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ddl", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == """
        \(file.path):5:11: error: unknown type 'strng'; did you mean 'text'?
                name: strng
                      ^~~~~
                      text

        """)
    }

    @Test func generateWritesThenCheckIsClean() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("gen")
        let first = try CLI.run(["generate", "schema.victor", "--output", out.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created \(out.path)/schema.sql"))
        let check = try CLI.run(["generate", "schema.victor", "--output", out.path, "--check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // Change an output: --check names it, exits 1 and writes nothing.
        let sql = out.appendingPathComponent("schema.sql")
        try "-- edited\n".write(to: sql, atomically: true, encoding: .utf8)
        let stale = try CLI.run(["generate", "schema.victor", "--output", out.path, "--check"])
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("\(sql.path): out of date"))
        #expect(try String(contentsOf: sql, encoding: .utf8) == "-- edited\n")
        // A second generate restores it, byte for byte the same as the first run.
        let again = try CLI.run(["generate", "schema.victor", "--output", out.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("updated \(sql.path)"))
        #expect(FileManager.default.contents(atPath: sql.path) == FileManager.default.contents(atPath: CLI.root.appendingPathComponent("Generated/schema.sql").path))
    }
}

struct EvolveCLITests {
    @Test func evolvesADatabaseWithABackup() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let v1 = "schema s version 1\ndomain app {\n  table app_note {\n    id: integer primary key\n    body: text\n  }\n}\n"
        let v2 = v1.replacingOccurrences(of: "version 1", with: "version 2").replacingOccurrences(of: "body: text\n", with: "body: text\n    pinned: bool = false\n")
        try v1.write(to: dir.appendingPathComponent("v1.victor"), atomically: true, encoding: .utf8)
        try v2.write(to: dir.appendingPathComponent("v2.victor"), atomically: true, encoding: .utf8)
        let ddl = try CLI.run(["ddl", "v1.victor"], cwd: dir)
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        // A leading newline: sqlite3 would read an argument starting with "--" as an option.
        setup.arguments = [dir.appendingPathComponent("app.db").path, "\n" + ddl.stdout + "INSERT INTO app_note (body) VALUES ('hi');"]
        try setup.run()
        setup.waitUntilExit()
        #expect(setup.terminationStatus == 0)

        let script = try CLI.run(["evolve", "v1.victor", "v2.victor"], cwd: dir)
        #expect(script.status == 0)
        #expect(script.stdout.contains("ALTER TABLE app_note ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"))

        let run = try CLI.run(["evolve", "v1.victor", "v2.victor", "--database", "app.db"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("backed up app.db to app.db.before-v2.sqlite"))
        #expect(run.stdout.contains("evolved app.db to version 2: add column pinned to app_note"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("app.db.before-v2.sqlite").path))

        let again = try CLI.run(["evolve", "v1.victor", "v2.victor", "--database", "app.db"], cwd: dir)
        #expect(again.status == 0)
        #expect(again.stdout == "app.db is already at version 2\n")

        // Bad input: a missing database, and one at neither version; nothing is written.
        let missing = try CLI.run(["evolve", "v1.victor", "v2.victor", "--database", "nope.db"], cwd: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no database at 'nope.db'\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nope.db").path))
        let v3 = v2.replacingOccurrences(of: "version 2", with: "version 3").replacingOccurrences(of: "pinned: bool = false\n", with: "pinned: bool = false\n    color: text?\n")
        try v3.write(to: dir.appendingPathComponent("v3.victor"), atomically: true, encoding: .utf8)
        let drift = try CLI.run(["evolve", "v1.victor", "v3.victor", "--database", "app.db"], cwd: dir)
        #expect(drift.status == 1)
        #expect(drift.stderr == "error: the database records version 2, not version 1 of s\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("app.db.before-v3.sqlite").path))
    }
}
