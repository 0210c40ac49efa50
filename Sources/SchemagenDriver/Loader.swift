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
