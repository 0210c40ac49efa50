import SchemaSyntax
import SchemaModel

/// A column name that is a foreign key in one table and a plain column in another
/// (`learner_id` references `rl_learner` from `rl_outcome` but not from `rl_q_value`): either
/// a foreign key is missing, or the same name means two things. Reported on each
/// non-referencing occurrence, with a note at a referencing one.
public struct InconsistentReferenceRule: LintRule {
    public init() {}
    public let id = "inconsistent-reference"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.design
    public let summary = "A column name references a table in one table but is a plain column in another."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    index idx_post_author (author_id)\n  }\n  table app_note {\n    id: integer primary key\n    author_id: integer\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    index idx_post_author (author_id)\n  }\n  table app_note {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    index idx_note_author (author_id)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        // The first place each column name is a single-column foreign key.
        var referencing: [String: (table: Table, fk: ForeignKey, range: SourceRange)] = [:]
        for t in context.schema.tables {
            for fk in t.foreignKeys where fk.columns.count == 1 {
                let name = fk.columns[0].lowercased()
                if referencing[name] == nil {
                    referencing[name] = (t, fk, t.column(named: fk.columns[0])?.range ?? fk.range)
                }
            }
        }
        var findings: [Finding] = []
        for t in context.schema.tables {
            let fkColumns = Set(t.foreignKeys.flatMap(\.columns).map { $0.lowercased() })
            let pk = t.primaryKey.map { $0.lowercased() }
            for c in t.columns {
                let name = c.name.lowercased()
                guard let ref = referencing[name], !fkColumns.contains(name) else { continue }
                // The referenced table's own key, and a table's sole key column, are not references.
                if t.name.lowercased() == ref.fk.referencedTable.lowercased() { continue }
                if pk == [name] { continue }
                findings.append(Finding("column '\(t.name).\(c.name)' has no foreign key, but '\(ref.table.name).\(c.name)' references '\(ref.fk.referencedTable)'; add 'references \(ref.fk.referencedTable)\(ref.fk.referencedColumns.isEmpty ? "" : "(" + ref.fk.referencedColumns.joined(separator: ", ") + ")")' or rename one of them",
                                        at: c.nameRange,
                                        notes: [.init(message: "'\(ref.table.name).\(c.name)' references '\(ref.fk.referencedTable)' here", range: ref.range)]))
            }
        }
        return findings
    }
}
