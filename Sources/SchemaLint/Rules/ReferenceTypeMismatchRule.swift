import SchemaSyntax
import SchemaModel

/// A foreign key between columns whose types differ: SQLite compares with type affinity, so
/// a TEXT column referencing an INTEGER key silently never matches.
public struct ReferenceTypeMismatchRule: LintRule {
    public init() {}
    public let id = "reference-type-mismatch"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.integrity
    public let summary = "A foreign key column's type differs from the type of the column it references."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: text references app_author(id)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer? references app_author(id)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for t in context.schema.tables {
            for fk in t.foreignKeys {
                guard let target = context.tablesByName[fk.referencedTable.lowercased()] else { continue }
                let refCols = fk.referencedColumns.isEmpty ? target.primaryKey : fk.referencedColumns
                for (local, remote) in zip(fk.columns, refCols) {
                    guard let lc = t.column(named: local), let rc = target.column(named: remote) else { continue }
                    if lc.type != rc.type {
                        findings.append(Finding("'\(t.name).\(local)' has type \(lc.type.name) but references '\(target.name).\(remote)' of type \(rc.type.name)",
                                                at: lc.typeRange,
                                                notes: [.init(message: "'\(remote)' is declared here", range: rc.range)]))
                    }
                }
            }
        }
        return findings
    }
}
