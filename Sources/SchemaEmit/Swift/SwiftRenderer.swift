/// Turns the Swift code model into source text: the only place that decides indentation (four
/// spaces), line breaks, blank lines, keyword escaping, comment sanitising and string-literal
/// escaping (after swift-openapi-generator's `TextBasedRenderer`, smaller).
///
/// Everything is appended to one output buffer; large strings (the schema's DDL) are escaped in a
/// single pass over their bytes, never split into lines first.
public struct SwiftRenderer {
    /// Blocks of one short statement are written on one line (`{ return x }`) up to this width.
    public static let inlineWidth = 120

    private var out: String
    private var level = 0

    public init(capacity: Int = 0) {
        out = ""
        out.reserveCapacity(capacity)
    }

    /// The rendered text of a whole file.
    public static func render(_ file: SwiftFile, capacity: Int = 0) -> String {
        var r = SwiftRenderer(capacity: capacity)
        r.file(file)
        return r.out
    }

    /// The rendered text of one declaration at top level (for tests and fragments).
    public static func render(_ declaration: SwiftDeclaration) -> String {
        var r = SwiftRenderer()
        r.declaration(declaration)
        return r.out
    }

    /// The rendered text of one statement at top level.
    public static func render(_ statement: SwiftStatement) -> String {
        var r = SwiftRenderer()
        r.statement(statement)
        return r.out
    }

    /// The rendered text of one expression.
    public static func render(_ expression: SwiftExpression) -> String {
        var r = SwiftRenderer()
        r.expression(expression)
        return r.out
    }

    // MARK: Lines

    private mutating func indent() {
        for _ in 0..<level { out += "    " }
    }

    private mutating func newline() { out += "\n" }

    // MARK: Files and declarations

    mutating func file(_ file: SwiftFile) {
        for line in file.header { comment(line, marker: "//") }
        if !file.header.isEmpty { newline() }
        for i in file.imports {
            out += "import "
            typeName(i)
            newline()
        }
        for d in file.declarations {
            newline()
            declaration(d)
        }
    }

