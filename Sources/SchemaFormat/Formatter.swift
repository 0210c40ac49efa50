import SchemaSyntax

/// Why a file was not formatted. A refused file is never written.
public enum FormatError: Error, Sendable, Equatable {
    /// The file does not parse: the parser's errors, located.
    case syntaxErrors([Diagnostic])
    /// The formatted text would not parse back to the same syntax tree (a formatter bug): the
    /// file is left as it is. The message names the first difference.
    case wouldChangeMeaning(String)
}

/// The canonical layout of a `.victor` file (see docs/LANGUAGE.md, "Formatting").
///
/// The formatter is a printer over the token stream guided by the syntax tree:
/// - **Line breaks are kept.** They are part of the grammar (a line ends a column, an index, a
///   setting, a mapping), so no line is joined or split; only indentation (4 spaces per open
///   block), spacing inside a line and blank lines (at most one; exactly one between top-level
///   declarations and between the tables of a domain; none after `{` or before `}`) change.
/// - **Known syntax is re-spaced**, token by token: `name: type?`, `key: value`, `a, b`, one space
///   elsewhere; adjacency the grammar depends on (`@allow(`, `text?`, `-1`, `redundant-index`) is kept.
/// - **SQL is copied byte for byte**: defaults `= (…)`/`= fn(…)`, `check (…)`, index and `from`
///   `where` clauses and mapping expressions are islands whose text is never touched.
/// - **Anything the tree does not describe to this formatter is copied verbatim** (declarations
///   other parts of the language add, such as queries and views): every token not covered by a
///   node the formatter knows is part of a run copied from its first byte to its last, so no byte
///   it does not understand is dropped or moved; only the run's first line is re-indented.
/// - **Every comment stays attached to the token it precedes**: a comment on the line of the token
///   before it stays there (trailing trivia), the others keep their own lines and the blank line
///   before them; `//` comments lose trailing whitespace, doc and block comments are kept exactly.
///
/// The result is checked before it is returned: it must parse without errors to a tree equal to
/// the input's except for source positions, with the same tokens and the same comments on each.
public enum SchemaFormatter {
    public static let indentWidth = 4

    /// The canonical text of `file`, or why it cannot be formatted.
    public static func format(_ file: SourceFile) throws(FormatError) -> String {
        let (tree, diagnostics) = Parser.parse(file)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw .syntaxErrors(errors) }
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var printer = Printer(file: file, tokens: tokens)
        printer.classify(tree)
        let output = printer.print()
        try verify(original: file, tree: tree, tokens: tokens, formatted: output)
        return output
    }

    /// Whether `file` is already in canonical layout.
    public static func isFormatted(_ file: SourceFile) throws(FormatError) -> Bool {
        try format(file).utf8.elementsEqual(file.bytes)
    }

    // MARK: Verification

    static func verify(original: SourceFile, tree: FileSyntax, tokens: [Token], formatted: String) throws(FormatError) {
        let out = SourceFile(path: original.path, text: formatted)
        let (outTree, outDiagnostics) = Parser.parse(out)
        if let e = outDiagnostics.first(where: { $0.severity == .error }) {
            throw .wouldChangeMeaning("the formatted text does not parse: \(e.message)")
        }
        var lexer = Lexer(file: out)
        let outTokens = lexer.tokenize()
        guard outTokens.count == tokens.count else {
            throw .wouldChangeMeaning("the formatted text has \(outTokens.count) tokens, the original \(tokens.count)")
        }
        for (a, b) in zip(tokens, outTokens) {
            guard a.kind == b.kind, a.text == b.text, a.startsLine == b.startsLine else {
                let (l, c) = original.lineAndColumn(of: a.range.start)
                throw .wouldChangeMeaning("token '\(a.text)' at \(l):\(c) would change")
            }
            guard a.leadingComments.map(Self.normalized) == b.leadingComments.map(Self.normalized) else {
                let (l, c) = original.lineAndColumn(of: a.range.start)
                throw .wouldChangeMeaning("the comments before '\(a.text)' at \(l):\(c) would change")
            }
        }
        guard canonical(tree) == canonical(outTree) else {
            throw .wouldChangeMeaning("the syntax tree would change")
        }
    }

    static func normalized(_ c: Comment) -> String {
        "\(c.kind)|" + (c.kind == .line ? c.text.trimmingTrailingWhitespace() : c.text)
    }

    /// A description of a syntax tree without source positions (and with comments as the
    /// formatter writes them), for any node type, present or added later.
    static func canonical(_ value: Any) -> String {
        var s = ""
        describe(value, into: &s)
        return s
    }

    private static func describe(_ value: Any, into s: inout String) {
        if value is SourceRange { return }
        if let c = value as? Comment { s += "C(" + normalized(c) + ")"; return }
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty { s += "\(value)|"; return }
        s += "\(mirror.subjectType)("
        for child in mirror.children {
            s += (child.label ?? "_") + "="
            describe(child.value, into: &s)
            s += ","
        }
        s += ")"
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}
