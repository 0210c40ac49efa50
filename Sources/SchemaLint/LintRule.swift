import SchemaSyntax
import SchemaModel

/// What a rule protects: integrity rules guard a schema that SQLite would reject or
/// misread, and every command (not only `lint`) refuses to emit while one reports an error.
public enum RuleCategory: String, Sendable, Hashable, Codable {
    case integrity, naming, design
}

/// A lint finding before configuration (severity, suppression) is applied.
public struct Finding: Sendable, Hashable {
    public var message: String
    public var range: SourceRange
    public var fixIts: [FixIt]
    public var notes: [Diagnostic.Note]
    public init(_ message: String, at range: SourceRange, fixIts: [FixIt] = [], notes: [Diagnostic.Note] = []) {
        self.message = message; self.range = range; self.fixIts = fixIts; self.notes = notes
    }
}

/// Everything a rule may read.
public struct LintContext: Sendable {
    public let schema: Schema
    public let file: SourceFile
    public let options: LintOptions
    public let inflector: Inflector

    public init(schema: Schema, file: SourceFile, options: LintOptions) {
        self.schema = schema
        self.file = file
        self.options = options
        self.inflector = Inflector(extraUncountables: Set(options.uncountableWords))
    }

    /// Every column of every table, with its table.
    public var allColumns: [(table: Table, column: Column)] {
        schema.tables.flatMap { t in t.columns.map { (t, $0) } }
    }
}

/// Options a rule reads; naming options come from the schema's `naming` block.
public struct LintOptions: Sendable, Hashable {
    public var naming: NamingRules
    public var uncountableWords: [String]
    public init(naming: NamingRules = NamingRules(), uncountableWords: [String] = []) {
        self.naming = naming; self.uncountableWords = uncountableWords
    }
}

/// An example schema fragment for a rule's documentation and tests. Fragments are complete
/// files; `RuleExample.wrap` adds a header and naming block when the fragment has none.
public struct RuleExample: Sendable, Hashable {
    public var source: String
    public init(_ source: String) { self.source = source }
}

/// A lint rule: one per file under Rules/, each with a stable id, a default severity, a
/// one-line description and examples that trigger and do not trigger it (run by the tests).
public protocol LintRule: Sendable {
    var id: String { get }
    var defaultSeverity: Severity { get }
    var category: RuleCategory { get }
    var summary: String { get }
    var triggeringExamples: [RuleExample] { get }
    var nonTriggeringExamples: [RuleExample] { get }
    func check(_ context: LintContext) -> [Finding]
}
