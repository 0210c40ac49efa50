import CSQLite
import SchemaModel
import SchemaSyntax

extension QueryAnalyzer {
    // MARK: parameters

    /// A column a parameter can be typed from: (qualifier, columns) of every row source the statement names.
    struct ParamScope {
        var sources: [(alias: String, name: String, columns: [ColInfo])] = []
    }

    func paramScope(_ s: StructureAnalyzer, kind: StatementKind, bodyStart: Int) -> ParamScope {
        var scope = ParamScope()
        func columns(_ name: String) -> [ColInfo]? {
            let key = name.lowercased()
            return s.allCTEs[key] ?? env.views[key] ?? env.tables[key]
        }
        // Row sources of every SELECT in the statement (FROM subqueries, CTEs, subqueries in WHERE).
        for p in 0..<s.count where s.isSym(p, "(") {
            if let k = s.w(p + 1), k == "select" || k == "with" { _ = s.selectStatement(p + 1, s.close(p, s.count), parent: nil) }
        }
        for src in s.seen where !src.opaque {
            scope.sources.append((src.alias, src.alias, src.columns.map { var c = $0; c.nullable = c.ownNullable; return c }))
        }
        var p = 0
        while p < s.count {
            guard let k = s.w(p), ["from", "join", "into", "update"].contains(k) else { p += 1; continue }
            var q = p + 1
            if k == "update", let m = s.w(q), m == "or" { q += 2 }
            while q < s.count, var name = s.ident(q), s.w(q) != "select" {
                q += 1
                if s.isSym(q, "."), let second = s.ident(q + 1) { name = second; q += 2 }
                if s.isSym(q, "("), k != "into" { break }
                let alias = s.aliasAt(&q, s.count) ?? name
                if let cols = columns(name) {
                    scope.sources.append((alias.lowercased(), name, cols))
                    if k == "into" { scope.sources.append(("excluded", name, cols)) }
                }
                guard k == "from" || k == "join", s.isSym(q, ",") else { break }
                q += 1
            }
            p += 1
        }
        return scope
    }

    /// The columns `[q.]name` can mean (declared nullability, no outer-join padding).
    func candidates(_ q: String?, _ name: String, _ scope: ParamScope) -> [ColInfo] {
        var out: [ColInfo] = []
        for src in scope.sources {
            if let q, src.alias != q.lowercased(), src.name.lowercased() != q.lowercased() { continue }
            if let c = src.columns.first(where: { $0.name.lowercased() == name.lowercased() }) {
                var c = c
                if c.origin == nil { c.origin = ColumnOrigin(table: src.name, column: c.name) }
                out.append(c)
            } else if ["rowid", "oid", "_rowid_"].contains(name.lowercased()), env.tables[src.name.lowercased()] != nil {
                out.append(ColInfo(name: name, type: .integer, nullable: false, ownNullable: false,
                                   origin: ColumnOrigin(table: env.tableNames[src.name.lowercased()] ?? src.name, column: "rowid"), source: .column))
            }
        }
        return out
    }

    static let arithmetic: Set<String> = ["+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>", "->", "->>", "~"]
    static let comparisons: Set<String> = ["=", "==", "!=", "<>", "<", "<=", ">", ">="]

    struct Inferred {
        var type: LogicalType
        var optional: Bool
        var list: Bool
        var source: QueryParameter.Source
    }

