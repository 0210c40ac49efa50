import CSQLite
import SchemaModel
import SchemaSyntax

/// Checks SQL statements against a schema with SQLite itself and infers their Swift-facing types.
///
/// The schema's DDL is loaded into a private in-memory database, then each view is analysed and
/// created (in dependency order, so views may select from views). `analyze(_:)` prepares a
/// statement there — SQLite's grammar and name resolution decide what is valid — and reports its
/// parameters, result columns, kind and the tables it touches. See docs/LANGUAGE.md, "Queries and views".
///
/// Not `Sendable`: one analyzer is one SQLite connection, used from one thread.
public final class QueryAnalyzer {
    let db: OpaquePointer
    var env: Environment
    let schema: Schema
    /// The views, in the order they were created.
    public private(set) var views: [ViewDefinition] = []
    /// Each view's analysis (its columns are what queries selecting from it see).
    public private(set) var viewAnalyses: [String: AnalyzedQuery] = [:]

    /// Loads `schema`'s DDL and creates `views`. Throws the first view that does not check, with
    /// `QueryError.view` naming it; a DDL failure (which `SchemaLoader` should have prevented) is `.sqlite`.
    public init(schema: Schema, ddl: String, views: [ViewDefinition] = []) throws(QueryError) {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite3_close_v2(handle) }
            throw QueryError(.sqlite, "cannot open an in-memory SQLite database (\(rc))", offset: 0, length: 0)
        }
        db = handle
        self.schema = schema
        env = Environment(schema: schema)
        sqlite3_extended_result_codes(db, 1)
        // As the runtime opens databases: foreign-key actions are then part of what a write touches.
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", nil, nil, nil)
        if sqlite3_exec(db, ddl, nil, nil, nil) != SQLITE_OK {
            throw QueryError(.sqlite, "the schema's DDL does not load: \(String(cString: sqlite3_errmsg(db)))", offset: 0, length: 0)
        }
        try createViews(views)
    }

    deinit { sqlite3_close_v2(db) }

    // MARK: views

    func createViews(_ list: [ViewDefinition]) throws(QueryError) {
        var byName: [String: ViewDefinition] = [:]
        for v in list {
            let key = v.name.lowercased()
            if byName[key] != nil || env.tables[key] != nil {
                throw QueryError(.duplicateView, "'\(v.name)' is already the name of a \(byName[key] != nil ? "view" : "table")",
                                 offset: 0, length: 0, view: v.name)
            }
            byName[key] = v
        }
        // Dependency order: a view after every view its SQL names (iterative DFS, source order otherwise).
        func deps(_ v: ViewDefinition) -> [String] {
            let ts = TokenStream(v.sql)
            var out: [String] = []
            for i in ts.code {
                if let id = ts.identifier(ts.all[i])?.lowercased(), byName[id] != nil, id != v.name.lowercased(), !out.contains(id) { out.append(id) }
            }
            return out
        }
        var state: [String: Int] = [:]
        var order: [ViewDefinition] = []
        for root in list where state[root.name.lowercased()] == nil {
            var stack: [(String, [String], Int)] = [(root.name.lowercased(), deps(root), 0)]
            state[root.name.lowercased()] = 1
            while let (name, ds, k) = stack.last {
                if k < ds.count {
                    stack[stack.count - 1].2 += 1
                    let d = ds[k]
                    if state[d] == 1 {
                        let v = byName[name]
                        throw QueryError(.viewCycle, "views '\(name)' and '\(d)' select from each other", offset: 0, length: 0, view: v?.name)
                    }
                    if state[d] == nil, let dv = byName[d] {
                        state[d] = 1
                        stack.append((d, deps(dv), 0))
                    }
                } else {
                    stack.removeLast()
                    state[name] = 2
                    if let v = byName[name] { order.append(v) }
                }
            }
        }
        for v in order {
            let ts = TokenStream(v.sql)
            if let p = ts.code.map({ ts.all[$0] }).first(where: { $0.kind == .parameter }) {
                throw QueryError(.misplacedParameter, "a view cannot have parameters (SQLite refuses them in CREATE VIEW); make it a query",
                                 offset: p.start, length: p.length, view: v.name)
            }
            let analysis: AnalyzedQuery
            do {
                analysis = try analyze(v.sql)
            } catch {
                var e = error
                e.view = v.name
                throw e
            }
            guard analysis.kind == .select else {
                throw QueryError(.unsupportedStatement, "a view is one SELECT statement", offset: 0, length: 0, view: v.name)
            }
            let create = Self.createStatement(for: v)
            if sqlite3_exec(db, create, nil, nil, nil) != SQLITE_OK {
                throw QueryError(.sqlite, String(cString: sqlite3_errmsg(db)), offset: 0, length: 0, view: v.name)
            }
            let key = v.name.lowercased()
            env.views[key] = analysis.columns.map {
                ColInfo(name: $0.name, type: $0.type, nullable: $0.isOptional, ownNullable: $0.isOptional, origin: $0.origin, source: .column)
            }
            env.viewNames[key] = v.name
            viewAnalyses[key] = analysis
            views.append(v)
        }
    }

    /// The `CREATE VIEW` the analyzer ran for a view: the DDL to emit (in `views` order) so the
    /// database gets exactly what was checked.
    public static func createStatement(for view: ViewDefinition) -> String {
        "CREATE VIEW \(SQLIdentifier.quoted(view.name)) AS \(view.sql)"
    }

    // MARK: analysis

    /// Verifies one statement and infers its types. Every refusal is a `QueryError` located in `sql`.
    public func analyze(_ sql: String) throws(QueryError) -> AnalyzedQuery {
        let ts = TokenStream(sql)
        if let nul = ts.bytes.firstIndex(of: 0) {
            throw QueryError(.syntax, "the query contains a NUL byte", offset: nul, length: 1)
        }
        guard let firstCode = ts.code.first else {
            throw QueryError(.empty, "the query is empty", offset: 0, length: 0)
        }
        let auth = AuthorizerLog()
        let (stmt, tailOffset) = try prepare(sql, ts: ts, log: auth)
        defer { sqlite3_finalize(stmt) }

        // Exactly one statement: anything but comments and whitespace after it is a second one.
        if let extra = ts.code.first(where: { ts.all[$0].start >= tailOffset }) {
            let t = ts.all[extra]
            if !(ts.text(t) == ";" && ts.code.last == extra) {
                let second = ts.text(t) == ";" ? ts.code.first(where: { ts.all[$0].start > t.start }).map { ts.all[$0] } ?? t : t
                throw QueryError(.multipleStatements, "a query is one SQL statement; a second statement starts here",
                                 offset: second.start, length: second.length)
            }
        }

        // Statement kind from the first keyword after any WITH clause.
        let structure = StructureAnalyzer(ts, env: env)
        let bodyStart = structure.withClause(0, ts.code.count)
        if let e = structure.error { throw e }
        let kind: StatementKind
        switch structure.w(bodyStart) {
        case "select", "values": kind = .select
        case "insert", "replace": kind = .insert
        case "update": kind = .update
        case "delete": kind = .delete
        default:
            let t = ts.all[firstCode]
            throw QueryError(.unsupportedStatement, "a query is a SELECT, INSERT, UPDATE or DELETE statement (optionally with WITH)",
                             offset: t.start, length: t.length)
        }

        let parameters = try inferParameters(stmt, ts: ts, kind: kind, bodyStart: bodyStart)
        let columns = try resultColumns(stmt, ts: ts, kind: kind, bodyStart: bodyStart)

        var rowTable: String?
        if let first = columns.first?.origin, let table = schema.tablesByName[first.table.lowercased()],
           columns.count == table.columns.count,
           zip(columns, table.columns).allSatisfy({ r, c in
               r.origin == ColumnOrigin(table: table.name, column: c.name) && r.name == c.name && r.type == c.type && r.isOptional == c.isNullable
           }) {
            rowTable = table.name
        }
        let tableName = { (s: String) in self.env.tableNames[s.lowercased()] }
        return AnalyzedQuery(
            sql: sql, kind: kind, parameters: parameters, columns: columns,
            isReadOnly: sqlite3_stmt_readonly(stmt) != 0,
            tablesRead: Set(auth.read.compactMap(tableName)).sorted(),
            tablesWritten: Set(auth.written.compactMap(tableName)).sorted(),
            viewsRead: Set(auth.views.compactMap { self.env.viewNames[$0.lowercased()] }).sorted(),
            rowTable: rowTable)
    }

    /// Prepares the first statement with the authorizer recording what it touches; maps SQLite's
    /// errors to located `QueryError`s.
    func prepare(_ sql: String, ts: TokenStream, log: AuthorizerLog) throws(QueryError) -> (OpaquePointer, Int) {
        let box = Unmanaged.passRetained(log)
        defer { box.release() }
        sqlite3_set_authorizer(db, authorizerCallback, box.toOpaque())
        defer { sqlite3_set_authorizer(db, nil, nil) }
        var stmt: OpaquePointer?
        var consumed = 0
        let rc = sql.withCString { base -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, base, -1, 0, &stmt, &tail)
            if let tail { consumed = base.distance(to: tail) }
            return rc
        }
        if rc != SQLITE_OK || stmt == nil {
            if let stmt { sqlite3_finalize(stmt) }
            if rc == SQLITE_OK {
                throw QueryError(.empty, "the query has no statement", offset: 0, length: 0)
            }
            throw locate(String(cString: sqlite3_errmsg(db)), offset: Int(sqlite3_error_offset(db)), ts: ts)
        }
        guard let stmt else { throw QueryError(.empty, "the query has no statement", offset: 0, length: 0) }
        return (stmt, consumed)
    }

    /// Turns an SQLite error message into a located, classified error with suggestions.
    func locate(_ message: String, offset: Int, ts: TokenStream) -> QueryError {
        func token(at o: Int) -> SQLToken? { ts.code.map { ts.all[$0] }.first { $0.start <= o && o < $0.end } }
        /// The first identifier token spelling `name` (case-insensitive), optionally after `qualifier.`.
        func find(_ name: String, after qualifier: String? = nil) -> SQLToken? {
            for (k, i) in ts.code.enumerated() {
                guard ts.identifier(ts.all[i])?.lowercased() == name.lowercased() else { continue }
                if let qualifier {
                    guard k >= 2, ts.text(ts.all[ts.code[k - 1]]) == ".",
                          ts.identifier(ts.all[ts.code[k - 2]])?.lowercased() == qualifier.lowercased() else { continue }
                    return ts.all[i]
                }
                return ts.all[i]
            }
            return nil
        }
        func at(_ t: SQLToken?) -> (Int, Int) { t.map { ($0.start, $0.length) } ?? (max(0, offset), 0) }

        if message.hasPrefix("no such table: ") {
            var name = String(message.dropFirst("no such table: ".count))
            if name.hasPrefix("main.") { name = String(name.dropFirst(5)) }
            let (o, l) = at(offset >= 0 ? token(at: offset) : find(name))
            let candidates = Array(env.tableNames.values) + Array(env.viewNames.values) + ctes(ts)
            let m = closestMatch(name, in: candidates.map { $0.lowercased() }).map { low in candidates.first { $0.lowercased() == low } ?? low }
            var text = "no such table '\(name)'"
            if let m { text += "; did you mean '\(m)'?" }
            return QueryError(.unknownTable, text, offset: o, length: l, suggestion: m)
        }
        if message.hasPrefix("no such column: ") {
            let full = String(message.dropFirst("no such column: ".count))
            let parts = full.split(separator: ".").map(String.init)
            let column = parts.last ?? full
            let qualifier = parts.count >= 2 ? parts[parts.count - 2] : nil
            var t = offset >= 0 ? token(at: offset) : nil
            if t == nil { t = find(column, after: qualifier) ?? find(column) }
            // SQLite points at the qualifier of `q.column`: point at the column name itself.
            if let tt = t, qualifier != nil, ts.identifier(tt)?.lowercased() == qualifier?.lowercased(),
               let k = ts.code.firstIndex(where: { ts.all[$0].start == tt.start }), k + 2 < ts.code.count,
               ts.identifier(ts.all[ts.code[k + 2]])?.lowercased() == column.lowercased() {
                t = ts.all[ts.code[k + 2]]
            }
            let (o, l) = at(t)
            var candidates: [String] = []
            if let qualifier, let cols = columnsOf(qualifier, ts) { candidates = cols } else {
                for name in tablesNamed(ts) { candidates += columnsOf(name, ts) ?? [] }
                if candidates.isEmpty { candidates = env.tables.values.flatMap { $0.map(\.name) } }
            }
            let m = closestMatch(column, in: candidates.map { $0.lowercased() }).map { low in candidates.first { $0.lowercased() == low } ?? low }
            var text = "no such column '\(full)'"
            if let m { text += "; did you mean '\(m)'?" }
            return QueryError(.unknownColumn, text, offset: o, length: l, suggestion: m)
        }
        if message.hasPrefix("no such function: ") {
            let name = String(message.dropFirst("no such function: ".count))
            let (o, l) = at(offset >= 0 ? token(at: offset) : find(name))
            let m = closestMatch(name, in: functionNames())
            var text = "no such function '\(name)'"
            if let m { text += "; did you mean '\(m)'?" }
            return QueryError(.unknownFunction, text, offset: o, length: l, suggestion: m)
        }
        if message.hasPrefix("ambiguous column name: ") {
            let name = String(message.dropFirst("ambiguous column name: ".count))
            let (o, l) = at(offset >= 0 ? token(at: offset) : find(name))
            let owners = tablesNamed(ts).filter { (columnsOf($0, ts) ?? []).contains { $0.lowercased() == name.lowercased() } }
            var text = "ambiguous column name '\(name)'"
            if owners.count >= 2 { text += ": it is a column of \(owners.map { "'\($0)'" }.joined(separator: " and ")); qualify it, e.g. '\(owners[0]).\(name)'" }
            return QueryError(.ambiguousColumn, text, offset: o, length: l)
        }
        if message.hasPrefix("cannot modify "), message.hasSuffix(" because it is a view") {
            let name = String(message.dropFirst("cannot modify ".count).dropLast(" because it is a view".count))
            let (o, l) = at(find(name))
            return QueryError(.writeToView, "cannot write to '\(name)': it is a view, which is read-only; write to its tables instead",
                              offset: o, length: l)
        }
        if message.hasSuffix("syntax error") || message == "incomplete input" || message.hasPrefix("unrecognized token") {
            if message == "incomplete input" {
                let end = ts.bytes.count
                return QueryError(.syntax, "the query ends too early (incomplete input)", offset: end, length: 0)
            }
            if let t = token(at: max(0, offset)), t.kind == .parameter {
                return QueryError(.misplacedParameter,
                                  "a parameter cannot stand here: parameters bind values, not names of tables, columns or keywords",
                                  offset: t.start, length: t.length)
            }
            let (o, l) = at(token(at: max(0, offset)))
            return QueryError(.syntax, message, offset: o, length: l)
        }
        let (o, l) = at(offset >= 0 ? token(at: offset) : nil)
        return QueryError(.sqlite, message, offset: o, length: l)
    }

    /// The functions this SQLite knows (`pragma_function_list`), lowercased.
    func functionNames() -> [String] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT DISTINCT lower(name) FROM pragma_function_list ORDER BY 1", -1, &stmt, nil) == SQLITE_OK, let stmt else { return [] }
        defer { sqlite3_finalize(stmt) }
        var out: [String] = []
        while sqlite3_step(stmt) == SQLITE_ROW {
            if let c = sqlite3_column_text(stmt, 0) { out.append(String(cString: c)) }
        }
        return out
    }

    /// Names after FROM/JOIN/INTO/UPDATE (tables, views, CTEs) in the statement.
    func tablesNamed(_ ts: TokenStream) -> [String] {
        var out: [String] = []
        let code = ts.code.map { ts.all[$0] }
        for (k, t) in code.enumerated() {
            guard let word = ts.word(t), ["from", "join", "into", "update"].contains(word), k + 1 < code.count,
                  let name = ts.identifier(code[k + 1]) else { continue }
            if !out.contains(name) { out.append(name) }
        }
        return out
    }

    /// CTE names (`name AS (` / `name(cols) AS (`), found by a linear scan: this runs on SQL that
    /// SQLite refused, whose nesting is not bounded by SQLite's parser.
    func ctes(_ ts: TokenStream) -> [String] {
        let s = StructureAnalyzer(ts, env: env)
        var out: [String] = []
        for p in 0..<s.count {
            guard let name = s.ident(p) else { continue }
            var q = p + 1
            if s.isSym(q, "(") {
                while q < s.count, !s.isSym(q, ")") { q += 1 }
                q += 1
            }
            if s.w(q) == "as", s.isSym(q + 1, "(") || s.w(q + 1) == "not" || s.w(q + 1) == "materialized" { out.append(name) }
        }
        return out
    }

    /// The column names of a table, view, CTE or alias named in the statement.
    func columnsOf(_ name: String, _ ts: TokenStream) -> [String]? {
        let key = name.lowercased()
        if let c = env.tables[key] ?? env.views[key] { return c.map(\.name) }
        // An alias: `FROM table alias` / `table AS alias`.
        let code = ts.code.map { ts.all[$0] }
        for k in code.indices where k >= 1 {
            guard ts.identifier(code[k])?.lowercased() == key else { continue }
            var j = k - 1
            if ts.word(code[j]) == "as", j >= 1 { j -= 1 }
            if let t = ts.identifier(code[j])?.lowercased(), let c = env.tables[t] ?? env.views[t] { return c.map(\.name) }
        }
        return nil
    }
}

/// What SQLite's authorizer reported while preparing a statement.
final class AuthorizerLog {
    var read: [String] = []
    var written: [String] = []
    var views: [String] = []
}

private let authorizerCallback: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32 = { context, action, a, b, database, inner in
    guard let context else { return SQLITE_OK }
    let log = Unmanaged<AuthorizerLog>.fromOpaque(context).takeUnretainedValue()
    let first = a.map { String(cString: $0) }
    switch action {
    case SQLITE_READ:
        if let first { log.read.append(first) }
        if let inner { log.views.append(String(cString: inner)) }
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
        if let first, !first.hasPrefix("sqlite_") { log.written.append(first) }
    default: break
    }
    _ = b; _ = database
    return SQLITE_OK
}
