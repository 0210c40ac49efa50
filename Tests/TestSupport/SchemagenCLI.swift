import Foundation

/// Runs the `schemagen` binary that `swift test` builds beside the test bundle, for the test
/// targets that check the CLI itself (exit codes, stdout, stderr, files written).
public enum SchemagenCLI {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The directory holding the built products (the test bundle sits in it or below it).
    public static var productsDirectory: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("schemagen").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    public static var binary: URL { productsDirectory.appendingPathComponent("schemagen") }

    /// Runs `schemagen ARGS` with NO_COLOR set. `shellPrefix` runs it through `/bin/sh -c` after
    /// that shell text (e.g. `ulimit -f 64;`); `environment` adds variables.
    public static func run(_ args: [String], cwd: URL? = nil, shellPrefix: String? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        if let shellPrefix {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", shellPrefix + " exec \"$0\" \"$@\"", binary.path] + args
        } else {
            p.executableURL = binary
            p.arguments = args
        }
        if let cwd { p.currentDirectoryURL = cwd }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ prefix: String = "schemagen") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
