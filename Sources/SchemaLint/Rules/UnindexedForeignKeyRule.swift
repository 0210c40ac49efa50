import SchemaSyntax
import SchemaModel

/// A foreign key whose (first) column no index, UNIQUE key or primary key starts with: every
/// delete or key update in the parent table, and every join from the parent, scans the whole
/// child table. SQLite does not index foreign keys by itself.
public struct UnindexedForeignKeyRule: LintRule {
    public init() {}
    public let id = "unindexed-foreign-key"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.design
    public let summary = "A foreign key column that no index, UNIQUE key or primary key starts with."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    title: text\n    author_id: integer references app_author(id)\n    index idx_post_title (title, author_id)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    index idx_post_author (author_id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_tag { id: integer primary key }\n  table app_author_tag {\n    author_id: integer references app_author(id)\n    tag_id: integer references app_tag(id)\n    primary key (author_id, tag_id)\n    index idx_author_tag_tag (tag_id)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for t in context.schema.tables {
            // Leading columns of every full index and of every key SQLite indexes.
            var leading = Set(t.uniqueKeys.compactMap { $0.first?.lowercased() })
            for i in t.indexes where i.whereClause == nil {
                if let first = i.columns.first { leading.insert(first.name.lowercased()) }
            }
            for fk in t.foreignKeys {
                guard let first = fk.columns.first, !leading.contains(first.lowercased()) else { continue }
                let range = fk.isColumnLevel ? (t.column(named: first)?.nameRange ?? fk.range) : fk.range
                let suggestedName = "idx_" + NameWords.words(t.name).dropFirst(t.domain == nil ? 0 : 1).joined(separator: "_") + "_" + (first.hasSuffix("_id") ? String(first.dropLast(3)) : first)
                let cols = fk.columns.joined(separator: ", ")
                findings.append(Finding("foreign key column '\(t.name).\(first)' (references '\(fk.referencedTable)') has no index; deleting from '\(fk.referencedTable)' scans '\(t.name)'; add 'index \(suggestedName) (\(cols))'",
                                        at: range))
            }
        }
        return findings
    }
}
