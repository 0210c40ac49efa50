import SchemaSyntax
import SchemaModel

/// Names of tables, columns and indexes are lowercase snake_case, as the proposal writes
/// every name, so they read the same in SQL, in the DDL and in generated Swift.
public struct SnakeCaseRule: LintRule {
    public init() {}
    public let id = "snake-case"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.naming
    public let summary = "A table, column or index name is not lowercase snake_case."
    /// Table and index renames are safe (the driver rewrites references to a renamed table;
    /// nothing refers to an index by name); the driver leaves column renames to a person,
    /// since keys, indexes and mappings name the column.
    public var hasSafeFixes: Bool { true }

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_UserAccount { id: integer primary key }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    displayName: text\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index idxUserName (name)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user_account {\n    id: integer primary key\n    display_name: text\n    index idx_user_display2 (display_name)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        func check(_ name: String, _ kind: DeclarationKind, _ range: SourceRange, _ rename: (String) -> FixIt) {
            guard !NameWords.isSnakeCase(name) else { return }
            var fixIts: [FixIt] = []
            var message = "\(kind.rawValue) name '\(name)' is not lowercase snake_case"
            if let snake = NameWords.snakeCased(name), snake != name {
                message += "; write '\(snake)'"
                fixIts.append(rename(snake))
            }
            findings.append(Finding(message, at: range, fixIts: fixIts))
        }
        for t in context.schema.tables {
            check(t.name, .table, t.nameRange) { context.renameTable(t, to: $0) }
            for c in t.columns { check(c.name, .column, c.nameRange) { context.renameColumn(c, to: $0) } }
            for i in t.indexes { check(i.name, .index, i.nameRange) { context.renameIndex(i, to: $0) } }
        }
        return findings
    }
}
