import Foundation
import SchemaSyntax
import SchemaSQL
import SchemaDatabase
import SchemaEmit
import SchemagenDriver
import SchemagenRuntime

/// `schemagen import`: a live SQLite database or a `.sql` script → a `.victor` file that
/// reproduces it exactly. The file written is verified before it is returned: it goes through the
/// whole pipeline (parse, resolve, SchemaCheck, lint), and its DDL, loaded into SQLite and
/// introspected, must be structurally the original (`SQLDifference`); otherwise the import fails
/// naming the difference, and nothing is written.
public enum Importer {
    public struct Result: Sendable {
        /// The `.victor` text.
        public var text: String
        /// The database as read (for the caller's own comparison).
        public var original: SQLSchema
    }

    /// True when the file starts with SQLite's header ("SQLite format 3\0").
    public static func isDatabaseFile(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 16)) ?? Data()
        return head == Data("SQLite format 3\u{0}".utf8)
    }

    /// Reads `path` (a database file, or SQL text otherwise) and writes its schema as `.victor` text.
    public static func run(path: String, outputName: String) throws(ImportError) -> Result {
        let db: Database
        if isDatabaseFile(path) {
            db = try ImportSource.openDatabase(path: path)
        } else {
            guard FileManager.default.fileExists(atPath: path) else { throw ImportError("error: cannot import '\(path)': no such file") }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ImportError("error: cannot import '\(path)': not a SQLite database, and not UTF-8 SQL text")
            }
            if path.lowercased().hasSuffix(".sql") || !text.utf8.contains(0) {
                db = try ImportSource.loadScript(path: path, text: text)
            } else {
                throw ImportError("error: cannot import '\(path)': not a SQLite database")
            }
        }
        return try run(database: db, sourceName: (path as NSString).lastPathComponent, outputName: outputName)
    }

    public static func run(database db: Database, sourceName: String, outputName: String) throws(ImportError) -> Result {
        let original: SQLSchema
        do throws(SchemaDatabaseError) { original = try Introspector.schema(of: db) } catch {
            throw ImportError("error: cannot read the database's structure: \(oneLine(error.message))")
        }
        try refuseColumnConstraintNames(db)
        let stem = ((outputName as NSString).lastPathComponent as NSString).deletingPathExtension
        let schemaName = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        var writer = VictorWriter(schemaName: schemaName.isEmpty ? "imported" : schemaName, sourceName: sourceName)
        var text = try writer.write(original)
        // The imported style, declared once: rules the schema does not follow are turned off.
        var loaded = SchemaPipeline(lint: .full).run(SourceFile(path: outputName, text: text))
        try refuseErrors(loaded, text: text, lintToo: false)
        // (Findings are capped per file: repeat until no rule is left to turn off.)
        var rules = Set(loaded.diagnostics.compactMap(\.rule))
        for _ in 0..<8 where !rules.isSubset(of: writer.lintOff) {
            writer.lintOff = Array(rules.union(writer.lintOff)).sorted()
            text = try writer.write(original)
            loaded = SchemaPipeline(lint: .full).run(SourceFile(path: outputName, text: text))
            try refuseErrors(loaded, text: text, lintToo: false)
            rules.formUnion(loaded.diagnostics.compactMap(\.rule))
        }
        try refuseErrors(loaded, text: text, lintToo: true)
        guard let checked = loaded.checked else { throw ImportError("error: the imported schema does not check") }
        // The round trip: the imported file's DDL is structurally the original.
        let ours: SQLSchema
        do {
            let fresh = try Database.inMemory()
            try fresh.execute(DDLEmitter.emit(checked.schema))
            ours = try Introspector.schema(of: fresh)
        } catch {
            throw ImportError("error: the imported schema's DDL does not load: \(error)")
        }
        let differences = SQLDifference.lines(expected: original, actual: ours) + SQLDifference.lines(expected: ours, actual: original).filter { $0.hasPrefix("the database has no") }
        if !differences.isEmpty {
            throw ImportError("error: the imported schema would not reproduce the database exactly:\n" + differences.map { "  " + $0 }.joined(separator: "\n"))
        }
        return Result(text: text, original: original)
    }

    /// `a INTEGER CONSTRAINT nn NOT NULL`: the language names table-level constraints only.
    static func refuseColumnConstraintNames(_ db: Database) throws(ImportError) {
        let tables: [(String, String)]
        do throws(DatabaseError) {
            tables = try db.withStatement(sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'") {
                (s: borrowing Statement) throws(DatabaseError) -> [(String, String)] in
                var out: [(String, String)] = []
                while try s.step() { out.append((try s.optionalText(0) ?? "", try s.optionalText(1) ?? "")) }
                return out
            }
        } catch { throw ImportError("error: cannot read the database's tables: \(oneLine(error.message))") }
        for (name, sql) in tables {
            if let facts = StoredTableSQL(createTable: sql), let first = facts.columnConstraintNames.first {
                throw ImportError("error: table \(name): a named column constraint (\(first)) cannot be expressed yet; name it at table level or drop the name")
            }
        }
    }

    static func refuseErrors(_ loaded: LoadedSchema, text: String, lintToo: Bool) throws(ImportError) {
        guard let e = loaded.diagnostics.first(where: { $0.severity == .error && ($0.rule == nil || lintToo) }) else { return }
        let (line, _) = loaded.file.lineAndColumn(of: e.range.start)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let source = line - 1 < lines.count ? String(lines[line - 1]).trimmingASCIIWhitespace() : ""
        throw ImportError("error: schemagen cannot express this yet: \(e.message) — in `\(source)`")
    }
}
