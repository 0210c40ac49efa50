/// Turns source bytes into tokens. Never fails: problems become diagnostics and the lexer
/// carries on, so the parser can report every error in a file.
public struct Lexer {
    private let file: SourceFile
    private let b: [UInt8]
    private var i = 0
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: SourceFile) {
        self.file = file
        self.b = file.bytes
    }

    private func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

    private mutating func error(_ id: MessageID, _ message: String, _ range: SourceRange, fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(.error, message, file: file.path, range: range, fixIts: fixIts, id: id))
    }

    /// The spelling of a name in a schema file: as is when it is a plain identifier
    /// (`[A-Za-z_][A-Za-z0-9_]*`), else in backticks. What fix-its write when they rename.
    public static func spelling(of name: String) -> String {
        let u = Array(name.utf8)
        if let f = u.first, isIdentStart(f), u.allSatisfy(isIdentChar) { return name }
        return "`" + name + "`"
    }

    /// Whether a byte sequence starting at `i` is a character no name may hold: a C0 control
    /// (NUL, tab, CR …), DEL, U+0085 (NEL), U+2028 or U+2029 (line and paragraph separators).
    /// Returns its length in bytes, or 0.
    static func unsafeNameCharacter(_ b: [UInt8], at i: Int) -> Int {
        let c = b[i]
        if c < 0x20 || c == 0x7F { return 1 }
        if c == 0xC2, i + 1 < b.count, b[i + 1] == 0x85 { return 2 }
        if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { return 3 }
        return 0
    }

    public static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    public static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(b.count / 4)
        while true {
            let t = next()
            tokens.append(t)
            if t.kind == .endOfFile { break }
            // `query NAME {` / `view NAME {` / `migration NAME {`: the body is SQL, lexed by SQL's rules, not this language's.
            let n = tokens.count
            if t.isSymbol("{"), n >= 3, tokens[n - 3].isWord("query") || tokens[n - 3].isWord("view") || tokens[n - 3].isWord("migration"),
               tokens[n - 2].kind == .identifier {
                tokens.append(sqlBody())
            } else if t.isSymbol("{"), Lexer.opensTriggerBody(tokens) {
                tokens.append(sqlBody())
            }
        }
        // Trailing trivia: the comments on a token's own line, after it.
        for k in 1..<tokens.count {
            let own = tokens[k].leadingComments.prefix { $0.newlinesBefore == 0 }
            if !own.isEmpty { tokens[k - 1].trailingComments = Array(own) }
        }
        return tokens
    }

    /// Whether the `{` just appended opens a trigger's body: among the tokens since the previous
    /// brace, one starting a line is `trigger NAME` (not `trigger:`, a column so named).
    static func opensTriggerBody(_ tokens: [Token]) -> Bool {
        var k = tokens.count - 2
        while k >= 0 && !tokens[k].isSymbol("{") && !tokens[k].isSymbol("}") {
            if tokens[k].startsLine && tokens[k].isWord("trigger") && k + 2 < tokens.count
                && tokens[k + 1].kind == .identifier && !tokens[k + 2].isSymbol(":") { return true }
            k -= 1
        }
        return false
    }

    /// The SQL body after a `query`/`view` block's `{`, up to (not including) its closing `}`.
    /// When an unterminated SQL string or comment hides every `}`, the body ends at the first `}`
    /// byte instead, so SQLite reports the unterminated token and the rest of the file still
    /// parses; with no `}` at all it runs to the end of the file (the parser reports the brace).
    private mutating func sqlBody() -> Token {
        let start = i
        let end = SQLTokenizer(bytes: b).closingBrace(from: start) ?? b[start...].firstIndex(of: UInt8(ascii: "}")) ?? b.count
        i = end
        return Token(kind: .sqlBody, text: String(decoding: b[start..<end], as: UTF8.self), range: SourceRange(start: start, end: end))
    }

    private mutating func next() -> Token {
        var comments: [Comment] = []
        var newline = i == 0
        // Line breaks since the last token or comment (the file's start counts as one).
        var breaks = i == 0 ? 1 : 0
        // Trivia: whitespace and comments.
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1; continue }
            if c == 0x0A { newline = true; breaks += 1; i += 1; continue }
            if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
                let start = i
                let isDoc = peek(2) == UInt8(ascii: "/") && peek(3) != UInt8(ascii: "/")
                while i < b.count && b[i] != 0x0A { i += 1 }
                let body = String(decoding: b[(start + (isDoc ? 3 : 2))..<i], as: UTF8.self)
                comments.append(Comment(kind: isDoc ? .doc : .line, text: body, range: SourceRange(start: start, end: i), newlinesBefore: breaks))
                breaks = 0
                continue
            }
            if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                let start = i
                i += 2
                var depth = 1
                while i < b.count && depth > 0 {
                    if b[i] == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") { depth += 1; i += 2 }
                    else if b[i] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") { depth -= 1; i += 2 }
                    else { if b[i] == 0x0A { newline = true }; i += 1 }
                }
                if depth > 0 {
                    error(.unterminatedComment, "unterminated block comment", SourceRange(start: start, end: start + 2),
                          fixIts: [FixIt(message: "insert '*/'", range: SourceRange(start: b.count, end: b.count), replacement: "*/")])
                    comments.append(Comment(kind: .block, text: String(decoding: b[(start + 2)..<b.count], as: UTF8.self), range: SourceRange(start: start, end: b.count), newlinesBefore: breaks))
                } else {
                    comments.append(Comment(kind: .block, text: String(decoding: b[(start + 2)..<(i - 2)], as: UTF8.self), range: SourceRange(start: start, end: i), newlinesBefore: breaks))
                }
                breaks = 0
                continue
            }
            break
        }
        let start = i
        guard i < b.count else {
            var eof = Token(kind: .endOfFile, text: "", range: SourceRange(start: b.count, end: b.count), leadingComments: comments, startsLine: true)
            eof.newlinesBefore = breaks
            return eof
        }
        let c = b[i]
        func make(_ kind: TokenKind, _ s: Int = start) -> Token {
            var t = Token(kind: kind, text: String(decoding: b[s..<i], as: UTF8.self), range: SourceRange(start: s, end: i), leadingComments: comments, startsLine: newline)
            t.newlinesBefore = breaks
            return t
        }
        if Lexer.isIdentStart(c) || (c >= 0x80 && Lexer.unsafeNameCharacter(b, at: i) == 0) {
            // A word: identifier characters, and non-ASCII ones (`näme`), which make it one error
            // with a fix-it quoting it, not one per character.
            var nonASCII = false
            while i < b.count, Lexer.isIdentChar(b[i]) || (b[i] >= 0x80 && Lexer.unsafeNameCharacter(b, at: i) == 0) {
                if b[i] >= 0x80 { nonASCII = true }
                i += 1
            }
            let t = make(.identifier)
            if nonASCII {
                error(.unexpectedCharacter, "'\(t.text)' is not a plain name: names are ASCII letters, digits and '_'; quote others in `backticks`", t.range,
                      fixIts: [FixIt(message: "quote it", range: t.range, replacement: "`" + t.text + "`")])
            }
            return t
        }
        if c == UInt8(ascii: "`") {
            // `quoted identifier`: any name, for keywords or unusual spellings.
            i += 1
            var unsafe: (offset: Int, length: Int)?
            while i < b.count && b[i] != UInt8(ascii: "`") && b[i] != 0x0A {
                let n = Lexer.unsafeNameCharacter(b, at: i)
                if n > 0 {
                    if unsafe == nil { unsafe = (i, n) }
                    i += n
                } else {
                    i += 1
                }
            }
            if i < b.count && b[i] == UInt8(ascii: "`") {
                i += 1
                var t = make(.identifier)
                t.text = String(t.text.dropFirst().dropLast())
                if t.text.isEmpty {
                    // A run of backticks is one problem, not one per pair.
                    while i < b.count && b[i] == UInt8(ascii: "`") { i += 1 }
                    t.range = SourceRange(start: start, end: i)
                    error(.emptyQuotedName, "empty quoted identifier", t.range)
                } else if let u = unsafe {
                    let scalar = String(decoding: b[u.offset..<(u.offset + u.length)], as: UTF8.self).unicodeScalars.first.map { String($0.value, radix: 16, uppercase: true) } ?? "?"
                    error(.controlCharacterInName, "a quoted name cannot contain control character U+\(String(repeating: "0", count: max(0, 4 - scalar.count)) + scalar)",
                          SourceRange(start: u.offset, end: u.offset + u.length))
                }
                return t
            }
            error(.unterminatedQuotedName, "unterminated quoted identifier", SourceRange(start: start, end: start + 1),
                  fixIts: [FixIt(message: "insert '`'", range: SourceRange(start: i, end: i), replacement: "`")])
            var t = make(.identifier)
            t.text = String(t.text.dropFirst())
            return t
        }
        if Lexer.isDigit(c) || (c == UInt8(ascii: ".") && Lexer.isDigit(peek(1))) {
            var isFloat = false
            while i < b.count && Lexer.isDigit(b[i]) { i += 1 }
            if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
                isFloat = true; i += 1
                while i < b.count && Lexer.isDigit(b[i]) { i += 1 }
            } else if peek() == UInt8(ascii: ".") && !Lexer.isIdentStart(peek(1)) {
                isFloat = true; i += 1
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                let save = i
                i += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { i += 1 }
                if Lexer.isDigit(peek()) {
                    isFloat = true
                    while i < b.count && Lexer.isDigit(b[i]) { i += 1 }
                } else { i = save }
            }
            if i < b.count && Lexer.isIdentStart(b[i]) {
                while i < b.count && Lexer.isIdentChar(b[i]) { i += 1 }
                let t = make(.integer)
                error(.invalidNumber, "invalid number '\(t.text)'", t.range)
                return t
            }
            return make(isFloat ? .float : .integer)
        }
        if c == UInt8(ascii: "'") {
            i += 1
            while i < b.count {
                if b[i] == UInt8(ascii: "'") {
                    if peek(1) == UInt8(ascii: "'") { i += 2; continue }
                    i += 1
                    return make(.sqlString)
                }
                if b[i] == 0x0A { break }
                i += 1
            }
            error(.unterminatedString, "unterminated string literal", SourceRange(start: start, end: start + 1),
                  fixIts: [FixIt(message: "insert \"'\"", range: SourceRange(start: i, end: i), replacement: "'")])
            var t = make(.sqlString)
            t.text += "'"
            return t
        }
        if c == UInt8(ascii: "\"") {
            i += 1
            while i < b.count {
                if b[i] == UInt8(ascii: "\\") { i += 2; continue }
                if b[i] == UInt8(ascii: "\"") { i += 1; return make(.string) }
                if b[i] == 0x0A { break }
                i += 1
            }
            i = min(i, b.count)
            error(.unterminatedString, "unterminated string literal", SourceRange(start: start, end: start + 1),
                  fixIts: [FixIt(message: "insert '\"'", range: SourceRange(start: i, end: i), replacement: "\"")])
            var t = make(.string)
            t.text += "\""
            return t
        }
        // Multi-character SQL operators, so expressions keep their meaning.
        let two: [String] = ["<=", ">=", "!=", "<>", "==", "||", "<<", ">>", "->"]
        if i + 1 < b.count {
            let s = String(decoding: b[i..<(i + 2)], as: UTF8.self)
            if two.contains(s) {
                i += 2
                return make(.symbol)
            }
        }
        if c < 0x80 {
            i += 1
            if c < 0x20 || c == 0x7F || c == UInt8(ascii: "#") || c == UInt8(ascii: "$") || c == UInt8(ascii: "\\") {
                // A run of stray characters is one problem.
                while i < b.count, b[i] < 0x20 && b[i] != 0x0A && b[i] != 0x09 && b[i] != 0x0D || b[i] == 0x7F
                        || b[i] == UInt8(ascii: "#") || b[i] == UInt8(ascii: "$") || b[i] == UInt8(ascii: "\\") { i += 1 }
                let t = make(.symbol)
                error(.unexpectedCharacter, "unexpected character '\(c < 0x20 || c == 0x7F ? "\\u{\(String(c, radix: 16))}" : String(UnicodeScalar(c)))'", t.range)
                return t
            }
            return make(.symbol)
        }
        // A non-ASCII character outside a string or comment (a run of them is one problem).
        i += 1
        while i < b.count && (b[i] & 0xC0 == 0x80 || b[i] >= 0xC0) { i += 1 }
        let t = make(.symbol)
        let first = String(t.text.prefix(1))
        error(.unexpectedCharacter, "unexpected character '\(first)'; names are ASCII letters, digits and '_' (quote others in `backticks`)", t.range)
        return t
    }
}

extension Token {
    /// The value of a string token, with quotes removed and escapes applied.
    public var stringValue: String {
        switch kind {
        case .sqlString:
            var out = ""
            var previousWasQuote = false
            for ch in text.dropFirst().dropLast() {
                if ch == "'" && previousWasQuote { previousWasQuote = false; continue }
                previousWasQuote = ch == "'"
                out.append(ch)
            }
            return out
        case .string:
            var out = ""
            var it = text.dropFirst().dropLast().makeIterator()
            while let ch = it.next() {
                if ch == "\\" {
                    switch it.next() {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    case let other?: out.append("\\"); out.append(other)
                    case nil: out.append("\\")
                    }
                } else { out.append(ch) }
            }
            return out
        default:
            return text
        }
    }
}

