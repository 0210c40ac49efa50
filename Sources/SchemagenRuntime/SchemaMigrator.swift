import CSQLite

/// A schema's whole migration chain, computed by `schemagen generate` from the schema's frozen
/// history and embedded in the generated code as static SQL (docs/MIGRATION.md):
/// the statements that create a fresh database at the current version, one step per released
/// version to the next, and the expected structure of every version (`SchemaStructure`).
public struct SchemaMigration: Sendable {
    /// A hand-written data step (`migration NAME { SQL }` in the schema file): SQL run inside a step,
    /// before or after its structural statements.
    public struct DataStep: Sendable, Equatable {
        public let name: String
        public let sql: String
        public init(_ name: String, sql: String) {
            self.name = name
            self.sql = sql
        }
    }

    /// A check of the stored values a step would otherwise change or refuse, run inside the step's
    /// transaction after its `before` data steps: a column becoming NOT NULL while rows hold NULL,
    /// or a declared conversion (`@convert`) of a value that would not become the new type.
    /// `query` returns one row per offending row: its rowid (or primary key), as text.
    public struct ValueCheck: Sendable, Equatable {
        public let table: String
        public let column: String
        /// What is wrong with the rows `query` returns, e.g. "holds NULL but becomes NOT NULL".
        public let problem: String
        /// Run before `query` (a probe table in `temp`); `temp.schemagen_probe` is dropped after it.
        public let setup: [String]
        public let query: String
        public init(table: String, column: String, problem: String, setup: [String] = [], query: String) {
            self.table = table
            self.column = column
            self.problem = problem
            self.setup = setup
            self.query = query
        }
    }

    /// One version's step to the next: the planner's statements, run in one transaction.
    public struct Step: Sendable {
        public let from: Int
        public let to: Int
        public let statements: [String]
        /// The step rebuilds a table: the database's triggers and views are dropped before it and
        /// recreated after it (in their original order).
        public let rebuilds: Bool
        /// Data steps run before the structural statements (the database is version `from`).
        public let before: [DataStep]
        /// Data steps run after them (the database has version `to`'s structure).
        public let after: [DataStep]
        /// Checked after `before`, ahead of the structural statements.
        public let checks: [ValueCheck]
        public init(from: Int, to: Int, statements: [String], rebuilds: Bool,
                    before: [DataStep] = [], after: [DataStep] = [], checks: [ValueCheck] = []) {
            self.from = from
            self.to = to
            self.statements = statements
            self.rebuilds = rebuilds
            self.before = before
            self.after = after
            self.checks = checks
        }

