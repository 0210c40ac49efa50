import SchemaSyntax
import SchemaModel

/// Principle 3, "singular nouns": a table is named for one of its rows (`rl_outcome`, not
/// `rl_outcomes`). Only the last word is judged, by the `Inflector`, which knows irregular
/// plurals (indices, analyses, criteria, people), uncountables (metadata, data, series, news)
/// and singular words ending in s (status, class, analysis, alias). The `lint` option
/// `uncountable_words` adds words the inflector must leave alone.
public struct SingularTableNameRule: LintRule {
    public init() {}
    public let id = "singular-table-name"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.naming
    public let summary = "A table's last word is a plural noun; name tables for one row (rl_outcome, not rl_outcomes)."
    public var hasSafeFixes: Bool { true }

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_users { id: integer primary key }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_criteria { id: integer primary key }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_people { id: integer primary key }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n  table app_status { id: integer primary key }\n  table app_metadata { id: integer primary key }\n  table app_analysis { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { singular_tables: false }\ndomain app {\n  table app_users { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nlint { uncountable_words: [\"goods\"] }\ndomain app {\n  table app_goods { id: integer primary key }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        guard context.options.naming.singularTables else { return [] }
        var findings: [Finding] = []
        for t in context.schema.tables {
            guard let last = NameWords.words(t.name).last, context.inflector.isPlural(last) else { continue }
            let singular = context.inflector.singularize(t.name)
            var fixIts: [FixIt] = []
            if singular != t.name, !singular.isEmpty {
                fixIts.append(context.renameTable(t, to: singular))
            }
            let singularWord = context.inflector.singularize(last)
            findings.append(Finding("table name '\(t.name)' ends in the plural '\(last)'; name the table for one row: '\(singular)' ('\(singularWord)')",
                                    at: t.nameRange, fixIts: fixIts))
        }
        return findings
    }
}
