/// A recursive-descent parser for `.victor` files. It never stops at the first error: each
/// error is reported, the parser skips to a point where it can go on (the next line of a
/// block, or the next top-level declaration), and every problem in the file is reported.
/// Nesting is bounded by the grammar (domain > table > block), and SQL text in parentheses
/// is scanned iteratively, so no input can exhaust the stack.
public struct Parser {
    private let file: SourceFile
    private let tokens: [Token]
    private var p = 0
    public private(set) var diagnostics: [Diagnostic]

    public static let topLevelKeywords = ["schema", "naming", "lint", "domain", "table", "query", "view", "trigger", "virtual", "migration"]
    public static let memberKeywords = ["index", "unique", "primary", "check", "foreign", "from", "query"]
    public static let columnModifierKeywords = ["primary", "unique", "not", "default", "references", "check", "collate"]
    public static let legacyKeywords = ["unpivot", "pack", "archive", "drop"]

    /// Parses a whole file: tokens, then the syntax tree. Diagnostics of both stages are in `diagnostics`.
    public static func parse(_ file: SourceFile) -> (FileSyntax, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        if let bad = file.firstInvalidUTF8Offset() {
            diagnostics.append(Diagnostic(.error, "file is not valid UTF-8 (byte 0x\(String(file.bytes[bad], radix: 16, uppercase: true)))",
                                          file: file.path, range: SourceRange(start: bad, end: bad + 1), id: .invalidUTF8))
        }
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        diagnostics += lexer.diagnostics
        var parser = Parser(file: file, tokens: tokens, diagnostics: diagnostics)
        let tree = parser.parseFile()
        return (tree, parser.diagnostics)
    }

    init(file: SourceFile, tokens: [Token], diagnostics: [Diagnostic]) {
        self.file = file
        self.tokens = tokens
        self.diagnostics = diagnostics
        self.lexerErrorStarts = Set(diagnostics.map(\.range.start))
        self.swallowedEnd = diagnostics.contains { $0.messageID == .unterminatedComment }
    }

    // MARK: Token helpers

