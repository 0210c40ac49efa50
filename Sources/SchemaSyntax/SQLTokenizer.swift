/// A token of SQL text, following SQLite's lexical rules (tokenize.c): identifiers (plain,
/// `"x"`, `[x]`, `` `x` ``), string literals, blobs (`x'…'`), numbers, parameters, operators and
/// comments. Offsets are UTF-8 byte offsets into the text.
public struct SQLToken: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A plain word: a keyword or an unquoted identifier (which one depends on the grammar).
        case word
        /// A quoted identifier: `"x"`, `[x]` or `` `x` ``.
        case quotedIdentifier
        case string
        case blob
        case number
        /// `:name`, `@name`, `$name`, `?` or `?NNN`.
        case parameter
        case comment
        /// An operator or punctuation: `(`, `)`, `,`, `;`, `.`, `=`, `==`, `<=`, `||`, `->>`, …
        case symbol
        /// Whitespace (kept so offsets and spans can be reconstructed; the analyses skip it).
        case space
        /// A byte SQLite would reject (an unterminated string, a stray character).
        case illegal
    }
    public var kind: Kind
    /// Byte offset of the first byte.
    public var start: Int
    /// Byte offset one past the last byte.
    public var end: Int
    public var length: Int { end - start }
}

/// Splits SQL into tokens without ever failing (bad bytes become `.illegal` tokens).
public struct SQLTokenizer {
    public let bytes: [UInt8]
    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    public static func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x24 || c >= 0x80
    }
    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D }

    public func tokens() -> [SQLToken] {
        var out: [SQLToken] = []
        var i = 0
        while i < bytes.count {
            let t = token(at: i)
            out.append(t)
            i = t.end
        }
        return out
    }

    /// The token starting at byte `start` (`start < bytes.count`).
    public func token(at start: Int) -> SQLToken {
        var i = start
        let n = bytes.count
        func byte(_ k: Int) -> UInt8 { k < n ? bytes[k] : 0 }
        do {
            let c = bytes[i]
            var kind = SQLToken.Kind.symbol
            if Self.isSpace(c) {
                while i < n, Self.isSpace(bytes[i]) { i += 1 }
                kind = .space
            } else if c == 0x2D, byte(i + 1) == 0x2D { // -- comment
                while i < n, bytes[i] != 0x0A { i += 1 }
                kind = .comment
            } else if c == 0x2F, byte(i + 1) == 0x2A { // /* comment */ (unterminated runs to the end, as in SQLite)
                i += 2
                while i < n, !(bytes[i] == 0x2A && byte(i + 1) == 0x2F) { i += 1 }
                i = Swift.min(n, i + 2)
                kind = .comment
            } else if c == 0x27 || c == 0x22 || c == 0x60 { // 'string', "identifier", `identifier`
                i += 1
                var closed = false
                while i < n {
                    if bytes[i] == c {
                        if byte(i + 1) == c { i += 2; continue }
                        i += 1; closed = true; break
                    }
                    i += 1
                }
                kind = !closed ? .illegal : (c == 0x27 ? .string : .quotedIdentifier)
            } else if c == 0x5B { // [identifier]
                while i < n, bytes[i] != 0x5D { i += 1 }
                if i < n { i += 1; kind = .quotedIdentifier } else { kind = .illegal }
            } else if (c == 0x78 || c == 0x58), byte(i + 1) == 0x27 { // x'blob'
                i += 2
                while i < n, bytes[i] != 0x27 { i += 1 }
                if i < n { i += 1; kind = .blob } else { kind = .illegal }
            } else if Self.isDigit(c) || (c == 0x2E && Self.isDigit(byte(i + 1))) {
                if c == 0x30, byte(i + 1) == 0x78 || byte(i + 1) == 0x58 {
                    i += 2
                    while i < n, Self.isIdentifierByte(bytes[i]) { i += 1 }
                } else {
                    while i < n, Self.isDigit(bytes[i]) || bytes[i] == 0x5F { i += 1 }
                    if byte(i) == 0x2E { i += 1; while i < n, Self.isDigit(bytes[i]) || bytes[i] == 0x5F { i += 1 } }
                    if byte(i) == 0x65 || byte(i) == 0x45 {
                        var j = i + 1
                        if byte(j) == 0x2B || byte(j) == 0x2D { j += 1 }
                        if Self.isDigit(byte(j)) { i = j; while i < n, Self.isDigit(bytes[i]) { i += 1 } }
                    }
                }
                kind = .number
            } else if c == 0x3F { // ?NNN
                i += 1
                while i < n, Self.isDigit(bytes[i]) { i += 1 }
                kind = .parameter
            } else if c == 0x3A || c == 0x40 || c == 0x24 || c == 0x23 { // :name @name $name #name
                i += 1
                while i < n, Self.isIdentifierByte(bytes[i]) || (bytes[i] == 0x3A && byte(i + 1) == 0x3A) {
                    i += bytes[i] == 0x3A ? 2 : 1
                }
                kind = i > start + 1 ? .parameter : .illegal
            } else if Self.isIdentifierStart(c) {
                while i < n, Self.isIdentifierByte(bytes[i]) { i += 1 }
                kind = .word
            } else {
                // Operators: longest match first.
                let two = (c, byte(i + 1))
                switch two {
                case (0x7C, 0x7C), (0x3C, 0x3D), (0x3E, 0x3D), (0x3D, 0x3D), (0x21, 0x3D), (0x3C, 0x3E), (0x3C, 0x3C), (0x3E, 0x3E):
                    i += 2
                case (0x2D, 0x3E):
                    i += byte(i + 2) == 0x3E ? 3 : 2
                default:
                    i += 1
                    if c == 0x21 { kind = .illegal } // a lone '!'
                    let known: [UInt8] = Array("()[],;.+-*/%=<>&|~".utf8)
                    if !known.contains(c) { kind = .illegal }
                }
            }
            return SQLToken(kind: kind, start: start, end: i)
        }
    }

    /// For SQL embedded in a schema file (a `query`/`view` body): the offset of the first `}`
    /// at or after `start` that is not inside a string, quoted identifier or comment (SQL itself
    /// has no braces), or nil when there is none.
    public func closingBrace(from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x7D { return i }
            i = token(at: i).end
        }
        return nil
    }
}


extension SQLTokenizer {
    /// The name a plain word or quoted identifier token spells (`"a""b"` → `a"b`), else nil.
    public func identifierName(_ t: SQLToken) -> String? {
        let s = String(decoding: bytes[t.start..<t.end], as: UTF8.self)
        switch t.kind {
        case .word: return s
        case .quotedIdentifier:
            let inner = String(s.dropFirst().dropLast())
            if s.first == "[" { return inner }
            let q = s.first ?? "\""
            var out = ""
            var previousWasQuote = false
            for ch in inner {
                if ch == q && previousWasQuote { previousWasQuote = false; continue }
                previousWasQuote = ch == q
                out.append(ch)
            }
            return out
        default: return nil
        }
    }
}