        /// A step whose statements are one `;`-separated script (what generated code embeds).
        public init(from: Int, to: Int, sql: String, rebuilds: Bool,
                    before: [DataStep] = [], after: [DataStep] = [], checks: [ValueCheck] = []) {
            self.init(from: from, to: to, statements: [sql], rebuilds: rebuilds, before: before, after: after, checks: checks)
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
    /// A statement failed; the step's transaction was rolled back. `error.resultCode` says why:
    /// 13 `SQLITE_FULL` (the disk or `max_page_count` is full), 5 `SQLITE_BUSY` (another connection
    /// held the lock beyond the busy timeout), 8 `SQLITE_READONLY`, … (`DatabaseError.kind`).
    case stepFailed(from: Int, to: Int, error: DatabaseError)
    /// A data step (`migration NAME { … }`) failed; the step's transaction was rolled back.
    case dataStepFailed(from: Int, to: Int, name: String, error: DatabaseError)
    /// Stored values the step would change or could not keep: rows of `table` whose `column` holds
    /// NULL while it becomes NOT NULL, or a value a declared conversion cannot convert. Nothing was
    /// changed; `rows` are the first offending rowids (or primary keys), `count` all of them. Fix
    /// them in a data step that runs before the change (`@run(version: to, before)`).
    case valuesRefused(from: Int, to: Int, table: String, column: String, problem: String, rows: [String], count: Int)

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
        case .dataStepFailed(let f, let t, let name, let e):
            return "migrating from version \(f) to \(t) failed in data step \(name): \(e.message)" + (e.sql.map { " — while executing: \($0)" } ?? "")
        case .valuesRefused(let f, let t, let table, let column, let problem, let rows, let count):
            return "migrating from version \(f) to \(t) refused: table \(table): column \(column) \(problem) in \(count) row\(count == 1 ? "" : "s") (rowid \(rows.joined(separator: ", "))\(count > rows.count ? ", …" : "")); nothing was changed — fix them in a data step run before the change, @run(version: \(t), before)"
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

/// The structure of a database as one canonical line per object, so a database created fresh and
/// one migrated by ALTER steps describe the same (their stored CREATE text differs: ALTER appends
/// and rewrites it). From the PRAGMAs: each table (WITHOUT ROWID, STRICT), its columns (name,
/// declared type, NOT NULL, default, primary-key position, hidden), foreign keys (columns, target,
/// actions), indexes and UNIQUE constraints (columns, order, collation, partial), views and
/// triggers by name. From the table's CREATE text in `sqlite_schema`, split into its parts and
/// compared token-wise (`CreateTableParts`: keywords and unquoted names lowercased, quotes around
/// plain names dropped, one space): CHECK expressions (column and table), column collations,
/// AUTOINCREMENT and generated-column expressions.
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
        if let create = try rows(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", name).first?.first ?? nil {
            lines += CreateTableParts(create).lines.map { "\(t) \($0)" }
        }
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
                               willCommit: ((_ from: Int, _ to: Int) -> Void)? = nil,
                               dataStepRan: ((_ to: Int, _ name: String, _ changes: Int) -> Void)? = nil) throws(SchemaMigrationError) -> SchemaMigrationOutcome {
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
            var ran: [(Int, String, Int)] = []
            let step = try locked(db, migration, from: start ?? recorded, to: migration.version) { () throws(SchemaMigrationError) -> (Int, Bool) in
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
                for d in s.before { ran.append((s.to, d.name, try runDataStep(db, d, from: s.from, to: s.to))) }
                for c in s.checks { try checkValues(db, c, from: s.from, to: s.to) }
                let objects = s.rebuilds ? try triggersAndViews(db, from: s.from, to: s.to) : []
                for o in objects.reversed() {
                    try run(db, ["DROP \(o.kind == "view" ? "VIEW" : "TRIGGER") \(quoted(o.name))"], from: s.from, to: s.to)
                }
                try run(db, s.statements, from: s.from, to: s.to)
                try run(db, objects.map(\.sql), from: s.from, to: s.to)
                for d in s.after { ran.append((s.to, d.name, try runDataStep(db, d, from: s.from, to: s.to))) }
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
            for r in ran { dataStepRan?(r.0, r.1, r.2) }
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

    /// Runs a data step; returns the rows it changed (`sqlite3_total_changes` before and after).
    static func runDataStep(_ db: Database, _ d: SchemaMigration.DataStep, from: Int, to: Int) throws(SchemaMigrationError) -> Int {
        let before = try query(db, "SELECT total_changes()", from: from, to: to)
        do throws(DatabaseError) { try db.execute(d.sql) } catch { throw .dataStepFailed(from: from, to: to, name: d.name, error: error) }
        return Int(try query(db, "SELECT total_changes()", from: from, to: to) - before)
    }

    /// The rows a value check reports, as `.valuesRefused` (at most 10 listed, all counted).
    static func checkValues(_ db: Database, _ c: SchemaMigration.ValueCheck, from: Int, to: Int) throws(SchemaMigrationError) {
        var rows: [String] = []
        var count = 0
        do throws(DatabaseError) {
            for sql in c.setup { try db.execute(sql) }
            defer { if !c.setup.isEmpty { try? db.execute("DROP TABLE IF EXISTS temp.schemagen_probe") } }
            for r in try SchemaStructure.rows(db, c.query) {
                count += 1
                if rows.count < 10 { rows.append(r.first.flatMap { $0 } ?? "NULL") }
            }
        } catch { throw .stepFailed(from: from, to: to, error: error) }
        if count > 0 { throw .valuesRefused(from: from, to: to, table: c.table, column: c.column, problem: c.problem, rows: rows, count: count) }
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

/// The parts of a `CREATE TABLE` statement the PRAGMAs do not report — CHECK expressions, column
/// collations, AUTOINCREMENT, generated-column expressions — each as a normalized token string, so
/// the same table created fresh and reached by ALTER steps (which append to and rewrite the stored
/// text, quoting renamed names) compare equal, and a different CHECK does not.
struct CreateTableParts {
    enum Kind: Equatable { case word, quoted, string, number, symbol }
    struct Token { var kind: Kind; var text: String; var wasQuoted = false }

    var lines: [String] = []

    init(_ sql: String) {
        let tokens = Self.tokens(sql)
        // The definitions: the parenthesized list after the table name, split at depth-1 commas.
        guard let open = tokens.firstIndex(where: { $0.kind == .symbol && $0.text == "(" }) else { return }
        var parts: [[Token]] = [[]]
        var depth = 0
        for t in tokens[(open + 1)...] {
            if t.kind == .symbol && t.text == "(" { depth += 1 }
            if t.kind == .symbol && t.text == ")" {
                if depth == 0 { break }
                depth -= 1
            }
            if depth == 0 && t.kind == .symbol && t.text == "," { parts.append([]); continue }
            parts[parts.count - 1].append(t)
        }
        for part in parts where !part.isEmpty {
            let first = part[0]
            let isConstraint = first.kind == .word && !first.wasQuoted && ["constraint", "primary", "unique", "check", "foreign"].contains(first.text)
            let owner = isConstraint ? "" : "column \(first.text) "
            var k = isConstraint ? 0 : 1
            while k < part.count {
                let t = part[k]
                guard t.kind == .word else { k += 1; continue }
                switch t.text {
                case "constraint":
                    k += 2 // the constraint's name is not structure
                    continue
                case "collate" where k + 1 < part.count && !isConstraint:
                    lines.append("\(owner)collate \(part[k + 1].text.uppercased())")
                    k += 2
                    continue
                case "check":
                    // A CHECK is the table's whether it is written on a column or on the table:
                    // SQLite evaluates both on the whole row, so the place is not structure.
                    let (expr, next) = Self.parenthesized(part, from: k + 1)
                    lines.append("check \(expr)")
                    k = next
                    continue
                case "autoincrement":
                    lines.append("autoincrement")
                case "as" where !isConstraint:
                    let (expr, next) = Self.parenthesized(part, from: k + 1)
                    let stored = next < part.count && part[next].kind == .word && part[next].text == "stored"
                    lines.append("\(owner)generated \(expr)\(stored ? " stored" : " virtual")")
                    k = next
                    continue
                case "default", "references":
                    // A parenthesized default or a reference's column list may hold words
                    // (`check`, `as`, `collate`) that are not this column's; skip it.
                    if k + 1 < part.count, part[k + 1].kind == .symbol, part[k + 1].text == "(" {
                        k = Self.parenthesized(part, from: k + 1).next
                        continue
                    }
                default:
                    break
                }
                k += 1
            }
        }
    }

    /// The parenthesized tokens at `from` as one normalized string, and the index after them.
    static func parenthesized(_ part: [Token], from: Int) -> (String, next: Int) {
        guard from < part.count, part[from].kind == .symbol, part[from].text == "(" else { return ("", from) }
        var depth = 0
        var k = from
        var out: [Token] = []
        while k < part.count {
            let t = part[k]
            if t.kind == .symbol && t.text == "(" { depth += 1 }
            if t.kind == .symbol && t.text == ")" { depth -= 1 }
            out.append(t)
            k += 1
            if depth == 0 { break }
        }
        return (joined(out), k)
    }

    /// Tokens joined with single spaces, none inside parentheses' edges, before commas, or between
    /// a function name and its `(`.
    static func joined(_ tokens: [Token]) -> String {
        let spacedBeforeParen: Set<String> = ["and", "or", "not", "in", "is", "as", "exists", "between", "like", "glob", "when", "then", "else", "case", "select", "where", "on", "values", "check"]
        var out = ""
        var previous: Token?
        for t in tokens {
            if let p = previous {
                let noSpace = (p.kind == .symbol && p.text == "(") || (t.kind == .symbol && (t.text == ")" || t.text == ","))
                    || (t.kind == .symbol && t.text == "(" && (p.kind == .word || p.kind == .quoted) && !spacedBeforeParen.contains(p.text))
                if !noSpace { out += " " }
            }
            out += t.text
            previous = t
        }
        return out
    }

    /// SQLite's lexical classes, enough to compare statements: words lowercased, a quoted name
    /// that is a plain name unquoted and lowercased, strings and numbers as written, comments and
    /// whitespace dropped, `<=`-style operators as one symbol.
    static func tokens(_ sql: String) -> [Token] {
        let b = Array(sql.utf8)
        var out: [Token] = []
        var i = 0
        func isWordByte(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x24 || c >= 0x80 }
        func text(_ from: Int, _ to: Int) -> String { String(decoding: b[from..<min(to, b.count)], as: UTF8.self) }
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                i += 1
            case UInt8(ascii: "-") where i + 1 < b.count && b[i + 1] == UInt8(ascii: "-"):
                while i < b.count && b[i] != 0x0A { i += 1 }
            case UInt8(ascii: "/") where i + 1 < b.count && b[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i + 1 < b.count && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                let start = i
                i += 1
                while i < b.count {
                    if b[i] == close {
                        if close != UInt8(ascii: "]") && i + 1 < b.count && b[i + 1] == close { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                let whole = text(start, i)
                if c == UInt8(ascii: "'") {
                    out.append(Token(kind: .string, text: whole))
                } else {
                    let inner = text(start + 1, i - 1)
                    let plain = !inner.isEmpty && inner.utf8.allSatisfy(isWordByte) && !(inner.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
                    out.append(plain ? Token(kind: .word, text: inner.lowercased(), wasQuoted: true) : Token(kind: .quoted, text: "\"" + inner.lowercased() + "\""))
                }
            default:
                let start = i
                if isWordByte(c) {
                    let digit = c >= 0x30 && c <= 0x39
                    while i < b.count && (isWordByte(b[i]) || (digit && b[i] == UInt8(ascii: "."))) { i += 1 }
                    let w = text(start, i)
                    let isNumber = c >= 0x30 && c <= 0x39
                    out.append(Token(kind: isNumber ? .number : .word, text: isNumber ? w : w.lowercased()))
                } else {
                    i += 1
                    let two = text(start, i + 1)
                    if ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"].contains(two) { i += 1 }
                    out.append(Token(kind: .symbol, text: text(start, i)))
                }
            }
        }
        return out
    }
}