    private var tok: Token { tokens[p] }
    private func peek(_ k: Int = 1) -> Token { tokens[min(p + k, tokens.count - 1)] }
    private var atEnd: Bool { tok.kind == .endOfFile }
    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }
    private var previousEnd: Int { p > 0 ? tokens[p - 1].range.end : 0 }

    /// After this many errors the parser stops (as clang's `-ferror-limit`): the rest of the file
    /// is not parsed, and one `input/too-many-diagnostics` note says where it stopped. Bounds the
    /// time and memory a file of nothing but errors can take.
    public static let maxErrors = 1000
    private var stopped = false
    /// Columns of the table being parsed whose declaration failed (see `TableSyntax.failedColumns`).
    private var failedColumns: [Name] = []
    private var lastErrorStart = -1
    private var earlyReturnAt = -1
    private let lexerErrorStarts: Set<Int>
    private let swallowedEnd: Bool

    private mutating func error(_ id: MessageID, _ message: String, _ range: SourceRange, fixIts: [FixIt] = [], notes: [Diagnostic.Note] = []) {
        lastErrorStart = max(lastErrorStart, range.start)
        // A token the lexer already reported (an empty or unterminated name, a stray character)
        // is not reported again as unexpected: one problem, one error.
        // After an unterminated block comment swallowed the rest of the file, what is missing at
        // its end (a '}') is that comment's fault, not another error.
        guard !stopped, !lexerErrorStarts.contains(range.start), !(swallowedEnd && tok.kind == .endOfFile) else { return }
        diagnostics.append(Diagnostic(.error, message, file: file.path, range: range, fixIts: fixIts, notes: notes, id: id))
        if diagnostics.count >= Parser.maxErrors {
            stopped = true
            diagnostics.append(Diagnostic(.note, "too many errors: parsing stopped after \(Parser.maxErrors)", file: file.path, range: range, id: .tooManyDiagnostics))
            p = tokens.count - 1 // the end-of-file token: every loop ends
        }
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .endOfFile: return "end of file"
        case .identifier: return "'\(t.text)'"
        case .integer, .float: return "number \(t.text)"
        case .string, .sqlString: return "string \(t.text)"
        case .symbol: return "'\(t.text)'"
        case .sqlBody: return "SQL"
        }
    }

    /// Expects a symbol; reports and returns false when it is missing (without consuming).
    ///
    /// A missing symbol is reported where it belongs, just after the previous token (as swiftc
    /// does), so the fix-it that inserts it sits under the caret. A missing closer of an
    /// `opening` delimiter is reported at the opening one that was left open, with a note at the
    /// token found instead.
    @discardableResult
    private mutating func expect(_ symbol: String, _ context: String, opening: Token? = nil) -> Bool {
        if tok.isSymbol(symbol) { _ = advance(); return true }
        let insertion = SourceRange(start: previousEnd, end: previousEnd)
        let fix = FixIt(message: "insert '\(symbol)'", range: insertion, replacement: symbol)
        if let opening {
            error(.unclosedDelimiter, "'\(opening.text)' is not closed: expected '\(symbol)' \(context), found \(describe(tok))", opening.range,
                  fixIts: [fix], notes: [.init(message: "insert '\(symbol)' here", range: insertion)])
        } else {
            error(.expectedToken, "expected '\(symbol)' \(context), found \(describe(tok))", insertion, fixIts: [fix])
        }
        return false
    }

    /// The token just consumed.
    private var previousToken: Token { tokens[max(0, p - 1)] }

    private mutating func expectName(_ what: String) -> Name? {
        if tok.kind == .identifier {
            let t = advance()
            return Name(t.text, t.range)
        }
        error(.expectedName, "expected \(what), found \(describe(tok))", tok.range)
        return nil
    }

    /// Reports an unexpected word, suggesting the closest keyword.
    private mutating func unexpected(_ expected: String, keywords: [String]) {
        var fixIts: [FixIt] = []
        var message = "expected \(expected), found \(describe(tok))"
        if tok.kind == .identifier, let match = closestMatch(tok.text, in: keywords), match != tok.text {
            message = "unknown keyword '\(tok.text)'; did you mean '\(match)'?"
            fixIts.append(FixIt(message: "replace with '\(match)'", range: tok.range, replacement: match))
        }
        error(.unexpectedToken, message, tok.range, fixIts: fixIts)
    }

    /// Skips to the start of the next line at the current nesting level, or to a `}` closing it.
    /// When the error was reported before the current token and that token starts a line (a
    /// missing ')' found the next line's first word), nothing is skipped: that line is the next
    /// declaration.
    private mutating func skipLine() {
        // (Never twice at one token without moving: recovery always makes progress.)
        if tok.startsLine && lastErrorStart < tok.range.start && earlyReturnAt != p { earlyReturnAt = p; return }
        var depth = 0
        _ = advance()
        while !atEnd {
            if depth == 0 && (tok.startsLine || tok.isSymbol("}")) { return }
            if tok.isSymbol("{") || tok.isSymbol("(") { depth += 1 }
            if tok.isSymbol("}") || tok.isSymbol(")") { depth = max(0, depth - 1) }
            _ = advance()
        }
    }

    /// Skips a bracketed list from its `[` to just after the matching `]` (or to the end of the
    /// enclosing block), iteratively.
    private mutating func skipBrackets() {
        var depth = 0
        while !atEnd {
            if tok.isSymbol("[") { depth += 1 }
            if tok.isSymbol("]") { depth -= 1; if depth <= 0 { _ = advance(); return } }
            if tok.isSymbol("{") || tok.isSymbol("}") { return }
            _ = advance()
        }
    }

    /// Skips past the end of the current block (to just after its matching `}`).
    private mutating func skipBlock() {
        var depth = 1
        while !atEnd {
            if tok.isSymbol("{") { depth += 1 }
            if tok.isSymbol("}") {
                depth -= 1
                if depth == 0 { _ = advance(); return }
            }
            _ = advance()
        }
    }

    // MARK: File

    mutating func parseFile() -> FileSyntax {
        var items: [TopLevelSyntax] = []
        while !atEnd {
            let comments = tok.leadingComments
            let attributes = parseAttributes()
            let start = tok.range.start
            if tok.isWord("schema") {
                if var h = parseSchemaHeader(comments) { h.attributes = attributes; items.append(.schema(h)) }
            } else if tok.isWord("naming") || tok.isWord("lint") {
                let kw = advance()
                let block = parseConfigBlock(Name(kw.text, kw.range), start: start)
                items.append(kw.text == "naming" ? .naming(block) : .lint(block))
            } else if tok.isWord("domain") {
                if let d = parseDomain(attributes, comments) { items.append(.domain(d)) }
            } else if tok.isWord("table") {
                if let t = parseTable(attributes, comments) { items.append(.table(t)) }
            } else if isSQLDeclarationStart {
                if let q = parseSQLDeclaration(attributes, comments) { items.append(.sql(q)) }
            } else if case let (true, item) = parseLanguageAddition(attributes, comments) {
                if let item { items.append(item) }
            } else if tok.isSymbol("}") {
                error(.unexpectedCloser, "unexpected '}' with no open block", tok.range,
                      fixIts: [FixIt(message: "remove '}'", range: tok.range, replacement: "")])
                _ = advance()
            } else {
                unexpected("'schema', 'naming', 'lint', 'domain', 'table', 'query', 'view', 'trigger' or 'virtual table'", keywords: Parser.topLevelKeywords)
                skipToTopLevel()
            }
        }
        return FileSyntax(items: items, trailingComments: tok.leadingComments)
    }

    private mutating func skipToTopLevel() {
        var depth = 0
        _ = advance()
        while !atEnd {
            if depth == 0 && tok.startsLine && tok.kind == .identifier && Parser.topLevelKeywords.contains(tok.text) { return }
            if tok.isSymbol("{") { depth += 1 }
            if tok.isSymbol("}") { depth -= 1; if depth < 0 { _ = advance(); return } }
            _ = advance()
        }
    }

    private mutating func parseSchemaHeader(_ comments: [Comment]) -> SchemaHeaderSyntax? {
        let kw = advance()
        guard let name = expectName("a schema name after 'schema'") else { skipLine(); return nil }
        var version: Int?
        var versionRange = name.range
        if tok.isWord("version") {
            _ = advance()
            if tok.kind == .integer, let v = Int(tok.text), v <= Int(Int32.max) {
                version = v
                versionRange = advance().range
            } else if tok.kind == .integer {
                // PRAGMA user_version, which records it in a database, is a signed 32-bit integer.
                error(.versionOutOfRange, "schema version \(tok.text) is too large: versions are stamped into PRAGMA user_version, a signed 32-bit integer (at most \(Int32.max))", tok.range)
                versionRange = advance().range
            } else {
                error(.expectedVersion, "expected an integer version after 'version', found \(describe(tok))", tok.range)
                if !tok.startsLine { skipLine() }
            }
        } else {
            error(.expectedVersion, "expected 'version' and an integer after the schema name", tok.range,
                  fixIts: [FixIt(message: "insert 'version 1'", range: SourceRange(start: previousEnd, end: previousEnd), replacement: " version 1")])
            if !tok.startsLine { skipLine() }
        }
        return SchemaHeaderSyntax(name: name, version: version, versionRange: versionRange, leadingComments: comments,
                                  range: SourceRange(start: kw.range.start, end: previousEnd))
    }

    // MARK: Attributes

    private mutating func parseAttributes() -> [Attribute] {
        var attributes: [Attribute] = []
        while tok.isSymbol("@") {
            let at = advance()
            guard let name = expectName("an attribute name after '@'") else { continue }
            var args: [Attribute.Argument] = []
            if tok.isSymbol("(") && tok.range.start == name.range.end {
                let open = advance()
                while !atEnd && !tok.isSymbol(")") {
                    let argStart = tok.range.start
                    var label: String?
                    if tok.kind == .identifier && peek().isSymbol(":") {
                        label = advance().text
                        _ = advance()
                    }
                    guard let value = parseWordOrLiteral() else { break }
                    args.append(.init(label: label, value: value, range: SourceRange(start: argStart, end: previousEnd)))
                    if tok.isSymbol(",") { _ = advance() } else { break }
                }
                expect(")", "to close the attribute's arguments", opening: open)
            }
            attributes.append(Attribute(name: name, arguments: args, range: SourceRange(start: at.range.start, end: previousEnd)))
        }
        return attributes
    }

    /// A string's value, a number, or a word that may contain dashes (`redundant-index`).
    private mutating func parseWordOrLiteral() -> String? {
        switch tok.kind {
        case .string, .sqlString: return advance().stringValue
        case .integer, .float: return advance().text
        case .identifier: return parseDashedWord().text
        default:
            error(.expectedValue, "expected a value, found \(describe(tok))", tok.range)
            return nil
        }
    }

    /// `word` or `word-word-…` written without spaces.
    private mutating func parseDashedWord() -> Name {
        let first = advance()
        var text = first.text
        var end = first.range.end
        while tok.isSymbol("-") && tok.range.start == end && peek().kind == .identifier && peek().range.start == tok.range.end {
            _ = advance()
            let part = advance()
            text += "-" + part.text
            end = part.range.end
        }
        return Name(text, SourceRange(start: first.range.start, end: end))
    }

    // MARK: Configuration blocks

    private mutating func parseConfigBlock(_ keyword: Name, start: Int) -> ConfigBlockSyntax {
        var entries: [ConfigEntry] = []
        guard expect("{", "after '\(keyword.text)'") else {
            skipLine()
            return ConfigBlockSyntax(keyword: keyword, entries: [], range: SourceRange(start: start, end: previousEnd))
        }
        let brace = previousToken
        while !atEnd && !tok.isSymbol("}") {
            let comments = tok.leadingComments
            guard tok.kind == .identifier || tok.kind == .string else {
                error(.expectedName, "expected a setting name in '\(keyword.text)' block, found \(describe(tok))", tok.range)
                skipLine(); continue
            }
            let key: Name
            if tok.kind == .string { let t = advance(); key = Name(t.stringValue, t.range) } else { key = parseDashedWord() }
            guard expect(":", "after setting '\(key.text)'") else { skipLine(); continue }
            guard let value = parseConfigValue() else { skipLine(); continue }
            entries.append(ConfigEntry(key: key, value: value, leadingComments: comments))
            if tok.isSymbol(",") || tok.isSymbol(";") { _ = advance() }
            if !tok.startsLine && !tok.isSymbol("}") && !atEnd {
                error(.expectedLineBreak, "expected a line break after setting '\(key.text)', found \(describe(tok))", tok.range)
                skipLine()
            }
        }
        expect("}", "to close the '\(keyword.text)' block", opening: brace)
        return ConfigBlockSyntax(keyword: keyword, entries: entries, range: SourceRange(start: start, end: previousEnd))
    }

    /// How deeply lists (`[[…]]`) may nest in a setting value; deeper input is a located error,
    /// never a stack overflow.
    public static let maxNestingDepth = 64

    private mutating func parseConfigValue(depth: Int = 0) -> ConfigValue? {
        switch tok.kind {
        case .integer:
            let t = advance()
            guard let v = Int(t.text) else { error(.numberTooLarge, "number \(t.text) is too large", t.range); return nil }
            return .integer(v, t.range)
        case .string, .sqlString:
            let t = advance()
            return .string(t.stringValue, t.range)
        case .identifier:
            let w = parseDashedWord()
            return .word(w.text, w.range)
        case .symbol where tok.text == "[":
            if depth >= Parser.maxNestingDepth {
                error(.nestingTooDeep, "lists nest more than \(Parser.maxNestingDepth) levels deep", tok.range)
                skipBrackets()
                return nil
            }
            let open = advance()
            var values: [ConfigValue] = []
            while !atEnd && !tok.isSymbol("]") {
                guard let v = parseConfigValue(depth: depth + 1) else { return nil }
                values.append(v)
                if tok.isSymbol(",") { _ = advance() } else { break }
            }
            guard expect("]", "to close the list", opening: open) else { return nil }
            return .list(values, SourceRange(start: open.range.start, end: previousEnd))
        default:
            error(.expectedValue, "expected a value (number, string, word or [list]), found \(describe(tok))", tok.range)
            return nil
        }
    }

    // MARK: Domains and tables

    private mutating func parseDomain(_ attributes: [Attribute], _ comments: [Comment]) -> DomainSyntax? {
        let kw = advance()
        let start = attributes.first?.range.start ?? kw.range.start
        guard let name = expectName("a domain prefix after 'domain'") else { skipToTopLevel(); return nil }
        var description: String?
        if tok.kind == .string || tok.kind == .sqlString { description = advance().stringValue }
        var tables: [TableSyntax] = []
        var sqlDeclarations: [SQLDeclarationSyntax] = []
        func domain() -> DomainSyntax {
            var d = DomainSyntax(name: name, description: description, tables: tables, attributes: attributes, leadingComments: comments, range: SourceRange(start: start, end: previousEnd))
            d.sqlDeclarations = sqlDeclarations
            return d
        }
        guard expect("{", "to open domain '\(name.text)'") else {
            skipToTopLevel()
            return DomainSyntax(name: name, description: description, tables: [], attributes: attributes, leadingComments: comments, range: SourceRange(start: start, end: previousEnd))
        }
        let brace = previousToken
        while !atEnd && !tok.isSymbol("}") {
            let tComments = tok.leadingComments
            let tAttributes = parseAttributes()
            if tok.isWord("table") {
                if let t = parseTable(tAttributes, tComments) { tables.append(t) }
            } else if isSQLDeclarationStart {
                if let q = parseSQLDeclaration(tAttributes, tComments) { sqlDeclarations.append(q) }
            } else if tok.kind == .identifier && (tok.text == "domain" || tok.text == "schema" || tok.text == "naming" || tok.text == "lint") {
                error(.misplacedDeclaration, "'\(tok.text)' cannot appear inside domain '\(name.text)'; is a '}' missing?", tok.range,
                      fixIts: [FixIt(message: "insert '}'", range: SourceRange(start: tok.range.start, end: tok.range.start), replacement: "}\n")])
                return domain()
            } else {
                unexpected("'table', 'query' or 'view' in domain '\(name.text)'", keywords: ["table", "query", "view"])
                skipToTopLevel()
            }
        }
        expect("}", "to close domain '\(name.text)'", opening: brace)
        return domain()
    }

    private mutating func parseTable(_ attributes: [Attribute], _ comments: [Comment]) -> TableSyntax? {
        let kw = advance()
        let start = attributes.first?.range.start ?? kw.range.start
        guard let name = expectName("a table name after 'table'") else {
            if tok.isSymbol("{") { _ = advance(); skipBlock() } else { skipToTopLevel() }
            return nil
        }
        var members: [TableMemberSyntax] = []
        let options = parseTableOptions()
        guard expect("{", "to open table '\(name.text)'") else {
            skipToTopLevel()
            return TableSyntax(name: name, members: [], attributes: attributes, leadingComments: comments, trailingComments: [], range: SourceRange(start: start, end: previousEnd))
        }
        let brace = previousToken
        failedColumns = []
        defer { failedColumns = [] }
        while !atEnd && !tok.isSymbol("}") {
            if (tok.isWord("table") || tok.isWord("domain")) && !peek().isSymbol(":") {
                error(.misplacedDeclaration, "'\(tok.text)' cannot appear inside table '\(name.text)'; is a '}' missing?", tok.range,
                      fixIts: [FixIt(message: "insert '}'", range: SourceRange(start: tok.range.start, end: tok.range.start), replacement: "}\n")])
                var t = TableSyntax(name: name, members: members, attributes: attributes, leadingComments: comments, trailingComments: [], range: SourceRange(start: start, end: previousEnd))
                t.failedColumns = failedColumns
                return t
            }
            if let m = parseMember(table: name.text) { members.append(m) }
        }
        let trailing = tok.leadingComments
        expect("}", "to close table '\(name.text)'", opening: brace)
        var t = TableSyntax(name: name, members: members, attributes: attributes, leadingComments: comments, trailingComments: trailing, range: SourceRange(start: start, end: previousEnd))
        t.failedColumns = failedColumns
        t.options = options
        return t
    }

    private mutating func parseMember(table: String) -> TableMemberSyntax? {
        let comments = tok.leadingComments
        let attributes = parseAttributes()
        let start = attributes.first?.range.start ?? tok.range.start
        if tok.kind == .identifier && peek().isSymbol(":") {
            return parseColumn(attributes, comments, start: start).map { .column($0) }
        }
        if tok.kind == .identifier {
            switch tok.text {
            case "index":
                return parseIndex(unique: false, attributes, comments, start: start).map { .index($0) }
            case "unique" where peek().isWord("index"):
                _ = advance()
                return parseIndex(unique: true, attributes, comments, start: start).map { .index($0) }
            case "unique":
                _ = advance()
                guard let cols = parseNameList("a column") else { skipLine(); return nil }
                return .constraint(.unique(cols, SourceRange(start: start, end: previousEnd)))
            case "primary":
                _ = advance()
                guard expectWord("key", "after 'primary'") else { skipLine(); return nil }
                guard let cols = parseNameList("a column") else { skipLine(); return nil }
                return .constraint(.primaryKey(cols, SourceRange(start: start, end: previousEnd)))
            case "check":
                _ = advance()
                guard let sql = parseParenthesizedSQL("after 'check'") else { skipLine(); return nil }
                return .constraint(.check(sql, SourceRange(start: start, end: previousEnd)))
            case "foreign":
                _ = advance()
                guard expectWord("key", "after 'foreign'") else { skipLine(); return nil }
                guard let cols = parseNameList("a column") else { skipLine(); return nil }
                guard tok.isWord("references") else {
                    error(.expectedKeyword, "expected 'references' after the foreign key's columns, found \(describe(tok))", tok.range)
                    skipLine(); return nil
                }
                guard let ref = parseReference() else { skipLine(); return nil }
                return .constraint(.foreignKey(columns: cols, ref, SourceRange(start: start, end: previousEnd)))
            case "from":
                return parseLegacySource(comments, start: start).map { .legacySource($0) }
            case "constraint" where peek().kind == .identifier && !peek().startsLine:
                return parseNamedConstraint(table: table)
            case "query" where peek().kind == .identifier:
                return parseSQLDeclaration(attributes, comments).map { .query($0) }
            case "view" where peek().kind == .identifier && peek(2).isSymbol("{"):
                error(.misplacedDeclaration, "a view cannot be declared inside table '\(table)': declare it at top level or in a domain", tok.range)
                _ = parseSQLDeclaration(attributes, comments)
                return nil
            default:
                if peek().kind == .identifier && !peek().startsLine && !Parser.memberKeywords.contains(tok.text) {
                    // `name text`: SQL habit.
                    let at = tok.range.end
                    failedColumns.append(Name(tok.text, tok.range))
                    error(.expectedColon, "expected ':' between column name '\(tok.text)' and its type", SourceRange(start: at, end: at),
                          fixIts: [FixIt(message: "insert ':'", range: SourceRange(start: at, end: at), replacement: ":")])
                    skipLine(); return nil
                }
            }
        }
        unexpected("a column ('name: type'), 'index', 'unique', 'primary key', 'check', 'foreign key' or 'from'", keywords: Parser.memberKeywords)
        skipLine()
        return nil
    }

    private mutating func expectWord(_ word: String, _ context: String) -> Bool {
        if tok.isWord(word) { _ = advance(); return true }
        var fixIts: [FixIt] = []
        if tok.kind == .identifier && editDistance(tok.text.lowercased(), word) <= 2 {
            fixIts.append(FixIt(message: "replace with '\(word)'", range: tok.range, replacement: word))
            error(.expectedKeyword, "expected '\(word)' \(context), found '\(tok.text)'; did you mean '\(word)'?", tok.range, fixIts: fixIts)
        } else {
            error(.expectedKeyword, "expected '\(word)' \(context), found \(describe(tok))", tok.range)
        }
        return false
    }

    /// `(name, name, …)`
    private mutating func parseNameList(_ what: String) -> [Name]? {
        let plural = (what.hasPrefix("a ") ? String(what.dropFirst(2)) : what) + "s"
        guard expect("(", "before the list of \(plural)") else { return nil }
        let open = previousToken
        var names: [Name] = []
        while !atEnd && !tok.isSymbol(")") {
            guard let n = expectName(what) else { return nil }
            names.append(n)
            if tok.isSymbol(",") { _ = advance() } else { break }
        }
        guard expect(")", "to close the list of \(plural)", opening: open) else { return nil }
        if names.isEmpty { error(.emptyList, "expected at least one \(what)", SourceRange(start: previousEnd - 1, end: previousEnd)); return nil }
        return names
    }

    // MARK: Columns

    private mutating func parseColumn(_ attributes: [Attribute], _ comments: [Comment], start: Int) -> ColumnSyntax? {
        let nameTok = advance()
        let name = Name(nameTok.text, nameTok.range)
        _ = advance() // ':'
        guard tok.kind == .identifier, !tok.startsLine else {
            failedColumns.append(name)
            error(.expectedType, "expected a type after '\(name.text):', found \(describe(tok))", tok.startsLine ? SourceRange(start: previousEnd, end: previousEnd) : tok.range)
            if !tok.startsLine { skipLine() }
            return nil
        }
        let typeName = advance()
        var argument: Name?
        if tok.isSymbol("<") {
            let open = advance()
            argument = expectName("a Swift type name in '\(typeName.text)<…>'")
            expect(">", "to close '\(typeName.text)<…>'", opening: open)
        }
        var optional = false
        if tok.isSymbol("?") && tok.range.start == previousEnd { _ = advance(); optional = true }
        let type = TypeSyntax(name: Name(typeName.text, typeName.range), argument: argument, isOptional: optional,
                              range: SourceRange(start: typeName.range.start, end: previousEnd))
        var modifiers: [ColumnModifierSyntax] = []
        while !atEnd && !tok.startsLine && !tok.isSymbol("}") {
            if tok.isSymbol(",") || tok.isSymbol(";") { _ = advance(); continue }
            guard let m = parseColumnModifier(column: name.text) else { skipLine(); break }
            modifiers.append(m)
        }
        return ColumnSyntax(name: name, type: type, modifiers: modifiers, attributes: attributes, leadingComments: comments,
                            range: SourceRange(start: start, end: previousEnd))
    }

    private mutating func parseColumnModifier(column: String) -> ColumnModifierSyntax? {
        let start = tok.range.start
        if tok.isSymbol("=") {
            _ = advance()
            guard let d = parseDefault() else { return nil }
            return .defaultValue(d, SourceRange(start: start, end: previousEnd))
        }
        guard tok.kind == .identifier else {
            error(.unknownModifier, "expected a column modifier ('primary key', 'unique', '= default', 'references', 'check', 'collate'), found \(describe(tok))", tok.range)
            return nil
        }
        switch tok.text {
        case "primary":
            _ = advance()
            guard expectWord("key", "after 'primary'") else { return nil }
            var descending: Bool?
            if tok.isWord("asc") { _ = advance(); descending = false } else if tok.isWord("desc") { _ = advance(); descending = true }
            var autoincrement = false
            if tok.isWord("autoincrement") { _ = advance(); autoincrement = true }
            return .primaryKey(descending: descending, autoincrement: autoincrement, SourceRange(start: start, end: previousEnd))
        case "unique":
            return .unique(advance().range)
        case "not":
            _ = advance()
            guard expectWord("null", "after 'not'") else { return nil }
            return .notNull(SourceRange(start: start, end: previousEnd))
        case "default":
            _ = advance()
            guard let d = parseDefault() else { return nil }
            return .defaultValue(d, SourceRange(start: start, end: previousEnd))
        case "references":
            return parseReference().map { .references($0) }
        case "check":
            _ = advance()
            guard let sql = parseParenthesizedSQL("after 'check'") else { return nil }
            return .check(sql, SourceRange(start: start, end: previousEnd))
        case "collate":
            _ = advance()
            guard let n = expectName("a collation name after 'collate'") else { return nil }
            return .collate(n, SourceRange(start: start, end: previousEnd))
        case "as", "sql", "in":
            return parseColumnModifierAddition()
        case "null":
            error(.unknownModifier, "columns are non-null unless their type ends in '?'; write '\(column): <type>?'", tok.range)
            return nil
        default:
            var fixIts: [FixIt] = []
            var message = "unknown column modifier '\(tok.text)'"
            if let match = closestMatch(tok.text, in: Parser.columnModifierKeywords + ["autoincrement"]) {
                message += "; did you mean '\(match)'?"
                fixIts.append(FixIt(message: "replace with '\(match)'", range: tok.range, replacement: match))
            }
            error(.unknownModifier, message, tok.range, fixIts: fixIts)
            return nil
        }
    }

    private mutating func parseDefault() -> DefaultSyntax? {
        let start = tok.range.start
        if tok.isSymbol("-") || tok.isSymbol("+") {
            let sign = advance()
            guard (tok.kind == .integer || tok.kind == .float) && tok.range.start == sign.range.end else {
                error(.expectedValue, "expected a number after '\(sign.text)'", tok.range)
                return nil
            }
            let n = advance()
            return .number((sign.text == "-" ? "-" : "") + n.text, isFloat: n.kind == .float, SourceRange(start: start, end: previousEnd))
        }
        switch tok.kind {
        case .integer, .float:
            let n = advance()
            return .number(n.text, isFloat: n.kind == .float, n.range)
        case .sqlString:
            let s = advance()
            return .string(s.stringValue, s.range)
        case .string:
            let s = tok
            error(.doubleQuotedSQLString, "SQL strings use single quotes: '\(s.stringValue)'", s.range,
                  fixIts: [FixIt(message: "use single quotes", range: s.range, replacement: "'" + s.stringValue.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'")])
            _ = advance()
            return .string(s.stringValue, s.range)
        case .identifier:
            if peek().isSymbol("(") && peek().range.start == tok.range.end {
                let fn = advance()
                guard let args = parseParenthesizedSQL("after '\(fn.text)'", keepParens: true) else { return nil }
                return .expression(SQLText(fn.text + args.text, SourceRange(start: fn.range.start, end: args.range.end)))
            }
            let w = advance()
            return .word(w.text.lowercased(), w.range)
        case .symbol where tok.text == "(":
            guard let sql = parseParenthesizedSQL("") else { return nil }
            return .expression(sql)
        default:
            error(.expectedValue, "expected a default value (a number, a 'string', true, false, null, or an SQL expression in parentheses), found \(describe(tok))", tok.range)
            return nil
        }
    }

    /// `references table(column) [on delete|update action]…`
    private mutating func parseReference() -> ReferenceSyntax? {
        let kw = advance()
        guard let table = expectName("a table name after 'references'") else { return nil }
        var columns: [Name] = []
        if tok.isSymbol("(") {
            guard let cols = parseNameList("a referenced column") else { return nil }
            columns = cols
        }
        var actions: [ForeignKeyActionSyntax] = []
        while tok.isWord("on") && !tok.startsLine {
            let on = advance()
            guard tok.kind == .identifier, let event = ForeignKeyActionSyntax.Event(rawValue: tok.text) else {
                error(.unknownForeignKeyAction, "expected 'delete' or 'update' after 'on', found \(describe(tok))", tok.range)
                return nil
            }
            _ = advance()
            var action: String
            switch tok.text {
            case "cascade", "restrict": action = advance().text
            case "set":
                _ = advance()
                guard tok.isWord("null") || tok.isWord("default") else {
                    error(.unknownForeignKeyAction, "expected 'null' or 'default' after 'set', found \(describe(tok))", tok.range); return nil
                }
                action = "set " + advance().text
            case "no":
                _ = advance()
                guard expectWord("action", "after 'no'") else { return nil }
                action = "no action"
            default:
                var fixIts: [FixIt] = []
                var message = "unknown foreign key action \(describe(tok)); expected 'cascade', 'restrict', 'set null', 'set default' or 'no action'"
                if tok.kind == .identifier, let m = closestMatch(tok.text, in: ["cascade", "restrict"]) {
                    message = "unknown foreign key action '\(tok.text)'; did you mean '\(m)'?"
                    fixIts.append(FixIt(message: "replace with '\(m)'", range: tok.range, replacement: m))
                }
                error(.unknownForeignKeyAction, message, tok.range, fixIts: fixIts)
                return nil
            }
            actions.append(ForeignKeyActionSyntax(event: event, action: action, range: SourceRange(start: on.range.start, end: previousEnd)))
        }
        let deferrable = parseDeferrable()
        if deferrable == "" { return nil }
        var ref = ReferenceSyntax(table: table, columns: columns, actions: actions, range: SourceRange(start: kw.range.start, end: previousEnd))
        ref.deferrable = deferrable
        return ref
    }

    // MARK: Queries and views

    /// `query NAME {`, `view NAME {` or `migration NAME {` (the lexer turned the body into one `.sqlBody` token).
    private var isSQLDeclarationStart: Bool {
        (tok.isWord("query") || tok.isWord("view") || tok.isWord("migration")) && peek().kind == .identifier
    }

    /// `query NAME { SQL }` / `view NAME { SQL }`. The SQL is one token (`sqlBody`), kept verbatim.
    private mutating func parseSQLDeclaration(_ attributes: [Attribute], _ comments: [Comment]) -> SQLDeclarationSyntax? {
        let kw = advance()
        let kind: SQLDeclarationSyntax.Kind = kw.text == "view" ? .view : kw.text == "migration" ? .migration : .query
        let start = attributes.first?.range.start ?? kw.range.start
        guard let name = expectName("a \(kind.rawValue) name after '\(kw.text)'") else { skipLine(); return nil }
        guard tok.isSymbol("{") else {
            error(.malformedSQLDeclaration, "expected '{' after \(kind.rawValue) '\(name.text)': the SQL goes between braces, '\(kw.text) \(name.text) { SELECT … }'", tok.range)
            skipLine(); return nil
        }
        let open = advance()
        guard tok.kind == .sqlBody else {
            // `{` right at the end of the file.
            error(.unclosedDelimiter, "'{' is not closed: expected the SQL of \(kind.rawValue) '\(name.text)' and '}'", open.range)
            return nil
        }
        let body = advance()
        let sql = SQLText(body.text, body.range)
        guard tok.isSymbol("}") else {
            error(.unclosedDelimiter, "'{' of \(kind.rawValue) '\(name.text)' is not closed: no '}' after its SQL (outside strings and comments)", open.range,
                  fixIts: [FixIt(message: "insert '}'", range: SourceRange(start: body.range.end, end: body.range.end), replacement: "}")])
            return nil
        }
        _ = advance()
        if sql.text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            error(.emptySQL, "\(kind.rawValue) '\(name.text)' has no SQL between its braces", SourceRange(start: open.range.start, end: previousEnd))
            return nil
        }
        return SQLDeclarationSyntax(kind: kind, name: name, sql: sql, attributes: attributes, leadingComments: comments,
                                    range: SourceRange(start: start, end: previousEnd))
    }

    // MARK: SQL text

    /// `( sql )`, scanned iteratively; returns the text inside the parentheses (or with them when `keepParens`).
    private mutating func parseParenthesizedSQL(_ context: String, keepParens: Bool = false) -> SQLText? {
        guard tok.isSymbol("(") else {
            error(.expectedToken, "expected '(' \(context), found \(describe(tok))", tok.range)
            return nil
        }
        let open = advance()
        var depth = 1
        while !atEnd {
            if tok.isSymbol("(") { depth += 1 }
            else if tok.isSymbol(")") {
                depth -= 1
                if depth == 0 {
                    let close = advance()
                    let inner = SourceRange(start: open.range.end, end: close.range.start)
                    let outer = SourceRange(start: open.range.start, end: close.range.end)
                    let r = keepParens ? outer : inner
                    let text = file.text(r).trimmingWhitespace()
                    if !keepParens && text.isEmpty { error(.emptySQL, "empty SQL expression in parentheses", outer); return nil }
                    return SQLText(text, r)
                }
            } else if tok.isSymbol("{") || tok.isSymbol("}") {
                break
            }
            _ = advance()
        }
        error(.unclosedDelimiter, "unbalanced '(': no matching ')' \(context)", open.range,
              fixIts: [FixIt(message: "insert ')'", range: SourceRange(start: previousEnd, end: previousEnd), replacement: ")")])
        return nil
    }

    /// SQL up to the end of the line (or a `{` / `}` of the enclosing block), with balanced parentheses.
    private mutating func parseSQLToLineEnd(_ context: String) -> SQLText? {
        let start = tok.range.start
        var depth = 0
        var end = start
        var openRange: SourceRange?
        while !atEnd {
            if depth == 0 && (tok.startsLine && tok.range.start > start) { break }
            if tok.isSymbol("{") || tok.isSymbol("}") { break }
            if tok.isSymbol("(") { if depth == 0 { openRange = tok.range }; depth += 1 }
            if tok.isSymbol(")") {
                if depth == 0 { error(.unexpectedCloser, "unexpected ')' in SQL expression \(context)", tok.range); return nil }
                depth -= 1
            }
            end = tok.range.end
            _ = advance()
        }
        if depth > 0, let o = openRange {
            error(.unclosedDelimiter, "unbalanced '(': no matching ')' \(context)", o,
                  fixIts: [FixIt(message: "insert ')'", range: SourceRange(start: end, end: end), replacement: ")")])
            return nil
        }
        guard end > start else {
            error(.emptySQL, "expected an SQL expression \(context)", SourceRange(start: start, end: start))
            return nil
        }
        let r = SourceRange(start: start, end: end)
        return SQLText(file.text(r), r)
    }

    // MARK: Indexes

    private mutating func parseIndex(unique: Bool, _ attributes: [Attribute], _ comments: [Comment], start: Int) -> IndexSyntax? {
        _ = advance() // 'index'
        guard let name = expectName("an index name after 'index'") else { skipLine(); return nil }
        guard expect("(", "before the indexed columns") else { skipLine(); return nil }
        let open = previousToken
        var columns: [IndexedColumnSyntax] = []
        while !atEnd && !tok.isSymbol(")") {
            var expression: SQLText?
            if tok.isSymbol("(") || (tok.kind == .identifier && peek().isSymbol("(") && peek().range.start == tok.range.end) {
                guard let e = parseIndexExpression() else { skipLine(); return nil }
                expression = e
            }
            guard let c = expression.map({ Name($0.text, $0.range) }) ?? expectName("an indexed column") else { skipLine(); return nil }
            var collation: Name?
            if tok.isWord("collate") {
                _ = advance()
                guard let n = expectName("a collation name after 'collate'") else { skipLine(); return nil }
                collation = n
            }
            var desc: Bool?
            if tok.isWord("asc") { _ = advance(); desc = false } else if tok.isWord("desc") { _ = advance(); desc = true }
            var term = IndexedColumnSyntax(name: c, descending: desc)
            term.expression = expression
            term.collation = collation
            columns.append(term)
            if tok.isSymbol(",") { _ = advance() } else { break }
        }
        guard expect(")", "to close the indexed columns", opening: open) else { skipLine(); return nil }
        if columns.isEmpty { error(.emptyIndex, "an index needs at least one column", name.range) }
        var whereClause: SQLText?
        if tok.isWord("where") && !tok.startsLine {
            _ = advance()
            guard let w = parseSQLToLineEnd("after 'where'") else { skipLine(); return nil }
            whereClause = w
        }
        if !atEnd && !tok.startsLine && !tok.isSymbol("}") {
            error(.expectedLineBreak, "unexpected \(describe(tok)) after index '\(name.text)'", tok.range)
            skipLine()
        }
        return IndexSyntax(name: name, isUnique: unique, columns: columns, whereClause: whereClause, attributes: attributes, leadingComments: comments,
                           range: SourceRange(start: start, end: previousEnd))
    }

    // MARK: Legacy sources

    private mutating func parseLegacySource(_ comments: [Comment], start: Int) -> LegacySourceSyntax? {
        _ = advance() // 'from'
        guard let table = expectName("a legacy table name after 'from'") else { skipLine(); return nil }
        var isDistinct = false
        if tok.isWord("distinct") {
            _ = advance()
            isDistinct = true
        }
        var whereClause: SQLText?
        if tok.isWord("where") {
            _ = advance()
            guard let w = parseSQLToLineEnd("after 'where'") else { skipLine(); return nil }
            whereClause = w
        }
        guard expect("{", "to open the mapping from '\(table.text)'") else { skipLine(); return nil }
        let brace = previousToken
        var items: [LegacyItemSyntax] = []
        while !atEnd && !tok.isSymbol("}") {
            let itemStart = tok.range.start
            if tok.kind == .identifier && peek().isSymbol("=") {
                let t = advance()
                _ = advance()
                guard let sql = parseSQLToLineEnd("after '\(t.text) ='") else { skipLine(); continue }
                items.append(.assign(target: Name(t.text, t.range), sql, SourceRange(start: itemStart, end: previousEnd)))
                continue
            }
            guard tok.kind == .identifier else {
                error(.malformedMapping, "expected a mapping ('target = expression'), 'unpivot', 'pack', 'archive' or 'drop', found \(describe(tok))", tok.range)
                skipLine(); continue
            }
            switch tok.text {
            case "unpivot":
                _ = advance()
                guard expect("(", "after 'unpivot'") else { skipLine(); continue }
                let open = previousToken
                guard let key = expectName("the key column"),
                      expect(",", "between the key and value columns"),
                      let value = expectName("the value column"),
                      expect(")", "after the value column", opening: open),
                      expect("{", "to open the unpivoted columns") else { skipLine(); continue }
                let brace = previousToken
                var entries: [UnpivotEntrySyntax] = []
                while !atEnd && !tok.isSymbol("}") {
                    guard let col = expectName("a legacy column to unpivot") else { skipLine(); continue }
                    var label: String?
                    if tok.isWord("as") {
                        _ = advance()
                        if tok.kind == .sqlString || tok.kind == .string { label = advance().stringValue }
                        else { error(.malformedMapping, "expected a 'key' string after 'as', found \(describe(tok))", tok.range); skipLine(); continue }
                    }
                    entries.append(UnpivotEntrySyntax(column: col, label: label, range: SourceRange(start: col.range.start, end: previousEnd)))
                    if tok.isSymbol(",") { _ = advance() }
                }
                expect("}", "to close 'unpivot'", opening: brace)
                if entries.isEmpty { error(.malformedMapping, "'unpivot' needs at least one column", SourceRange(start: itemStart, end: previousEnd)) }
                items.append(.unpivot(keyColumn: key, valueColumn: value, entries: entries, SourceRange(start: itemStart, end: previousEnd)))
            case "pack":
                _ = advance()
                guard let target = expectName("the JSON column to pack into"), let cols = parseNameList("a legacy column") else { skipLine(); continue }
                items.append(.pack(target: target, columns: cols, SourceRange(start: itemStart, end: previousEnd)))
            case "archive":
                _ = advance()
                guard let cols = parseNameList("a legacy column") else { skipLine(); continue }
                items.append(.archive(columns: cols, SourceRange(start: itemStart, end: previousEnd)))
            case "drop":
                _ = advance()
                var cols: [Name] = []
                while tok.kind == .identifier && !tok.startsLine || (cols.isEmpty && tok.kind == .identifier) {
                    cols.append(Name(tok.text, tok.range))
                    _ = advance()
                    if tok.isSymbol(",") { _ = advance() } else { break }
                }
                guard !cols.isEmpty else { error(.malformedMapping, "expected the legacy columns to drop", tok.range); skipLine(); continue }
                guard tok.kind == .string || tok.kind == .sqlString, !tok.startsLine else {
                    error(.malformedMapping, "a drop needs a reason: drop \(cols.map(\.text).joined(separator: ", ")) \"why nothing needs this value\"",
                          SourceRange(start: itemStart, end: previousEnd))
                    if !tok.startsLine { skipLine() }
                    continue
                }
                let reason = advance().stringValue
                if reason.trimmingWhitespace().isEmpty { error(.malformedMapping, "the reason for a drop must not be empty", tokens[p - 1].range) }
                items.append(.drop(columns: cols, reason: reason, SourceRange(start: itemStart, end: previousEnd)))
            default:
                unexpected("a mapping ('target = expression'), 'unpivot', 'pack', 'archive' or 'drop'", keywords: Parser.legacyKeywords)
                skipLine()
            }
        }
        expect("}", "to close the mapping from '\(table.text)'", opening: brace)
        return LegacySourceSyntax(table: table, whereClause: whereClause, isDistinct: isDistinct, items: items, leadingComments: comments, range: SourceRange(start: start, end: previousEnd))
    }
}

// MARK: Triggers, virtual tables, table options, generated columns, declared types, value sets,
// expression index terms, DEFERRABLE (issue 14). Kept apart so other grammar additions merge cleanly.

extension Parser {
    /// `trigger …` or `virtual table …` at the top level: `handled` false when the current token
    /// starts neither; `item` nil when it did but had an error (reported).
    mutating func parseLanguageAddition(_ attributes: [Attribute], _ comments: [Comment]) -> (handled: Bool, item: TopLevelSyntax?) {
        if tok.isWord("trigger") { return (true, parseTrigger(attributes, comments).map { .trigger($0) }) }
        if tok.isWord("virtual") && peek().isWord("table") { return (true, parseVirtualTable(attributes, comments).map { .virtualTable($0) }) }
        return (false, nil)
    }

    /// `constraint NAME <table constraint>`.
    mutating func parseNamedConstraint(table: String) -> TableMemberSyntax? {
        _ = advance()
        guard let name = expectName("a constraint name after 'constraint'") else { skipLine(); return nil }
        guard tok.kind == .identifier, ["primary", "unique", "check", "foreign"].contains(tok.text), !peek().isWord("index") else {
            unexpected("'primary key', 'unique', 'check' or 'foreign key' after the constraint's name", keywords: ["primary", "unique", "check", "foreign"])
            skipLine(); return nil
        }
        guard case .constraint(let c)? = parseMember(table: table) else { return nil }
        return .namedConstraint(name, c)
    }

    /// `strict`, `without rowid`, in any order, optionally separated by commas, before a table's `{`.
    mutating func parseTableOptions() -> [Name] {
        var options: [Name] = []
        while tok.kind == .identifier && !tok.startsLine {
            if tok.isWord("strict") {
                let t = advance()
                options.append(Name("strict", t.range))
            } else if tok.isWord("without") {
                let t = advance()
                guard expectWord("rowid", "after 'without'") else { return options }
                options.append(Name("without rowid", SourceRange(start: t.range.start, end: previousEnd)))
            } else if let m = closestMatch(tok.text, in: ["strict", "without"]), m != tok.text {
                unexpected("'strict', 'without rowid' or '{'", keywords: ["strict", "without"])
                _ = advance()
                continue
            } else {
                break // not an option: the missing '{' is reported there
            }
            if tok.isSymbol(",") { _ = advance() }
        }
        return options
    }

    /// `deferrable [initially deferred|immediate]` or `not deferrable` after a reference's actions:
    /// the words lowercased, nil when absent, "" after an error.
    mutating func parseDeferrable() -> String? {
        guard !tok.startsLine else { return nil }
        var words: [String] = []
        if tok.isWord("not") && peek().isWord("deferrable") {
            _ = advance(); _ = advance()
            return "not deferrable"
        }
        guard tok.isWord("deferrable") else { return nil }
        words.append(advance().text)
        if tok.isWord("initially") && !tok.startsLine {
            words.append(advance().text)
            guard tok.isWord("deferred") || tok.isWord("immediate") else {
                error(.expectedKeyword, "expected 'deferred' or 'immediate' after 'initially', found \(describe(tok))", tok.range)
                return ""
            }
            words.append(advance().text)
        }
        return words.joined(separator: " ")
    }

    /// `as (sql) [stored|virtual]`, `sql "TYPE"`, `in (value, …)`.
    mutating func parseColumnModifierAddition() -> ColumnModifierSyntax? {
        let start = tok.range.start
        switch tok.text {
        case "as":
            _ = advance()
            guard let sql = parseParenthesizedSQL("after 'as'") else { return nil }
            var stored = false
            if tok.isWord("stored") { _ = advance(); stored = true } else if tok.isWord("virtual") { _ = advance() }
            return .generated(sql, stored: stored, SourceRange(start: start, end: previousEnd))
        case "sql":
            _ = advance()
            guard tok.kind == .string || tok.kind == .sqlString else {
                error(.expectedValue, "expected the declared SQL type as a string after 'sql' (sql \"NUMERIC(10,2)\", sql \"\" for none), found \(describe(tok))", tok.range)
                return nil
            }
            let t = advance()
            return .declaredType(t.stringValue, t.range)
        default: // "in"
            _ = advance()
            guard expect("(", "before the column's values") else { return nil }
            let open = previousToken
            var values: [DefaultSyntax] = []
            while !atEnd && !tok.isSymbol(")") {
                guard let v = parseDefault() else { return nil }
                values.append(v)
                if tok.isSymbol(",") { _ = advance() } else { break }
            }
            guard expect(")", "to close the column's values", opening: open) else { return nil }
            if values.isEmpty { error(.emptyList, "expected at least one value", SourceRange(start: start, end: previousEnd)); return nil }
            return .values(values, SourceRange(start: start, end: previousEnd))
        }
    }

    /// An index term that is an expression: `(sql)` or `fn(sql)`, verbatim.
    mutating func parseIndexExpression() -> SQLText? {
        if tok.isSymbol("(") { return parseParenthesizedSQL("", keepParens: true) }
        let fn = advance()
        guard let args = parseParenthesizedSQL("after '\(fn.text)'", keepParens: true) else { return nil }
        let r = SourceRange(start: fn.range.start, end: args.range.end)
        return SQLText(file.text(r), r)
    }

    /// Tokens up to (not including) a `{` outside parentheses, as SQL text (a trigger's `when`).
    mutating func parseSQLToBrace(_ context: String) -> SQLText? {
        let start = tok.range.start
        var end = start
        var depth = 0
        while !atEnd && !(depth == 0 && tok.isSymbol("{")) {
            if tok.isSymbol("}") { break }
            if tok.isSymbol("(") { depth += 1 }
            if tok.isSymbol(")") { depth -= 1 }
            end = tok.range.end
            _ = advance()
        }
        guard end > start else { error(.emptySQL, "expected an SQL expression \(context)", SourceRange(start: start, end: start)); return nil }
        let r = SourceRange(start: start, end: end)
        return SQLText(file.text(r), r)
    }

    /// `{ statements }` verbatim (the lexer made them one `.sqlBody` token, lexed by SQL's rules);
    /// the range is exactly the trimmed text.
    mutating func parseSQLBlock(_ context: String) -> SQLText? {
        guard expect("{", context) else { return nil }
        let open = previousToken
        guard tok.kind == .sqlBody else {
            error(.unclosedDelimiter, "'{' is not closed: expected '}' \(context)", open.range)
            return nil
        }
        let body = advance()
        guard tok.isSymbol("}") else {
            error(.unclosedDelimiter, "'{' is not closed: no '}' after the SQL \(context) (outside strings and comments)", open.range,
                  fixIts: [FixIt(message: "insert '}'", range: SourceRange(start: body.range.end, end: body.range.end), replacement: "}")])
            return nil
        }
        let close = advance()
        var a = body.range.start, b = body.range.end
        let bytes = file.bytes
        func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while a < b && ws(bytes[a]) { a += 1 }
        while b > a && ws(bytes[b - 1]) { b -= 1 }
        if a == b {
            error(.emptySQL, "the trigger's body is empty: write its statements between the braces", SourceRange(start: open.range.start, end: close.range.end))
            return nil
        }
        let r = SourceRange(start: a, end: b)
        return SQLText(file.text(r), r)
    }

    mutating func parseTrigger(_ attributes: [Attribute], _ comments: [Comment]) -> TriggerSyntax? {
        let kw = advance()
        let start = attributes.first?.range.start ?? kw.range.start
        guard let name = expectName("a trigger name after 'trigger'") else { skipToTopLevel(); return nil }
        let timingStart = tok.range.start
        var timing: Name
        if tok.isWord("before") || tok.isWord("after") {
            let t = advance(); timing = Name(t.text, t.range)
        } else if tok.isWord("instead") {
            _ = advance()
            guard expectWord("of", "after 'instead'") else { skipToTopLevel(); return nil }
            timing = Name("instead of", SourceRange(start: timingStart, end: previousEnd))
        } else {
            unexpected("'before', 'after' or 'instead of'", keywords: ["before", "after", "instead"])
            skipToTopLevel(); return nil
        }
        guard tok.isWord("insert") || tok.isWord("update") || tok.isWord("delete") else {
            unexpected("'insert', 'update' or 'delete'", keywords: ["insert", "update", "delete"])
            skipToTopLevel(); return nil
        }
        let e = advance()
        let event = Name(e.text, e.range)
        var columns: [Name] = []
        if event.text == "update" && tok.isWord("of") {
            _ = advance()
            while let n = expectName("a column after 'of'") {
                columns.append(n)
                if tok.isSymbol(",") { _ = advance() } else { break }
            }
            if columns.isEmpty { skipToTopLevel(); return nil }
        }
        guard expectWord("on", "before the trigger's table"), let table = expectName("the trigger's table after 'on'") else { skipToTopLevel(); return nil }
        var forEachRow = false
        if tok.isWord("for") {
            _ = advance()
            guard expectWord("each", "after 'for'"), expectWord("row", "after 'for each'") else { skipToTopLevel(); return nil }
            forEachRow = true
        }
        var when: SQLText?
        if tok.isWord("when") {
            _ = advance()
            guard let w = parseSQLToBrace("after 'when'") else { skipToTopLevel(); return nil }
            when = w
        }
        guard let body = parseSQLBlock("to hold the body of trigger '\(name.text)'") else { skipToTopLevel(); return nil }
        return TriggerSyntax(name: name, timing: timing, event: event, updateColumns: columns, table: table, forEachRow: forEachRow,
                             whenClause: when, body: body, attributes: attributes, leadingComments: comments, range: SourceRange(start: start, end: previousEnd))
    }

    mutating func parseVirtualTable(_ attributes: [Attribute], _ comments: [Comment]) -> VirtualTableSyntax? {
        let kw = advance()
        let start = attributes.first?.range.start ?? kw.range.start
        _ = advance() // 'table'
        guard let name = expectName("a virtual table name after 'virtual table'") else { skipToTopLevel(); return nil }
        guard expectWord("using", "after the virtual table's name"), let module = expectName("a module name after 'using'") else { skipToTopLevel(); return nil }
        var arguments: SQLText?
        if tok.isSymbol("(") {
            guard let a = parseParenthesizedSQL("after '\(module.text)'") else { skipToTopLevel(); return nil }
            arguments = a
        }
        return VirtualTableSyntax(name: name, module: module, arguments: arguments, attributes: attributes, leadingComments: comments,
                                  range: SourceRange(start: start, end: previousEnd))
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
