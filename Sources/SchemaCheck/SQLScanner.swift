/// A scanner over SQL text that splits it the way SQLite's tokenizer does (tokenize.c) for the
/// classes that decide where a fragment ends: whitespace, `--` and `/* */` comments, string
/// literals, quoted identifiers, `;` and everything else. It does not parse; SQLite does that.
public struct SQLScanner {
    public enum Kind: Sendable, Hashable {
        case whitespace
        /// `-- …` up to (not including) the line feed.
        case lineComment
        /// `/* … */`; `terminated` is false when the input ends inside it.
        case blockComment(terminated: Bool)
        /// `'…'` (also the body of `x'…'`).
        case string(terminated: Bool)
        /// `"…"`, `` `…` `` or `[…]`.
        case quotedIdentifier(terminated: Bool)
        /// A bare word: letters, digits, `_`, `$` and any byte ≥ 0x80 (SQLite's identifier characters).
        case word
        case semicolon
        /// Any other character (operators, parentheses, digits' punctuation).
        case other
    }

    public struct Token: Sendable, Hashable {
        public var kind: Kind
        /// Byte offsets into the scanned text.
        public var start: Int
        public var end: Int
    }

    /// Every token of `bytes`, in order; their ranges cover the input exactly.
    public static func tokens(_ bytes: [UInt8]) -> [Token] {
        var out: [Token] = []
        var i = 0
        let n = bytes.count
        func at(_ k: Int) -> UInt8 { k < n ? bytes[k] : 0 }
        while i < n {
            let start = i
            let c = bytes[i]
            let kind: Kind
            switch c {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                while i < n, [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(bytes[i]) { i += 1 }
                kind = .whitespace
            case UInt8(ascii: "-") where at(i + 1) == UInt8(ascii: "-"):
                while i < n, bytes[i] != 0x0A { i += 1 }
                kind = .lineComment
            case UInt8(ascii: "/") where at(i + 1) == UInt8(ascii: "*"):
                i += 2
                var terminated = false
                while i < n {
                    if bytes[i] == UInt8(ascii: "*") && at(i + 1) == UInt8(ascii: "/") { i += 2; terminated = true; break }
                    i += 1
                }
                kind = .blockComment(terminated: terminated)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                i += 1
                var terminated = false
                while i < n {
                    if bytes[i] == c {
                        if at(i + 1) == c { i += 2; continue }
                        i += 1; terminated = true; break
                    }
                    i += 1
                }
                kind = c == UInt8(ascii: "'") ? .string(terminated: terminated) : .quotedIdentifier(terminated: terminated)
            case UInt8(ascii: "["):
                i += 1
                var terminated = false
                while i < n { if bytes[i] == UInt8(ascii: "]") { i += 1; terminated = true; break }; i += 1 }
                kind = .quotedIdentifier(terminated: terminated)
            case UInt8(ascii: ";"):
                i += 1
                kind = .semicolon
            default:
                if isWordByte(c) {
                    while i < n, isWordByte(bytes[i]) { i += 1 }
                    kind = .word
                } else {
                    i += 1
                    kind = .other
                }
            }
            out.append(Token(kind: kind, start: start, end: i))
        }
        return out
    }

    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x24 || c >= 0x80
    }

    /// The offset of the first byte that is not whitespace or a comment, or `bytes.count`.
    public static func endOfLeadingTrivia(_ bytes: [UInt8]) -> Int {
        for t in tokens(bytes) {
            switch t.kind {
            case .whitespace, .lineComment, .blockComment: continue
            default: return t.start
            }
        }
        return bytes.count
    }
}
