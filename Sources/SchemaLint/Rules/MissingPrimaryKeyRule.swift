import SchemaSyntax
import SchemaModel

/// A table without a primary key: rows cannot be addressed, updated or upserted by key, and
/// no DAO fetch-by-key can be generated.
public struct MissingPrimaryKeyRule: LintRule {
    public init() {}
    public let id = "missing-primary-key"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.integrity
    public let summary = "A table has no primary key."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_event {\n    name: text\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_event {\n    id: integer primary key\n    name: text\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_tag {\n    post_id: integer\n    tag: text\n    primary key (post_id, tag)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        context.schema.tables.filter { $0.primaryKey.isEmpty }.map {
            Finding("table '\($0.name)' has no primary key; add 'id: integer primary key' or a 'primary key (…)' constraint", at: $0.nameRange)
        }
    }
}
