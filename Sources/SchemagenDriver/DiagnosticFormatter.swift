import SchemaSyntax

/// Formats diagnostics the way swiftc and SwiftPM print them:
///
///     schema.victor:12:15: error: unknown type 'strng'; did you mean 'text'?
///         name: strng
///               ^~~~~
///               text
///
/// The fix-it's text sits under its own column, which is the caret's for a replacement or an
/// insertion at the diagnostic's position. Output stays bounded whatever the input: a source line
/// longer than `maxEchoedBytes` is shown as a window around the caret (`…` marks the cut), a
/// message is cut at `maxMessageCharacters`, and control characters in echoed text print as `�`
/// (a schema file cannot send escape sequences to the terminal).
public struct TextFormatter: Sendable {
    public var color: Bool
    public init(color: Bool) { self.color = color }

    /// The most bytes of one source line that a snippet shows.
    public static let maxEchoedBytes = 160
    /// The most characters of a message that are printed.
    public static let maxMessageCharacters = 400

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    private func severityText(_ s: Severity) -> String {
        switch s {
        case .error: return paint("error:", "1;31")
        case .warning: return paint("warning:", "1;35")
        case .note: return paint("note:", "1;30")
        }
    }

    static func message(_ d: Diagnostic) -> String {
        var m = d.message.sanitizedForTerminal(lineBreaks: " ")
        if m.count > maxMessageCharacters { m = String(m.prefix(maxMessageCharacters)) + "…" }
        return m + (d.rule.map { " [\($0)]" } ?? "")
    }

    /// `path: severity: message [rule]`, for a diagnostic without a usable location (a file that
    /// could not be read, the per-file summary of omitted diagnostics).
    public func formatWithoutSource(_ d: Diagnostic) -> String {
        paint("\(d.file):", "1") + " \(severityText(d.severity)) " + paint(Self.message(d), "1") + "\n"
    }

    public func format(_ d: Diagnostic, file: SourceFile) -> String {
        if d.messageID == .tooManyDiagnostics || d.messageID == .unreadableFile { return formatWithoutSource(d) }
        var out = ""
        let (line, col) = file.lineAndColumn(of: d.range.start)
        out += paint("\(d.file):\(line):\(col):", "1") + " \(severityText(d.severity)) " + paint(Self.message(d), "1") + "\n"
        // The fix-it's text is printed under a caret at its position: the diagnostic's own, or
        // else the first note's at the fix-it's position (an unclosed '(' points at the '(' and
        // its note at where the ')' goes).
        let fix = d.fixIts.first
        let fixUnderMain = fix.map { $0.range.start == d.range.start } ?? false
        let fixNote = fixUnderMain ? nil : d.notes.firstIndex { n in fix.map { $0.range.start == n.range.start } ?? false }
        out += snippet(file: file, range: d.range, fixIt: fixUnderMain ? fix : nil)
        for (i, n) in d.notes.enumerated() {
            let (nl, nc) = file.lineAndColumn(of: n.range.start)
            out += paint("\(d.file):\(nl):\(nc):", "1") + " " + paint("note:", "1;30") + " \(n.message.sanitizedForTerminal(lineBreaks: " "))\n"
            out += snippet(file: file, range: n.range, fixIt: i == fixNote ? fix : nil)
        }
        return out
    }

    /// The source line (or a window of it), a caret under the range's start and tildes under
    /// the rest of it on that line, and the fix-it's replacement text under its column when the
    /// fix-it's primary edit is on that line.
    func snippet(file: SourceFile, range: SourceRange, fixIt: FixIt?) -> String {
        if file.bytes.isEmpty { return "" }
        let (line, _) = file.lineAndColumn(of: range.start)
        let lineStart = file.lineStarts[line - 1]
        var lineEnd = line < file.lineStarts.count ? file.lineStarts[line] : file.bytes.count
        while lineEnd > lineStart, file.bytes[lineEnd - 1] == 0x0A || file.bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let length = lineEnd - lineStart
        let caret = max(0, min(range.start - lineStart, length))
        // The window of the line that is shown, on character boundaries.
        var lo = 0, hi = length
        if length > Self.maxEchoedBytes {
            lo = max(0, caret - Self.maxEchoedBytes / 3)
            while lo < length, file.bytes[lineStart + lo] & 0xC0 == 0x80 { lo += 1 }
            hi = min(length, lo + Self.maxEchoedBytes)
            while hi > lo, hi < length, file.bytes[lineStart + hi] & 0xC0 == 0x80 { hi -= 1 }
        }
        let lead = lo > 0 ? "…" : "", trail = hi < length ? "…" : ""
        let shown = file.bytes[(lineStart + lo)..<(lineStart + hi)]
        func characters(_ from: Int, _ to: Int) -> String {
            let a = max(lo, min(from, hi)), b = max(a, min(to, hi))
            return String(decoding: file.bytes[(lineStart + a)..<(lineStart + b)], as: UTF8.self)
        }
        /// Spaces (tabs kept) up to a byte offset of the line.
        func pad(_ offset: Int) -> String {
            (lead.isEmpty ? "" : " ") + String(characters(lo, offset).sanitizedForTerminal(lineBreaks: " ").map { $0 == "\t" ? "\t" : " " })
        }
        let text = lead + String(decoding: shown, as: UTF8.self).sanitizedForTerminal(lineBreaks: "�") + trail
        let endOnLine = min(range.end - lineStart, length)
        let width = max(1, characters(caret, endOnLine).count)
        var out = "    " + text + "\n"
        out += "    " + pad(caret) + paint("^" + String(repeating: "~", count: width - 1), "1;32") + "\n"
        if let fixIt, !fixIt.replacement.isEmpty, !fixIt.replacement.contains(where: \.isNewline) {
            let at = fixIt.range.start - lineStart
            if at >= lo && at <= hi {
                var r = fixIt.replacement.sanitizedForTerminal(lineBreaks: " ")
                if r.count > Self.maxEchoedBytes { r = String(r.prefix(Self.maxEchoedBytes)) + "…" }
                out += "    " + pad(at) + paint(r, "32") + "\n"
            }
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// The string with line breaks replaced by `lineBreaks` and every other control character
    /// (C0 but tab, DEL, C1, U+2028, U+2029) by `�`.
    func sanitizedForTerminal(lineBreaks: String) -> String {
        // Most messages and source lines are printable ASCII (and tabs): nothing to replace.
        // (Measured in the fuzzer's profile: this copy scalar by scalar was a tenth of each run.)
        if utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 < 0x7F) }) { return self }
        var out = ""
        out.reserveCapacity(utf8.count)
        for u in unicodeScalars {
            switch u.value {
            case 0x0A, 0x0D, 0x2028, 0x2029, 0x85: out += lineBreaks
            case 0x09: out.unicodeScalars.append(u)
            case 0..<0x20, 0x7F, 0x80..<0xA0: out += "�"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
