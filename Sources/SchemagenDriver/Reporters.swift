import Foundation
import SchemaSyntax
import SchemaLint

/// The output formats of `schemagen lint`.
public enum LintFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github
}

/// Formatters for lint diagnostics: pure functions of the diagnostics and the source files
/// they point into (keyed by path), so tests can call them directly.
///
/// Positions: `line` is 1-based; `column` counts UTF-8 bytes (as swiftc does) in text, JSON and
/// GitHub output, and UTF-16 code units in SARIF (its default `columnKind`). End positions
/// are exclusive: `endColumn` is the column just after the range.
public enum Reporters {
    public static let toolName = "schemagen"
    public static let toolVersion = "0.2.0"
    /// Where the rules are documented, relative to the repository (SARIF's `helpUri`/`informationUri`
    /// must be absolute URIs, and the project has no published address yet, so they are left out).
    public static let rulesDocument = "docs/LINT.md"
    /// The SARIF rule id of a diagnostic that has neither a lint rule nor a catalog id (none does
    /// today: every parser, resolver and input diagnostic has a `MessageID`).
    public static let schemaErrorRule = "schema-error"

    struct Span { var line: Int; var column: Int; var endLine: Int; var endColumn: Int }

    static func span(_ range: SourceRange, in file: SourceFile?, utf16: Bool = false) -> Span {
        guard let file else { return Span(line: 1, column: 1, endLine: 1, endColumn: 1) }
        func pos(_ offset: Int) -> (Int, Int) {
            let (line, col) = file.lineAndColumn(of: offset)
            guard utf16 else { return (line, col) }
            let start = file.lineStarts[line - 1]
            let prefix = String(decoding: file.bytes[start..<min(file.bytes.count, start + col - 1)], as: UTF8.self)
            return (line, prefix.utf16.count + 1)
        }
        let (l, c) = pos(range.start), (el, ec) = pos(range.end)
        return Span(line: l, column: c, endLine: el, endColumn: ec)
    }

    static func severityText(_ s: Severity) -> String { s.rawValue }

    // MARK: text

