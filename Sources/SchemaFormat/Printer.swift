import SchemaSyntax

/// Walks the token stream and prints it in canonical layout; `classify` first marks, from the
/// syntax tree, which tokens it may re-space, which are SQL islands and which braces open and
/// close blocks it knows. A declaration kind added to the language later is not matched here
/// (the tree is read with `if case`, never an exhaustive `switch`), so its tokens stay unmarked
/// and are copied verbatim. To format a new kind, mark it here; a new SQL fragment inside a known
/// node needs `island(_:)`, or the self-check refuses the file rather than re-space the SQL.
struct Printer {
    enum Class: Equatable { case verbatim, formatted, island }

    let file: SourceFile
    let tokens: [Token]
    private var classes: [Class]
    /// For an island's first token: its last token.
    private var islandEnd: [Int: Int] = [:]
    private var openers: Set<Int> = []
    private var closers: Set<Int> = []
    /// First tokens of declarations that get exactly one blank line before them.
    private var separated: Set<Int> = []
    /// Islands whose first token keeps its adjacency to the token before (`fts5(…)`).
    private var keepsAdjacency: Set<Int> = []
    private var out = ""

    init(file: SourceFile, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
        self.classes = Array(repeating: .verbatim, count: tokens.count)
    }

    // MARK: Tokens by offset

    /// The first token starting at or after `offset`.
    private func first(at offset: Int) -> Int {
        var lo = 0, hi = tokens.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].range.start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Indices of the tokens inside `range` (the end-of-file token excluded).
    private func indices(_ range: SourceRange) -> Range<Int> {
        var k = first(at: range.start)
        let lo = k
        while k < tokens.count - 1 && tokens[k].range.end <= range.end { k += 1 }
        return lo..<k
    }

    private mutating func mark(_ range: SourceRange) {
        for k in indices(range) where classes[k] == .verbatim { classes[k] = .formatted }
    }

    private mutating func mark(_ range: Range<Int>) {
        for k in range where classes[k] == .verbatim { classes[k] = .formatted }
    }

    /// SQL text: copied byte for byte, with the parentheses around it when they are not part of it.
    @discardableResult
    private mutating func island(_ sql: SQLText) -> Int? {
        let r = indices(sql.range)
        guard var lo = r.first, var hi = r.last else { return nil }
        if lo > 0, tokens[lo - 1].isSymbol("("), tokens[lo - 1].range.end == sql.range.start,
           hi + 1 < tokens.count, tokens[hi + 1].isSymbol(")"), tokens[hi + 1].range.start == sql.range.end {
            lo -= 1; hi += 1
        }
        for k in lo...hi { classes[k] = .island }
        islandEnd[lo] = hi
        return lo
    }

    /// The `{` at or after token `from` and its matching `}`; both become block braces.
    @discardableResult
    private mutating func block(from: Int, within range: SourceRange) -> Int? {
        var k = from
        while k < tokens.count - 1 && !tokens[k].isSymbol("{") { k += 1 }
        guard tokens[k].isSymbol("{"), tokens[k].range.end <= range.end else { return nil }
        let open = k
        var depth = 0
        while k < tokens.count - 1 {
            if tokens[k].isSymbol("{") { depth += 1 }
            if tokens[k].isSymbol("}") {
                depth -= 1
                if depth == 0 { break }
            }
            k += 1
        }
        guard tokens[k].isSymbol("}") else { return nil }
        openers.insert(open); closers.insert(k)
        classes[open] = .formatted; classes[k] = .formatted
        return open
    }

    // MARK: Classification from the tree

    mutating func classify(_ tree: FileSyntax) {
        for item in tree.items {
            if case .schema(let h) = item {
                attributes(h.attributes)
                mark(h.range); separated.insert(first(at: h.attributes.first?.range.start ?? h.range.start))
            } else if case .naming(let c) = item {
                config(c)
            } else if case .lint(let c) = item {
                config(c)
            } else if case .domain(let d) = item {
                domain(d)
            } else if case .table(let t) = item {
                table(t)
            } else if case .sql(let q) = item, q.kind == .migration {
                dataStep(q)
            } else if case .trigger(let t) = item {
                trigger(t)
            } else if case .virtualTable(let v) = item {
                virtualTable(v)
            }
        }
    }

    /// `@run(version: N, before|after) migration NAME { SQL }`: the attributes and the head are
    /// formatted; the braces and the SQL between them are copied byte for byte.
    private mutating func dataStep(_ q: SQLDeclarationSyntax) {
        separated.insert(first(at: q.range.start))
        attributes(q.attributes)
        mark(SourceRange(start: q.range.start, end: q.name.range.end))
    }

