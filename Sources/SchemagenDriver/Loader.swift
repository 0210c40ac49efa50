import Foundation
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaCheck

/// A schema file read, parsed, resolved and checked for integrity.
public struct LoadedSchema: Sendable {
    public var file: SourceFile
    public var schema: Schema
    /// Syntax, semantic and integrity-rule diagnostics, in file order.
    public var diagnostics: [Diagnostic]
    public var hasErrors: Bool { diagnostics.hasErrors }
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

    /// Parses, resolves and runs the integrity rules.
    public static func load(_ file: SourceFile) -> LoadedSchema {
        let (schema, diagnostics) = Resolver.load(file)
        var all = diagnostics
        // Integrity rules run even when the file has other errors, so one run reports everything.
        all += Linter().lint(schema, file: file, only: [.integrity]).filter { $0.severity == .error }
        // SQL written in the file, verified by SQLite (the emitted DDL as a whole only when all else is clean).
        all += SQLFragmentCheck.diagnostics(for: schema, file: file, checkScript: !all.hasErrors)
        return LoadedSchema(file: file, schema: schema, diagnostics: all.sorted { $0.range.start < $1.range.start })
    }

    public static func load(path: String) throws(LoadError) -> LoadedSchema {
        load(try read(path))
    }
}
