import SchemaSyntax

/// Formats diagnostics the way swiftc and SwiftPM print them:
///
///     schema.victor:12:15: error: unknown type 'strng'; did you mean 'text'?
///         name: strng
///               ^~~~~
///               text
public struct TextFormatter: Sendable {
    public var color: Bool
    public init(color: Bool) { self.color = color }

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func format(_ d: Diagnostic, file: SourceFile) -> String {
        var out = ""
        let (line, col) = file.lineAndColumn(of: d.range.start)
        let sevText: String
        switch d.severity {
        case .error: sevText = paint("error:", "1;31")
        case .warning: sevText = paint("warning:", "1;35")
        case .note: sevText = paint("note:", "1;30")
        }
        let rule = d.rule.map { " [\($0)]" } ?? ""
        out += paint("\(d.file):\(line):\(col):", "1") + " \(sevText) " + paint(d.message.replacingNewlines() + rule, "1") + "\n"
        out += snippet(file: file, range: d.range, fixIt: d.fixIts.first)
        for n in d.notes {
            let (nl, nc) = file.lineAndColumn(of: n.range.start)
            out += paint("\(d.file):\(nl):\(nc):", "1") + " " + paint("note:", "1;30") + " \(n.message)\n"
            out += snippet(file: file, range: n.range, fixIt: nil)
        }
        return out
    }

    /// The source line, a caret under the range's start and tildes under the rest of it on
    /// that line, and a fix-it's replacement text under it when there is one.
    func snippet(file: SourceFile, range: SourceRange, fixIt: FixIt?) -> String {
        let (line, col) = file.lineAndColumn(of: range.start)
        let text = file.lineText(line)
        if text.isEmpty && file.bytes.isEmpty { return "" }
        let lineStart = file.lineStarts[line - 1]
        let lineBytes = Array(text.utf8)
        func displayPrefix(_ byteCount: Int) -> String {
            // Keep tabs so the caret lines up; every other character becomes one space.
            let prefix = String(decoding: lineBytes.prefix(max(0, min(byteCount, lineBytes.count))), as: UTF8.self)
            return String(prefix.map { $0 == "\t" ? "\t" : " " })
        }
        let endOnLine = min(range.end, lineStart + lineBytes.count)
        let startCol = col - 1
        let width = max(1, String(decoding: lineBytes[min(startCol, lineBytes.count)..<max(min(startCol, lineBytes.count), min(endOnLine - lineStart, lineBytes.count))], as: UTF8.self).count)
        var out = "    " + text + "\n"
        out += "    " + displayPrefix(startCol) + paint("^" + String(repeating: "~", count: width - 1), "1;32") + "\n"
        if let fixIt, !fixIt.replacement.isEmpty, !fixIt.replacement.contains("\n"), fixIt.range.start >= lineStart, fixIt.range.start <= lineStart + lineBytes.count {
            let fixCol = fixIt.range.start - lineStart
            out += "    " + displayPrefix(fixCol) + paint(fixIt.replacement, "32") + "\n"
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
