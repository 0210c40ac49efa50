import Foundation
import SchemaSyntax
import SchemaModel
import SchemaLint

/// A schema file run through `SchemaPipeline`: its diagnostics, and the checked schema when it
/// has no errors. Only the pipeline creates one.
public struct LoadedSchema: Sendable {
    public let file: SourceFile
    /// The schema as far as it resolved, errors or not: `package`, for this package's own tests
    /// and tools. Outside the package a schema is only reachable through `checked`.
    package let schema: Schema
    /// Diagnostics of every stage that ran, in file order, capped per file (see `omittedDiagnostics`).
    public let diagnostics: [Diagnostic]
    /// How many diagnostics the per-file cap left out (counted in the final summary note).
    public let omittedDiagnostics: Int
    /// The schema, when no stage reported an error.
    public let checked: CheckedSchema?
    public var hasErrors: Bool { checked == nil }
    /// How long each stage of the run took, in order (`SCHEMAGEN_TIMINGS=1` prints them; the
    /// generator-at-scale benchmark reads them).
    public var stageTimes: [StageTime] = []
}

/// The wall time of one pipeline stage.
public struct StageTime: Sendable, Hashable {
    public var stage: String
    /// Wall time.
    public var seconds: Double
    /// CPU time of the process (user + system) meanwhile: the stages run on one thread, and on a
    /// loaded machine this is the steadier figure.
    public var cpuSeconds: Double
    public init(stage: String, seconds: Double, cpuSeconds: Double = 0) { self.stage = stage; self.seconds = seconds; self.cpuSeconds = cpuSeconds }

    static func processCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Whether the CLI prints stage times to standard error (`SCHEMAGEN_TIMINGS=1`).
    public static var enabled: Bool { ProcessInfo.processInfo.environment["SCHEMAGEN_TIMINGS"].map { !$0.isEmpty && $0 != "0" } ?? false }

    /// `timing: <path>: parse+resolve 12.3 ms (cpu 12.1), integrity 4.5 ms (cpu 4.5), …`, one line.
    public static func line(_ times: [StageTime], path: String) -> String {
        "timing: \(path): " + times.map { "\($0.stage) \(String(format: "%.1f", $0.seconds * 1000)) ms (cpu \(String(format: "%.1f", $0.cpuSeconds * 1000)))" }.joined(separator: ", ") + "\n"
    }

    /// Times `body` as the stage `stage`, appending to `times`.
    public static func measure<T>(_ stage: String, into times: inout [StageTime], _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let cpu = processCPUTime()
        let result = try body()
        let d = ContinuousClock.now - start
        times.append(StageTime(stage: stage, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18,
                               cpuSeconds: processCPUTime() - cpu))
        return result
    }
}

/// A file that could not be read at all: one clear line, exit code 1.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "error: cannot read '\(path)': \(reason)" }
}

public enum SchemaLoader {
    /// Schema files larger than this are refused before parsing.
    public static let maxFileSize = 64 * 1024 * 1024

    public static func read(_ path: String) throws(LoadError) -> SourceFile {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError(path: path, reason: "no such file")
        }
        if isDir.boolValue { throw LoadError(path: path, reason: "it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LoadError(path: path, reason: "permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(path: path, reason: (error as NSError).localizedDescription)
        }
        if data.count > maxFileSize {
            throw LoadError(path: path, reason: "the file is \(data.count / 1024 / 1024) MiB; schema files are limited to \(maxFileSize / 1024 / 1024) MiB")
        }
        return SourceFile(path: path, bytes: [UInt8](data))
    }

    /// `SchemaPipeline()` (parse, resolve, integrity, standard checks) over a file's contents.
    public static func load(_ file: SourceFile) -> LoadedSchema {
        SchemaPipeline().run(file)
    }

    public static func load(path: String) throws(LoadError) -> LoadedSchema {
        try SchemaPipeline().run(path: path)
    }
}
