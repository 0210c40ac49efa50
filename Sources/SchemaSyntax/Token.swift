/// A comment in the source, kept in the syntax tree so doc comments reach the model and a
/// formatter can put every comment back where it was.
public struct Comment: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case line, block, doc }
    public var kind: Kind
    /// The comment's text without its markers (`//`, `///`, `/*`, `*/`).
    public var text: String
    public var range: SourceRange
    public init(kind: Kind, text: String, range: SourceRange) {
        self.kind = kind; self.text = text; self.range = range
    }
}

public enum TokenKind: Sendable, Hashable {
    case identifier
    case integer
    case float
    /// 'single-quoted' (SQL style, '' escapes a quote).
    case sqlString
    /// "double-quoted" (Swift style, backslash escapes).
    case string
    /// Punctuation and operators: { } ( ) [ ] , : ; = ? @ . < > and SQL operator characters.
    case symbol
    /// The SQL between the braces of a `query NAME { … }` or `view NAME { … }`, verbatim
    /// (comments and whitespace included); the lexer ends it at the first `}` outside an SQL
    /// string, quoted identifier or comment (`SQLTokenizer.closingBrace`).
    case sqlBody
    case endOfFile
}

public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    /// The token's source text (for strings: with quotes).
    public var text: String
    public var range: SourceRange
    /// Comments between the previous token and this one.
    public var leadingComments: [Comment]
    /// True when a line break separates this token from the previous one.
    public var startsLine: Bool

    public init(kind: TokenKind, text: String, range: SourceRange, leadingComments: [Comment] = [], startsLine: Bool = false) {
        self.kind = kind; self.text = text; self.range = range
        self.leadingComments = leadingComments; self.startsLine = startsLine
    }

    public func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    public func isWord(_ w: String) -> Bool { kind == .identifier && text == w }
}
