/// Turns the Swift code model into source text: the only place that decides indentation (four
/// spaces), line breaks, blank lines, keyword escaping, comment sanitising and string-literal
/// escaping (after swift-openapi-generator's `TextBasedRenderer`, smaller).
///
/// Everything is appended to one output buffer; large strings (the schema's DDL) are escaped in a
/// single pass over their bytes, never split into lines first.
public struct SwiftRenderer {
    /// Blocks of one short statement are written on one line (`{ return x }`) up to this width.
    public static let inlineWidth = 120

    /// The output, as UTF-8 bytes (appending and rolling back are cheap; one `String` at the end).
    private var out: [UInt8] = []
    private var level = 0

    public init(capacity: Int = 0) {
        out.reserveCapacity(capacity)
    }

    private var text: String { String(decoding: out, as: UTF8.self) }

    @inline(__always)
    private mutating func w(_ s: String) {
        out.append(contentsOf: s.utf8)
    }

    @inline(__always)
    private mutating func w(_ s: Substring) {
        out.append(contentsOf: s.utf8)
    }

    /// The rendered text of a whole file.
    public static func render(_ file: SwiftFile, capacity: Int = 0) -> String {
        var r = SwiftRenderer(capacity: capacity)
        r.file(file)
        return r.text
    }

    /// The rendered text of one declaration at top level (for tests and fragments).
    public static func render(_ declaration: SwiftDeclaration) -> String {
        var r = SwiftRenderer()
        r.declaration(declaration)
        return r.text
    }

    /// The rendered text of one statement at top level.
    public static func render(_ statement: SwiftStatement) -> String {
        var r = SwiftRenderer()
        r.statement(statement)
        return r.text
    }

    /// The rendered text of one expression.
    public static func render(_ expression: SwiftExpression) -> String {
        var r = SwiftRenderer()
        r.expression(expression)
        return r.text
    }

    // MARK: Lines

    private mutating func indent() {
        for _ in 0..<level { w("    ") }
    }

    private mutating func newline() { w("\n") }

    // MARK: Files and declarations

    /// Appends one more top-level declaration after what was rendered so far.
    public mutating func topLevel(_ d: SwiftDeclaration) {
        newline()
        declaration(d)
    }

    /// The text rendered so far.
    public func finish() -> String { text }

