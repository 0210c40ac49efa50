import CSQLite

/// A schema's whole migration chain, computed by `schemagen generate` from the schema's frozen
/// history and embedded in the generated code as static SQL (docs/MIGRATION.md):
/// the statements that create a fresh database at the current version, one step per released
/// version to the next, and the expected structure of every version (`SchemaStructure`).
public struct SchemaMigration: Sendable {
    /// One version's step to the next: the planner's statements, run in one transaction.
    public struct Step: Sendable {
        public let from: Int
        public let to: Int
        public let statements: [String]
        /// The step rebuilds a table: the database's triggers and views are dropped before it and
        /// recreated after it (in their original order).
        public let rebuilds: Bool
        public init(from: Int, to: Int, statements: [String], rebuilds: Bool) {
            self.from = from
            self.to = to
            self.statements = statements
            self.rebuilds = rebuilds
        }

        /// A step whose statements are one `;`-separated script (what generated code embeds).
        public init(from: Int, to: Int, sql: String, rebuilds: Bool) {
            self.init(from: from, to: to, statements: [sql], rebuilds: rebuilds)
        }
    }

    /// A version a database may record, with its expected structure (`SchemaStructure` lines).
    public struct Version: Sendable {
        public let version: Int
        public let structure: String
        public init(_ version: Int, structure: String) {
            self.version = version
            self.structure = structure
        }
    }

    /// The schema's name (for messages).
    public let schema: String
    /// The current version: what `create` makes and every chain ends at.
    public let version: Int
    /// The statements creating every table and index of the current version.
    public let create: [String]
    /// From each frozen version to the next, ending at `version`.
    public let steps: [Step]
    /// `SchemaStructure.describe` of each version (frozen ones and the current one).
    public let structures: [Int: String]

    public init(schema: String, version: Int, create: [String], steps: [Step], structures: [Int: String]) {
        self.schema = schema
        self.version = version
        self.create = create
        self.steps = steps
        self.structures = structures
    }

