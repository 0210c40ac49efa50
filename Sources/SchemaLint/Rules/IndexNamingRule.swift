import SchemaSyntax
import SchemaModel

/// Index names start with `idx_`, as every index in the proposal does. Index names share one
/// namespace with tables in SQLite; a fixed prefix keeps them apart, and tells a reader of a
/// query plan ("USING INDEX idx_…") that it is an index.
public struct IndexNamingRule: LintRule {
    public init() {}
    public static let prefix = "idx_"
    public let id = "index-naming"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.naming
    public let summary = "An index name does not start with 'idx_'."
    public var hasSafeFixes: Bool { true }

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index user_name (name)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index idx_user_name (name)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let taken = Set(context.schema.tables.flatMap { [$0.name.lowercased()] + $0.indexes.map { $0.name.lowercased() } })
        for t in context.schema.tables {
            for i in t.indexes where !i.name.lowercased().hasPrefix(Self.prefix) {
                let renamed = Self.prefix + i.name
                var fixIts: [FixIt] = []
                if NameWords.isSnakeCase(i.name), !taken.contains(renamed.lowercased()) {
                    fixIts.append(context.renameIndex(i, to: renamed))
                }
                findings.append(Finding("index name '\(i.name)' does not start with '\(Self.prefix)'", at: i.nameRange, fixIts: fixIts))
            }
        }
        return findings
    }
}
