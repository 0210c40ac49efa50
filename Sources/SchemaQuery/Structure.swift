import SchemaSyntax
import SchemaModel

/// What the structural analysis knows about one column of a row source or result.
struct ColInfo: Sendable, Hashable {
    var name: String
    /// Nil when the value's type cannot be known without an annotation.
    var type: LogicalType?
    /// Can be NULL where it is read (declared nullability, outer-join padding, aggregates).
    var nullable: Bool
    /// The declared nullability before any outer-join padding (what a parameter compared with it takes).
    var ownNullable: Bool
    var origin: ColumnOrigin?
    var source: ResultColumn.Source

    static func untyped(_ name: String) -> ColInfo {
        ColInfo(name: name, type: nil, nullable: true, ownNullable: true, origin: nil, source: .column)
    }
}

/// One row source in a FROM clause.
struct RowSource {
    /// Lowercased name it is referred to by (alias, or table name).
    var alias: String
    var columns: [ColInfo]
    /// A table-valued function or something else whose columns are not known.
    var opaque: Bool
    /// Columns merged into an earlier source by USING/NATURAL: not repeated by `*`.
    var hiddenFromStar: Set<String> = []
}

/// A select-list item after analysis.
struct Item {
    var info: ColInfo?
    /// Where the item starts (UTF-8 offset), and its token span (code indices).
    var offset: Int
    var length: Int
    var annotated: Bool
    /// The name is an alias or a column's name (not expression text, which SQLite spells its own way).
    var named: Bool = false
    /// Arms of a compound select give the column different types: (first, other).
    var conflict: (LogicalType, LogicalType)?
}

/// Parses just enough of SQLite's grammar to follow every result column to the row source it is
/// read from, through aliases, CTEs (also recursive), subqueries in FROM, views and joins, marking
/// the columns of the null-supplying side of every outer join as nullable.
///
/// Precision limits (all on the safe side: a value that can be NULL is never reported non-NULL):
/// an outer join is never simplified by a WHERE clause; a later arm of a compound select whose
/// column cannot be typed makes the column nullable.
final class StructureAnalyzer {
    let ts: TokenStream
    let env: Environment
    /// CTE columns visible by name (innermost last).
    var cteScopes: [[String: [ColInfo]]] = []
    /// Every CTE seen, for parameter inference.
    var allCTEs: [String: [ColInfo]] = [:]
    var error: QueryError?
    /// Every row source built so far (columns with their declared nullability), for parameter inference.
    var seen: [RowSource] = []

    init(_ ts: TokenStream, env: Environment) { self.ts = ts; self.env = env }

    var count: Int { ts.code.count }
    func tok(_ p: Int) -> SQLToken { ts.all[ts.code[p]] }
    func w(_ p: Int) -> String? { p < count && p >= 0 ? ts.word(tok(p)) : nil }
    func isSym(_ p: Int, _ s: String) -> Bool {
        guard p >= 0, p < count, tok(p).kind == .symbol else { return false }
        return ts.text(tok(p)) == s
    }
    func ident(_ p: Int) -> String? {
        guard p >= 0, p < count else { return nil }
        let t = tok(p)
        guard t.kind == .word || t.kind == .quotedIdentifier else { return nil }
        return ts.identifier(t)
    }

