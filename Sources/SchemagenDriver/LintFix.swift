import Foundation
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaCheck

/// `schemagen lint --fix`: applies the fix-its that are safe to apply unattended.
///
/// Which fix-its are safe is decided per rule (`LintRule.hasSafeFixes`, kept in SchemaLint
/// beside the rule that makes the fix) and per edit here, where the schema is at hand:
/// - a fix-it that replaces a table's name is a rename, and every `references OLD(…)` and
///   `foreign key (…) references OLD` in the file is renamed with it; a rename onto a name
///   another table or index already has is skipped;
/// - a fix-it that replaces a column's name is skipped: keys, indexes, foreign keys and legacy
///   mappings name columns, and rewriting them all is a person's job;
/// - of fix-its whose edits overlap, only the first (in file order) is applied per pass.
/// Passes repeat (at most `maxPasses`) until no safe fix-it is left, so `Rl_Outcomes` first
/// becomes `rl_outcomes` (snake-case) and then `rl_outcome` (singular-table-name).
public enum LintFix {
    public struct Change: Sendable, Hashable {
        public var rule: String
        public var message: String
        public var line: Int
        public var column: Int
        public var original: String
        public var replacement: String
        /// References to a renamed table that were renamed too.
        public var referencesUpdated: Int

        public func describe(path: String) -> String {
            var s = "\(path):\(line):\(column): fixed [\(rule)]: \(message) ('\(original)' -> '\(replacement)')"
            if referencesUpdated > 0 { s += " and \(referencesUpdated) reference\(referencesUpdated == 1 ? "" : "s") to it" }
            return s
        }
    }

    public struct Edit: Sendable, Hashable {
        public var range: SourceRange
        public var replacement: String
    }

    static func overlaps(_ a: SourceRange, _ b: SourceRange) -> Bool {
        if a.start == a.end || b.start == b.end { return a.start >= b.start && a.start <= b.end || b.start >= a.start && b.start <= a.end }
        return a.start < b.end && b.start < a.end
    }

    /// The safe edits among the diagnostics' fix-its for one pass, and what each changes.
    public static func plan(_ diagnostics: [Diagnostic], schema: Schema, file: SourceFile,
                            rules: [any LintRule] = RuleRegistry.all) -> (edits: [Edit], changes: [Change]) {
        let safeRules = Set(rules.filter(\.hasSafeFixes).map(\.id))
        var names = Set(schema.tables.map { $0.name.lowercased() } + schema.tables.flatMap { $0.indexes.map { $0.name.lowercased() } })
        var accepted: [Edit] = []
        var changes: [Change] = []
        let candidates = diagnostics
            .filter { d in d.rule.map(safeRules.contains) ?? false && !d.fixIts.isEmpty }
            .sorted { ($0.range.start, $0.rule ?? "") < ($1.range.start, $1.rule ?? "") }
        for d in candidates {
            guard let fix = d.fixIts.first, let rule = d.rule else { continue }
            var edits = [Edit(range: fix.range, replacement: fix.replacement)]
            let original = file.text(fix.range)
            if schema.tables.contains(where: { $0.columns.contains { $0.nameRange == fix.range } }) { continue }
            let renamedTable = schema.tables.first { $0.nameRange == fix.range }
            let renamedIndex = schema.tables.flatMap(\.indexes).first { $0.nameRange == fix.range }
            if renamedTable != nil || renamedIndex != nil {
                let new = fix.replacement.lowercased()
                guard !fix.replacement.isEmpty, new == original.lowercased() || !names.contains(new) else { continue }
            }
            if let t = renamedTable {
                for u in schema.tables {
                    for fk in u.foreignKeys where fk.referencedTable.lowercased() == t.name.lowercased() {
                        edits.append(Edit(range: fk.tableRange, replacement: fix.replacement))
                    }
                }
            }
            guard !edits.contains(where: { e in accepted.contains { overlaps($0.range, e.range) } }) else { continue }
            // Edits of one fix must not overlap each other either (a self-reference is a separate range).
            accepted += edits
            if renamedTable != nil || renamedIndex != nil {
                names.remove(original.lowercased())
                names.insert(fix.replacement.lowercased())
            }
            let (line, column) = file.lineAndColumn(of: fix.range.start)
            changes.append(Change(rule: rule, message: fix.message, line: line, column: column, original: original,
                                  replacement: fix.replacement, referencesUpdated: edits.count - 1))
        }
        return (accepted, changes)
    }

