import SchemaSyntax
import SchemaModel

/// Principle 4, "no redundant suffixes": a table name does not end in a word from
/// `naming.forbidden_suffixes` (default `stats`, `history`); a table of statistics or of
/// history says so in what it stores, not in a suffix.
public struct RedundantSuffixRule: LintRule {
    public init() {}
    public let id = "redundant-suffix"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.naming
    public let summary = "A table name ends in a forbidden suffix word (naming.forbidden_suffixes, default stats and history)."
    public var hasSafeFixes: Bool { true }

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_login_history { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { forbidden_suffixes: [\"log\"] }\ndomain app {\n  table app_login_log { id: integer primary key }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_login { id: integer primary key }\n  table app_task_stat { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { forbidden_suffixes: [\"log\"] }\ndomain app {\n  table app_login_history { id: integer primary key }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        let forbidden = Set(context.options.naming.forbiddenSuffixes.map { $0.lowercased() })
        var findings: [Finding] = []
        for t in context.schema.tables {
            let words = NameWords.words(t.name)
            guard let last = words.last, forbidden.contains(last.lowercased()) else { continue }
            var fixIts: [FixIt] = []
            let rest = words.dropLast()
            if rest.count >= 2, t.name.hasSuffix("_" + last) {
                let shorter = String(t.name.dropLast(last.count + 1))
                fixIts.append(context.renameTable(t, to: shorter))
            }
            findings.append(Finding("table name '\(t.name)' ends in the redundant suffix '\(last)'; name the table for what one row stores",
                                    at: t.nameRange, fixIts: fixIts))
        }
        return findings
    }
}