    func inferParameters(_ stmt: OpaquePointer, ts: TokenStream, kind: StatementKind, bodyStart: Int) throws(QueryError) -> [QueryParameter] {
        let count = sqlite3_bind_parameter_count(stmt)
        guard count > 0 else { return [] }
        let s = StructureAnalyzer(ts, env: env)
        if kind == .select { _ = s.selectStatement(0, s.count, parent: nil) } else { _ = s.withClause(0, s.count) }
        let scope = paramScope(s, kind: kind, bodyStart: bodyStart)
        let inserted = insertedColumns(s, bodyStart: bodyStart)
        let paramPositions = (0..<s.count).filter { s.tok($0).kind == .parameter }

        func isArith(_ p: Int) -> Bool {
            guard p >= 0, p < s.count else { return false }
            let t = s.tok(p)
            return t.kind == .symbol && (Self.arithmetic.contains(ts.text(t)) || ts.text(t) == ".")
        }
        /// A column reference ending at e: (qualifier, name, first position).
        func refEnding(at e: Int) -> (String?, String, Int)? {
            guard e >= 0, s.tok(e).kind == .word || s.tok(e).kind == .quotedIdentifier, let name = s.ident(e) else { return nil }
            if s.tok(e).kind == .word, SQLIdentifier.isKeyword(name) { return nil }
            if s.isSym(e - 1, "."), let q = s.ident(e - 2) {
                return isArith(e - 3) ? nil : (q, name, e - 2)
            }
            return isArith(e - 1) ? nil : (nil, name, e)
        }
        func refStarting(at b: Int) -> (String?, String, Int)? {
            guard b < s.count, s.tok(b).kind == .word || s.tok(b).kind == .quotedIdentifier, let first = s.ident(b) else { return nil }
            if s.tok(b).kind == .word, SQLIdentifier.isKeyword(first) { return nil }
            if s.isSym(b + 1, "."), let name = s.ident(b + 2) {
                return isArith(b + 3) ? nil : (first, name, b + 2)
            }
            return isArith(b + 1) || s.isSym(b + 1, "(") ? nil : (nil, first, b)
        }
        func column(_ ref: (String?, String, Int)?) -> ColInfo? {
            guard let ref else { return nil }
            let c = candidates(ref.0, ref.1, scope)
            guard let first = c.first, let t = first.type, c.allSatisfy({ $0.type == t }) else { return nil }
            var out = first
            out.ownNullable = c.contains { $0.ownNullable }
            return out
        }
        func from(_ c: ColInfo?, optional: Bool = false, list: Bool = false, type: LogicalType? = nil) -> Inferred? {
            guard let c, let t = type ?? c.type, let o = c.origin else { return nil }
            return Inferred(type: t, optional: c.ownNullable || optional, list: list, source: .column(o))
        }

        func infer(_ p: Int) -> Inferred? {
            // LIMIT / OFFSET
            if s.w(p - 1) == "limit" || s.w(p - 1) == "offset" || (s.isSym(p - 1, ",") && s.w(p - 3) == "limit") {
                return Inferred(type: .integer, optional: false, list: false, source: .limit)
            }
            if let col = inserted[p] { return from(col) }
            let after = isArith(p + 1)
            // col op :p
            if !after, p >= 1 {
                let prev = s.tok(p - 1)
                if prev.kind == .symbol, Self.comparisons.contains(ts.text(prev)), let c = column(refEnding(at: p - 2)) { return from(c) }
                if s.w(p - 1) == "is", let c = column(refEnding(at: p - 2)) { return from(c, optional: true) }
                if s.w(p - 1) == "not", s.w(p - 2) == "is", let c = column(refEnding(at: p - 3)) { return from(c, optional: true) }
                if s.w(p - 1) == "from", s.w(p - 2) == "distinct" {
                    let e = s.w(p - 3) == "not" ? p - 5 : p - 4
                    if s.w(e + 1) == "is", let c = column(refEnding(at: e)) { return from(c, optional: true) }
                }
                if let k = s.w(p - 1), ["like", "glob", "regexp", "match"].contains(k) {
                    let e = s.w(p - 2) == "not" ? p - 3 : p - 2
                    if let c = column(refEnding(at: e)) { return from(c, type: .text) }
                }
                // col [NOT] BETWEEN :p AND …  /  col [NOT] BETWEEN x AND :p
                if s.w(p - 1) == "between" {
                    let e = s.w(p - 2) == "not" ? p - 3 : p - 2
                    if let c = column(refEnding(at: e)) { return from(c) }
                }
                if s.w(p - 1) == "and", s.w(p - 3) == "between" {
                    let e = s.w(p - 4) == "not" ? p - 5 : p - 4
                    if let c = column(refEnding(at: e)) { return from(c) }
                }
            }
            // col [NOT] IN (:p)  — a list; col IN (…, :p, …) — one value
            if s.isSym(p - 1, "("), s.isSym(p + 1, ")"), s.w(p - 2) == "in" {
                let e = s.w(p - 3) == "not" ? p - 4 : p - 3
                if let c = column(refEnding(at: e)) { return from(c, list: true) }
            }
            do {
                var q = p - 1
                while s.isSym(q, ","), q >= 1, [.parameter, .number, .string].contains(s.tok(q - 1).kind) { q -= 2 }
                if s.isSym(q, "("), s.w(q - 1) == "in", !(s.isSym(p - 1, "(") && s.isSym(p + 1, ")")) {
                    let e = s.w(q - 2) == "not" ? q - 3 : q - 2
                    if let c = column(refEnding(at: e)) { return from(c) }
                }
            }
            // :p op col
            if !isArith(p - 1), p + 1 < s.count {
                let next = s.tok(p + 1)
                if next.kind == .symbol, Self.comparisons.contains(ts.text(next)), let c = column(refStarting(at: p + 2)) { return from(c) }
                if s.w(p + 1) == "is" {
                    let b = s.w(p + 2) == "not" ? p + 3 : p + 2
                    if let c = column(refStarting(at: b)) { return from(c, optional: true) }
                }
            }
            return nil
        }

        // A parameter alone as an ORDER BY / GROUP BY term is a constant: it cannot choose a column.
        for p in paramPositions {
            guard s.isSym(p - 1, ",") || s.w(p - 1) == "by" else { continue }
            // The nearest BY at the same depth, with no clause keyword in between.
            var q = p - 1, depth = 0
            while q >= 0 {
                if s.isSym(q, ")") { depth += 1 } else if s.isSym(q, "(") { if depth == 0 { break }; depth -= 1 }
                else if depth == 0, let k = s.w(q), ["by", "select", "from", "where", "having", "limit", "set", "values", "on"].contains(k) { break }
                q -= 1
            }
            let after = p + 1 < s.count ? (s.w(p + 1) ?? ts.text(s.tok(p + 1))) : ""
            if q >= 1, s.w(q) == "by", let k = s.w(q - 1), k == "order" || k == "group",
               [",", ")", ";", "", "asc", "desc", "nulls", "limit", "having", "window", "union", "intersect", "except", "collate"].contains(after) {
                let t = s.tok(p)
                throw QueryError(.misplacedParameter,
                                 "a parameter in \(k.uppercased()) BY is one constant value for every row: it cannot choose the column to \(k == "order" ? "sort" : "group") by; write the column, or a CASE over the choices",
                                 offset: t.start, length: t.length)
            }
        }
        var out: [QueryParameter] = []
        for i in 1...count {
            guard let cname = sqlite3_bind_parameter_name(stmt, i) else {
                let t = paramPositions.map { s.tok($0) }.first { ts.text($0).hasPrefix("?") }
                throw QueryError(.badParameterName, "use a named parameter ':snake_name' instead of '?'",
                                 offset: t?.start ?? 0, length: t?.length ?? 0)
            }
            let full = String(cString: cname)
            let positions = paramPositions.filter { ts.text(s.tok($0)) == full }
            let firstTok = positions.first.map { s.tok($0) }
            let name = String(full.dropFirst())
            guard full.hasPrefix(":"), Self.isSnakeCase(name) else {
                throw QueryError(.badParameterName, "parameter '\(full)': parameters are named ':snake_name' (a colon, then lowercase letters, digits and '_'); '?', '@' and '$' parameters are not supported",
                                 offset: firstTok?.start ?? 0, length: firstTok?.length ?? 0)
            }
            var result: Inferred?
            var annotated = false
            for p in positions {
                let idx = ts.code[p]
                let nextCode = p + 1 < s.count ? ts.code[p + 1] : ts.all.count
                if let ann = s.annotation(from: idx + 1, to: nextCode) {
                    switch ann {
                    case .success(let (type, optional)):
                        result = Inferred(type: type, optional: optional, list: false, source: .annotation)
                        annotated = true
                    case .failure(let e): throw e
                    }
                    break
                }
            }
            if !annotated {
                // `:p IS NULL` anywhere (the "optional filter" idiom) makes the parameter optional.
                let testedForNull = positions.contains { p in
                    (s.w(p + 1) == "is" && (s.w(p + 2) == "null" || (s.w(p + 2) == "not" && s.w(p + 3) == "null")))
                        || s.w(p + 1) == "isnull" || s.w(p + 1) == "notnull"
                }
                for p in positions {
                    guard let inf = infer(p) else { continue }
                    guard let r = result else { result = inf; continue }
                    if r.type != inf.type || r.list != inf.list {
                        let t = s.tok(p)
                        throw QueryError(.conflictingParameterType,
                                         "parameter '\(full)' is used as \(Self.describe(r)) and here as \(Self.describe(inf)); use two parameters or annotate it: '\(full) /* as TYPE */'",
                                         offset: t.start, length: t.length)
                    }
                    result?.optional = r.optional || inf.optional
                }
                if testedForNull { result?.optional = true }
            }
            guard let result else {
                throw QueryError(.unknownParameterType,
                                 "cannot infer the type of parameter '\(full)': compare it with a column, or annotate it: '\(full) /* as integer */' (add '?' for an optional)",
                                 offset: firstTok?.start ?? 0, length: firstTok?.length ?? 0)
            }
            out.append(QueryParameter(name: name, index: i, type: result.type, isOptional: result.optional, isList: result.list,
                                      source: result.source, offsets: positions.map { s.tok($0).start }))
        }
        return out
    }

