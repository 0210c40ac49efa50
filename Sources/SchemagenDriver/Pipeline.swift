import Foundation
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaEmit
import SchemaCheck
import SchemaQuery

/// The one way a schema file becomes diagnostics and outputs, in the manner of
/// swift-openapi-generator's `GeneratorPipeline`:
///
///     read → parse → resolve → integrity → checks → lint   ──►  LoadedSchema (diagnostics,
///                                                                 and a CheckedSchema when clean)
///     CheckedSchema → emit                                  ──►  [GeneratedFile]
///
/// Every caller goes through it: `ddl`, `generate` (and `--check`, `--swift-only`, which the
/// build plugin runs), `lint` and `lint --fix`, `evolve` and `migrate` loading their schemas, the
/// command plugin (which runs the CLI) and the tests (`SchemaLoader.load` is a thin wrapper).
///
/// - **integrity** (lint rules of category `integrity`: duplicates, dangling references, …) runs
///   even when the file has other errors, so one run reports everything; only its errors count.
/// - **checks** are further verifications, each a `CheckStage` (a name, the catalog id of its
///   diagnostics, a function), run on a schema without errors so far — or, with `runsOnErrors`,
///   on any (SQLFragmentCheck locates bad fragments in a broken file too). They are where
///   database- and language-side checks plug in: the SQLite verification of SQL fragments
///   (`sql-fragments`, in `standardChecks`, which every command runs) and the Swift emitter's
///   name collisions (`swiftNames`, added by the commands that emit Swift). A check's diagnostic
///   overlapping an earlier error is dropped.
/// - **lint** runs the rules (`.full`: as configured, the `lint` command; `.advisory`: findings
///   demoted to warnings, the build plugin's `--swift-only`; `.integrity`: none beyond integrity).
///
/// A diagnostic located inside a declaration that an earlier stage already reported as
/// meaningless (`Schema.failedDeclarations`) is dropped: one mistake is one error. Diagnostics
/// are sorted by position and capped per file (`maxDiagnosticsPerFile`), the rest summarised in
/// one `input/too-many-diagnostics` note.
///
/// The only way to a `CheckedSchema` — the input of every emitter — is a run without errors.
public struct SchemaPipeline: Sendable {
    /// How much of the lint stage runs.
    public enum LintLevel: Sendable, Hashable {
        /// Integrity rules only (emitting commands).
        case integrity
        /// Every rule, their findings demoted to warnings (the build plugin: style never fails a build).
        case advisory
        /// Every rule as configured (`schemagen lint`).
        case full
    }

    /// A check after the integrity rules: a name, the catalog id given to its diagnostics that
    /// carry none, and the function. It runs on a schema without errors so far; with
    /// `runsOnErrors` also on one with errors, told so by its third argument (so it can locate
    /// its own problems in a broken file and skip what needs a clean one).
    public struct CheckStage: Sendable {
        public var name: String
        public var id: MessageID?
        public var runsOnErrors: Bool
        public var run: @Sendable (_ file: SourceFile, _ schema: Schema, _ earlierErrors: Bool) -> [Diagnostic]

        public init(_ name: String, id: MessageID? = nil, _ run: @escaping @Sendable (SourceFile, Schema) -> [Diagnostic]) {
            self.name = name; self.id = id; self.runsOnErrors = false
            self.run = { file, schema, _ in run(file, schema) }
        }

        public init(_ name: String, id: MessageID? = nil, runsOnErrors: Bool,
                    _ run: @escaping @Sendable (SourceFile, Schema, Bool) -> [Diagnostic]) {
            self.name = name; self.id = id; self.runsOnErrors = runsOnErrors; self.run = run
        }
    }

    /// The checks every command runs after the integrity rules, in order. Add a stage here for a
    /// check that must hold before anything is emitted.
    public static var standardChecks: [CheckStage] {
        [
            // Every SQL fragment verified by SQLite; the emitted DDL as a whole only when all else is clean.
            CheckStage("sql-fragments", id: .rejectedBySQLite, runsOnErrors: true) { file, schema, earlierErrors in
                SQLFragmentCheck.diagnostics(for: schema, file: file, checkScript: !earlierErrors)
            },
        ]
    }

    /// Swift names the emitter cannot represent (collisions, names that would not compile):
    /// added by the commands that emit Swift (`generate`, `generate --swift-only`).
    public static let swiftNames = CheckStage("swift-names", id: .unrepresentableSwiftName) { _, schema in
        SwiftEmitter.diagnostics(for: schema)
    }

    /// The frozen history (docs/MIGRATION.md): no change without a version bump, a plannable chain.
    public static let history = CheckStage("history", id: .launchMigration) { file, schema in
        LaunchMigrations.build(schema, file: file, describingStructures: false).diagnostics
    }

    /// Diagnostics shown per file; the rest are counted in a summary note.
    public static let defaultMaxDiagnosticsPerFile = 100

    public var lint: LintLevel
    public var strict: Bool
    public var checks: [CheckStage]
    public var maxDiagnosticsPerFile: Int

    public init(lint: LintLevel = .integrity, strict: Bool = false, checks: [CheckStage] = SchemaPipeline.standardChecks,
                maxDiagnosticsPerFile: Int = SchemaPipeline.defaultMaxDiagnosticsPerFile) {
        self.lint = lint
        self.strict = strict
        self.checks = checks
        self.maxDiagnosticsPerFile = maxDiagnosticsPerFile
    }

    /// This pipeline with further checks appended (e.g. `lint --legacy`'s mapping check).
    public func adding(_ stages: [CheckStage]) -> SchemaPipeline {
        var p = self
        p.checks += stages
        return p
    }

    // MARK: Stages

