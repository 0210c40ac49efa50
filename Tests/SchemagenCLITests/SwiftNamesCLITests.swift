import Foundation
import Testing
import SchemagenTestSupport

/// Issue 11 item 15 at the level a user meets it: two tables whose Swift names collide make
/// `generate` (and the plugin's `--swift-only`) refuse with a located error and change no file.
struct SwiftNamesCLITests {
    static let schema = """
        schema c version 1
        naming { require_domain: false }
        table app_x_y {
            id: integer primary key
        }
        table `app_xY` {
            id: integer primary key
        }
        """

    @Test(arguments: [false, true]) func collidingTypeNamesRefuseAndLeaveFilesAlone(swiftOnly: Bool) throws {
        let dir = try CLI.temp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.victor")
        try Self.schema.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("Swift"), withIntermediateDirectories: true)
        let sql = out.appendingPathComponent("c.sql")
        try "-- earlier\n".write(to: sql, atomically: true, encoding: .utf8)

        let r = try CLI.run(["generate", file.path, "--output", out.path] + (swiftOnly ? ["--swift-only"] : []))
        #expect(r.status == 1)
        #expect(r.stderr.contains("c.victor:6:7: error: table 'app_xY' gets the Swift type name 'AppXY', already used by table 'app_x_y'; name it with @swift(\"AppXY2\")"))
        #expect(r.stderr.contains("c.victor:3:7: note: table 'app_x_y' is declared here"))
        #expect(try String(contentsOf: sql, encoding: .utf8) == "-- earlier\n")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("Swift/c.swift").path))

        // With the suggested rename, the same run succeeds.
        let fixed = Self.schema.replacingOccurrences(of: "table `app_xY`", with: "@swift(\"AppXY2\") table `app_xY`")
        try fixed.write(to: file, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["generate", file.path, "--output", out.path] + (swiftOnly ? ["--swift-only"] : []))
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("Swift/c.swift"), encoding: .utf8).contains("public struct AppXY2: Codable"))
    }
}
