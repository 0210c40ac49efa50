import SchemaSyntax
import SchemaModel

/// An `@allow(rule, reason: "…")` that suppressed nothing: the problem it excused is gone (or
/// was never there), and a stale excuse hides the next real finding of that rule. The
/// `Linter` reports it after running the other rules, since only it knows which suppressions
/// were used; `check` finds nothing on its own. A suppression of a rule that is turned off in
/// the `lint { }` block is not reported.
public struct UnusedSuppressionRule: LintRule {
    public init() {}
    public static let ruleID = "unused-suppression"
    public let id = UnusedSuppressionRule.ruleID
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.design
    public let summary = "An @allow(rule, reason: …) suppresses no finding of its rule."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  @allow(singular-table-name, reason: \"kept from the old schema\")\n  table app_user { id: integer primary key }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  @allow(singular-table-name, reason: \"kept from the old schema\")\n  table app_users { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nlint { singular-table-name: off }\ndomain app {\n  @allow(singular-table-name, reason: \"kept from the old schema\")\n  table app_user { id: integer primary key }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] { [] }
}
