import SchemaSyntax
import SchemaModel

/// Runs rules over a resolved schema and applies the file's configuration: severities set
/// in the `lint { }` block, rule options, and inline `@allow(rule, reason: "…")` suppressions.
public struct Linter: Sendable {
    public var rules: [any LintRule]
    /// Turns warnings into errors (`--strict`).
    public var strict: Bool

    public init(rules: [any LintRule] = RuleRegistry.all, strict: Bool = false) {
        self.rules = rules
        self.strict = strict
    }

    public static let optionNames = ["uncountable_words"]

    /// The configuration read from the schema: severities per rule and options. Invalid
    /// settings become located errors.
    public struct Configuration: Sendable {
        public var severities: [String: Severity?] = [:]
        public var options: LintOptions
        public var diagnostics: [Diagnostic] = []
    }

    public func configuration(for schema: Schema) -> Configuration {
        var config = Configuration(options: LintOptions(naming: schema.naming))
        let ids = rules.map(\.id)
        for key in schema.lint.orderedKeys {
            guard let entry = schema.lint.entries[key] else { continue }
            if ids.contains(key) {
                if case .word(let w, _) = entry.value, ["error", "warning", "off"].contains(w) {
                    config.severities[key] = w == "off" ? .some(nil) : Severity(rawValue: w)
                } else {
                    config.diagnostics.append(Diagnostic(.error, "the severity of '\(key)' must be error, warning or off", file: schema.file, range: entry.value.range, id: .invalidLintSetting))
                }
            } else if key == "uncountable_words" {
                if let words = Resolver.stringList(entry.value) {
                    config.options.uncountableWords = words
                } else {
                    config.diagnostics.append(Diagnostic(.error, "'uncountable_words' must be a list of words, such as [\"telemetry\"]", file: schema.file, range: entry.value.range, id: .invalidLintSetting))
                }
            } else {
                var fixIts: [FixIt] = []
                var message = "unknown lint rule or option '\(key)'"
                if let m = closestMatch(key, in: ids + Self.optionNames) {
                    message += "; did you mean '\(m)'?"
                    fixIts.append(FixIt(message: "replace with '\(m)'", range: entry.keyRange, replacement: m))
                } else {
                    message += "; `schemagen rules` lists the rules"
                }
                config.diagnostics.append(Diagnostic(.error, message, file: schema.file, range: entry.keyRange, fixIts: fixIts, id: .unknownLintRule))
            }
        }
        return config
    }

    /// Lints a schema. Returns configuration errors and the findings of every enabled rule,
    /// sorted by position; suppressed findings are dropped.
    public func lint(_ schema: Schema, file: SourceFile, only categories: Set<RuleCategory>? = nil) -> [Diagnostic] {
        let config = configuration(for: schema)
        // Configuration mistakes are lint's business; the integrity pass run before emitting ignores them.
        var out = categories == nil ? config.diagnostics : []
        let context = LintContext(schema: schema, file: file, options: config.options)
        let suppressions = Self.suppressions(in: schema)
        let ids = Set(rules.map(\.id))
        for s in suppressions where categories == nil && !ids.contains(s.suppression.rule) {
            var fixIts: [FixIt] = []
            var message = "@allow names unknown rule '\(s.suppression.rule)'"
            if let m = closestMatch(s.suppression.rule, in: rules.map(\.id)) {
                message += "; did you mean '\(m)'?"
                fixIts.append(FixIt(message: "replace with '\(m)'", range: s.suppression.range, replacement: "@allow(\(m), reason: \"\(s.suppression.reason)\")"))
            }
            out.append(Diagnostic(.error, message, file: schema.file, range: s.suppression.range, fixIts: fixIts, id: .unknownLintRule))
        }
        var used = Set<Int>()
        var enabled = Set<String>()
        var unusedSeverity: Severity?
        for rule in rules {
            if let categories, !categories.contains(rule.category) { continue }
            var severity: Severity? = rule.defaultSeverity
            if let configured = config.severities[rule.id] { severity = configured }
            guard var sev = severity else { continue }
            enabled.insert(rule.id)
            if strict && sev == .warning { sev = .error }
            if rule.id == UnusedSuppressionRule.ruleID { unusedSeverity = sev; continue }
            for f in rule.check(context) {
                if let n = suppressions.firstIndex(where: { $0.suppression.rule == rule.id && $0.scope.start <= f.range.start && f.range.end <= $0.scope.end }) {
                    used.insert(n)
                    continue
                }
                out.append(Diagnostic(sev, f.message, file: schema.file, range: f.range, rule: rule.id, fixIts: f.fixIts, notes: f.notes))
            }
        }
        // Suppressions that excused nothing; only when every rule ran, so "nothing" is true.
        if categories == nil, let sev = unusedSeverity {
            let unused = suppressions.indices.filter { !used.contains($0) && enabled.contains(suppressions[$0].suppression.rule) && suppressions[$0].suppression.rule != UnusedSuppressionRule.ruleID }
            for n in unused {
                let s = suppressions[n]
                let excused = suppressions.contains { other in
                    other.suppression.rule == UnusedSuppressionRule.ruleID && other.scope.start <= s.suppression.range.start && s.suppression.range.end <= other.scope.end
                }
                if excused { continue }
                out.append(Diagnostic(sev, "@allow(\(s.suppression.rule)) suppresses nothing: no '\(s.suppression.rule)' finding lies in this declaration; remove it",
                                      file: schema.file, range: s.suppression.range, rule: UnusedSuppressionRule.ruleID,
                                      fixIts: [FixIt(message: "remove the @allow", range: s.suppression.range, replacement: "")]))
            }
        }
        return out.sorted { ($0.range.start, $0.rule ?? "", $0.message) < ($1.range.start, $1.rule ?? "", $1.message) }
    }

    /// Each suppression with the source range it covers (its table, column or index).
    static func suppressions(in schema: Schema) -> [(suppression: Suppression, scope: SourceRange)] {
        var out: [(Suppression, SourceRange)] = []
        for t in schema.tables {
            out += t.suppressions.map { ($0, t.range) }
            for c in t.columns { out += c.suppressions.map { ($0, c.range) } }
            for i in t.indexes { out += i.suppressions.map { ($0, i.range) } }
        }
        return out
    }
}

/// Every rule schemagen knows, in the order `schemagen rules` lists them.
public enum RuleRegistry {
    public static let all: [any LintRule] = [
        DuplicateNameRule(),
        UnknownReferenceRule(),
        ReferenceTypeMismatchRule(),
        MissingPrimaryKeyRule(),
        DomainPrefixRule(),
        SingularTableNameRule(),
        MaxWordsRule(),
        RedundantSuffixRule(),
        SnakeCaseRule(),
        ReservedWordRule(),
        IndexNamingRule(),
        RedundantIndexRule(),
        UnindexedForeignKeyRule(),
        InconsistentReferenceRule(),
        NullableUniqueKeyRule(),
        UnusedSuppressionRule(),
    ]

    public static func rule(_ id: String) -> (any LintRule)? { all.first { $0.id == id } }
}
