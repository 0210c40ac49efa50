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
    /// Tables by lowercased name, built once per run.
    public let tablesByName: [String: Table]

    public init(schema: Schema, file: SourceFile, options: LintOptions) {
        self.schema = schema
        self.file = file
        self.options = options
        self.inflector = Inflector(extraUncountables: Set(options.uncountableWords))
        self.tablesByName = schema.tablesByName
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
    /// Whether `schemagen lint --fix` may apply this rule's fix-its unattended (default false).
    var hasSafeFixes: Bool { get }
    func check(_ context: LintContext) -> [Finding]
}

extension LintRule {
    /// True when every fix-it this rule offers may be applied by `schemagen lint --fix` without
    /// a person looking at it: the edit is mechanical (a spelling, a singular, a prefix) and the
    /// driver carries a renamed table into every `references` to it. Rules that can only guess
    /// (which index to drop, which column to rename) keep the default, false.
    public var hasSafeFixes: Bool { false }
}

/// What kind of declaration a name belongs to, for naming rules and messages.
public enum DeclarationKind: String, Sendable, Hashable {
    case table, column, index
}

/// Word-level helpers for the naming rules.
public enum NameWords {
    /// The underscore-separated words of a name, empty words dropped (`_db_metadata` → db, metadata).
    public static func words(_ name: String) -> [String] {
        name.split(separator: "_", omittingEmptySubsequences: true).map(String.init)
    }

    /// Lowercase snake_case: lowercase ASCII letters and digits in words joined by single
    /// underscores, starting with a letter, no leading or trailing underscore.
    public static func isSnakeCase(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= 0x61 && first <= 0x7A else { return false }
        var previousUnderscore = false
        for c in name.utf8 {
            if c == 0x5F {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return !previousUnderscore
    }

    /// The snake_case spelling of a name (`UserName` → user_name, `_db_metadata` → db_metadata,
    /// `HTTPRequest` → http_request), or nil when there is no sensible one (non-ASCII letters,
    /// a leading digit, nothing left).
    public static func snakeCased(_ name: String) -> String? {
        let chars = Array(name)
        var words: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { words.append(current); current = "" } }
        for (i, c) in chars.enumerated() {
            guard c.isASCII else { return nil }
            if c.isLetter || c.isNumber {
                if c.isUppercase, !current.isEmpty {
                    let prev = chars[i - 1]
                    let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                    if prev.isLowercase || prev.isNumber || (prev.isUppercase && nextIsLower) { flush() }
                }
                current.append(Character(c.lowercased()))
            } else {
                flush()
            }
        }
        flush()
        let result = words.joined(separator: "_")
        guard isSnakeCase(result) else { return nil }
        return result
    }
}
