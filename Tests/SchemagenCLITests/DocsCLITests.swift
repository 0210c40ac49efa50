import Foundation
import Testing

/// `schemagen docs`: writing, `--check`, pages of removed domains, and refusing a broken schema.
struct DocsCLITests {
    static let schema = """
        schema s version 1
        /// Apps.
        domain app "Applications" {
            table app_user {
                id: integer primary key
            }
        }
        domain sys "System" {
            table sys_flag {
                id: integer primary key
                user_id: integer? references app_user(id)
            }
        }

        """

    static func files(in dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test func writesPagesAndChecksThem() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaFile = dir.appendingPathComponent("s.victor")
        try Self.schema.write(to: schemaFile, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("docs")

        // --check before anything exists: exit 1, every page named, nothing written.
        let missing = try CLI.run(["docs", schemaFile.path, "--output", out.path, "--check"])
        #expect(missing.status == 1)
        #expect(missing.stdout == "\(out.path)/README.md: missing\n\(out.path)/app.md: missing\n\(out.path)/sys.md: missing\n")
        #expect(missing.stderr == "error: 3 documentation files are stale; run `schemagen docs \(schemaFile.path) --output \(out.path)`\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let write = try CLI.run(["docs", schemaFile.path, "--output", out.path])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stdout == "created \(out.path)/README.md\ncreated \(out.path)/app.md\ncreated \(out.path)/sys.md\n")
        #expect(Self.files(in: out) == ["README.md", "app.md", "sys.md"])
        let sys = try String(contentsOf: out.appendingPathComponent("sys.md"), encoding: .utf8)
        #expect(sys.contains("[`app_user`](app.md#table-app_user)"))

        let fresh = try CLI.run(["docs", schemaFile.path, "--output", out.path, "--check"])
        #expect(fresh.status == 0 && fresh.stdout.isEmpty && fresh.stderr.isEmpty)

        // An edited page (its generated header kept) is out of date; --check leaves it as it is.
        let edited = out.appendingPathComponent("app.md")
        let header = try String(contentsOf: edited, encoding: .utf8).split(separator: "\n", maxSplits: 1)[0]
        let handEdited = header + "\nhand-edited\n"
        try handEdited.write(to: edited, atomically: true, encoding: .utf8)
        let stale = try CLI.run(["docs", schemaFile.path, "--output", out.path, "--check"])
        #expect(stale.status == 1)
        #expect(stale.stdout == "\(out.path)/app.md: out of date\n")
        #expect(try String(contentsOf: edited, encoding: .utf8) == handEdited)
        #expect(try CLI.run(["docs", schemaFile.path, "--output", out.path]).stdout == "updated \(out.path)/app.md\n")
    }

    @Test func pagesOfRemovedDomainsAreNamedAndRemovedButOtherFilesStay() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaFile = dir.appendingPathComponent("s.victor")
        try Self.schema.write(to: schemaFile, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("docs")
        #expect(try CLI.run(["docs", schemaFile.path, "--output", out.path]).status == 0)
        try "# My notes\n".write(to: out.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)

        // Drop the sys domain: sys.md is a leftover of ours, notes.md is not.
        let smaller = Self.schema.components(separatedBy: "domain sys")[0]
        try smaller.write(to: schemaFile, atomically: true, encoding: .utf8)
        let check = try CLI.run(["docs", schemaFile.path, "--output", out.path, "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(out.path)/sys.md: no longer generated\n"))
        #expect(!check.stdout.contains("notes.md"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sys.md").path))

        let write = try CLI.run(["docs", schemaFile.path, "--output", out.path])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stdout.hasSuffix("removed \(out.path)/sys.md\n"))
        #expect(Self.files(in: out) == ["README.md", "app.md", "notes.md"])
    }

    @Test func brokenSchemaWritesNothing() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaFile = dir.appendingPathComponent("bad.victor")
        try "schema s version 1\ntable t {\n  id: intgr primary key\n}\n".write(to: schemaFile, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("docs")
        let r = try CLI.run(["docs", schemaFile.path, "--output", out.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("\(schemaFile.path):3:7: error: unknown type 'intgr'"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func repoDocsAreFresh() throws {
        let r = try CLI.run(["docs", "schema.victor", "--output", "docs/schema", "--check"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