    /// The head re-spaced, the `when` an island, the body with its braces copied byte for byte.
    private mutating func trigger(_ t: TriggerSyntax) {
        separated.insert(first(at: t.range.start))
        attributes(t.attributes)
        let start = first(at: t.range.start)
        var open = start
        while open < tokens.count - 1 && tokens[open].range.start < t.body.range.start { open += 1 }
        while open > start && !tokens[open].isSymbol("{") { open -= 1 }
        guard tokens[open].isSymbol("{") else { return }
        mark(start..<open)
        if let w = t.whenClause { island(w) }
    }

    /// `virtual table NAME using MODULE(arguments)`: the arguments an island.
    private mutating func virtualTable(_ v: VirtualTableSyntax) {
        separated.insert(first(at: v.range.start))
        attributes(v.attributes)
        mark(v.range)
        guard let a = v.arguments else { return }
        // The arguments with their parentheses, written against the module's name: `fts5(…)`.
        let r = indices(a.range)
        guard let first = r.first, let last = r.last, first > 0, last + 1 < tokens.count,
              tokens[first - 1].isSymbol("("), tokens[last + 1].isSymbol(")") else { island(a); return }
        for k in (first - 1)...(last + 1) { classes[k] = .island }
        islandEnd[first - 1] = last + 1
        keepsAdjacency.insert(first - 1)
    }

    private mutating func config(_ c: ConfigBlockSyntax) {
        separated.insert(first(at: c.range.start))
        mark(c.range)
        block(from: first(at: c.range.start), within: c.range)
    }

    private mutating func attributes(_ list: [Attribute]) {
        for a in list { mark(a.range) }
    }

    private mutating func domain(_ d: DomainSyntax) {
        separated.insert(first(at: d.range.start))
        attributes(d.attributes)
        guard let open = block(from: first(at: d.name.range.start), within: d.range) else { return }
        mark(first(at: d.range.start)..<open)
        for t in d.tables { table(t) }
    }

    private mutating func table(_ t: TableSyntax) {
        separated.insert(first(at: t.range.start))
        attributes(t.attributes)
        guard let open = block(from: first(at: t.name.range.start), within: t.range) else { return }
        mark(first(at: t.range.start)..<open)
        for m in t.members {
            if case .column(let c) = m {
                mark(c.range)
                for modifier in c.modifiers {
                    if case .check(let sql, _) = modifier { island(sql) }
                    if case .defaultValue(let value, _) = modifier, case .expression(let sql) = value { island(sql) }
                    if case .generated(let sql, _, _) = modifier { island(sql) }
                    if case .values(let values, _) = modifier {
                        for value in values { if case .expression(let sql) = value { island(sql) } }
                    }
                }
            } else if case .index(let i) = m {
                mark(i.range)
                // An expression term keeps its place in the list: `(lower(a), b)`.
                for term in i.columns { if let e = term.expression, let lo = island(e) { keepsAdjacency.insert(lo) } }
                if let w = i.whereClause { island(w) }
            } else if case .constraint(let k) = m {
                mark(k.range)
                if case .check(let sql, _) = k { island(sql) }
            } else if case .namedConstraint(let name, let k) = m {
                let n = first(at: name.range.start)
                mark(max(0, n - 1)..<n + 1)   // `constraint NAME`
                mark(k.range)
                if case .check(let sql, _) = k { island(sql) }
            } else if case .legacySource(let l) = m {
                legacy(l)
            }
        }
    }

    private mutating func legacy(_ l: LegacySourceSyntax) {
        attributes([])
        if let w = l.whereClause { island(w) }
        guard let open = block(from: first(at: l.table.range.end), within: l.range) else { return }
        mark(first(at: l.range.start)..<open)
        for item in l.items {
            if case .assign(_, let sql, let r) = item {
                mark(r); island(sql)
            } else if case .unpivot(_, _, _, let r) = item {
                mark(r); block(from: first(at: r.start), within: r)
            } else if case .pack(_, _, let r) = item {
                mark(r)
            } else if case .archive(_, let r) = item {
                mark(r)
            } else if case .drop(_, _, let r) = item {
                mark(r)
            }
        }
    }

    // MARK: Printing

    private var depth = 0

    private func text(_ lo: Int, _ hi: Int) -> String {
        file.text(SourceRange(start: tokens[lo].range.start, end: tokens[hi].range.end))
    }

    private func render(_ c: Comment) -> String {
        let t = file.text(c.range)
        return c.kind == .line ? t.trimmingTrailingWhitespace() : t
    }

    private mutating func newline(blank: Bool) {
        guard !out.isEmpty else { return }
        out += blank ? "\n\n" : "\n"
    }