    /// Writes `text` as comment lines: every line terminator (LF, CR, CRLF, VT, FF, NEL, U+2028,
    /// U+2029) starts a new comment line with the same marker, every other control character
    /// becomes U+FFFD, and `*/` is broken up, so user text can never end the comment.
    mutating func comment(_ text: String, marker: String) {
        if Self.isPlainCommentText(text) {
            // Fast path (almost every comment): LF is the only line break, nothing to replace.
            let utf8 = text.utf8
            var start = utf8.startIndex
            while true {
                let end = utf8[start...].firstIndex(of: 0x0A) ?? utf8.endIndex
                commentLine(text[start..<end], marker: marker)
                if end == utf8.endIndex { return }
                start = utf8.index(after: end)
            }
        }
        var line = ""
        var previousWasCR = false
        var lines: [String] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where previousWasCR:
                previousWasCR = false
                continue
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
                lines.append(line)
                line = ""
                previousWasCR = scalar.value == 0x0D
                continue
            case 0x09:
                line.unicodeScalars.append(scalar)
            case 0x00..<0x20, 0x7F..<0xA0:
                line += "\u{FFFD}"
            case 0x2F where line.unicodeScalars.last == "*":
                line += " /"
            default:
                line.unicodeScalars.append(scalar)
            }
            previousWasCR = false
        }
        lines.append(line)
        for l in lines { commentLine(Substring(l), marker: marker) }
    }

    private mutating func commentLine(_ line: Substring, marker: String) {
        indent()
        out += marker
        var body = line
        while body.last == " " || body.last == "\t" { body = body.dropLast() }
        if !body.isEmpty {
            out += " "
            out += body
        }
        newline()
    }

    /// True when `text` has no line break but LF, no other control character (C0 but tab, DEL,
    /// C1), no U+2028/U+2029 and no `*/`: then it is written line by line as it is.
    static func isPlainCommentText(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                switch b {
                case 0x0A, 0x09: break
                case 0x00..<0x20, 0x7F: return false
                case 0x2F where i > 0 && bytes[i - 1] == 0x2A: return false
                case 0xC2 where i + 1 < n && bytes[i + 1] < 0xA0: return false // C1 controls, NEL
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): return false
                default: break
                }
                i += 1
            }
            return true
        }
    }

    mutating func declaration(_ d: SwiftDeclaration) {
        if let doc = d.doc { comment(doc, marker: "///") }
        for a in d.attributes {
            indent()
            out += "@" + a
            newline()
        }
        indent()
        switch d.kind {
        case .struct(let t): typeDeclaration("struct", t)
        case .enum(let t): typeDeclaration("enum", t)
        case .extension(let e):
            out += "extension "
            typeName(e.extendedType)
            members(e.members)
        case .variable(let v):
            variable(v)
            newline()
        case .function(let f):
            function(f)
        case .enumCase(let name, let raw):
            out += "case "
            identifier(name)
            if let raw {
                out += " = "
                expression(raw)
            }
            newline()
        }
    }

    private mutating func access(_ a: SwiftAccess?) {
        if let a { out += a.rawValue + " " }
    }

    private mutating func typeDeclaration(_ keyword: String, _ t: SwiftTypeDeclaration) {
        access(t.access)
        out += keyword + " "
        identifier(t.name)
        if !t.conformances.isEmpty {
            out += ": "
            for (i, c) in t.conformances.enumerated() {
                if i > 0 { out += ", " }
                typeName(c)
            }
        }
        members(t.members)
    }

    /// ` {`, the members (a blank line between two members unless both are one-line stored
    /// properties or enum cases), `}`.
    private mutating func members(_ members: [SwiftDeclaration]) {
        out += " {\n"
        level += 1
        var previousCompact: Bool?
        for m in members {
            let compact = Self.isCompact(m)
            if let p = previousCompact, !(p && compact) { newline() }
            declaration(m)
            previousCompact = compact
        }
        level -= 1
        indent()
        out += "}\n"
    }

    private static func isCompact(_ d: SwiftDeclaration) -> Bool {
        switch d.kind {
        case .enumCase: return true
        case .variable(let v): return v.getter == nil && v.initializer == nil
        default: return false
        }
    }

    private mutating func variable(_ v: SwiftVariable) {
        access(v.access)
        if v.isStatic { out += "static " }
        out += v.isMutable ? "var " : "let "
        identifier(v.name)
        if let t = v.type {
            out += ": "
            type(t)
        }
        if let e = v.initializer {
            out += " = "
            expression(e)
        }
        if let getter = v.getter { block(getter, inlineAllowed: true) }
    }

    private mutating func function(_ f: SwiftFunction) {
        access(f.access)
        if f.isStatic { out += "static " }
        switch f.kind {
        case .function(let name):
            out += "func "
            identifier(name)
        case .initializer:
            out += "init"
        }
        out += "("
        if f.wrapsParameters && !f.parameters.isEmpty {
            newline()
            level += 1
            for (i, p) in f.parameters.enumerated() {
                indent()
                parameter(p)
                if i < f.parameters.count - 1 { out += "," }
                newline()
            }
            level -= 1
            indent()
        } else {
            for (i, p) in f.parameters.enumerated() {
                if i > 0 { out += ", " }
                parameter(p)
            }
        }
        out += ")"
        throwsClause(f.throwsClause)
        if let r = f.returnType {
            out += " -> "
            type(r)
        }
        block(f.body, inlineAllowed: false)
        newline()
    }

    private mutating func parameter(_ p: SwiftParameter) {
        if let label = p.label {
            if label != p.name {
                // A label before a separate name is not read as a keyword, except these three.
                out += ["inout", "var", "let"].contains(label) ? "`\(label)`" : label
                out += " "
                identifier(p.name)
            } else {
                identifier(label)
            }
        } else {
            out += "_ "
            identifier(p.name)
        }
        out += ": "
        type(p.type)
        if let d = p.defaultValue {
            out += " = "
            expression(d)
        }
    }

    private mutating func throwsClause(_ t: SwiftThrows?) {
        switch t {
        case nil: break
        case .untyped: out += " throws"
        case .typed(let e):
            out += " throws("
            type(e)
            out += ")"
        }
    }

    // MARK: Statements

    /// ` { … }` after a header on the current line; the closing brace ends without a newline.
    /// With `inlineAllowed`, one short simple statement stays on the header's line.
    private mutating func block(_ body: [SwiftStatement], inlineAllowed: Bool) {
        if inlineAllowed, body.count == 1, let one = Self.inlineText(body[0]) {
            let lineStart = out.utf8.lastIndex(of: 0x0A).map { out.utf8.index(after: $0) } ?? out.utf8.startIndex
            let width = out.utf8.distance(from: lineStart, to: out.utf8.endIndex) + one.utf8.count + 6
            if width <= Self.inlineWidth {
                out += " { " + one + " }"
                return
            }
        }
        out += " {\n"
        level += 1
        for s in body { statement(s) }
        level -= 1
        indent()
        out += "}"
    }

    /// The one-line text of a statement without nested blocks, or nil.
    private static func inlineText(_ s: SwiftStatement) -> String? {
        switch s {
        case .if, .guard, .while, .for, .switch: return nil
        default: break
        }
        var r = SwiftRenderer()
        r.statement(s)
        var text = r.out
        guard text.last == "\n" else { return nil }
        text.removeLast()
        return text.contains("\n") ? nil : text
    }

    mutating func statement(_ s: SwiftStatement) {
        indent()
        switch s {
        case .expression(let e):
            expression(e)
        case .variable(let v):
            variable(v)
        case .assignment(let target, let value):
            expression(target)
            out += " = "
            expression(value)
        case .return(let e):
            out += "return"
            if let e {
                out += " "
                expression(e)
            }
        case .throw(let e):
            out += "throw "
            expression(e)
        case .if(let c, let then):
            out += "if "
            condition(c)
            block(then, inlineAllowed: true)
        case .guard(let c, let elseBody):
            out += "guard "
            condition(c)
            out += " else"
            block(elseBody, inlineAllowed: true)
        case .while(let c, let body):
            out += "while "
            expression(c)
            block(body, inlineAllowed: true)
        case .for(let name, let sequence, let body):
            out += "for "
            identifier(name)
            out += " in "
            expression(sequence)
            block(body, inlineAllowed: true)
        case .switch(let subject, let cases):
            out += "switch "
            expression(subject)
            out += " {\n"
            for c in cases {
                indent()
                out += "case "
                expression(c.pattern)
                out += ":\n"
                level += 1
                for s in c.body { statement(s) }
                level -= 1
            }
            indent()
            out += "}"
        }
        newline()
    }

    private mutating func condition(_ c: SwiftCondition) {
        switch c {
        case .expression(let e): expression(e)
        case .optionalBinding(let name, let e):
            out += "let "
            identifier(name)
            out += " = "
            expression(e)
        }
    }

    // MARK: Expressions

    mutating func expression(_ e: SwiftExpression) {
        switch e {
        case .identifier(let name): identifier(name)
        case .selfReference: out += "self"
        case .nil: out += "nil"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let v): out += String(v)
        case .double(let v): out += String(v)
        case .string(let s): Self.appendStringLiteral(s, to: &out)
        case .multilineString(let s): multilineString(s)
        case .member(let base, let name):
            expression(base)
            out += "."
            identifier(name)
        case .implicitMember(let name):
            out += "."
            identifier(name)
        case .metatype(let t):
            type(t)
            out += ".self"
        case .type(let t):
            type(t)
        case .call(let callee, let arguments, let trailing):
            expression(callee)
            if !arguments.isEmpty || trailing == nil {
                out += "("
                for (i, a) in arguments.enumerated() {
                    if i > 0 { out += ", " }
                    if let label = a.label {
                        // Keywords need no backticks as argument labels (swiftc warns about them),
                        // except `inout`.
                        out += label == "inout" ? "`inout`" : label
                        out += ": "
                    }
                    expression(a.value)
                }
                out += ")"
            }
            if let trailing {
                out += " "
                closure(trailing)
            }
        case .closure(let c):
            closure(c)
        case .try(let inner):
            out += "try "
            expression(inner)
        case .binary(let l, let op, let r):
            expression(l)
            out += " " + op + " "
            expression(r)
        case .prefix(let op, let inner):
            out += op
            expression(inner)
        case .optionalChain(let inner):
            expression(inner)
            out += "?"
        case .ternary(let c, let a, let b):
            expression(c)
            out += " ? "
            expression(a)
            out += " : "
            expression(b)
        case .array(let elements):
            out += "["
            for (i, el) in elements.enumerated() {
                if i > 0 { out += ", " }
                expression(el)
            }
            out += "]"
        }
    }

    private mutating func closure(_ c: SwiftClosure) {
        out += "{"
        if !c.parameters.isEmpty {
            out += " " + c.parameters.joined(separator: ", ")
        }
        throwsClause(c.throwsClause)
        if let r = c.returnType {
            out += " -> "
            type(r)
        }
        out += c.parameters.isEmpty && c.throwsClause == nil && c.returnType == nil ? "\n" : " in\n"
        level += 1
        for s in c.body { statement(s) }
        level -= 1
        indent()
        out += "}"
    }

    // MARK: Names and types

    /// An identifier, in backticks when Swift would read it as a keyword.
    private mutating func identifier(_ name: String) {
        out += SwiftNaming.escaped(name)
    }

    /// A possibly dotted type name, each component escaped.
    private mutating func typeName(_ name: String) {
        guard name.contains(".") else { return identifier(name) }
        for (i, part) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out += "." }
            identifier(String(part))
        }
    }

    mutating func type(_ t: SwiftType) {
        switch t {
        case .named(let n): typeName(n)
        case .optional(let w):
            type(w)
            out += "?"
        case .array(let el):
            out += "["
            type(el)
            out += "]"
        case .generic(let n, let args):
            typeName(n)
            out += "<"
            for (i, a) in args.enumerated() {
                if i > 0 { out += ", " }
                type(a)
            }
            out += ">"
        case .some(let w):
            out += "some "
            type(w)
        case .borrowing(let w):
            out += "borrowing "
            type(w)
        }
    }

    // MARK: String literals

    /// True for the scalars a string literal writes as an escape: quotes, backslashes, every
    /// control character (C0, DEL, C1) and the Unicode line and paragraph separators.
    @inline(__always)
    static func needsEscape(_ v: UInt32) -> Bool {
        v < 0x20 || v == 0x22 || v == 0x5C || (v >= 0x7F && v < 0xA0) || v == 0x2028 || v == 0x2029
    }

    static func escape(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\0": out += "\\0"
        default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// Appends `"…"` holding exactly `s`. Also a valid `StaticString` literal (no interpolation).
    static func appendStringLiteral(_ s: String, to out: inout String) {
        out += "\""
        // Fast path (almost every SQL string): no byte that could start an escape, so copy it whole.
        // 0xC2 starts the C1 controls, 0xE2 the line and paragraph separators.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                if needsEscape(scalar.value) { escape(scalar, to: &out) } else { out.unicodeScalars.append(scalar) }
            }
        }
        out += "\""
    }

    /// A `"""` literal holding exactly `s`: each line of `s` one indented source line, every
    /// character that needs it escaped (quotes too, so no `"""` can close it early), in one pass.
    private mutating func multilineString(_ s: String) {
        out += "\"\"\"\n"
        level += 1
        var atLineStart = true
        for scalar in s.unicodeScalars {
            if scalar == "\n" {
                out += "\n"
                atLineStart = true
                continue
            }
            if atLineStart {
                indent()
                atLineStart = false
            }
            if Self.needsEscape(scalar.value) { Self.escape(scalar, to: &out) } else { out.unicodeScalars.append(scalar) }
        }
        // The newline before the closing delimiter is not part of the value.
        out += "\n"
        indent()
        out += "\"\"\""
        level -= 1
    }
}
