import SchemaSyntax

/// Tokens without whitespace, with their text, for pattern matching.
struct TokenStream {
    let bytes: [UInt8]
    /// Every token except whitespace (comments are kept: annotations live in them).
    let all: [SQLToken]
    /// Indices into `all` of the tokens that are not comments.
    let code: [Int]

    init(_ text: String) {
        let t = SQLTokenizer(text)
        bytes = t.bytes
        let tokens = t.tokens().filter { $0.kind != .space }
        all = tokens
        code = tokens.indices.filter { tokens[$0].kind != .comment }
    }

    func text(_ t: SQLToken) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    /// The token's text lowercased if it is a plain word, else nil.
    func word(_ t: SQLToken) -> String? { t.kind == .word ? text(t).lowercased() : nil }

    /// The identifier a token names (plain or quoted, unquoted), or nil.
    func identifier(_ t: SQLToken) -> String? {
        switch t.kind {
        case .word: return text(t)
        case .quotedIdentifier:
            let s = text(t)
            let inner = s.dropFirst().dropLast()
            if s.first == "[" { return String(inner) }
            let q = String(s.prefix(1))
            return inner.replacingOccurrences(of: q + q, with: q)
        case .string:
            // SQLite accepts a string literal where an identifier is expected in some places (AS 'x').
            let inner = text(t).dropFirst().dropLast()
            return inner.replacingOccurrences(of: "''", with: "'")
        default: return nil
        }
    }
}

extension StringProtocol {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return String(self) }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
