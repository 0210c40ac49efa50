import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit

/// Every output for a schema, and writing them into a directory.
public enum Generator {
    /// The files `schemagen generate` writes for a schema, named after the schema file's stem.
    public static func outputs(for schema: Schema) -> [GeneratedFile] {
        let stem = stemName(schema.file)
        return [GeneratedFile(path: "\(stem).sql", contents: DDLEmitter.emit(schema))]
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
