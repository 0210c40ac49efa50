import SchemaSyntax
import SchemaModel

/// Principle 5, "max 3 words": a table name has at most `naming.max_words` underscore-separated
/// words, the domain prefix included.
public struct MaxWordsRule: LintRule {
    public init() {}
    public let id = "max-words"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.naming
    public let summary = "A table name has more underscore-separated words than naming.max_words (default 3), prefix included."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user_login_event { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { max_words: 2 }\ndomain app {\n  table app_login_event { id: integer primary key }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_login_event { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { max_words: 4 }\ndomain app {\n  table app_user_login_event { id: integer primary key }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        let limit = context.options.naming.maxWords
        return context.schema.tables.compactMap { t in
            let words = NameWords.words(t.name)
            guard words.count > limit else { return nil }
            return Finding("table name '\(t.name)' has \(words.count) words (\(words.joined(separator: ", "))); the limit is \(limit), prefix included",
                           at: t.nameRange)
        }
    }
}
