import Foundation
import Testing
import SchemagenTestSupport

/// Issue 11 at the level a user meets it: the built binary on crafted schema files.
struct HardeningTests {
    static func write(_ bytes: [UInt8], _ name: String = "s.victor") throws -> (dir: URL, file: URL) {
        let dir = try CLI.temp()
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return (dir, file)
    }
    static func write(_ text: String, _ name: String = "s.victor") throws -> (dir: URL, file: URL) {
        try write(Array(text.utf8), name)
    }


    // MARK: item 1: every nesting construct is bounded

    @Test(arguments: [3_500, 100_000])
    func deeplyNestedListIsALocatedError(_ depth: Int) throws {
        let (dir, file) = try Self.write("schema s version 1\nnaming {\n  max_words: " + String(repeating: "[", count: depth) + "1"
                                         + String(repeating: "]", count: depth) + "\n}\ndomain app { table app_a { id: integer primary key } }\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        for args in [["ddl", file.path], ["lint", file.path], ["lint", "--format", "json", file.path]] {
            let r = try CLI.run(args)
            #expect(r.status == 1, "\(args): status \(r.status)")
            let out = args.contains("json") ? r.stdout : r.stdout + r.stderr
            #expect(out.contains("lists nest more than 64 levels deep"), "\(args)")
            #expect(out.utf8.count < 4_000)
        }
        let r = try CLI.run(["ddl", file.path])
        #expect(r.stderr.hasPrefix("\(file.path):3:78: error: lists nest more than 64 levels deep\n"))
    }

