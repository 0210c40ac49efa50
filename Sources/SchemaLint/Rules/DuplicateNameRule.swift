import SchemaSyntax
import SchemaModel

/// A table, a column within a table, an index or a domain defined twice. SQLite rejects the
/// second definition; the proposal's first fix (P0) was exactly such a duplicated table.
public struct DuplicateNameRule: LintRule {
    public init() {}
    public let id = "duplicate-name"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.integrity
    public let summary = "A table, a column in a table, an index or a domain is defined twice."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n  table app_user { id: integer primary key }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    id: text\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index idx_name (name)\n  }\n  table app_role {\n    id: integer primary key\n    name: text\n    index idx_name (name)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index idx_user_name (name)\n  }\n  table app_role {\n    id: integer primary key\n    name: text\n    index idx_role_name (name)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        var tables: [String: SourceRange] = [:]
        var indexes: [String: SourceRange] = [:]
        var domains: [String: SourceRange] = [:]
        for d in context.schema.domains {
            if let first = domains[d.name] {
                findings.append(Finding("domain '\(d.name)' is declared twice", at: d.nameRange, notes: [.init(message: "first declared here", range: first)]))
            } else { domains[d.name] = d.nameRange }
        }
        for t in context.schema.tables {
            // SQLite names are case-insensitive.
            let key = t.name.lowercased()
            if let first = tables[key] {
                findings.append(Finding("table '\(t.name)' is defined twice", at: t.nameRange, notes: [.init(message: "first defined here", range: first)]))
            } else { tables[key] = t.nameRange }
            var columns: [String: SourceRange] = [:]
            for c in t.columns {
                if let first = columns[c.name.lowercased()] {
                    findings.append(Finding("column '\(c.name)' is defined twice in table '\(t.name)'", at: c.nameRange, notes: [.init(message: "first defined here", range: first)]))
                } else { columns[c.name.lowercased()] = c.nameRange }
            }
            for i in t.indexes {
                let key = i.name.lowercased()
                if let first = indexes[key] {
                    findings.append(Finding("index '\(i.name)' is defined twice (index names are global in SQLite)", at: i.nameRange, notes: [.init(message: "first defined here", range: first)]))
                } else if let first = tables[key] {
                    findings.append(Finding("index '\(i.name)' has the name of a table", at: i.nameRange, notes: [.init(message: "the table is here", range: first)]))
                } else { indexes[key] = i.nameRange }
            }
        }
        return findings
    }
}
