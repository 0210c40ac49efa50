import SchemaSyntax
import SchemaModel

/// An optional (`?`) column in a UNIQUE constraint, a `unique` column or a unique index:
/// SQLite treats every NULL as distinct, so rows whose key contains NULL are never
/// duplicates, and an upsert on that key (`ON CONFLICT (…)`) silently inserts a second row.
public struct NullableUniqueKeyRule: LintRule {
    public init() {}
    public let id = "nullable-unique-key"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.design
    public let summary = "An optional column is part of a UNIQUE key; SQLite lets rows with NULL in it repeat."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_setting {\n    id: integer primary key\n    name: text\n    scope: text?\n    unique (name, scope)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    email: text? unique\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_setting {\n    id: integer primary key\n    name: text\n    scope: text = ''\n    unique (name, scope)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    email: text?\n    unique index idx_user_email (email) where email is not null\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for t in context.schema.tables {
            func report(_ column: String, _ what: String, _ at: SourceRange) {
                guard let c = t.column(named: column), c.isNullable else { return }
                findings.append(Finding("column '\(t.name).\(c.name)' is optional but part of \(what); SQLite treats NULLs as distinct, so rows with a NULL '\(c.name)' can repeat",
                                        at: at, notes: c.range == at ? [] : [.init(message: "'\(c.name)' is declared optional here", range: c.typeRange)]))
            }
            for c in t.columns where c.isUnique { report(c.name, "a UNIQUE column", c.nameRange) }
            for u in t.uniqueConstraints {
                for name in u.columns { report(name, "the UNIQUE constraint (\(u.columns.joined(separator: ", ")))", u.range) }
            }
            for i in t.indexes where i.isUnique {
                // A partial unique index usually excludes exactly the NULLs.
                if let w = i.whereClause?.lowercased(), w.contains("not null") { continue }
                for col in i.columns { report(col.name, "unique index '\(i.name)'", i.nameRange) }
            }
        }
        return findings
    }
}