    /// Parentheses in SQL, block comments and braces nest without recursion: 100,000 levels of
    /// each finish with a clean status (no signal) and bounded output.
    @Test(.timeLimit(.minutes(10)), arguments: ["paren-default", "paren-check", "paren-where", "paren-mapping", "block-comment", "braces", "tables"])
    func otherNestingConstructsAreBounded(_ construct: String) throws {
        let n = 100_000
        let open = String(repeating: "(", count: n), close = String(repeating: ")", count: n)
        let text: String
        switch construct {
        case "paren-default": text = "schema s version 1\ndomain app { table app_a {\n id: integer primary key\n x: integer = \(open)1\(close)\n} }\n"
        case "paren-check": text = "schema s version 1\ndomain app { table app_a {\n id: integer primary key\n x: integer check \(open)x > 0\(close)\n} }\n"
        case "paren-where": text = "schema s version 1\ndomain app { table app_a {\n id: integer primary key\n x: integer\n index idx_a_x (x) where \(open)x > 0\(close)\n} }\n"
        case "paren-mapping": text = "schema s version 1\ndomain app { table app_a {\n id: integer primary key\n x: integer\n from legacy_a {\n  x = \(open)1\(close)\n }\n} }\n"
        case "block-comment": text = "schema s version 1\n" + String(repeating: "/* ", count: n) + String(repeating: "*/ ", count: n) + "\ndomain app { table app_a { id: integer primary key } }\n"
        case "braces": text = "schema s version 1\ndomain app { table app_a { id: integer primary key\n" + String(repeating: "{", count: n) + "\n} }\n"
        default: text = "schema s version 1\n" + String(repeating: "table t {\n", count: n)
        }
        let (dir, file) = try Self.write(text)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["lint", file.path])
        #expect(r.status == 0 || r.status == 1, "\(construct): status \(r.status)")
        #expect(r.stdout.utf8.count + r.stderr.utf8.count < 64 * 1024, "\(construct)")
    }

    // MARK: item 2: diagnostics are bounded

    /// A hang guard, not a benchmark: the bound is minutes.
    @Test(.timeLimit(.minutes(10))) func lineOfBackticksIsOneError() throws {
        let (dir, file) = try Self.write("schema s version 1\n" + String(repeating: "`", count: 16_000) + "\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["ddl", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.components(separatedBy: "empty quoted identifier").count - 1 == 1)
        // The 16 KB line is echoed as a window around the caret, not whole.
        #expect(r.stderr.utf8.count < 2_000, "\(r.stderr.utf8.count) bytes")
    }

    /// A hang guard, not a benchmark: the bound is minutes.
    @Test(.timeLimit(.minutes(10))) func megabyteIdentifierFinishesQuickly() throws {
        let (dir, file) = try Self.write("schema s version 1\ndomain app {\n  table app_" + String(repeating: "a", count: 1_000_000) + " { id: integer primary key }\n  table app_b { x: strng }\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["lint", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("unknown type 'strng'"))
        #expect(r.stdout.utf8.count < 8_000, "\(r.stdout.utf8.count) bytes")
    }

    /// A hang guard, not a benchmark: the bound is minutes.
    @Test(.timeLimit(.minutes(10))) func hundredThousandNestedTablesAreCappedAndQuick() throws {
        let (dir, file) = try Self.write("schema s version 1\n" + String(repeating: "table t {\n", count: 100_000))
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["ddl", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.components(separatedBy: ": error: ").count - 1 == 100, "a cap of 100 diagnostics per file")
        #expect(r.stderr.contains("…and "))
        #expect(r.stderr.contains("more errors (only the first 100 are shown)"))
        #expect(r.stderr.contains("parsing stopped at line"))
    }

    // MARK: item 5: control characters in names

    @Test(arguments: [[UInt8(0)], [UInt8(0x0D)], [UInt8(0x1B)], [0xE2, 0x80, 0xA8]])
    func controlCharacterInABacktickedNameIsALocatedError(_ bad: [UInt8]) throws {
        let bytes = Array("schema s version 1\ndomain app { table `app_".utf8) + bad + Array("x` { id: integer primary key } }\n".utf8)
        let (dir, file) = try Self.write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["ddl", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("\(file.path):2:25: error: a quoted name cannot contain control character U+"))
        // The echoed line carries no raw control character.
        #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x2028 })
    }

    // MARK: item 11: versions fit PRAGMA user_version

    @Test(arguments: ["2147483648", "4294967296", "99999999999999999999"])
    func versionBeyondInt32IsALocatedError(_ version: String) throws {
        let (dir, file) = try Self.write("schema s version \(version)\ndomain app { table app_a { id: integer primary key } }\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["ddl", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("\(file.path):1:18: error: schema version \(version) is too large"))
        let ok = try Self.write("schema s version 2147483647\ndomain app { table app_a { id: integer primary key } }\n")
        defer { try? FileManager.default.removeItem(at: ok.dir) }
        #expect(try CLI.run(["ddl", ok.file.path]).status == 0)
    }

    // MARK: item 16: lint --fix keeps quoting, symlinks and permissions

    @Test func fixKeepsQuoting() throws {
        // snake-case off, so the singular is the only fix and its spelling needs the backticks.
        let (dir, file) = try Self.write("schema s version 1\nlint { snake-case: off }\ndomain app {\n  table `app_big users` { id: integer primary key }\n  table app_ref { id: integer primary key\n    u: integer references `app_big users`(id)\n  }\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try CLI.run(["lint", "--fix", file.path])
        let fixed = try String(contentsOf: file, encoding: .utf8)
        #expect(fixed.contains("table `app_big user` {"), "\(fixed)")
        #expect(fixed.contains("references `app_big user`(id)"), "\(fixed)")
        // Still parses: what remains are lint findings only.
        let again = try CLI.run(["lint", "--format", "json", file.path])
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [[String: Any]])
        #expect(findings.allSatisfy { ($0["rule"] as? String).map { !$0.contains("/") } ?? false }, "\(again.stdout)")
    }

    @Test func fixFollowsSymlinksAndKeepsPermissions() throws {
        let (dir, file) = try Self.write("schema s version 1\ndomain app {\n  table app_users { id: integer primary key }\n}\n", "real.victor")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(chmod(file.path, 0o600) == 0)
        let link = dir.appendingPathComponent("link.victor")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real.victor")
        let r = try CLI.run(["lint", "--fix", link.path])
        #expect(r.stderr.contains("applied 1 fix"), "\(r.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real.victor")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("table app_user {"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["link.victor", "real.victor"])
    }

    // MARK: item 17: generate writes one set and never overwrites a hand-written file

    @Test func handWrittenOutputIsNeverOverwrittenWithoutForce() throws {
        let (dir, file) = try Self.write("schema s version 1\ndomain app { table app_a { id: integer primary key } }\n", "notes.victor")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let mine = out.appendingPathComponent("notes.sql")
        try "my own notes\n".write(to: mine, atomically: true, encoding: .utf8)
        let r = try CLI.run(["generate", file.path, "--output", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not written by schemagen"), "\(r.stderr)")
        #expect(r.stderr.contains("--force"))
        #expect(try String(contentsOf: mine, encoding: .utf8) == "my own notes\n")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("Swift/notes").path), "nothing written")
        let forced = try CLI.run(["generate", file.path, "--output", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOf: mine, encoding: .utf8).hasPrefix("-- Generated by schemagen"))
        // The build plugin's path refuses the same way.
        let swift = out.appendingPathComponent("Swift/notes/AppA.swift")
        try "struct Mine {}\n".write(to: swift, atomically: true, encoding: .utf8)
        let plugin = try CLI.run(["generate", file.path, "--output", out.path, "--swift-only"])
        #expect(plugin.status == 1)
        #expect(try String(contentsOf: swift, encoding: .utf8) == "struct Mine {}\n")
    }

    @Test func concurrentGenerateRunsNeverMixOutputs() throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        var table = "domain app {\n"
        for i in 0..<200 { table += "  table app_t\(i) { id: integer primary key\n    v: text\n  }\n" }
        try ("schema one version 1\n" + table + "}\n").write(to: a.appendingPathComponent("s.victor"), atomically: true, encoding: .utf8)
        try ("schema two version 2\n" + table.replacingOccurrences(of: "v: text", with: "w: integer") + "}\n").write(to: b.appendingPathComponent("s.victor"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        for round in 0..<12 {
            let paths = round % 2 == 0 ? [a, b] : [b, a]
            let procs = paths.map { p -> Process in
                let proc = Process()
                proc.executableURL = SchemagenCLI.binary
                proc.arguments = ["generate", p.appendingPathComponent("s.victor").path, "--output", out.path]
                proc.standardOutput = FileHandle.nullDevice
                proc.standardError = FileHandle.nullDevice
                return proc
            }
            for p in procs { try p.run() }
            for p in procs { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
            let sql = try String(contentsOf: out.appendingPathComponent("s.sql"), encoding: .utf8)
            let swift = try String(contentsOf: out.appendingPathComponent("Swift/s/AppT0.swift"), encoding: .utf8)
            let sqlIsOne = sql.contains("Schema one, version 1"), swiftIsOne = swift.contains("v: String")
            #expect(sqlIsOne == swiftIsOne, "round \(round): s.sql and Swift/s/AppT0.swift come from different schemas")
        }
    }
}