    /// Stage 0: the file's bytes (one clear error when it cannot be read).
    public func read(_ path: String) throws(LoadError) -> SourceFile { try SchemaLoader.read(path) }

    /// Reads and runs every stage.
    public func run(path: String) throws(LoadError) -> LoadedSchema { run(try read(path)) }

    /// Runs parse → resolve → integrity → checks → lint over a file's contents.
    public func run(_ file: SourceFile) -> LoadedSchema {
        var times: [StageTime] = []
        // parse + resolve
        let (schema, resolveDiagnostics) = StageTime.measure("parse+resolve", into: &times) { Resolver.load(file) }
        var diagnostics = resolveDiagnostics
        // integrity
        let integrity = StageTime.measure("integrity", into: &times) { Linter().lint(schema, file: file, only: [.integrity]).filter { $0.severity == .error } }
        diagnostics += integrity.filter { !schema.isInsideFailedDeclaration($0.range) }
        // checks
        let earlierErrors = diagnostics.hasErrors
        // What an earlier stage already reported (a NUL in a name) is not reported again by a check.
        let reported = diagnostics.filter { $0.severity == .error && $0.range.start < $0.range.end }.map(\.range)
        func alreadyReported(_ r: SourceRange) -> Bool {
            reported.contains { $0.start < r.end && r.start < $0.end }
        }
        for stage in checks where stage.runsOnErrors || !earlierErrors {
            diagnostics += StageTime.measure(stage.name, into: &times) { stage.run(file, schema, earlierErrors) }.filter { !schema.isInsideFailedDeclaration($0.range) && !alreadyReported($0.range) }.map { d in
                var d = d
                if d.rule == nil && d.messageID == nil { d.messageID = stage.id }
                return d
            }
        }
        // queries and views: each checked by SQLite against the schema's tables (SchemaQuery), only
        // on a schema that is otherwise clean; the analysis is what the Swift emitter translates.
        var queryAnalysis: QueryAnalysis?
        if !diagnostics.hasErrors {
            StageTime.measure("queries", into: &times) {
                // (the table script only when there is SQL to check against it)
                let ddl = schema.queries.isEmpty && schema.views.isEmpty ? "" : DDLEmitter.tableScript(schema)
                let (analysis, problems) = SchemaQueryCheck.analyze(schema, tableDDL: ddl)
                diagnostics += problems
                if let analysis {
                    let names = SwiftEmitter.diagnostics(for: schema, queries: analysis)
                    diagnostics += names
                    if !names.hasErrors { queryAnalysis = analysis }
                }
            }
        }
        if !diagnostics.hasErrors && lint != .integrity {
            // lint (its integrity rules again, now with their warnings; nothing was reported by them above)
            var findings = StageTime.measure("lint", into: &times) { Linter(strict: strict).lint(schema, file: file) }
            if lint == .advisory {
                findings = findings.map { d in
                    var d = d
                    if d.severity == .error { d.severity = .warning }
                    return d
                }
            }
            diagnostics += findings.filter { !schema.isInsideFailedDeclaration($0.range) }
        }
        diagnostics.sort { ($0.range.start, $0.id, $0.message) < ($1.range.start, $1.id, $1.message) }
        let errors = diagnostics.hasErrors
        // The parser's own limit (it stopped reading the file) is folded into the one summary.
        let parserStop = diagnostics.first { $0.messageID == .tooManyDiagnostics }
        diagnostics.removeAll { $0.messageID == .tooManyDiagnostics }
        var omitted = 0
        var summary: [String] = []
        if diagnostics.count > maxDiagnosticsPerFile {
            omitted = diagnostics.count - maxDiagnosticsPerFile
            let omittedErrors = diagnostics[maxDiagnosticsPerFile...].filter { $0.severity == .error }.count
            diagnostics.removeSubrange(maxDiagnosticsPerFile...)
            let what = omittedErrors == omitted ? "error\(omitted == 1 ? "" : "s")" : "diagnostic\(omitted == 1 ? "" : "s")"
            summary.append("…and \(omitted) more \(what) (only the first \(maxDiagnosticsPerFile) are shown)")
        }
        if let parserStop {
            summary.append("parsing stopped at line \(file.lineAndColumn(of: parserStop.range.start).line) after \(Parser.maxErrors) errors; the rest of the file was not read")
        }
        if !summary.isEmpty {
            diagnostics.append(Diagnostic(.note, summary.joined(separator: "; "), file: file.path,
                                          range: SourceRange(start: file.bytes.count, end: file.bytes.count), id: .tooManyDiagnostics))
        }
        return LoadedSchema(file: file, schema: schema, diagnostics: diagnostics, omittedDiagnostics: omitted,
                            checked: errors ? nil : queryAnalysis.map { CheckedSchema(schema: schema, file: file, queries: $0) },
                            stageTimes: times)
    }

    // MARK: Emit

    /// The last stage: the outputs of a checked schema (`<stem>.sql`, `Swift/<stem>/…`).
    public func emit(_ checked: CheckedSchema, kinds: Generator.OutputKinds = .all,
                     swiftLayout: Generator.SwiftLayout = .perTable) -> [GeneratedFile] {
        Generator.outputs(for: checked.schema, kinds: kinds, queries: checked.queries, swiftLayout: swiftLayout)
    }
}

/// A schema that went through the whole pipeline without an error. Only `SchemaPipeline`
/// creates one; emitters take it, so nothing unchecked is ever emitted.
public struct CheckedSchema: Sendable {
    public let schema: Schema
    public let file: SourceFile
    /// Every query and view, verified by SQLite, with their types.
    public let queries: QueryAnalysis
    init(schema: Schema, file: SourceFile, queries: QueryAnalysis) { self.schema = schema; self.file = file; self.queries = queries }
}
