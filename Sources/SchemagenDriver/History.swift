import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaSQL

/// A schema's frozen history (docs/MIGRATION.md, "Releasing a version"): one file per released
/// version in `<stem>.history/` beside the schema file, `v<N>.victor`, holding a header line
///
///     // schemagen frozen: version N of schema.victor, sha256 <hex of the rest>; do not edit
///
/// and then the schema file's text exactly as it was released, so an old version is re-read by the
/// same pipeline as the current one, and an edit of a released file is caught by its own hash.
public struct SchemaHistory: Sendable {
    public struct Version: Sendable {
        public var version: Int
        /// The frozen file.
        public var path: String
        /// The released schema text (the frozen file without its header line).
        public var text: String
        /// Where the schema text starts in the frozen file (after the header line).
        public var loaded: LoadedSchema
    }

    /// A broken history: the frozen file and what is wrong, printed `path:1:1: error: message`.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var message: String
        public init(path: String, message: String) { self.path = path; self.message = message }
        public var description: String { "\(path):1:1: error: \(message)" }
    }

    /// The frozen versions, ascending.
    public var versions: [Version]
    public var directory: String

    /// `<dir>/<stem>.history` for `<dir>/<stem>.victor`.
    public static func directory(forSchemaFile path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return (dir as NSString).appendingPathComponent("\(Generator.stemName(path)).history")
    }

    /// True for a file inside a history directory (the build plugin skips them as schemas).
    public static func isFrozenFile(_ path: String) -> Bool {
        (path as NSString).deletingLastPathComponent.hasSuffix(".history")
    }

    public static func fileName(version: Int) -> String { "v\(version).victor" }

    static let marker = "// schemagen frozen: version "

    /// The frozen file for `text`, released as `version`.
    public static func frozenText(_ text: String, version: Int, schemaFile: String) -> String {
        "\(marker)\(version) of \(GeneratedHeader.sourceName(schemaFile)), sha256 \(SHA256.hex(Array(text.utf8))); do not edit\n" + text
    }

    /// The frozen files of `schemaFile` (none when its history directory does not exist), each read
    /// back through the pipeline. Throws the first problem: a file edited after it was frozen, a
    /// version that disagrees with its file name or header, a gap, a duplicate, a schema error.
    public static func load(forSchemaFile schemaFile: String) throws(Problem) -> SchemaHistory {
        let directory = directory(forSchemaFile: schemaFile)
        var history = SchemaHistory(versions: [], directory: directory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else { return history }
        guard isDir.boolValue else { throw Problem(path: directory, message: "the history of \(GeneratedHeader.sourceName(schemaFile)) must be a directory") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw Problem(path: directory, message: "cannot read the history directory: \(error.localizedDescription)")
        }
        var byVersion: [Int: String] = [:]
        for name in names.sorted() where name.hasSuffix(".victor") {
            let path = (directory as NSString).appendingPathComponent(name)
            let file: SourceFile
            do { file = try SchemaLoader.read(path) } catch { throw Problem(path: path, message: error.reason) }
            guard let all = String(bytes: file.bytes, encoding: .utf8), let newline = all.firstIndex(of: "\n"),
                  all.hasPrefix(marker) else {
                throw Problem(path: path, message: "not a frozen schema version (its first line must be the '\(marker)…' header `schemagen migrations freeze` writes)")
            }
            let header = String(all[..<newline])
            let text = String(all[all.index(after: newline)...])
            let fields = header.dropFirst(marker.count).split(separator: " ")
            guard let declared = fields.first.flatMap({ Int($0) }), let hashField = fields.firstIndex(of: "sha256"), hashField + 1 < fields.count else {
                throw Problem(path: path, message: "the frozen header is damaged: \(header)")
            }
            let hash = fields[hashField + 1].trimmingCharacters(in: CharacterSet(charactersIn: ";"))
            if hash != SHA256.hex(Array(text.utf8)) {
                throw Problem(path: path, message: "version \(declared) was edited after it was frozen (its text no longer matches its sha256); restore it from version control — a released version never changes, release a new version instead")
            }
            if name != fileName(version: declared) {
                throw Problem(path: path, message: "the file holds version \(declared) but is named \(name); expected \(fileName(version: declared))")
            }
            let loaded = SchemaLoader.load(SourceFile(path: path, text: text))
            if loaded.hasErrors {
                let first = loaded.diagnostics.first { $0.severity == .error }
                throw Problem(path: path, message: "frozen version \(declared) no longer reads cleanly: \(first?.message ?? "schema errors")")
            }
            if loaded.schema.version != declared {
                throw Problem(path: path, message: "the header says version \(declared) but the schema text says version \(loaded.schema.version)")
            }
            if let other = byVersion[declared] {
                throw Problem(path: path, message: "version \(declared) is frozen twice (also in \(other))")
            }
            byVersion[declared] = path
            history.versions.append(Version(version: declared, path: path, text: text, loaded: loaded))
        }
        history.versions.sort { $0.version < $1.version }
        for (a, b) in zip(history.versions, history.versions.dropFirst()) where b.version != a.version + 1 {
            throw Problem(path: b.path, message: "the history has a gap: version \(a.version) is followed by version \(b.version) (versions \(a.version + 1)…\(b.version - 1) are not frozen)")
        }
        return history
    }

    /// The checks every command runs on a schema with a history (`generate`, `generate --check`,
    /// `lint`, the build plugin): the history reads cleanly, and a schema still at a frozen version
    /// has that version's structure. Returns located diagnostics (in the schema file for a missing
    /// version bump, at `path:1:1` for a broken frozen file).
    public static func diagnostics(for loaded: LoadedSchema) -> [Diagnostic] {
        diagnostics(for: loaded.schema, file: loaded.file)
    }

    /// The same for a schema value (`file`, when given, locates the version in the header).
    public static func diagnostics(for schema: Schema, file: SourceFile?) -> [Diagnostic] {
        let loaded = (schema: schema, path: schema.file)
        let versionRange = file.map(versionRange) ?? .empty
        let history: SchemaHistory
        do { history = try load(forSchemaFile: loaded.path) } catch {
            return [Diagnostic(.error, error.message, file: error.path, range: .empty)]
        }
        var out: [Diagnostic] = []
        if let last = history.versions.last, loaded.schema.version < last.version {
            out.append(Diagnostic(.error, "the schema says version \(loaded.schema.version) but version \(last.version) is already frozen (\(last.path)); a schema's version only grows",
                                  file: loaded.path, range: versionRange))
        }
        if let frozen = history.versions.first(where: { $0.version == loaded.schema.version }) {
            let lines = SQLDifference.lines(expected: DDLEmitter.sqlSchema(frozen.loaded.schema), actual: DDLEmitter.sqlSchema(loaded.schema))
                + SQLDifference.lines(expected: DDLEmitter.sqlSchema(loaded.schema), actual: DDLEmitter.sqlSchema(frozen.loaded.schema)).filter { $0.hasPrefix("the database has no") }
            if !lines.isEmpty || renames(frozen.loaded.schema) != renames(loaded.schema) {
                let shown = lines.prefix(5).map { $0.replacingOccurrences(of: "the database has", with: "this file has") }
                out.append(Diagnostic(.error, "the schema changed since version \(loaded.schema.version) was frozen (\(frozen.path)) but its version did not; raise 'version' to \(loaded.schema.version + 1)"
                                      + (shown.isEmpty ? "" : ": " + shown.joined(separator: "; ")),
                                      file: loaded.path, range: versionRange))
            }
        }
        return out
    }

    /// What a version's migration carries besides its structure: renames, data steps, declared drops.
    static func renames(_ schema: Schema) -> [String] {
        schema.tables.flatMap { t in (t.renamedFrom.map { ["\(t.name)<-\($0)"] } ?? []) + t.columns.compactMap { c in c.renamedFrom.map { "\(t.name).\(c.name)<-\($0)" } } }
            + schema.dataSteps.map { "data \($0.version) \($0.point.rawValue) \($0.name)\u{0}\($0.sql)" }
            + schema.declaredDrops.map { "dropped \($0.version) \($0.key)" }
    }

    /// Where the header's version is written (the start of the file when it cannot be found).
    static func versionRange(_ file: SourceFile) -> SourceRange {
        let (tree, _) = Parser.parse(file)
        for item in tree.items { if case .schema(let h) = item { return h.versionRange } }
        return .empty
    }
}

/// SHA-256 (FIPS 180-4), for the frozen files' content hashes (no CryptoKit on Linux).
enum SHA256 {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        let bitLength = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
        return h.map { v in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }
}