    /// swiftc-style lines with the source line and a caret, then a summary line.
    public static func text(_ diagnostics: [Diagnostic], files: [String: SourceFile], color: Bool) -> String {
        let formatter = TextFormatter(color: color)
        var out = ""
        for d in diagnostics {
            if let file = files[d.file] {
                out += formatter.format(d, file: file)
            } else {
                out += formatter.formatWithoutSource(d)
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors + warnings > 0 {
            out += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        }
        return out
    }

    // MARK: json

    static func jsonString(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "[]\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func jsonObject(_ d: Diagnostic, files: [String: SourceFile]) -> [String: Any] {
        let file = files[d.file]
        let s = span(d.range, in: file)
        var o: [String: Any] = [
            "file": d.file, "line": s.line, "column": s.column, "endLine": s.endLine, "endColumn": s.endColumn,
            "severity": d.severity.rawValue, "rule": d.id, "message": d.message,
        ]
        if let fix = d.fixIts.first {
            let fs = span(fix.range, in: file)
            var f: [String: Any] = ["message": fix.message, "replacement": fix.replacement,
                                    "line": fs.line, "column": fs.column, "endLine": fs.endLine, "endColumn": fs.endColumn]
            if fix.edits.count > 1 {
                f["edits"] = fix.edits.map { e -> [String: Any] in
                    let es = span(e.range, in: file)
                    return ["replacement": e.replacement, "line": es.line, "column": es.column, "endLine": es.endLine, "endColumn": es.endColumn]
                }
            }
            o["fix"] = f
        }
        if !d.notes.isEmpty {
            o["notes"] = d.notes.map { n -> [String: Any] in
                let ns = span(n.range, in: file)
                return ["message": n.message, "line": ns.line, "column": ns.column, "endLine": ns.endLine, "endColumn": ns.endColumn]
            }
        }
        return o
    }

    /// A JSON array of findings, keys sorted.
    public static func json(_ diagnostics: [Diagnostic], files: [String: SourceFile]) -> String {
        jsonString(diagnostics.map { jsonObject($0, files: files) })
    }

    // MARK: sarif

    static func sarifLevel(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }

    static func uri(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    static func region(_ range: SourceRange, _ file: SourceFile?) -> [String: Any] {
        let s = span(range, in: file, utf16: true)
        return ["startLine": s.line, "startColumn": s.column, "endLine": s.endLine, "endColumn": s.endColumn]
    }

    static func location(_ path: String, _ range: SourceRange, _ file: SourceFile?, message: String? = nil) -> [String: Any] {
        var artifact: [String: Any] = ["uri": uri(path)]
        if !path.hasPrefix("/") { artifact["uriBaseId"] = "%SRCROOT%" }
        var l: [String: Any] = ["physicalLocation": ["artifactLocation": artifact, "region": region(range, file)]]
        if let message { l["message"] = ["text": message] }
        return l
    }

    /// A SARIF 2.1.0 log with one run, fit for GitHub code scanning.
    public static func sarif(_ diagnostics: [Diagnostic], files: [String: SourceFile], rules: [any LintRule] = RuleRegistry.all) -> String {
        var ruleObjects: [[String: Any]] = rules.map { r in
            [
                "id": r.id,
                "name": r.id,
                "shortDescription": ["text": r.summary],
                "fullDescription": ["text": r.summary],
                "defaultConfiguration": ["level": sarifLevel(r.defaultSeverity)],
                "help": ["text": "\(r.summary) See \(rulesDocument), section \(r.id).", "markdown": "\(r.summary)\n\nSee `\(rulesDocument)`, section `\(r.id)`."],
                "properties": ["tags": [r.category.rawValue]],
            ]
        }
        // Parser, resolver and input diagnostics: one SARIF rule per catalog id.
        for m in MessageCatalog.all {
            ruleObjects.append([
                "id": m.rawValue, "name": m.rawValue,
                "shortDescription": ["text": m.summary],
                "fullDescription": ["text": m.summary],
                "defaultConfiguration": ["level": m == .tooManyDiagnostics ? "note" : "error"],
                "help": ["text": "\(m.summary) See \(rulesDocument), section \"Diagnostic ids\".",
                         "markdown": "\(m.summary)\n\nSee `\(rulesDocument)`, section *Diagnostic ids*."],
                "properties": ["tags": [m.domain.rawValue]],
            ])
        }
        let ids = rules.map(\.id) + MessageCatalog.all.map(\.rawValue)
        let results: [[String: Any]] = diagnostics.map { d in
            let file = files[d.file]
            let ruleId = d.id
            var r: [String: Any] = [
                "ruleId": ruleId,
                "level": sarifLevel(d.severity),
                "message": ["text": d.message],
                "locations": [location(d.file, d.range, file)],
            ]
            if let i = ids.firstIndex(of: ruleId) { r["ruleIndex"] = i }
            if !d.notes.isEmpty {
                r["relatedLocations"] = d.notes.enumerated().map { n, note -> [String: Any] in
                    var l = location(d.file, note.range, file, message: note.message)
                    l["id"] = n
                    return l
                }
            }
            if !d.fixIts.isEmpty {
                r["fixes"] = d.fixIts.map { f -> [String: Any] in
                    var artifact: [String: Any] = ["uri": uri(d.file)]
                    if !d.file.hasPrefix("/") { artifact["uriBaseId"] = "%SRCROOT%" }
                    return [
                        "description": ["text": f.message],
                        "artifactChanges": [[
                            "artifactLocation": artifact,
                            "replacements": f.edits.map { e -> [String: Any] in
                                ["deletedRegion": region(e.range, file), "insertedContent": ["text": e.replacement]]
                            },
                        ]],
                    ]
                }
            }
            return r
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": toolName,
                    "version": toolVersion,
                    "semanticVersion": toolVersion,
                    "rules": ruleObjects,
                ]],
                "columnKind": "utf16CodeUnits",
                "results": results,
            ]],
        ]
        return jsonString(log)
    }

    // MARK: github

    /// Escapes a workflow-command message: `%`, CR and LF.
    public static func escapeGitHubData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a workflow-command property value: as data, plus `:` and `,`.
    public static func escapeGitHubProperty(_ s: String) -> String {
        escapeGitHubData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// GitHub Actions workflow commands (`::error file=…,line=…::message`), one per diagnostic.
    public static func github(_ diagnostics: [Diagnostic], files: [String: SourceFile]) -> String {
        var out = ""
        for d in diagnostics {
            let s = span(d.range, in: files[d.file])
            let command: String
            switch d.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let title = "\(toolName) " + d.id
            let props = [
                "file=\(escapeGitHubProperty(d.file))", "line=\(s.line)", "col=\(s.column)",
                "endLine=\(s.endLine)", "endColumn=\(s.endColumn)", "title=\(escapeGitHubProperty(title))",
            ].joined(separator: ",")
            var message = d.message
            if let rule = d.rule { message += " [\(rule)]" }
            out += "::\(command) \(props)::\(escapeGitHubData(message))\n"
        }
        return out
    }

    /// Formats diagnostics in the chosen format.
    public static func format(_ diagnostics: [Diagnostic], as format: LintFormat, files: [String: SourceFile], color: Bool = false) -> String {
        switch format {
        case .text: return text(diagnostics, files: files, color: color)
        case .json: return json(diagnostics, files: files)
        case .sarif: return sarif(diagnostics, files: files)
        case .github: return github(diagnostics, files: files)
        }
    }

    // MARK: rules

    /// `schemagen rules`: every rule with id, default severity, category and description, as
    /// an aligned table or (`json`) an array of objects.
    public static func rules(_ rules: [any LintRule] = RuleRegistry.all, json: Bool) -> String {
        if json {
            return jsonString(rules.map { r -> [String: Any] in
                ["id": r.id, "severity": r.defaultSeverity.rawValue, "category": r.category.rawValue,
                 "description": r.summary, "safeFix": r.hasSafeFixes]
            })
        }
        let width = (rules.map(\.id.count).max() ?? 0) + 2
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
        var out = pad("RULE", width) + pad("SEVERITY", 9) + pad("CATEGORY", 10) + "DESCRIPTION\n"
        for r in rules {
            out += pad(r.id, width) + pad(r.defaultSeverity.rawValue, 9) + pad(r.category.rawValue, 10) + r.summary + "\n"
        }
        return out
    }
}
