import SchemaSyntax
import SchemaModel

/// A table, column or index named with an SQL keyword (`order`, `key`, `action`): SQLite
/// accepts many of them only quoted or only in some positions, every hand-written query must
/// quote them, and a future SQLite may reserve them further.
public struct ReservedWordRule: LintRule {
    public init() {}
    public let id = "reserved-word"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.naming
    public let summary = "A table, column or index is named with an SQL keyword and must be quoted in every query."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    group: text\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_setting {\n    key: text primary key\n    value: text?\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_setting {\n    setting_key: text primary key\n    value: text?\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        func check(_ name: String, _ kind: DeclarationKind, _ range: SourceRange) {
            guard SQLIdentifier.isKeyword(name) else { return }
            findings.append(Finding("\(kind.rawValue) name '\(name)' is the SQL keyword \(name.uppercased()); every query must quote it as \"\(name)\"", at: range))
        }
        for t in context.schema.tables {
            check(t.name, .table, t.nameRange)
            for c in t.columns { check(c.name, .column, c.nameRange) }
            for i in t.indexes { check(i.name, .index, i.nameRange) }
        }
        return findings
    }
}
