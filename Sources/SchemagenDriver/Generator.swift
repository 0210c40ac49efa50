import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit

/// Every output for a schema, and writing them into a directory.
public enum Generator {
    /// Which outputs to produce.
    public struct OutputKinds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `<stem>.sql`: the SQLite DDL.
        public static let ddl = OutputKinds(rawValue: 1)
        /// `Swift/<stem>.swift`: row structs and DAOs.
        public static let swift = OutputKinds(rawValue: 2)
        public static let all: OutputKinds = [.ddl, .swift]
    }

    /// The files `schemagen generate` writes for a schema, named after the schema file's stem:
    /// `<stem>.sql` and `Swift/<stem>.swift`.
    public static func outputs(for schema: Schema, kinds: OutputKinds = .all) -> [GeneratedFile] {
        let stem = stemName(schema.file)
        var files: [GeneratedFile] = []
        if kinds.contains(.ddl) { files.append(GeneratedFile(path: "\(stem).sql", contents: DDLEmitter.emit(schema))) }
        if kinds.contains(.swift) { files.append(GeneratedFile(path: swiftOutputPath(forSchemaFile: schema.file), contents: SwiftEmitter.emit(schema, migrations: LaunchMigrations.build(schema, file: nil).chain))) }
        return files
    }

    /// What makes an output impossible to generate correctly (Swift names that would not compile),
    /// as located errors; `generate` writes nothing while there are any.
    public static func diagnostics(for schema: Schema, kinds: OutputKinds = .all) -> [Diagnostic] {
        kinds.contains(.swift) ? SwiftEmitter.diagnostics(for: schema) : []
    }

    /// The Swift output's path relative to the output directory, from the schema file's stem alone
    /// (so the build plugin can declare it before the schema is parsed): `Swift/<stem>.swift`.
    public static func swiftOutputPath(forSchemaFile path: String) -> String {
        "Swift/\(stemName(path)).swift"
    }

    /// Deletes outputs left by an earlier run (used when generation fails, so stale generated code
    /// can never be compiled). Returns the paths that were removed.
    @discardableResult
    public static func removeOutputs(_ relativePaths: [String], in directory: String) -> [String] {
        var removed: [String] = []
        for p in relativePaths {
            let path = (directory as NSString).appendingPathComponent(p)
            if FileManager.default.fileExists(atPath: path), (try? FileManager.default.removeItem(atPath: path)) != nil {
                removed.append(path)
            }
        }
        return removed
    }

    public static func stemName(_ path: String) -> String {
        let base = GeneratedHeader.sourceName(path)
        return base.hasSuffix(".victor") ? String(base.dropLast(".victor".count)) : base
    }

    public enum FileState: String, Sendable { case unchanged, created, changed }

    /// Compares each output with what is on disk.
    public static func states(of files: [GeneratedFile], in directory: String) -> [(GeneratedFile, FileState)] {
        files.map { f in
            let path = (directory as NSString).appendingPathComponent(f.path)
            guard let existing = FileManager.default.contents(atPath: path) else { return (f, .created) }
            return (f, existing == Data(f.contents.utf8) ? .unchanged : .changed)
        }
    }

    /// Writes the files that differ from what is on disk, each atomically; returns what changed.
    public static func write(_ files: [GeneratedFile], to directory: String) throws(AtomicWriter.WriteError) -> [(GeneratedFile, FileState)] {
        let states = states(of: files, in: directory)
        for (f, state) in states where state != .unchanged {
            try AtomicWriter.write(f.contents, to: (directory as NSString).appendingPathComponent(f.path))
        }
        return states
    }
}
