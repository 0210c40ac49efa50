import Foundation
import SchemaSyntax
import SchemaModel
import SchemaLint

/// `schemagen lint --fix`: applies the fix-its that are safe to apply unattended.
///
/// Nothing here knows what a fix-it does. A fix-it is applied when its rule allows unattended
/// fixes (`LintRule.hasSafeFixes`) and the fix-it itself is safe (`FixIt.isSafe`: the rule that
/// made it had the whole schema at hand — a table rename carries the edits of every reference to
/// the table, a rename onto a taken name or of a column is not safe). All edits of a fix-it are
/// applied together; of fix-its whose edits overlap, only the first (in file order) per pass.
/// A pass whose result has more errors than its input (two renames onto one new name) is
/// discarded. Passes repeat (at most `maxPasses`) until no safe fix-it is left, so `Rl_Outcomes`
/// first becomes `rl_outcomes` (snake-case) and then `rl_outcome` (singular-table-name).
public enum LintFix {
    public struct Change: Sendable, Hashable {
        public var rule: String
        public var message: String
        public var line: Int
        public var column: Int
        public var original: String
        public var replacement: String
        /// Edits beyond the primary one (for a table rename: the references to it).
        public var furtherEdits: Int

        public func describe(path: String) -> String {
            var s = "\(path):\(line):\(column): fixed [\(rule)]: \(message) ('\(original)' -> '\(replacement)')"
            if furtherEdits > 0 { s += " and \(furtherEdits) more edit\(furtherEdits == 1 ? "" : "s") (references to it)" }
            return s
        }
    }

    public typealias Edit = FixIt.Edit

    static func overlaps(_ a: SourceRange, _ b: SourceRange) -> Bool {
        if a.start == a.end || b.start == b.end { return a.start >= b.start && a.start <= b.end || b.start >= a.start && b.start <= a.end }
        return a.start < b.end && b.start < a.end
    }

    /// The safe edits among the diagnostics' fix-its for one pass, and what each changes.
    public static func plan(_ diagnostics: [Diagnostic], file: SourceFile,
                            rules: [any LintRule] = RuleRegistry.all, limit: Int = .max) -> (edits: [Edit], changes: [Change]) {
        let safeRules = Set(rules.filter(\.hasSafeFixes).map(\.id))
        var accepted: [Edit] = []
        var changes: [Change] = []
        let candidates = diagnostics
            .filter { d in d.rule.map(safeRules.contains) ?? false && d.fixIts.first?.isSafe == true }
            .sorted { ($0.range.start, $0.rule ?? "") < ($1.range.start, $1.rule ?? "") }
        for d in candidates where changes.count < limit {
            guard let fix = d.fixIts.first, let rule = d.rule, !fix.edits.isEmpty else { continue }
            guard !fix.edits.contains(where: { e in accepted.contains { overlaps($0.range, e.range) } }) else { continue }
            accepted += fix.edits
            let (line, column) = file.lineAndColumn(of: fix.range.start)
            changes.append(Change(rule: rule, message: fix.message, line: line, column: column, original: file.text(fix.range),
                                  replacement: fix.replacement, furtherEdits: fix.edits.count - 1))
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
    /// changes, in the order they were made. A file with syntax or schema errors is left alone.
    public static func fix(_ file: SourceFile, pipeline: SchemaPipeline = SchemaPipeline(lint: .full), maxPasses: Int = 8) -> (file: SourceFile, changes: [Change]) {
        var current = file
        var changes: [Change] = []
        var result = pipeline.run(current)
        let integrity = Set(RuleRegistry.all.filter { $0.category == .integrity }.map(\.id))
        /// Errors a fix must never add: syntax and schema errors, integrity findings (a duplicate name).
        func blocking(_ r: LoadedSchema) -> Int {
            r.diagnostics.filter { $0.severity == .error && ($0.rule.map(integrity.contains) ?? true) }.count
        }
        // Only a file that resolves is fixed (a mistake in its `lint { }` block does not stop it).
        let lintConfiguration: Set<MessageID> = [.unknownLintRule, .invalidLintSetting]
        guard !result.diagnostics.contains(where: { d in
            d.severity == .error && d.rule == nil && !(d.messageID.map(lintConfiguration.contains) ?? false)
        }) else { return (file, []) }
        for _ in 0..<maxPasses {
            let (edits, passChanges) = plan(result.diagnostics, file: current)
            if edits.isEmpty { break }
            var next = apply(edits, to: current)
            var nextResult = pipeline.run(next)
            var applied = passChanges
            if blocking(nextResult) > blocking(result) {
                // Two fixes collide (renames onto one new name): apply only the first, if it alone is fine.
                let (firstEdits, firstChange) = plan(result.diagnostics, file: current, limit: 1)
                next = apply(firstEdits, to: current)
                nextResult = pipeline.run(next)
                applied = firstChange
                if firstEdits.isEmpty || blocking(nextResult) > blocking(result) { break }
            }
            current = next
            result = nextResult
            changes += applied
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

    /// Every diagnostic `schemagen lint` reports for one file (the pipeline at `.full`).
    public static func diagnostics(for file: SourceFile, strict: Bool) -> [Diagnostic] {
        SchemaPipeline(lint: .full, strict: strict).run(file).diagnostics
    }

    public static func run(paths: [String], format: LintFormat, strict: Bool, fix: Bool, color: Bool = false,
                           checks: [SchemaPipeline.CheckStage] = []) -> Result {
        let pipeline = SchemaPipeline(lint: .full, strict: strict).adding(checks)
        var all: [Diagnostic] = []
        var files: [String: SourceFile] = [:]
        var log = ""
        var failed = false
        for path in paths {
            var file: SourceFile
            do {
                file = try pipeline.read(path)
            } catch {
                all.append(Diagnostic(.error, "cannot read '\(path)': \(error.reason)", file: path, range: .empty, id: .unreadableFile))
                continue
            }
            if fix {
                let (fixed, changes) = LintFix.fix(file, pipeline: pipeline)
                if !changes.isEmpty {
                    do {
                        // The file's own path: a symlink is followed (its target is fixed, the link
                        // stays), the file's permissions are kept.
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
            let loaded = pipeline.run(file)
            all += loaded.diagnostics
            if StageTime.enabled { log += StageTime.line(loaded.stageTimes, path: path) }
        }
        var reportTime: [StageTime] = []
        let output = StageTime.measure("report", into: &reportTime) { Reporters.format(all, as: format, files: files, color: color) }
        if StageTime.enabled { log += StageTime.line(reportTime, path: "(all files)") }
        let hasErrors = all.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        return Result(output: output, log: log, exitCode: failed || hasErrors ? 1 : 0)
    }
}
