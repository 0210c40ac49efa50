import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemagenDriver

private func write(_ text: String, name: String = "s.victor") throws -> String {
    let path = try temporaryDirectory().appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

private func read(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

@Suite("schemagen lint")
struct LintRunTests {
    @Test("a file that does not parse reports its errors in every format and exits 1", arguments: LintFormat.allCases)
    func parseErrors(_ format: LintFormat) throws {
        let path = try write("schema s version 1\ndomain app {\n  table app_user { id: integer primary key\n    name: strng\n  }\n}\n")
        let r = LintRun.run(paths: [path], format: format, strict: false, fix: false)
        #expect(r.exitCode == 1)
        switch format {
        case .text: #expect(r.output.contains(":4:11: error: unknown type 'strng'"))
        case .json:
            let a = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]])
            #expect(a.contains { $0["severity"] as? String == "error" && $0["line"] as? Int == 4 })
        case .sarif:
            let log = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
            let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
            #expect(results.contains { $0["level"] as? String == "error" })
        case .github: #expect(r.output.hasPrefix("::error file=\(path),line=4,col=11,"))
        }
    }

    @Test func missingFileIsAnError() throws {
        let r = LintRun.run(paths: ["/nonexistent/x.victor"], format: .json, strict: false, fix: false)
        #expect(r.exitCode == 1)
        let a = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]])
        #expect(a.count == 1)
    }

    @Test func exitCodesFollowSeverityAndStrict() throws {
        let warningsOnly = try write("schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    group: text\n  }\n}\n")
        #expect(LintRun.run(paths: [warningsOnly], format: .text, strict: false, fix: false).exitCode == 0)
        #expect(LintRun.run(paths: [warningsOnly], format: .text, strict: true, fix: false).exitCode == 1)
        let clean = try write("schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n}\n")
        let r = LintRun.run(paths: [clean, warningsOnly], format: .json, strict: false, fix: false)
        #expect(r.exitCode == 0)
        let a = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]])
        #expect(a.map { $0["rule"] as? String } == ["reserved-word"])
        #expect(LintRun.run(paths: [clean], format: .text, strict: true, fix: false).output == "")
    }

    @Test("--fix renames a table and every reference to it, then re-lints")
    func fixRenamesReferences() throws {
        let source = """
        schema s version 1
        domain app {
            table app_users { id: integer primary key }
            table app_post {
                id: integer primary key
                author_id: integer references app_users(id)
                editor_id: integer?
                displayName: text
                index post_author (author_id)
                foreign key (editor_id) references app_users
                index idx_post_editor (editor_id)
            }
            table app_login_history {
                id: integer primary key
                user_id: integer references app_users(id) on delete cascade
                index idx_login_user (user_id)
            }
        }

        """
        let path = try write(source)
        let r = LintRun.run(paths: [path], format: .json, strict: false, fix: true)
        let fixed = try read(path)
        #expect(fixed.contains("table app_user {"))
        #expect(!fixed.contains("app_users"))
        #expect(fixed.components(separatedBy: "references app_user").count == 4)
        #expect(fixed.contains("table app_login {"))
        #expect(fixed.contains("index idx_post_author (author_id)"))
        // Column renames are left to a person.
        #expect(fixed.contains("displayName: text"))
        #expect(r.log.contains("fixed [singular-table-name]"))
        #expect(r.log.contains("and 3 more edits (references to it)"))
        #expect(r.log.contains("fixed [redundant-suffix]"))
        #expect(r.log.contains("fixed [index-naming]"))
        // What remains: the column's snake-case error.
        let a = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]])
        #expect(a.compactMap { $0["rule"] as? String } == ["snake-case"])
        #expect(r.exitCode == 1)
        // The fixed file still resolves, and a second --fix changes nothing.
        let again = LintRun.run(paths: [path], format: .text, strict: false, fix: true)
        #expect(again.log.isEmpty)
        #expect(try read(path) == fixed)
    }

    @Test("--fix chains fixes on one name and skips renames onto taken names")
    func fixChainsAndCollisions() throws {
        let path = try write("schema s version 1\ndomain app {\n    table app_UserRoles { id: integer primary key }\n    table app_tags { id: integer primary key }\n    table app_tag { id: integer primary key }\n}\n")
        let r = LintRun.run(paths: [path], format: .text, strict: false, fix: true)
        let fixed = try read(path)
        #expect(fixed.contains("table app_user_role {"))
        #expect(fixed.contains("table app_tags {"), "app_tag is taken")
        #expect(r.output.contains("[singular-table-name]"))
    }

    @Test("--fix never makes two names collide: of two renames onto one new name, only the first is applied")
    func fixAvoidsNewCollisions() throws {
        let path = try write("schema s version 1\nlint { snake-case: error }\ndomain app {\n    table app_UserRole { id: integer primary key }\n    table app_user_roles { id: integer primary key }\n}\n")
        let r = LintRun.run(paths: [path], format: .json, strict: false, fix: true)
        let fixed = try read(path)
        #expect(fixed.components(separatedBy: "table app_user_role {").count - 1 == 1, "\(fixed)")
        #expect(!r.output.contains("duplicate-name"), "\(r.output)")
        #expect(r.log.contains("applied"))
    }

    @Test func fixLeavesAnUnparsableFileAlone() throws {
        let text = "schema s version 1\ndomain app {\n  table app_users { id: integer primary key\n    name: strng\n  }\n}\n"
        let path = try write(text)
        let r = LintRun.run(paths: [path], format: .text, strict: false, fix: true)
        #expect(r.exitCode == 1)
        #expect(try read(path) == text)
    }

    @Test func planAppliesOnlyOneFixPerOverlappingRange() {
        let file = SourceFile(path: "x", text: "abcdef")
        let a = Diagnostic(.error, "a", file: "x", range: SourceRange(start: 0, end: 3), rule: "snake-case",
                           fixIts: [FixIt(message: "a", range: SourceRange(start: 0, end: 3), replacement: "X")])
        let b = Diagnostic(.error, "b", file: "x", range: SourceRange(start: 2, end: 4), rule: "index-naming",
                           fixIts: [FixIt(message: "b", range: SourceRange(start: 2, end: 4), replacement: "Y")])
        let c = Diagnostic(.error, "c", file: "x", range: SourceRange(start: 4, end: 6), rule: "domain-prefix",
                           fixIts: [FixIt(message: "c", range: SourceRange(start: 4, end: 6), replacement: "Z")])
        let unsafe = Diagnostic(.warning, "u", file: "x", range: SourceRange(start: 5, end: 6), rule: "unused-suppression",
                                fixIts: [FixIt(message: "u", range: SourceRange(start: 5, end: 6), replacement: "")])
        let (edits, changes) = LintFix.plan([a, b, c, unsafe], file: file)
        #expect(changes.map(\.message) == ["a", "c"])
        #expect(String(decoding: LintFix.apply(edits, to: file).bytes, as: UTF8.self) == "XdZ")
    }
}
