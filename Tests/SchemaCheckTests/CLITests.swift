import Foundation
import Testing
import SchemagenRuntime
import SchemagenTestSupport

/// The injection of issue 11 at the level a user meets it: the CLI.
struct InjectionCLITests {
    static let v1 = """
        schema app version 1

        domain app {
            table app_victim {
                id: integer primary key
                note: text
            }
            table app_t {
                id: integer primary key
                x: integer
            }
        }

        """
    /// Version 2 adds an index whose `where` would close its statement and drop the victim.
    static let v2 = v1.replacingOccurrences(of: "version 1", with: "version 2")
        .replacingOccurrences(of: "        x: integer\n", with: "        x: integer\n        index idx_t_x (x) where x > 0; DROP TABLE app_victim; SELECT 1\n")
    static let located = "v2.victor:11:38: error: ';' would end the SQL statement here; the where clause of index 'idx_t_x' must be a single expression"

    func directory() throws -> URL {
        let dir = try SchemagenCLI.temporaryDirectory("schemagen-check")
        try Self.v1.write(to: dir.appendingPathComponent("v1.victor"), atomically: true, encoding: .utf8)
        try Self.v2.write(to: dir.appendingPathComponent("v2.victor"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func ddlRefusesWithTheLocatedErrorAndPrintsNoSQL() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SchemagenCLI.run(["ddl", "v2.victor"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix(Self.located + "\n"), "\(r.stderr)")
        // The source line, and the caret under the ';'.
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count > 2 && lines[1].hasSuffix("index idx_t_x (x) where x > 0; DROP TABLE app_victim; SELECT 1"))
        if lines.count > 2, let semicolon = lines[1].firstIndex(of: ";") {
            #expect(lines[2] == String(repeating: " ", count: lines[1].distance(from: lines[1].startIndex, to: semicolon)) + "^")
        }
    }

    @Test func generateRefusesAndWritesNothing() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for args in [["generate", "v2.victor", "--output", "out"], ["generate", "v2.victor", "--output", "out", "--swift-only"]] {
            let r = try SchemagenCLI.run(args, cwd: dir)
            #expect(r.status == 1)
            #expect(r.stderr.hasPrefix(Self.located + "\n"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/v2.sql").path))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/Swift/v2.swift").path))
        }
    }

    @Test func lintFails() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SchemagenCLI.run(["lint", "v2.victor"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains(Self.located), "\(r.stdout)\(r.stderr)")
    }

    @Test func evolveToAMaliciousVersionRefusesBeforeTouchingTheDatabase() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ddl = try SchemagenCLI.run(["ddl", "v1.victor"], cwd: dir)
        #expect(ddl.status == 0)
        let path = dir.appendingPathComponent("app.db").path
        do {
            let db = try Database(path: path)
            try db.execute(ddl.stdout)
            try db.execute("INSERT INTO app_victim (note) VALUES ('keep me'), ('and me')")
            db.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        for args in [["evolve", "v1.victor", "v2.victor", "--database", "app.db"],
                     ["evolve", "v1.victor", "v2.victor", "--database", "app.db", "--allow-data-loss"],
                     ["evolve", "v1.victor", "v2.victor"]] {
            let r = try SchemagenCLI.run(args, cwd: dir)
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty, "\(r.stdout)")
            #expect(r.stderr.hasPrefix(Self.located + "\n"), "\(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == filesBefore)
        let db = try Database(path: path)
        defer { db.close() }
        var rows: Int64 = 0
        try db.withStatement(sql: "SELECT count(*) FROM app_victim") { stmt throws(DatabaseError) in
            _ = try stmt.step(); rows = try stmt.int64(0)
        }
        #expect(rows == 2)
    }
}