    private mutating func indent(_ level: Int) {
        out += String(repeating: " ", count: max(0, level) * SchemaFormatter.indentWidth)
    }

    mutating func print() -> String {
        var previous = -1        // last token of the previous atom
        var previousClass = Class.formatted
        var k = 0
        while true {
            let t = tokens[k]
            if t.kind == .endOfFile {
                trivia(before: k, previous: previous, previousClass: previousClass, atomClass: .formatted)
                break
            }
            let cls = classes[k]
            var end = k
            switch cls {
            case .formatted: break
            case .island: end = islandEnd[k] ?? k
            case .verbatim:
                while end + 1 < tokens.count - 1 && classes[end + 1] == .verbatim { end += 1 }
                // An unknown declaration at the top level is separated like the known ones.
                if depth == 0 && (t.startsLine || previous < 0) { separated.insert(k) }
            }
            trivia(before: k, previous: previous, previousClass: previousClass, atomClass: cls)
            out += text(k, end)
            if cls == .formatted && openers.contains(k) { depth += 1 }
            previous = end
            previousClass = cls
            k = end + 1
        }
        while out.hasSuffix("\n") { out.removeLast() }
        return out.isEmpty ? "" : out + "\n"
    }

    /// Writes what goes between the previous atom and the one starting at token `k`: trailing
    /// comments, line breaks, own-line comments, indentation or the space within a line.
    private mutating func trivia(before k: Int, previous: Int, previousClass: Class, atomClass: Class) {
        let t = tokens[k]
        let isEnd = t.kind == .endOfFile
        let isCloser = atomClass == .formatted && closers.contains(k)
        let afterOpener = previous >= 0 && previousClass == .formatted && openers.contains(previous)
        let atStart = previous < 0
        let comments = t.leadingComments
        var n = 0
        if !atStart {
            while n < comments.count && comments[n].newlinesBefore == 0 {
                out += " " + render(comments[n]); n += 1
            }
        }
        let own = comments[n...]
        let forced = separated.contains(k) && !afterOpener && !atStart
        if isCloser { depth -= 1 }
        let commentDepth = isCloser ? depth + 1 : depth
        for (j, c) in own.enumerated() {
            var blank = c.newlinesBefore >= 2
            if j == 0 && forced { blank = true }
            if j == 0 && (afterOpener || atStart) { blank = false }
            newline(blank: blank)
            indent(commentDepth)
            out += render(c)
        }
        if isEnd { return }
        if t.newlinesBefore == 0 || atStart && own.isEmpty {
            if atStart && own.isEmpty { return }
            if !own.isEmpty || n > 0 { out += " "; return }
            out += space(previous, previousClass, k, atomClass)
            return
        }
        var blank = t.newlinesBefore >= 2
        if own.isEmpty && forced { blank = true }
        if isCloser || (own.isEmpty && afterOpener) { blank = false }
        newline(blank: blank)
        indent(depth)
    }

    /// The space between two atoms on one line.
    private func space(_ a: Int, _ aClass: Class, _ b: Int, _ bClass: Class) -> String {
        let x = tokens[a], y = tokens[b]
        let adjacent = x.range.end == y.range.start
        if aClass == .verbatim || bClass == .verbatim { return adjacent ? "" : " " }
        if y.isSymbol(",") || y.isSymbol(";") || y.isSymbol(")") { return "" }
        if bClass == .island && keepsAdjacency.contains(b) { return adjacent ? "" : " " }
        if bClass == .island || aClass == .island { return " " }
        if y.isSymbol(":") || y.isSymbol("?") || y.isSymbol("]") || y.isSymbol(">") || y.isSymbol("<") { return "" }
        if x.isSymbol("(") || x.isSymbol("[") || x.isSymbol("@") || x.isSymbol("<") { return "" }
        if x.isSymbol("{") && y.isSymbol("}") { return "" }
        if x.isSymbol("-") || x.isSymbol("+") { return adjacent ? "" : " " }
        if y.isSymbol("-") || y.isSymbol("+") { return adjacent && x.kind == .identifier ? "" : " " }
        if y.isSymbol("(") && x.kind == .identifier {
            let before = a > 0 ? tokens[a - 1] : x
            if before.isWord("references") { return "" }
            // A name list after a keyword, an index or a packed column: `unique (a)`, `index i (a)`.
            if ["unique", "key", "unpivot", "archive"].contains(where: x.isWord) || before.isWord("index") || before.isWord("pack") { return " " }
            // Elsewhere (`@allow(`, anything added later) adjacency may be meaningful: kept.
            return adjacent ? "" : " "
        }
        return " "
    }
}
