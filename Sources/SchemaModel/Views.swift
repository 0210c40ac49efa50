import SchemaSyntax

extension View {
    /// The view's SELECT as it is emitted after `CREATE VIEW name AS`: the body without leading
    /// whitespace, without trailing comments and whitespace, and without a trailing `;` (a
    /// trailing `--` comment would otherwise swallow the `;` the DDL adds).
    public var statementSQL: String {
        let (start, end) = statementBounds
        let bytes = Array(sql.utf8)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Byte offset of `statementSQL` in `sql` (so an error at offset k of `statementSQL` is at
    /// `sqlRange.start + statementOffset + k` in the file).
    public var statementOffset: Int { statementBounds.start }

    var statementBounds: (start: Int, end: Int) {
        let t = SQLTokenizer(sql)
        var code: [SQLToken] = []
        var firstNonSpace: Int?
        for tok in t.tokens() where tok.kind != .space {
            if firstNonSpace == nil { firstNonSpace = tok.start }
            if tok.kind != .comment { code.append(tok) }
        }
        if let last = code.last, last.kind == .symbol, last.length == 1, t.bytes[last.start] == UInt8(ascii: ";") { code.removeLast() }
        guard let start = firstNonSpace, let end = code.last?.end, end > start else { return (0, 0) }
        return (start, end)
    }

    /// Names of tables or views the SQL mentions (every identifier token), lowercased, in order of first mention.
    var mentionedNames: [String] {
        let t = SQLTokenizer(sql)
        var out: [String] = []
        var seen = Set<String>()
        for tok in t.tokens() {
            if let n = t.identifierName(tok)?.lowercased(), seen.insert(n).inserted { out.append(n) }
        }
        return out
    }
}

extension Schema {
    /// The views ordered so that a view comes after every view its SQL names (an iterative
    /// depth-first sort, source order otherwise; a cycle, which the query check reports, is
    /// broken where it closes). The order `CREATE VIEW` statements are emitted and checked in.
    public var viewsInDependencyOrder: [View] {
        var byName: [String: Int] = [:]
        for (i, v) in views.enumerated() where byName[v.name.lowercased()] == nil { byName[v.name.lowercased()] = i }
        func deps(_ i: Int) -> [Int] {
            views[i].mentionedNames.compactMap { byName[$0] }.filter { $0 != i }
        }
        var state = [Int](repeating: 0, count: views.count)
        var order: [View] = []
        for root in views.indices where state[root] == 0 {
            var stack: [(Int, [Int], Int)] = [(root, deps(root), 0)]
            state[root] = 1
            while let (v, ds, k) = stack.last {
                if k < ds.count {
                    stack[stack.count - 1].2 += 1
                    let d = ds[k]
                    if state[d] == 0 {
                        state[d] = 1
                        stack.append((d, deps(d), 0))
                    }
                } else {
                    stack.removeLast()
                    state[v] = 2
                    order.append(views[v])
                }
            }
        }
        return order
    }
}