    static func describe(_ i: Inferred) -> String {
        (i.list ? "a list of " : "") + i.type.name
    }

    static func isSnakeCase(_ name: String) -> Bool {
        guard let f = name.utf8.first, f >= 0x61 && f <= 0x7A else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// For `INSERT INTO t [(cols)] VALUES (…), …`: the column each single-token value position is inserted into.
    func insertedColumns(_ s: StructureAnalyzer, bodyStart: Int) -> [Int: ColInfo] {
        var p = bodyStart
        guard let k = s.w(p), k == "insert" || k == "replace" else { return [:] }
        while p < s.count, s.w(p) != "into" { p += 1 }
        p += 1
        guard var name = s.ident(p) else { return [:] }
        p += 1
        if s.isSym(p, "."), let second = s.ident(p + 1) { name = second; p += 2 }
        guard let table = env.tables[name.lowercased()] else { return [:] }
        if s.w(p) == "as" { p += 2 }
        var cols = table
        if s.isSym(p, "(") {
            let c = s.close(p, s.count)
            cols = stride(from: p + 1, to: c, by: 2).compactMap { s.ident($0) }.compactMap { n in table.first { $0.name.lowercased() == n.lowercased() } }
            p = c + 1
        }
        var out: [Int: ColInfo] = [:]
        if s.w(p) == "select" {
            // INSERT … SELECT :a, :b …: the first core's items, by position.
            let ends = s.topLevel(p + 1, s.count) { q in
                guard let k = s.w(q) else { return false }
                return ["from", "where", "group", "having", "window", "order", "limit", "union", "intersect", "except", "on", "returning"].contains(k)
            }
            let end = ends.first ?? s.count
            for (k, arg) in s.splitArgs(p + 1, end).enumerated() where arg.1 == arg.0 + 1 && k < cols.count {
                out[arg.0] = cols[k]
            }
            return out
        }
        guard s.w(p) == "values" else { return [:] }
        p += 1
        while s.isSym(p, "(") {
            let c = s.close(p, s.count)
            for (k, arg) in s.splitArgs(p + 1, c).enumerated() where arg.1 == arg.0 + 1 && k < cols.count {
                out[arg.0] = cols[k]
            }
            p = c + 1
            guard s.isSym(p, ",") else { break }
            p += 1
        }
        return out
    }

    // MARK: result columns

    func resultColumns(_ stmt: OpaquePointer, ts: TokenStream, kind: StatementKind, bodyStart: Int) throws(QueryError) -> [ResultColumn] {
        let n = Int(sqlite3_column_count(stmt))
        guard n > 0 else { return [] }
        let s = StructureAnalyzer(ts, env: env)
        var items: [Item] = []
        if kind == .select {
            items = s.selectStatement(0, s.count, parent: nil)
        } else if let ret = s.topLevel(bodyStart, s.count, { s.w($0) == "returning" }).first {
            var source: [RowSource] = []
            if let target = targetTable(s, bodyStart: bodyStart), let cols = env.tables[target.0.lowercased()] {
                source = [RowSource(alias: target.1.lowercased(), columns: cols, opaque: false)]
            }
            var end = s.count
            if s.isSym(end - 1, ";") { end -= 1 }
            items = s.items(ret + 1, end, sources: source, parent: nil)
        }
        if let e = s.error { throw e }
        let trusted = items.count == n
        var out: [ResultColumn] = []
        for i in 0..<n {
            let name = sqlite3_column_name(stmt, Int32(i)).map { String(cString: $0) } ?? "column\(i + 1)"
            var origin: ColumnOrigin?
            if let t = sqlite3_column_table_name(stmt, Int32(i)), let c = sqlite3_column_origin_name(stmt, Int32(i)) {
                let table = String(cString: t), column = String(cString: c)
                let spelled = env.tableNames[table.lowercased()] ?? table
                let colName = schema.tablesByName[table.lowercased()]?.columns.first { $0.name.lowercased() == column.lowercased() }?.name ?? column
                origin = ColumnOrigin(table: spelled, column: colName)
            }
            // The structural analysis is used only where it lines up with SQLite's own column (same name).
            let item = trusted && (!items[i].named || items[i].info.map({ $0.name.lowercased() == name.lowercased() }) != false) ? items[i] : nil
            if let item, let (a, b) = item.conflict {
                throw QueryError(.untypedResultColumn,
                                 "the arms of the compound select give result column '\(name)' different types (\(a.name) and \(b.name)): CAST them to one, or annotate the first arm: '… AS \(Self.suggestedAlias(name)) /* as \(a.name) */'",
                                 offset: item.offset, length: item.length)
            }
            let originColumn = origin.flatMap { o in env.tables[o.table.lowercased()]?.first { $0.name == o.column } }
            if let item, let info = item.info, let type = info.type {
                if item.annotated || info.source != .column || origin == nil || info.origin == nil || info.origin == origin {
                    out.append(ResultColumn(name: name, type: type, isOptional: info.nullable, origin: origin ?? info.origin,
                                            source: info.source, offset: item.offset))
                    continue
                }
            }
            if let originColumn, let type = originColumn.type {
                // SQLite knows the column but the structural analysis could not follow it here: its type, and
                // (since an outer join could not be ruled out) optional.
                out.append(ResultColumn(name: name, type: type, isOptional: true, origin: origin, source: .column, offset: item?.offset))
                continue
            }
            let at = item.map { ($0.offset, $0.length) } ?? (0, 0)
            throw QueryError(.untypedResultColumn,
                             "cannot infer the type of result column '\(name)': use a column, CAST(… AS INTEGER|REAL|TEXT|BLOB), or annotate it: '… AS \(Self.suggestedAlias(name)) /* as integer */' (add '?' when it can be NULL)",
                             offset: at.0, length: at.1)
        }
        var seen: [String: Int] = [:]
        for (i, c) in out.enumerated() {
            let key = c.name.lowercased()
            if let j = seen[key] {
                let at = c.offset ?? 0
                let length = trusted ? items[i].length : 0
                let alias = Self.suggestedAlias(c.origin.map { "\($0.table)_\($0.column)" } ?? c.name + "_\(i + 1)")
                let itemText = String(decoding: ts.bytes[min(at, ts.bytes.count)..<min(ts.bytes.count, at + length)], as: UTF8.self)
                let fromStar = itemText == "*" || itemText.hasSuffix(".*")
                let advice = fromStar
                    ? "it comes from a '*': list the columns and alias one, e.g. '… AS \(alias)'"
                    : "give one an alias, e.g. '… AS \(alias)'"
                throw QueryError(.duplicateResultName, "result column \(i + 1) is named '\(c.name)' like column \(j + 1); \(advice)",
                                 offset: at, length: length)
            }
            seen[key] = i
        }
        return out
    }

    static func suggestedAlias(_ name: String) -> String {
        let cleaned = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return SQLIdentifier.isPlain(cleaned) && !cleaned.isEmpty ? cleaned : "value"
    }

    /// The table an INSERT/UPDATE/DELETE writes, and its alias.
    func targetTable(_ s: StructureAnalyzer, bodyStart: Int) -> (String, String)? {
        var p = bodyStart
        switch s.w(p) {
        case "insert", "replace":
            while p < s.count, s.w(p) != "into" { p += 1 }
            p += 1
        case "update":
            p += 1
            if s.w(p) == "or" { p += 2 }
        case "delete":
            p += 2
        default: return nil
        }
        guard var name = s.ident(p) else { return nil }
        p += 1
        if s.isSym(p, "."), let second = s.ident(p + 1) { name = second; p += 2 }
        var alias = name
        if s.w(p) == "as", let a = s.ident(p + 1) { alias = a }
        return (name, alias)
    }
}
