import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaQuery

/// Every output for a schema, and writing them into a directory.
public enum Generator {
    /// Which outputs to produce.
    public struct OutputKinds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `<stem>.sql`: the SQLite DDL.
        public static let ddl = OutputKinds(rawValue: 1)
        /// `Swift/<stem>/*.swift`: row structs, DAOs, queries and the schema enum (`SwiftLayout`).
        public static let swift = OutputKinds(rawValue: 2)
        public static let all: OutputKinds = [.ddl, .swift]
    }

    /// How the Swift output is split (docs/PLUGIN.md, "Output layout").
    public enum SwiftLayout: Sendable, Hashable {
        /// `Swift/<stem>/<Schema>DDL.swift`, one `Swift/<stem>/<Type>.swift` per table and, when the
        /// schema has views or schema-wide queries, `Swift/<stem>/<Schema>Queries.swift`
        /// (`schemagen generate`).
        case perTable
        /// `Swift/<stem>/<stem>.swift` and `Swift/<stem>/<stem>.1.swift` … `<stem>.<N>.swift`, tables
        /// hashed by name: the names depend on the schema file's name and N alone, so the build
        /// plugin can declare them up front (`generate --swift-only --shards N`).
        case shards(Int)
    }

    /// The files `schemagen generate` writes for a schema, named after the schema file's stem:
    /// `<stem>.sql` and the Swift files under `Swift/<stem>/`.
    public static func outputs(for schema: Schema, kinds: OutputKinds = .all, queries: QueryAnalysis = .empty,
                               swiftLayout: SwiftLayout = .perTable) -> [GeneratedFile] {
        let stem = stemName(schema.file)
        var files: [GeneratedFile] = []
        if kinds.contains(.ddl) { files.append(GeneratedFile(path: "\(stem).sql", contents: DDLEmitter.emit(schema))) }
        if kinds.contains(.swift) {
            let layout: SwiftEmitter.FileLayout
            switch swiftLayout {
            case .perTable: layout = .perTable
            case .shards(let n): layout = .shards(count: n, prefix: stem)
            }
            let directory = swiftDirectory(forSchemaFile: schema.file)
            files += SwiftEmitter.emitFiles(schema, queries: queries, migrations: LaunchMigrations.build(schema, file: nil).chain, layout: layout)
                .map { GeneratedFile(path: "\(directory)/\($0.path)", contents: $0.contents) }
        }
        return files
    }

    /// What makes an output impossible to generate correctly (Swift names that would not compile),
    /// as located errors; `generate` writes nothing while there are any.
    public static func diagnostics(for schema: Schema, kinds: OutputKinds = .all) -> [Diagnostic] {
        kinds.contains(.swift) ? SwiftEmitter.diagnostics(for: schema) : []
    }

    /// The directory of the Swift output relative to the output directory, from the schema file's
    /// stem alone: `Swift/<stem>`. Every generated `.swift` file directly in it belongs to this schema.
    public static func swiftDirectory(forSchemaFile path: String) -> String {
        "Swift/\(stemName(path))"
    }

    /// The single file earlier versions wrote (`Swift/<stem>.swift`); removed as stale when found.
    public static func legacySwiftPath(forSchemaFile path: String) -> String {
        "Swift/\(stemName(path)).swift"
    }

    /// The sharded Swift output's paths for `shards` N, from the schema file's name alone (what the
    /// build plugin declares): `Swift/<stem>/<stem>.swift`, `Swift/<stem>/<stem>.1.swift` … `.N.swift`.
    public static func shardPaths(forSchemaFile path: String, count: Int) -> [String] {
        let stem = stemName(path)
        return ["Swift/\(stem)/\(stem).swift"] + (1...max(count, 1)).map { "Swift/\(stem)/\(stem).\($0).swift" }
    }

    /// Generated files of this schema's Swift output on disk that are not in `files`: every `.swift`
    /// directly in `Swift/<stem>/` with schemagen's header, and the legacy `Swift/<stem>.swift`.
    /// Files without the header are never listed (they are not schemagen's). Relative paths, sorted.
    public static func staleSwiftFiles(keeping files: [GeneratedFile], schemaFile: String, in directory: String) -> [String] {
        let keep = Set(files.map(\.path))
        let swiftDir = swiftDirectory(forSchemaFile: schemaFile)
        var candidates = [legacySwiftPath(forSchemaFile: schemaFile)]
        if let names = try? FileManager.default.contentsOfDirectory(atPath: (directory as NSString).appendingPathComponent(swiftDir)) {
            candidates += names.filter { $0.hasSuffix(".swift") && !$0.hasPrefix(".") }.map { "\(swiftDir)/\($0)" }
        }
        return candidates.filter { p in
            guard !keep.contains(p) else { return false }
            let full = (directory as NSString).appendingPathComponent(p)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
                  let data = FileManager.default.contents(atPath: full) else { return false }
            return isGenerated(data)
        }.sorted()
    }

    /// Deletes outputs left by an earlier run (used when generation fails, so stale generated code
    /// can never be compiled). Only files schemagen wrote (with its header) are removed. Returns
    /// the paths that were removed.
    @discardableResult
    public static func removeOutputs(_ relativePaths: [String], in directory: String) -> [String] {
        var removed: [String] = []
        for p in relativePaths {
            let path = (directory as NSString).appendingPathComponent(p)
            guard let data = FileManager.default.contents(atPath: path), isGenerated(data) else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Whether existing file contents were written by schemagen: its first lines carry the
    /// generated-file header (`// Generated by schemagen from …` / `-- Generated by schemagen …`).
    public static func isGenerated(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(512), as: UTF8.self)
        return head.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).prefix(3)
            .contains { $0.hasPrefix("// Generated by schemagen") || $0.hasPrefix("-- Generated by schemagen") || $0.hasPrefix("<!-- Generated by schemagen") }
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

    /// Writes the files that differ from what is on disk, as one set; returns what changed.
    ///
    /// The output directory is locked (`flock`) for the whole compare-and-write, so two runs into
    /// one directory never interleave their files; each file is written atomically. A file that
    /// exists and was not written by schemagen (no generated header) is refused — nothing at all
    /// is written — unless `force` is set.
    public static func write(_ files: [GeneratedFile], to directory: String, force: Bool = false) throws(AtomicWriter.WriteError) -> [(GeneratedFile, FileState)] {
        try write(files, to: directory, force: force, removingStale: { _ in [] }).states
    }

    /// `write`, and then, still under the lock, removes the files `removingStale` lists (relative
    /// paths, computed under the lock: e.g. `staleSwiftFiles`); returns what changed and the paths
    /// removed. Each file is written atomically before any is removed.
    public static func write(_ files: [GeneratedFile], to directory: String, force: Bool = false,
                             removingStale stale: (String) -> [String]) throws(AtomicWriter.WriteError) -> (states: [(GeneratedFile, FileState)], removed: [String]) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicWriter.WriteError(path: directory, reason: "cannot create the output directory: \((error as NSError).localizedDescription)")
        }
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else { throw AtomicWriter.WriteError(path: directory, reason: "cannot open the output directory: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw AtomicWriter.WriteError(path: directory, reason: "cannot lock the output directory: \(String(cString: strerror(errno)))") }
        }
        defer { _ = flock(fd, LOCK_UN) }
        let states = states(of: files, in: directory)
        if !force {
            let foreign = states.filter { f, state in
                state == .changed && !(FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(f.path)).map(isGenerated) ?? true)
            }
            if let (first, _) = foreign.first {
                let names = foreign.map { (directory as NSString).appendingPathComponent($0.0.path) }
                throw AtomicWriter.WriteError(path: (directory as NSString).appendingPathComponent(first.path),
                                              reason: "\(names.count == 1 ? "it was" : "\(names.joined(separator: ", ")) were") not written by schemagen (no generated header); nothing was written. Move \(names.count == 1 ? "it" : "them") away or pass --force to overwrite")
            }
        }
        for (f, state) in states where state != .unchanged {
            try AtomicWriter.write(f.contents, to: (directory as NSString).appendingPathComponent(f.path))
        }
        var removed: [String] = []
        for p in stale(directory) {
            let full = (directory as NSString).appendingPathComponent(p)
            do { try FileManager.default.removeItem(atPath: full) } catch {
                throw AtomicWriter.WriteError(path: full, reason: "cannot remove a stale generated file: \((error as NSError).localizedDescription)")
            }
            removed.append(p)
        }
        return (states, removed)
    }
}