    /// The index of the `)` matching the `(` at p (or hi when unbalanced).
    func close(_ p: Int, _ hi: Int) -> Int {
        var depth = 0
        var i = p
        while i < hi {
            if isSym(i, "(") { depth += 1 } else if isSym(i, ")") { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return hi
    }

    /// Top-level (depth 0) positions in [lo, hi) where `match` holds.
    func topLevel(_ lo: Int, _ hi: Int, _ match: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        var depth = 0
        var i = lo
        while i < hi {
            if isSym(i, "(") { depth += 1 } else if isSym(i, ")") { depth -= 1 } else if depth == 0, match(i) { out.append(i) }
            // CASE … END nests expressions but not clauses; keywords inside are harmless for our matches.
            i += 1
        }
        return out
    }

    // MARK: statements

    /// Skips `WITH [RECURSIVE] cte, …` at lo, analysing and registering each CTE. Returns the position after it.
    func withClause(_ lo: Int, _ hi: Int) -> Int {
        guard w(lo) == "with" else { return lo }
        var p = lo + 1
        if w(p) == "recursive" { p += 1 }
        var scope: [String: [ColInfo]] = [:]
        cteScopes.append(scope)
        while p < hi, let name = ident(p) {
            p += 1
            var names: [String]?
            if isSym(p, "(") {
                let c = close(p, hi)
                names = stride(from: p + 1, to: c, by: 2).compactMap { ident($0) }
                p = c + 1
            }
            guard w(p) == "as" else { return p }
            p += 1
            if w(p) == "not" { p += 1 }
            if w(p) == "materialized" { p += 1 }
            guard isSym(p, "(") else { return p }
            let c = close(p, hi)
            let key = name.lowercased()
            // A recursive CTE: its first arm types it, then the whole body is analysed with it visible.
            let arms = compoundArms(p + 1, c)
            if let first = arms.first {
                var cols = selectCore(first.0, first.1, parent: nil).map { $0.info ?? .untyped("") }
                rename(&cols, names)
                scope[key] = cols
                cteScopes[cteScopes.count - 1] = scope
            }
            var cols = selectStatement(p + 1, c, parent: nil).map { $0.info ?? .untyped("") }
            rename(&cols, names)
            scope[key] = cols
            cteScopes[cteScopes.count - 1] = scope
            allCTEs[key] = cols
            p = c + 1
            if isSym(p, ",") { p += 1 } else { break }
        }
        return p
    }

    func rename(_ cols: inout [ColInfo], _ names: [String]?) {
        guard let names else { return }
        for i in cols.indices where i < names.count { cols[i].name = names[i] }
    }

    /// Splits a compound select into its arms (ORDER BY / LIMIT at the end stay with the last arm).
    func compoundArms(_ lo: Int, _ hi: Int) -> [(Int, Int)] {
        let ops = topLevel(lo, hi) { p in
            let k = self.w(p)
            return k == "union" || k == "intersect" || k == "except"
        }
        var arms: [(Int, Int)] = []
        var start = lo
        for op in ops {
            arms.append((start, op))
            start = op + 1
            if w(start) == "all" { start += 1 }
        }
        arms.append((start, hi))
        return arms
    }

    /// A full SELECT statement (WITH, compound arms, ORDER BY, LIMIT) in [lo, hi).
    func selectStatement(_ lo: Int, _ hi: Int, parent: [RowSource]?) -> [Item] {
        let depth = cteScopes.count
        defer { cteScopes.removeLast(cteScopes.count - depth) }
        let start = withClause(lo, hi)
        let arms = compoundArms(start, hi)
        var result: [Item] = []
        for (k, arm) in arms.enumerated() {
            let items = selectCore(arm.0, arm.1, parent: parent)
            if k == 0 { result = items } else { merge(&result, items) }
        }
        return result
    }

    /// Folds another arm of a compound select (or another VALUES row) into the first one's columns:
    /// optional if optional in any; a known type that differs leaves the column untyped; an arm whose
    /// column cannot be typed makes it optional. An annotation in the first arm settles the column.
    func merge(_ result: inout [Item], _ items: [Item]) {
        for i in result.indices where !result[i].annotated {
            guard var info = result[i].info else { continue }
            if i < items.count, let other = items[i].info {
                if let t = other.type, let first = info.type, t != first {
                    result[i].info = nil
                    result[i].conflict = (first, t)
                    continue
                }
                info.nullable = info.nullable || other.nullable
                if other.origin != info.origin { info.origin = nil }
            } else {
                info.nullable = true
                info.origin = nil
            }
            result[i].info = info
        }
    }

    static let clauseWords: Set<String> = ["from", "where", "group", "having", "window", "order", "limit", "union", "intersect", "except", "returning", "on", "using", "join", "inner", "left", "right", "full", "cross", "natural", "outer", "indexed", "not", "set", "values", "select", "do", "as"]

    /// One SELECT core or VALUES in [lo, hi).
    func selectCore(_ lo: Int, _ hi: Int, parent: [RowSource]?) -> [Item] {
        if w(lo) == "values" {
            var row: [Item] = []
            var p = lo + 1
            var first = true
            while isSym(p, "(") {
                let c = close(p, hi)
                let tuple = items(p + 1, c, sources: [], parent: nil)
                if first { row = tuple; first = false } else { merge(&row, tuple) }
                p = c + 1
                guard isSym(p, ",") else { break }
                p += 1
            }
            for i in row.indices { row[i].info?.name = "column\(i + 1)" }
            return row
        }
        guard w(lo) == "select" else { return [] }
        var p = lo + 1
        if w(p) == "distinct" || w(p) == "all" { p += 1 }
        let ends = topLevel(p, hi) { q in
            guard let k = self.w(q), self.w(q - 1) != "distinct" else { return false }
            return ["from", "where", "group", "having", "window", "order", "limit"].contains(k)
        }
        let listEnd = ends.first ?? hi
        var sources: [RowSource] = []
        if listEnd < hi, w(listEnd) == "from" {
            let fromEnd = ends.dropFirst().first ?? hi
            sources = fromClause(listEnd + 1, fromEnd)
        }
        var list = items(p, listEnd, sources: sources, parent: parent)
        // An aggregate query without GROUP BY returns one row even from no rows: its bare columns are then NULL.
        let grouped = ends.contains { self.w($0) == "group" }
        if !grouped, containsAggregate(p, listEnd) || ends.contains(where: { self.w($0) == "having" }) {
            for i in list.indices where !list[i].annotated {
                switch list[i].info?.source {
                case .function(let f) where Self.aggregates.contains(f) || f == "row_number" || f == "rank" || f == "dense_rank"
                    || f == "ntile" || f == "percent_rank" || f == "cume_dist": break
                case .literal: break
                default: list[i].info?.nullable = true
                }
            }
        }
        return list
    }

    /// True for `SELECT <aggregate>, … FROM …` without GROUP BY, HAVING, LIMIT or a compound: exactly one row.
    func alwaysOneRow(_ lo: Int, _ hi: Int) -> Bool {
        guard w(lo) == "select" else { return false }
        let arms = compoundArms(lo, hi)
        guard arms.count == 1 else { return false }
        let clauses = topLevel(lo + 1, hi) { q in
            guard let k = self.w(q), self.w(q - 1) != "distinct" else { return false }
            return ["from", "where", "group", "having", "window", "order", "limit"].contains(k)
        }
        if clauses.contains(where: { ["group", "having", "limit"].contains(self.w($0) ?? "") }) { return false }
        return containsAggregate(lo + 1, clauses.first ?? hi)
    }

    /// An aggregate function call (not a window function) in [lo, hi), outside subqueries.
    func containsAggregate(_ lo: Int, _ hi: Int) -> Bool {
        var depth = 0, subqueryDepth: Int?
        var i = lo
        while i < hi {
            if isSym(i, "(") {
                depth += 1
                if subqueryDepth == nil, let k = w(i + 1), k == "select" || k == "with" || k == "values" { subqueryDepth = depth }
            } else if isSym(i, ")") {
                if subqueryDepth == depth { subqueryDepth = nil }
                depth -= 1
            } else if subqueryDepth == nil, let k = w(i), Self.aggregates.contains(k), isSym(i + 1, "(") {
                let c = close(i + 1, hi)
                var q = c + 1
                if w(q) == "filter", isSym(q + 1, "(") { q = close(q + 1, hi) + 1 }
                // min/max with several arguments are the scalar functions.
                let scalar = (k == "min" || k == "max") && splitArgs(i + 2, c).count > 1
                if w(q) != "over", !scalar { return true }
            }
            i += 1
        }
        return false
    }

    // MARK: FROM

    /// A FROM clause (or a parenthesised join) in [lo, hi): its row sources, outer-join padding applied.
    func fromClause(_ lo: Int, _ hi: Int) -> [RowSource] {
        var all: [RowSource] = []
        var p = lo
        var pendingJoin = "inner"
        var natural = false
        while p < hi {
            // One table or subquery or parenthesised join.
            var group: [RowSource] = []
            if isSym(p, "(") {
                let c = close(p, hi)
                if let k = w(p + 1), k == "select" || k == "with" || k == "values" {
                    let cols = selectStatement(p + 1, c, parent: nil).map { $0.info ?? .untyped("") }
                    p = c + 1
                    let alias = aliasAt(&p, hi) ?? ""
                    group = [RowSource(alias: alias.lowercased(), columns: cols, opaque: false)]
                } else {
                    group = fromClause(p + 1, c)
                    p = c + 1
                    _ = aliasAt(&p, hi)
                }
            } else if let first = ident(p) {
                var name = first
                p += 1
                if isSym(p, "."), let second = ident(p + 1) { name = second; p += 2 }
                if isSym(p, "(") { // table-valued function
                    p = close(p, hi) + 1
                    let alias = aliasAt(&p, hi) ?? name
                    group = [RowSource(alias: alias.lowercased(), columns: [], opaque: true)]
                } else {
                    let alias = aliasAt(&p, hi) ?? name
                    if w(p) == "indexed" { p += 3 } else if w(p) == "not", w(p + 1) == "indexed" { p += 2 }
                    if let cols = lookup(name) {
                        group = [RowSource(alias: alias.lowercased(), columns: cols, opaque: false)]
                    } else {
                        group = [RowSource(alias: alias.lowercased(), columns: [], opaque: true)]
                    }
                }
            } else {
                break
            }
            // Apply the pending join operator to (all, group).
            var using: [String] = []
            if w(p) == "on" {
                // Skip the ON expression up to the next join operator at depth 0.
                let next = topLevel(p + 1, hi) { q in
                    if self.isSym(q, ",") { return true }
                    guard let k = self.w(q) else { return false }
                    return ["join", "inner", "left", "right", "full", "cross", "natural"].contains(k)
                }
                p = next.first ?? hi
            } else if w(p) == "using", isSym(p + 1, "(") {
                let c = close(p + 1, hi)
                using = stride(from: p + 2, to: c, by: 2).compactMap { ident($0)?.lowercased() }
                p = c + 1
            }
            if natural {
                let left = Set(all.flatMap { $0.columns.map { $0.name.lowercased() } })
                using = group.flatMap { $0.columns.map { $0.name.lowercased() } }.filter { left.contains($0) }
            }
            if !using.isEmpty, let last = group.indices.last {
                group[last].hiddenFromStar.formUnion(using)
            }
            switch pendingJoin {
            case "left": pad(&group)
            case "right": pad(&all)
            case "full": pad(&all); pad(&group)
            default: break
            }
            seen += group
            all += group
            // The next join operator.
            guard p < hi else { break }
            natural = false
            if isSym(p, ",") { pendingJoin = "inner"; p += 1; continue }
            var kind = "inner"
            var q = p
            if w(q) == "natural" { natural = true; q += 1 }
            if let k = w(q), ["left", "right", "full"].contains(k) { kind = k; q += 1; if w(q) == "outer" { q += 1 } }
            else if w(q) == "inner" || w(q) == "cross" { q += 1 }
            guard w(q) == "join" else { break }
            pendingJoin = kind
            p = q + 1
        }
        return all
    }

    func pad(_ sources: inout [RowSource]) {
        for i in sources.indices {
            for j in sources[i].columns.indices { sources[i].columns[j].nullable = true }
        }
    }

    /// `[AS] alias` at p, advancing past it.
    func aliasAt(_ p: inout Int, _ hi: Int) -> String? {
        guard p < hi else { return nil }
        if w(p) == "as", let a = ident(p + 1) { p += 2; return a }
        let t = tok(p)
        if t.kind == .quotedIdentifier || t.kind == .string, let a = ident(p) { p += 1; return a }
        if let k = w(p), !Self.clauseWords.contains(k), !SQLIdentifier.isKeyword(k) { p += 1; return ts.text(t) }
        return nil
    }

    /// A table, view or CTE's columns by name.
    func lookup(_ name: String) -> [ColInfo]? {
        let key = name.lowercased()
        for scope in cteScopes.reversed() { if let c = scope[key] { return c } }
        return env.views[key] ?? env.tables[key]
    }

    // MARK: select lists and expressions

    func items(_ lo: Int, _ hi: Int, sources: [RowSource], parent: [RowSource]?) -> [Item] {
        var out: [Item] = []
        var starts = [lo]
        starts += topLevel(lo, hi) { self.isSym($0, ",") }.map { $0 + 1 }
        for (k, a) in starts.enumerated() {
            let b = k + 1 < starts.count ? starts[k + 1] - 1 : hi
            guard a < b else { continue }
            let offset = tok(a).start
            let length = tok(b - 1).end - offset
            if b - a == 1, isSym(a, "*") {
                for s in sources {
                    for c in s.columns where !s.hiddenFromStar.contains(c.name.lowercased()) {
                        out.append(Item(info: c, offset: offset, length: length, annotated: false, named: true))
                    }
                }
                continue
            }
            if b - a == 3, isSym(a + 1, "."), isSym(a + 2, "*"), let q = ident(a) {
                if let s = sources.first(where: { $0.alias == q.lowercased() }) {
                    for c in s.columns { out.append(Item(info: c, offset: offset, length: length, annotated: false, named: true)) }
                }
                continue
            }
            var exprEnd = b
            var alias: String?
            let asPos = topLevel(a, b) { self.w($0) == "as" }
            if let asp = asPos.last, asp > a { exprEnd = asp; alias = ident(asp + 1) }
            var info = expression(a, exprEnd, sources: sources, parent: parent)
            if info == nil, exprEnd == b, b - a >= 2, ident(b - 1) != nil, !isSym(b - 2, ".") {
                info = expression(a, b - 1, sources: sources, parent: parent) // implicit alias
                if info != nil { alias = ident(b - 1); exprEnd = b - 1 }
            }
            let text = String(decoding: ts.bytes[tok(a).start..<tok(exprEnd - 1).end], as: UTF8.self)
            let name = alias ?? (info?.source == .column ? info?.name : nil) ?? text
            // An annotation after the expression (or its alias) settles the type.
            let nextCode = b < count ? ts.code[b] : ts.all.count
            if let ann = annotation(from: ts.code[b - 1] + 1, to: nextCode) {
                switch ann {
                case .success(let (type, optional)):
                    out.append(Item(info: ColInfo(name: name, type: type, nullable: optional, ownNullable: optional, origin: info?.origin, source: .annotation),
                                    offset: offset, length: length, annotated: true, named: alias != nil || info?.source == .column))
                case .failure(let e):
                    if error == nil { error = e }
                    out.append(Item(info: nil, offset: offset, length: length, annotated: true))
                }
                continue
            }
            info?.name = name
            out.append(Item(info: info, offset: offset, length: length, annotated: false, named: alias != nil || info?.source == .column))
        }
        return out
    }

    /// Parses `/* as TYPE */` or `/* as TYPE? */` among the comment tokens in all[from..<to].
    func annotation(from: Int, to: Int) -> Result<(LogicalType, Bool), QueryError>? {
        var i = from
        while i < to, i < ts.all.count {
            let t = ts.all[i]
            if t.kind == .comment, let r = Self.parseAnnotation(ts.text(t), offset: t.start) { return r }
            i += 1
        }
        return nil
    }

    static func parseAnnotation(_ comment: String, offset: Int) -> Result<(LogicalType, Bool), QueryError>? {
        guard comment.hasPrefix("/*"), comment.hasSuffix("*/"), comment.utf8.count >= 4 else { return nil }
        var body = Substring(comment.dropFirst(2).dropLast(2))
        while body.first == " " { body = body.dropFirst() }
        while body.last == " " { body = body.dropLast() }
        guard body.hasPrefix("as ") else { return nil }
        var spec = body.dropFirst(3)
        while spec.first == " " { spec = spec.dropFirst() }
        var optional = false
        if spec.last == "?" { optional = true; spec = spec.dropLast() }
        var name = String(spec)
        var argument: String?
        if let lt = spec.firstIndex(of: "<"), spec.last == ">" {
            name = String(spec[..<lt])
            argument = String(spec[spec.index(after: lt)..<spec.index(before: spec.endIndex)])
            if argument?.isEmpty == true { argument = nil }
        }
        guard let type = LogicalType(name: name, argument: argument), argument == nil || name == "json" else {
            var message = "unknown type '\(spec)' in annotation; the types are \(LogicalType.names.joined(separator: ", ")), each optionally followed by '?'"
            if let m = closestMatch(name, in: LogicalType.names) { message += "; did you mean '\(m)'?" }
            return .failure(QueryError(.badAnnotation, message, offset: offset, length: comment.utf8.count))
        }
        return .success((type, optional))
    }

    static let aggregates: Set<String> = ["count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg", "json_group_array", "json_group_object"]

    /// The type of an expression in [a, b), or nil when it cannot be known without an annotation.
    func expression(_ a: Int, _ b: Int, sources: [RowSource], parent: [RowSource]?) -> ColInfo? {
        guard a < b else { return nil }
        if isSym(a, "("), close(a, b) == b - 1 {
            if let k = w(a + 1), k == "select" || k == "with" || k == "values" {
                guard var first = selectStatement(a + 1, b - 1, parent: sources + (parent ?? [])).first?.info else { return nil }
                // NULL when it finds no row, unless it always returns one (an ungrouped aggregate).
                if !alwaysOneRow(a + 1, b - 1) { first.nullable = true }
                first.source = .subquery
                return first
            }
            return expression(a + 1, b - 1, sources: sources, parent: parent)
        }
        let n = b - a
        if n == 1 {
            let t = tok(a)
            switch t.kind {
            case .number:
                let s = ts.text(t).lowercased()
                let isReal = !s.hasPrefix("0x") && (s.contains(".") || s.contains("e"))
                return literal(isReal ? .real : .integer)
            case .string: return literal(.text)
            case .blob: return literal(.blob)
            case .word:
                switch ts.word(t) {
                case "null": return nil
                case "true", "false": return literal(.bool)
                case "current_timestamp": return literal(.timestamp)
                case "current_date", "current_time": return literal(.text)
                default: break
                }
                return resolve(nil, ts.text(t), sources: sources, parent: parent)
            case .quotedIdentifier:
                return resolve(nil, ts.identifier(t) ?? "", sources: sources, parent: parent)
            default: return nil
            }
        }
        if n >= 3, w(b - 2) == "collate", ident(b - 1) != nil {
            return expression(a, b - 2, sources: sources, parent: parent)
        }
        if n == 2, isSym(a, "-") || isSym(a, "+"), tok(a + 1).kind == .number {
            return expression(a + 1, b, sources: sources, parent: parent)
        }
        if n == 3, isSym(a + 1, "."), let q = ident(a), let c = ident(a + 2) {
            return resolve(q, c, sources: sources, parent: parent)
        }
        if n == 5, isSym(a + 1, "."), isSym(a + 3, "."), let q = ident(a + 2), let c = ident(a + 4) {
            return resolve(q, c, sources: sources, parent: parent)
        }
        // name ( args ) [FILTER (…)] [OVER (…) | OVER name]
        if w(a) == "case", w(b - 1) == "end" { return caseExpression(a, b, sources: sources, parent: parent) }
        if let c = comparison(a, b, sources: sources, parent: parent) { return c }
        // [NOT] EXISTS (subquery): 0 or 1, never NULL.
        if w(a) == "exists" || (w(a) == "not" && w(a + 1) == "exists") {
            let open = w(a) == "not" ? a + 2 : a + 1
            if isSym(open, "("), close(open, b) == b - 1 {
                return ColInfo(name: "", type: .bool, nullable: false, ownNullable: false, origin: nil, source: .function("exists"))
            }
            return nil
        }
        guard let fname = w(a), isSym(a + 1, "(") else { return nil }
        let c = close(a + 1, b)
        guard c < b else { return nil }
        var q = c + 1
        var window = false
        if w(q) == "filter", isSym(q + 1, "(") { q = close(q + 1, b) + 1 }
        if w(q) == "over" {
            window = true
            if isSym(q + 1, "(") { q = close(q + 1, b) + 1 } else { q += 2 }
        }
        guard q == b else { return nil }
        let args = splitArgs(a + 2, c)
        func arg(_ k: Int) -> ColInfo? {
            guard k < args.count else { return nil }
            var lo = args[k].0
            if w(lo) == "distinct" { lo += 1 }
            return expression(lo, args[k].1, sources: sources, parent: parent)
        }
        func fn(_ t: LogicalType, nullable: Bool) -> ColInfo {
            ColInfo(name: "", type: t, nullable: nullable, ownNullable: nullable, origin: nil, source: .function(fname))
        }
        switch fname {
        case "cast":
            // CAST ( expr AS type-name )
            guard let asp = topLevel(a + 2, c, { self.w($0) == "as" }).last else { return nil }
            let typeName = (asp + 1..<c).map { ts.text(tok($0)) }.joined(separator: " ").uppercased()
            guard let type = Self.affinity(typeName) else { return nil }
            let inner = expression(a + 2, asp, sources: sources, parent: parent)
            let nullable = inner?.nullable ?? true
            return ColInfo(name: "", type: type, nullable: nullable, ownNullable: nullable, origin: nil, source: .cast)
        case "count":
            return fn(.integer, nullable: false)
        case "row_number", "rank", "dense_rank", "ntile":
            return window ? fn(.integer, nullable: false) : nil
        case "percent_rank", "cume_dist":
            return window ? fn(.real, nullable: false) : nil
        case "total":
            return args.count == 1 ? fn(.real, nullable: false) : nil
        case "avg":
            return args.count == 1 ? fn(.real, nullable: true) : nil
        case "sum":
            guard args.count == 1, let x = arg(0), let t = x.type else { return nil }
            switch t {
            case .integer, .bool: return fn(.integer, nullable: true)
            case .real: return fn(.real, nullable: true)
            default: return nil
            }
        case "min", "max":
            guard args.count == 1, let x = arg(0), let t = x.type else { return nil }
            return fn(t, nullable: true)
        case "group_concat", "string_agg":
            return fn(.text, nullable: true)
        case "first_value", "last_value", "nth_value", "lag", "lead":
            guard window, let x = arg(0), let t = x.type else { return nil }
            return fn(t, nullable: true)
        case "length", "instr", "unicode":
            // NULL exactly when an argument is NULL.
            guard window == false, let n = nullableIfAny(args.indices.map(arg)) else { return nil }
            return fn(.integer, nullable: n)
        case "lower", "upper", "trim", "ltrim", "rtrim", "substr", "substring", "replace":
            guard window == false, let n = nullableIfAny(args.indices.map(arg)) else { return nil }
            return fn(.text, nullable: n)
        case "abs":
            guard !window, args.count == 1, let x = arg(0), let t = x.type else { return nil }
            switch t {
            case .integer, .bool: return fn(.integer, nullable: x.nullable)
            case .real: return fn(.real, nullable: x.nullable)
            default: return nil
            }
        case "round":
            guard !window, let n = nullableIfAny(args.indices.map(arg)), let t = arg(0)?.type, t == .real || t == .integer else { return nil }
            return fn(.real, nullable: n)
        case "typeof", "quote", "hex":
            return window ? nil : fn(.text, nullable: false)
        case "json_array", "json_object":
            return window ? nil : fn(.json(swiftType: nil), nullable: false)
        case "json_group_array", "json_group_object":
            return fn(.json(swiftType: nil), nullable: false)
        case "datetime":
            // datetime('now') is never NULL; any other input can be invalid, and then NULL.
            guard args.count == 1, args[0].1 == args[0].0 + 1, tok(args[0].0).kind == .string,
                  ts.text(tok(args[0].0)).lowercased() == "'now'" else { return nil }
            return fn(.timestamp, nullable: false)
        case "coalesce", "ifnull":
            guard args.count >= 2 else { return nil }
            var type: LogicalType?
            var nullable = true
            for k in args.indices {
                guard let x = arg(k), let t = x.type else { return nil }
                if let type, type != t { return nil }
                type = t
                nullable = nullable && x.nullable
            }
            guard let type else { return nil }
            return fn(type, nullable: nullable)
        default:
            return nil
        }
    }

    /// `CASE … WHEN … THEN r … [ELSE e] END`: the results' common type; NULL without an ELSE or when a result can be.
    func caseExpression(_ a: Int, _ b: Int, sources: [RowSource], parent: [RowSource]?) -> ColInfo? {
        // Top-level WHEN / THEN / ELSE positions (nested CASE … END and parentheses skipped).
        var marks: [(String, Int)] = []
        var depth = 0, nested = 0
        for i in (a + 1)..<(b - 1) {
            if isSym(i, "(") { depth += 1; continue }
            if isSym(i, ")") { depth -= 1; continue }
            guard depth == 0, let k = w(i) else { continue }
            if k == "case" { nested += 1; continue }
            if k == "end", nested > 0 { nested -= 1; continue }
            if nested == 0, k == "when" || k == "then" || k == "else" { marks.append((k, i)) }
        }
        var results: [(Int, Int)] = []
        var hasElse = false
        for (j, m) in marks.enumerated() where m.0 == "then" || m.0 == "else" {
            let end = j + 1 < marks.count ? marks[j + 1].1 : b - 1
            results.append((m.1 + 1, end))
            if m.0 == "else" { hasElse = true }
        }
        guard !results.isEmpty else { return nil }
        var type: LogicalType?
        var nullable = !hasElse
        for r in results {
            guard let x = expression(r.0, r.1, sources: sources, parent: parent), let t = x.type else { return nil }
            if let type, type != t { return nil }
            type = t
            nullable = nullable || x.nullable
        }
        guard let type else { return nil }
        return ColInfo(name: "", type: type, nullable: nullable, ownNullable: nullable, origin: nil, source: .function("case"))
    }

    static let comparisonSymbols: Set<String> = ["=", "==", "!=", "<>", "<", "<=", ">", ">="]

    /// `x op y` (a comparison, `[NOT] LIKE/GLOB`) is a bool, NULL when a side can be; `x IS [NOT] y`,
    /// `x IS [NOT] NULL`, `x ISNULL`, `x NOTNULL` are a bool that is never NULL. Both sides must be typed
    /// (so that nothing of lower precedence, like AND, hides in them) and there must be one operator.
    func comparison(_ a: Int, _ b: Int, sources: [RowSource], parent: [RowSource]?) -> ColInfo? {
        let ops = topLevel(a, b) { q in
            if self.tok(q).kind == .symbol { return Self.comparisonSymbols.contains(self.ts.text(self.tok(q))) }
            guard let k = self.w(q) else { return false }
            return ["is", "isnull", "notnull", "like", "glob"].contains(k)
        }
        guard ops.count == 1, let op = ops.first, op > a else { return nil }
        func bool(_ nullable: Bool) -> ColInfo {
            ColInfo(name: "", type: .bool, nullable: nullable, ownNullable: nullable, origin: nil, source: .function("comparison"))
        }
        switch w(op) {
        case "isnull", "notnull":
            guard op == b - 1, expression(a, op, sources: sources, parent: parent)?.type != nil else { return nil }
            return bool(false)
        case "is":
            var rhs = op + 1
            if w(rhs) == "not" { rhs += 1 }
            if w(rhs) == "distinct", w(rhs + 1) == "from" { rhs += 2 }
            guard rhs < b, expression(a, op, sources: sources, parent: parent)?.type != nil else { return nil }
            if rhs == b - 1, w(rhs) == "null" { return bool(false) }
            guard expression(rhs, b, sources: sources, parent: parent)?.type != nil else { return nil }
            return bool(false)
        default:
            let lhsEnd = w(op - 1) == "not" && (w(op) == "like" || w(op) == "glob") ? op - 1 : op
            guard let x = expression(a, lhsEnd, sources: sources, parent: parent), x.type != nil,
                  let y = expression(op + 1, b, sources: sources, parent: parent), y.type != nil else { return nil }
            return bool(x.nullable || y.nullable)
        }
    }

    /// For functions that are NULL exactly when an argument is: nil when an argument is untyped.
    func nullableIfAny(_ args: [ColInfo?]) -> Bool? {
        guard !args.isEmpty else { return nil }
        var nullable = false
        for a in args {
            guard let a, a.type != nil else { return nil }
            nullable = nullable || a.nullable
        }
        return nullable
    }

    func literal(_ t: LogicalType) -> ColInfo {
        ColInfo(name: "", type: t, nullable: false, ownNullable: false, origin: nil, source: .literal)
    }

    func splitArgs(_ lo: Int, _ hi: Int) -> [(Int, Int)] {
        guard lo < hi else { return [] }
        var out: [(Int, Int)] = []
        var start = lo
        for comma in topLevel(lo, hi, { self.isSym($0, ",") }) { out.append((start, comma)); start = comma + 1 }
        out.append((start, hi))
        return out
    }

    /// SQLite's affinity rules for a CAST's type name (https://sqlite.org/datatype3.html#affname).
    static func affinity(_ name: String) -> LogicalType? {
        if name.contains("INT") { return .integer }
        if name.contains("CHAR") || name.contains("CLOB") || name.contains("TEXT") { return .text }
        if name.contains("BLOB") || name.isEmpty { return .blob }
        if name.contains("REAL") || name.contains("FLOA") || name.contains("DOUB") { return .real }
        return nil // NUMERIC: integer or real depending on the value
    }

    /// A column reference `[q.]name` against the sources (then the enclosing query's, for correlation).
    func resolve(_ q: String?, _ name: String, sources: [RowSource], parent: [RowSource]?) -> ColInfo? {
        let key = name.lowercased()
        for scope in [sources, parent ?? []] {
            var matches: [ColInfo] = []
            var opaque = false
            for s in scope {
                if let q, s.alias != q.lowercased() { continue }
                if s.opaque { opaque = true; continue }
                if let c = s.columns.first(where: { $0.name.lowercased() == key }) { matches.append(c) }
            }
            if var first = matches.first {
                // Several matches are a USING/NATURAL column: NULL only if every side can be NULL.
                first.nullable = matches.allSatisfy(\.nullable)
                return first
            }
            if opaque { return nil }
            if q == nil, key == "rowid" || key == "oid" || key == "_rowid_", scope.count == 1 {
                let padded = scope[0].columns.contains { $0.nullable != $0.ownNullable }
                return ColInfo(name: name, type: .integer, nullable: padded, ownNullable: false, origin: nil, source: .column)
            }
        }
        return nil
    }
}

/// Column types of the schema's tables and of the views created so far, keyed by lowercased name.
struct Environment {
    var tables: [String: [ColInfo]] = [:]
    var views: [String: [ColInfo]] = [:]
    /// Original spellings, for suggestions and reports.
    var tableNames: [String: String] = [:]
    var viewNames: [String: String] = [:]

    init(schema: Schema) {
        for t in schema.tables where tables[t.name.lowercased()] == nil {
            tableNames[t.name.lowercased()] = t.name
            tables[t.name.lowercased()] = t.columns.map {
                ColInfo(name: $0.name, type: $0.type, nullable: $0.isNullable, ownNullable: $0.isNullable,
                        origin: ColumnOrigin(table: t.name, column: $0.name), source: .column)
            }
        }
    }
}