    /// The form generated code embeds: the create statements as one script, the versions as a list.
    public init(schema: String, version: Int, createSQL: String, steps: [Step], versions: [Version]) {
        self.init(schema: schema, version: version, create: [createSQL], steps: steps,
                  structures: Dictionary(versions.map { ($0.version, $0.structure) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Every version a database may record: the frozen ones and the current one, ascending.
    public var knownVersions: [Int] { structures.keys.sorted() }
}

/// Why `SchemaMigrator.migrate` refused or failed. Every case leaves the database at a version
/// it records (the one it had, or one a committed step reached).
public enum SchemaMigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database records a version newer than the code: an older build opened a newer database.
    case databaseIsNewer(database: Int, code: Int)
    /// The database records a version that is neither frozen nor current.
    case unknownVersion(database: Int, known: [Int])
    /// The database's structure is not what its recorded version says (one readable line per
    /// difference: `missing: …` the version has and the database lacks, `unexpected: …` the reverse).
    case structureMismatch(version: Int, differences: [String])
    /// A statement failed; the step's transaction was rolled back.
    case stepFailed(from: Int, to: Int, error: DatabaseError)

    public var description: String {
        switch self {
        case .databaseIsNewer(let d, let c):
            return "the database records schema version \(d), newer than this code's version \(c); update the app (or open a copy)"
        case .unknownVersion(let d, let known):
            return "the database records schema version \(d), which is not a released version (\(known.map(String.init).joined(separator: ", ")))"
        case .structureMismatch(let v, let lines):
            return "the database is not structurally version \(v):\n  " + lines.joined(separator: "\n  ")
        case .stepFailed(let f, let t, let e):
            return "migrating from version \(f) to \(t) failed: \(e.message)" + (e.sql.map { " — while executing: \($0)" } ?? "")
        }
    }
}

/// What `SchemaMigrator.migrate` did.
public enum SchemaMigrationOutcome: Sendable, Equatable {
    /// The database was already at the current version (one `PRAGMA user_version` read).
    case current
    /// A new database was created at the current version.
    case created(version: Int)
    /// The database was brought from `from` to the current version, one step per version.
    case migrated(from: Int, to: Int)
}

/// The structure of a database as one canonical line per object, read from the PRAGMAs only, so a
/// database created fresh and one migrated by ALTER steps describe the same (the stored CREATE
/// text differs between them). Covers each table (WITHOUT ROWID, STRICT), its columns (name,
/// declared type, NOT NULL, default, primary-key position), foreign keys (columns, target, actions),
/// indexes and UNIQUE constraints (columns, order, collation, partial), and views and triggers by
/// name. Not CHECK expressions, column collations, AUTOINCREMENT or generated expressions.
public enum SchemaStructure {
    /// The lines of every table, view and trigger (or only those named in `only`, lowercased), sorted.
    public static func describe(_ db: Database, only: Set<String>? = nil) throws(DatabaseError) -> [String] {
        var lines: [String] = []
        let objects = try rows(db, "SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        // pragma_table_list lists every table whatever its WHERE says: read it once, not once per
        // table (which made describing N tables cost N² rows).
        var flags: [String: [String?]] = [:]
        for r in try rows(db, "SELECT name, CAST(wr AS TEXT), CAST(strict AS TEXT) FROM pragma_table_list WHERE schema = 'main'") {
            if let name = r[0], flags[name] == nil { flags[name] = Array(r.dropFirst()) }
        }
        for o in objects {
            let type = o[0] ?? "", name = o[1] ?? ""
            if let only, !only.contains(name.lowercased()) { continue }
            switch type {
            case "view": lines.append("view \(label(name))")
            case "trigger": lines.append("trigger \(label(name)) on \(label(o[2] ?? ""))")
            default: lines += try table(name, db, list: flags[name])
            }
        }
        return lines.sorted()
    }

    /// An object's name in a description line: as is, or in double quotes (doubled inside) when
    /// it holds a space or a quote or is empty, so `names(in:)` reads it back (`table "board column"`).
    static func label(_ name: String) -> String {
        guard name.isEmpty || name.contains(" ") || name.contains("\"") else { return name }
        var out = "\""
        for c in name { out.append(c); if c == "\"" { out.append(c) } }
        return out + "\""
    }

    /// The names of the objects a description covers (lowercased).
    public static func names(in lines: [String]) -> Set<String> {
        Set(lines.compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let rest = line[line.index(after: space)...]
            guard rest.first == "\"" else { return rest.split(separator: " ", maxSplits: 1).first.map { String($0).lowercased() } }
            var name = ""
            var i = rest.index(after: rest.startIndex)
            while i < rest.endIndex {
                let c = rest[i]
                i = rest.index(after: i)
                if c == "\"" {
                    guard i < rest.endIndex, rest[i] == "\"" else { break }
                    i = rest.index(after: i)
                }
                name.append(c)
            }
            return name.lowercased()
        })
    }

    /// `expected` against `actual`, one line per difference.
    public static func differences(expected: [String], actual: [String]) -> [String] {
        let e = Set(expected), a = Set(actual)
        return expected.filter { !a.contains($0) }.map { "missing: \($0)" } + actual.filter { !e.contains($0) }.map { "unexpected: \($0)" }
    }

    /// The lines of one table; `list` is its `pragma_table_list` row (without rowid, strict).
    static func table(_ name: String, _ db: Database, list: [String?]?) throws(DatabaseError) -> [String] {
        let t = "table \(label(name))"
        var lines: [String] = []
        lines.append(t + (list?[0] == "1" ? " without rowid" : "") + (list?[1] == "1" ? " strict" : ""))
        for (i, c) in try rows(db, "SELECT name, type, CAST(\"notnull\" AS TEXT), dflt_value, CAST(pk AS TEXT), CAST(hidden AS TEXT) FROM pragma_table_xinfo(?1) ORDER BY cid", name).enumerated() {
            var line = "\(t) column \(i) \(c[0] ?? "") \(c[1].map { $0.isEmpty ? "(none)" : $0.uppercased() } ?? "(none)")"
            if c[2] == "1" { line += " not null" }
            if let d = c[3] { line += " default \(d)" }
            if let pk = c[4], pk != "0" { line += " primary key \(pk)" }
            if let h = c[5], h != "0" { line += " hidden \(h)" }
            lines.append(line)
        }
        var fks: [String: [[String?]]] = [:]
        for r in try rows(db, "SELECT CAST(id AS TEXT), \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq", name) {
            fks[r[0] ?? "", default: []].append(r)
        }
        for parts in fks.values {
            guard let f = parts.first else { continue }
            let to = parts.map { $0[3] ?? "" }.joined(separator: ", ")
            lines.append("\(t) foreign key (\(parts.map { $0[2] ?? "" }.joined(separator: ", "))) references \(f[1] ?? "")(\(to)) on update \(f[4] ?? "") on delete \(f[5] ?? "")")
        }
        for i in try rows(db, "SELECT name, CAST(\"unique\" AS TEXT), origin, CAST(partial AS TEXT) FROM pragma_index_list(?1)", name) where i[2] != "pk" {
            let cols = try rows(db, "SELECT name, CAST(\"desc\" AS TEXT), coll FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno", i[0] ?? "")
                .map { "\($0[0] ?? "(expression)")\($0[1] == "1" ? " DESC" : "") \(($0[2] ?? "BINARY").uppercased())" }.joined(separator: ", ")
            let kind = i[1] == "1" ? "unique" : "index"
            if i[2] == "u" {
                lines.append("\(t) unique (\(cols))")
            } else {
                lines.append("\(t) \(kind) \(i[0] ?? "") (\(cols))\(i[3] == "1" ? " partial" : "")")
            }
        }
        return lines
    }

    static func rows(_ db: Database, _ sql: String, _ arg: String? = nil) throws(DatabaseError) -> [[String?]] {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> [[String?]] in
            if let arg { s.bind(arg, at: 1) }
            var out: [[String?]] = []
            while try s.step() {
                var row: [String?] = []
                for i in 0..<s.columnCount { row.append(try s.optionalText(i)) }
                out.append(row)
            }
            return out
        }
    }
}

/// Runs a `SchemaMigration` at app launch: `try SchemaMigrator.migrate(db, migration)` (the
/// generated `<Schema>Schema.migrate(db)` calls it).
///
/// * On a current database it reads `PRAGMA user_version` once and returns (`structureCheck`
///   `.always` also compares the structure, which costs a few PRAGMAs per table).
/// * Otherwise, per step: `BEGIN IMMEDIATE` (the connection's busy timeout absorbs another process
///   migrating at the same moment), the version is read again under the lock (the other process may
///   have migrated meanwhile), the structure compared with what that version says, the step's
///   statements run, `foreign_key_check` and the next version's structure checked, `user_version`
///   set, COMMIT. A failure rolls the step back: the database stays at the last version committed.
/// * A new database (version 0, none of the schema's tables) is created at the current version in
///   one transaction. A version-0 database holding the schema's tables (made by an older `create(in:)` or
///   `schemagen ddl`) is adopted as the newest version its structure matches.
/// * Foreign keys are off while it migrates (a rebuild drops a parent table; `PRAGMA foreign_keys`
///   cannot change inside a transaction) and restored afterwards; `foreign_key_check` guards each step.
public enum SchemaMigrator {
    public enum StructureCheck: Sendable { case whenMigrating, always }

    @discardableResult
    public static func migrate(_ db: Database, _ migration: SchemaMigration, structureCheck: StructureCheck = .whenMigrating,
                               willCommit: ((_ from: Int, _ to: Int) -> Void)? = nil) throws(SchemaMigrationError) -> SchemaMigrationOutcome {
        let recorded = try version(db, doing: migration)
        if recorded == migration.version {
            if structureCheck == .always { try checkStructure(db, migration, version: recorded) }
            return .current
        }
        if recorded > migration.version { throw .databaseIsNewer(database: recorded, code: migration.version) }
        // Each step is its own transaction, and foreign keys are switched off around them.
        if db.isInTransaction {
            throw .stepFailed(from: recorded, to: migration.version, error: DatabaseError(
                kind: .misuse, message: "migrate(db) must run outside a transaction (on a plain Database, before opening a DatabasePool or inside none)"))
        }

        let foreignKeys = (try? query(db, "PRAGMA foreign_keys")) == 1
        if foreignKeys { try? db.execute("PRAGMA foreign_keys = OFF") }
        defer { if foreignKeys { try? db.execute("PRAGMA foreign_keys = ON") } }

        var start: Int?
        var created = false
        while true {
            let step = try locked(db, migration, from: 0, to: 0) { () throws(SchemaMigrationError) -> (Int, Bool) in
                let v = try version(db, doing: migration)
                if v == migration.version { return (v, true) }
                if v > migration.version { throw .databaseIsNewer(database: v, code: migration.version) }
                if start == nil { start = v }
                if v == 0 {
                    let described = try present(db, migration)
                    if described.isEmpty {
                        try run(db, migration.create, from: 0, to: migration.version)
                        try stamp(db, migration.version, from: 0)
                        try checkStructure(db, migration, version: migration.version)
                        willCommit?(0, migration.version)
                        created = true
                        return (migration.version, true)
                    }
                    // Tables but no version: the newest version whose structure it has.
                    for candidate in migration.knownVersions.reversed() where try matches(db, migration, version: candidate) {
                        try stamp(db, candidate, from: 0)
                        return (candidate, candidate == migration.version)
                    }
                    try checkStructure(db, migration, version: migration.version)
                    return (0, true) // unreachable: checkStructure threw
                }
                guard let s = migration.steps.first(where: { $0.from == v }) else {
                    throw .unknownVersion(database: v, known: migration.knownVersions)
                }
                try checkStructure(db, migration, version: v)
                let objects = s.rebuilds ? try triggersAndViews(db, from: s.from, to: s.to) : []
                for o in objects.reversed() {
                    try run(db, ["DROP \(o.kind == "view" ? "VIEW" : "TRIGGER") \(quoted(o.name))"], from: s.from, to: s.to)
                }
                try run(db, s.statements, from: s.from, to: s.to)
                try run(db, objects.map(\.sql), from: s.from, to: s.to)
                let violations = try query(db, "SELECT count(*) FROM pragma_foreign_key_check", from: s.from, to: s.to)
                if violations > 0 {
                    throw .stepFailed(from: s.from, to: s.to, error: DatabaseError(kind: .sqlite, resultCode: 19, extendedResultCode: 787,
                                                                                   message: "\(violations) foreign key violation(s) after the step", sql: "PRAGMA foreign_key_check"))
                }
                try checkStructure(db, migration, version: s.to)
                try stamp(db, s.to, from: s.from)
                willCommit?(s.from, s.to)
                return (s.to, s.to == migration.version)
            }
            if step.1 { break }
        }
        guard let start else { return .current }
        return created ? .created(version: migration.version) : .migrated(from: start, to: migration.version)
    }

    // MARK: Pieces

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    static func locked<R>(_ db: Database, _ migration: SchemaMigration, from: Int, to: Int, _ body: () throws(SchemaMigrationError) -> R) throws(SchemaMigrationError) -> R {
        do throws(DatabaseError) { try db.execute("BEGIN IMMEDIATE") } catch { throw .stepFailed(from: from, to: to, error: error) }
        let result: R
        do { result = try body() } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        do throws(DatabaseError) { try db.execute("COMMIT") } catch {
            try? db.execute("ROLLBACK")
            throw .stepFailed(from: from, to: to, error: error)
        }
        return result
    }

    static func version(_ db: Database, doing migration: SchemaMigration) throws(SchemaMigrationError) -> Int {
        do throws(DatabaseError) { return Int(try query(db, "PRAGMA user_version")) } catch { throw .stepFailed(from: 0, to: migration.version, error: error) }
    }

    static func query(_ db: Database, _ sql: String) throws(DatabaseError) -> Int64 {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> Int64 in
            _ = try s.step()
            return try s.int64(0)
        }
    }

    static func query(_ db: Database, _ sql: String, from: Int, to: Int) throws(SchemaMigrationError) -> Int64 {
        do throws(DatabaseError) { return try query(db, sql) } catch { throw .stepFailed(from: from, to: to, error: error) }
    }

    static func run(_ db: Database, _ statements: [String], from: Int, to: Int) throws(SchemaMigrationError) {
        for sql in statements {
            do throws(DatabaseError) { try db.execute(sql) } catch { throw .stepFailed(from: from, to: to, error: error) }
        }
    }

    static func stamp(_ db: Database, _ version: Int, from: Int) throws(SchemaMigrationError) {
        try run(db, ["PRAGMA user_version = \(version)"], from: from, to: version)
    }

    static func expected(_ migration: SchemaMigration, _ version: Int) -> [String] {
        (migration.structures[version] ?? "").split(separator: "\n").map(String.init)
    }

    static func actual(_ db: Database, _ expected: [String], version: Int) throws(SchemaMigrationError) -> [String] {
        do throws(DatabaseError) { return try SchemaStructure.describe(db, only: SchemaStructure.names(in: expected)) } catch {
            throw .stepFailed(from: version, to: version, error: error)
        }
    }

    static func matches(_ db: Database, _ migration: SchemaMigration, version: Int) throws(SchemaMigrationError) -> Bool {
        let e = expected(migration, version)
        return try actual(db, e, version: version) == e
    }

    static func checkStructure(_ db: Database, _ migration: SchemaMigration, version: Int) throws(SchemaMigrationError) {
        let e = expected(migration, version)
        let lines = SchemaStructure.differences(expected: e, actual: try actual(db, e, version: version))
        if !lines.isEmpty { throw .structureMismatch(version: version, differences: lines) }
    }

    /// The objects of any known version the database holds.
    static func present(_ db: Database, _ migration: SchemaMigration) throws(SchemaMigrationError) -> [String] {
        var names = Set<String>()
        for v in migration.knownVersions { names.formUnion(SchemaStructure.names(in: expected(migration, v))) }
        do throws(DatabaseError) {
            return try SchemaStructure.rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table'").compactMap { $0[0] }.filter { names.contains($0.lowercased()) }
        } catch { throw .stepFailed(from: 0, to: migration.version, error: error) }
    }

    struct StoredObject { var kind: String, name: String, sql: String }

    static func triggersAndViews(_ db: Database, from: Int, to: Int) throws(SchemaMigrationError) -> [StoredObject] {
        do throws(DatabaseError) {
            return try SchemaStructure.rows(db, "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('trigger', 'view') AND sql IS NOT NULL ORDER BY rowid")
                .map { StoredObject(kind: $0[0] ?? "", name: $0[1] ?? "", sql: $0[2] ?? "") }
        } catch { throw .stepFailed(from: from, to: to, error: error) }
    }

    static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