    public mutating func file(_ file: SwiftFile) {
        for line in file.header { comment(line, marker: "//") }
        if !file.header.isEmpty { newline() }
        for i in file.imports {
            w("import ")
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
        w(marker)
        var body = line
        while body.last == " " || body.last == "\t" { body = body.dropLast() }
        if !body.isEmpty {
            w(" ")
            w(body)
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
            w("@" + a)
            newline()
        }
        indent()
        switch d.kind {
        case .struct(let t): typeDeclaration("struct", t)
        case .enum(let t): typeDeclaration("enum", t)
        case .extension(let e):
            w("extension ")
            typeName(e.extendedType)
            if !e.whereClause.isEmpty {
                w(" where ")
                for (i, r) in e.whereClause.enumerated() {
                    if i > 0 { w(", ") }
                    typeConstraint(r)
                }
            }
            members(e.members)
        case .variable(let v):
            variable(v)
            newline()
        case .function(let f):
            function(f)
        case .typeAlias(let a, let name, let t):
            access(a)
            w("typealias ")
            identifier(name)
            w(" = ")
            type(t)
            newline()
        case .enumCase(let name, let raw):
            w("case ")
            identifier(name)
            if let raw {
                w(" = ")
                expression(raw)
            }
            newline()
        }
    }

    private mutating func access(_ a: SwiftAccess?) {
        if let a { w(a.rawValue + " ") }
    }

    private mutating func typeDeclaration(_ keyword: String, _ t: SwiftTypeDeclaration) {
        access(t.access)
        w(keyword + " ")
        identifier(t.name)
        if !t.genericParameters.isEmpty {
            w("<")
            for (i, p) in t.genericParameters.enumerated() {
                if i > 0 { w(", ") }
                typeConstraint(p)
            }
            w(">")
        }
        if !t.conformances.isEmpty {
            w(": ")
            for (i, c) in t.conformances.enumerated() {
                if i > 0 { w(", ") }
                typeName(c)
            }
        }
        members(t.members)
    }

    /// `DB: DatabaseReading & Sendable`
    private mutating func typeConstraint(_ c: SwiftTypeConstraint) {
        typeName(c.name)
        guard !c.conformsTo.isEmpty else { return }
        w(": ")
        for (i, p) in c.conformsTo.enumerated() {
            if i > 0 { w(" & ") }
            typeName(p)
        }
    }

    /// ` {`, the members (a blank line between two members unless both are one-line stored
    /// properties or enum cases), `}`.
    private mutating func members(_ members: [SwiftDeclaration]) {
        w(" {\n")
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
        w("}\n")
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
        if v.isStatic { w("static ") }
        w(v.isMutable ? "var " : "let ")
        identifier(v.name)
        if let t = v.type {
            w(": ")
            type(t)
        }
        if let e = v.initializer {
            w(" = ")
            expression(e)
        }
        if let getter = v.getter { block(getter, inlineAllowed: true) }
    }

    private mutating func function(_ f: SwiftFunction) {
        access(f.access)
        if f.isStatic { w("static ") }
        switch f.kind {
        case .function(let name):
            w("func ")
            identifier(name)
        case .initializer:
            w("init")
        }
        w("(")
        if f.wrapsParameters && !f.parameters.isEmpty {
            newline()
            level += 1
            for (i, p) in f.parameters.enumerated() {
                indent()
                parameter(p)
                if i < f.parameters.count - 1 { w(",") }
                newline()
            }
            level -= 1
            indent()
        } else {
            for (i, p) in f.parameters.enumerated() {
                if i > 0 { w(", ") }
                parameter(p)
            }
        }
        w(")")
        throwsClause(f.throwsClause)
        if let r = f.returnType {
            w(" -> ")
            type(r)
        }
        block(f.body, inlineAllowed: false)
        newline()
    }

    private mutating func parameter(_ p: SwiftParameter) {
        if let label = p.label {
            if label != p.name {
                // A label before a separate name is not read as a keyword, except these three.
                w(["inout", "var", "let"].contains(label) ? "`\(label)`" : label)
                w(" ")
                identifier(p.name)
            } else {
                identifier(label)
            }
        } else {
            w("_ ")
            identifier(p.name)
        }
        w(": ")
        type(p.type)
        if let d = p.defaultValue {
            w(" = ")
            expression(d)
        }
    }

    private mutating func throwsClause(_ t: SwiftThrows?) {
        switch t {
        case nil: break
        case .untyped: w(" throws")
        case .typed(let e):
            w(" throws(")
            type(e)
            w(")")
        }
    }

    // MARK: Statements

    /// ` { … }` after a header on the current line; the closing brace ends without a newline.
    /// With `inlineAllowed`, one simple statement stays on the header's line when it fits.
    private mutating func block(_ body: [SwiftStatement], inlineAllowed: Bool) {
        if inlineAllowed, body.count == 1, Self.canInline(body[0]) {
            // Write it inline; roll back when it broke a line or ran past the width.
            let mark = out.count
            let lineStart = (out.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
            w(" { ")
            statement(body[0], inline: true)
            w(" }")
            if out.count - lineStart <= Self.inlineWidth, !out[mark...].contains(0x0A) { return }
            out.removeLast(out.count - mark)
        }
        w(" {\n")
        level += 1
        for s in body { statement(s) }
        level -= 1
        indent()
        w("}")
    }

    /// Statements without a block of their own (they may still contain a closure: the width and
    /// line-break check after writing decides).
    private static func canInline(_ s: SwiftStatement) -> Bool {
        switch s {
        case .if, .guard, .while, .for, .switch: return false
        default: return true
        }
    }

    mutating func statement(_ s: SwiftStatement, inline: Bool = false) {
        if !inline { indent() }
        switch s {
        case .expression(let e):
            expression(e)
        case .variable(let v):
            variable(v)
        case .assignment(let target, let value):
            expression(target)
            w(" = ")
            expression(value)
        case .return(let e):
            w("return")
            if let e {
                w(" ")
                expression(e)
            }
        case .throw(let e):
            w("throw ")
            expression(e)
        case .if(let c, let then):
            w("if ")
            condition(c)
            block(then, inlineAllowed: true)
        case .guard(let c, let elseBody):
            w("guard ")
            condition(c)
            w(" else")
            block(elseBody, inlineAllowed: true)
        case .while(let c, let body):
            w("while ")
            expression(c)
            block(body, inlineAllowed: true)
        case .for(let name, let sequence, let body):
            w("for ")
            identifier(name)
            w(" in ")
            expression(sequence)
            block(body, inlineAllowed: true)
        case .switch(let subject, let cases):
            w("switch ")
            expression(subject)
            w(" {\n")
            for c in cases {
                indent()
                w("case ")
                expression(c.pattern)
                w(":\n")
                level += 1
                for s in c.body { statement(s) }
                level -= 1
            }
            indent()
            w("}")
        }
        if !inline { newline() }
    }

    private mutating func condition(_ c: SwiftCondition) {
        switch c {
        case .expression(let e): expression(e)
        case .optionalBinding(let name, let e):
            w("let ")
            identifier(name)
            w(" = ")
            expression(e)
        }
    }

    // MARK: Expressions

    mutating func expression(_ e: SwiftExpression) {
        switch e {
        case .identifier(let name): identifier(name)
        case .selfReference: w("self")
        case .nil: w("nil")
        case .bool(let b): w(b ? "true" : "false")
        case .integer(let v): w(String(v))
        case .double(let v): w(String(v))
        case .string(let s): Self.appendStringLiteral(s, to: &out)
        case .multilineString(let s): multilineString(s)
        case .member(let base, let name):
            expression(base)
            w(".")
            identifier(name)
        case .implicitMember(let name):
            w(".")
            identifier(name)
        case .metatype(let t):
            type(t)
            w(".self")
        case .type(let t):
            type(t)
        case .call(let callee, let arguments, let trailing):
            expression(callee)
            if !arguments.isEmpty || trailing == nil {
                w("(")
                for (i, a) in arguments.enumerated() {
                    if i > 0 { w(", ") }
                    if let label = a.label {
                        // Keywords need no backticks as argument labels (swiftc warns about them),
                        // except `inout`.
                        w(label == "inout" ? "`inout`" : label)
                        w(": ")
                    }
                    expression(a.value)
                }
                w(")")
            }
            if let trailing {
                w(" ")
                closure(trailing)
            }
        case .closure(let c):
            closure(c)
        case .try(let inner):
            w("try ")
            expression(inner)
        case .binary(let l, let op, let r):
            expression(l)
            w(" " + op + " ")
            expression(r)
        case .prefix(let op, let inner):
            w(op)
            expression(inner)
        case .optionalChain(let inner):
            expression(inner)
            w("?")
        case .ternary(let c, let a, let b):
            expression(c)
            w(" ? ")
            expression(a)
            w(" : ")
            expression(b)
        case .array(let elements):
            w("[")
            for (i, el) in elements.enumerated() {
                if i > 0 { w(", ") }
                expression(el)
            }
            w("]")
        }
    }

    private mutating func closure(_ c: SwiftClosure) {
        w("{")
        if !c.parameters.isEmpty {
            w(" " + c.parameters.joined(separator: ", "))
        }
        throwsClause(c.throwsClause)
        if let r = c.returnType {
            w(" -> ")
            type(r)
        }
        w(c.parameters.isEmpty && c.throwsClause == nil && c.returnType == nil ? "\n" : " in\n")
        level += 1
        for s in c.body { statement(s) }
        level -= 1
        indent()
        w("}")
    }

    // MARK: Names and types

    /// An identifier, in backticks when Swift would read it as a keyword.
    private mutating func identifier(_ name: String) {
        w(SwiftNaming.escaped(name))
    }

    /// A possibly dotted type name, each component escaped.
    /// `Self` is written as the keyword (the extended or conforming type): no generated type takes
    /// that name (`SwiftNaming.reservedTypeNames`), nor does a `json<T>` argument.
    private mutating func typeName(_ name: String) {
        if name == "Self" { return w("Self") }
        guard name.contains(".") else { return identifier(name) }
        for (i, part) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { w(".") }
            identifier(String(part))
        }
    }

    mutating func type(_ t: SwiftType) {
        switch t {
        case .named(let n): typeName(n)
        case .optional(let wrapped):
            type(wrapped)
            w("?")
        case .array(let el):
            w("[")
            type(el)
            w("]")
        case .generic(let n, let args):
            typeName(n)
            w("<")
            for (i, a) in args.enumerated() {
                if i > 0 { w(", ") }
                type(a)
            }
            w(">")
        case .some(let wrapped):
            w("some ")
            type(wrapped)
        case .borrowing(let wrapped):
            w("borrowing ")
            type(wrapped)
        case .existential(let wrapped):
            w("any ")
            type(wrapped)
        }
    }

    // MARK: String literals

    /// Appends the escape of the character starting at `bytes[i]` when a string literal must escape
    /// it (quotes, backslashes, every control character — C0, DEL, C1 — and U+2028/U+2029), and
    /// returns how many bytes it covered; 0 when the byte is copied as is.
    @inline(__always)
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, to out: inout [UInt8]) -> Int {
        let b = bytes[i]
        switch b {
        case 0x5C: out.append(contentsOf: #"\\"#.utf8); return 1
        case 0x22: out.append(contentsOf: #"\""#.utf8); return 1
        case 0x0A: out.append(contentsOf: #"\n"#.utf8); return 1
        case 0x0D: out.append(contentsOf: #"\r"#.utf8); return 1
        case 0x09: out.append(contentsOf: #"\t"#.utf8); return 1
        case 0x00: out.append(contentsOf: #"\0"#.utf8); return 1
        case 0x01..<0x20, 0x7F:
            appendUnicodeEscape(UInt32(b), to: &out)
            return 1
        case 0xC2 where i + 1 < bytes.count && bytes[i + 1] < 0xA0:
            appendUnicodeEscape(UInt32(bytes[i + 1]), to: &out) // U+0080…U+009F
            return 2
        case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
            appendUnicodeEscape(0x2000 + UInt32(bytes[i + 2]) - 0x80, to: &out) // U+2028, U+2029
            return 3
        default:
            return 0
        }
    }

    static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: #"\u{"#.utf8)
        out.append(contentsOf: String(value, radix: 16, uppercase: true).utf8)
        out.append(UInt8(ascii: "}"))
    }

    /// Appends `"…"` holding exactly `s`. Also a valid `StaticString` literal (no interpolation).
    static func appendStringLiteral(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let n = escape(bytes, at: i, to: &out)
                if n == 0 {
                    out.append(bytes[i])
                    i += 1
                } else {
                    i += n
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `appendStringLiteral` into a `String`.
    static func appendStringLiteral(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendStringLiteral(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// A `"""` literal holding exactly `s`: each line of `s` one indented source line, every
    /// character that needs it escaped (quotes too, so no `"""` can close it early), in one pass.
    private mutating func multilineString(_ s: String) {
        w("\"\"\"\n")
        level += 1
        var s = s
        s.withUTF8 { bytes in
            var atLineStart = true
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    out.append(0x0A)
                    atLineStart = true
                    i += 1
                    continue
                }
                if atLineStart {
                    indent()
                    atLineStart = false
                }
                let n = Self.escape(bytes, at: i, to: &out)
                if n == 0 {
                    out.append(bytes[i])
                    i += 1
                } else {
                    i += n
                }
            }
        }
        // The newline before the closing delimiter is not part of the value.
        newline()
        indent()
        w("\"\"\"")
        level -= 1
    }
}