    /// Applies non-overlapping edits from the end of the file backwards.
    public static func apply(_ edits: [Edit], to file: SourceFile) -> SourceFile {
        var bytes = file.bytes
        for e in edits.sorted(by: { $0.range.start > $1.range.start }) {
            let lo = max(0, min(e.range.start, bytes.count)), hi = max(lo, min(e.range.end, bytes.count))
            bytes.replaceSubrange(lo..<hi, with: Array(e.replacement.utf8))
        }
        return SourceFile(path: file.path, bytes: bytes)
    }

    /// Lints and fixes in memory until no safe fix-it is left. Returns the fixed file and the
    /// changes, in the order they were made. A file that does not resolve is left alone.
    public static func fix(_ file: SourceFile, strict: Bool = false, maxPasses: Int = 8) -> (file: SourceFile, changes: [Change]) {
        var current = file
        var changes: [Change] = []
        for _ in 0..<maxPasses {
            let (schema, diagnostics) = Resolver.load(current)
            if diagnostics.hasErrors { break }
            let findings = Linter(strict: strict).lint(schema, file: current)
            let (edits, passChanges) = plan(findings, schema: schema, file: current)
            if edits.isEmpty { break }
            current = apply(edits, to: current)
            changes += passChanges
        }
        return (current, changes)
    }
}

/// The whole of `schemagen lint` as a function: the CLI only prints the result and exits.
public enum LintRun {
    public struct Result: Sendable {
        /// The report, in the chosen format (stdout).
        public var output: String
        /// What `--fix` changed and file-system errors (stderr).
        public var log: String
        public var exitCode: Int32
    }

    /// Resolves and lints one file: syntax and schema errors only when the file does not
    /// resolve, else those plus every rule's findings.
    public static func diagnostics(for file: SourceFile, strict: Bool) -> [Diagnostic] {
        let (schema, diagnostics) = Resolver.load(file)
        if diagnostics.hasErrors { return diagnostics.sorted { $0.range.start < $1.range.start } }
        let all = diagnostics + Linter(strict: strict).lint(schema, file: file) + SQLFragmentCheck.diagnostics(for: schema, file: file)
        return all.sorted { ($0.range.start, $0.rule ?? "", $0.message) < ($1.range.start, $1.rule ?? "", $1.message) }
    }

    /// Further diagnostics for a file that resolves (e.g. the legacy mapping check of `--legacy`).
    public typealias ExtraCheck = @Sendable (SourceFile, Schema) -> [Diagnostic]

    public static func run(paths: [String], format: LintFormat, strict: Bool, fix: Bool, color: Bool = false, extra: ExtraCheck? = nil) -> Result {
        var all: [Diagnostic] = []
        var files: [String: SourceFile] = [:]
        var log = ""
        var failed = false
        for path in paths {
            var file: SourceFile
            do {
                file = try SchemaLoader.read(path)
            } catch {
                all.append(Diagnostic(.error, "cannot read '\(path)': \(error.reason)", file: path, range: .empty))
                continue
            }
            if fix {
                let (fixed, changes) = LintFix.fix(file, strict: strict)
                if !changes.isEmpty {
                    do {
                        try AtomicWriter.write(String(decoding: fixed.bytes, as: UTF8.self), to: path)
                        for c in changes { log += c.describe(path: path) + "\n" }
                        log += "\(path): applied \(changes.count) fix\(changes.count == 1 ? "" : "es")\n"
                        file = fixed
                    } catch {
                        log += error.description + "\n"
                        failed = true
                    }
                }
            }
            files[path] = file
            let found = diagnostics(for: file, strict: strict)
            all += found
            // Extra checks (history, legacy mappings) need a schema that resolves; lint findings do not block them.
            if let extra, !found.contains(where: { $0.severity == .error && $0.rule == nil }) {
                let (schema, _) = Resolver.load(file)
                all += extra(file, schema).sorted { ($0.range.start, $0.rule ?? "", $0.message) < ($1.range.start, $1.rule ?? "", $1.message) }
            }
        }
        let output = Reporters.format(all, as: format, files: files, color: color)
        let hasErrors = all.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        return Result(output: output, log: log, exitCode: failed || hasErrors ? 1 : 0)
    }
}
