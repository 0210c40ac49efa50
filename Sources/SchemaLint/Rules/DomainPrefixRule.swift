import SchemaSyntax
import SchemaModel

/// Principle 1, "prefix by domain": every table is declared in a domain and its name starts
/// with the domain's prefix and an underscore (`rl_outcome` in `domain rl`).
public struct DomainPrefixRule: LintRule {
    public init() {}
    public let id = "domain-prefix"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.naming
    public let summary = "A table is outside every domain, or its name does not start with its domain's prefix and '_'."
    public var hasSafeFixes: Bool { true }

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table user_account { id: integer primary key }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n}\ntable audit_entry { id: integer primary key }"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n}"),
        RuleExample("schema s version 1\nnaming { require_domain: false }\ntable audit_entry { id: integer primary key }"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let prefixes = context.schema.domains.map(\.name)
        for t in context.schema.tables {
            guard let domain = t.domain else {
                if context.options.naming.requireDomain {
                    var message = "table '\(t.name)' is not in any domain; declare it inside 'domain PREFIX { … }' and name it PREFIX_…"
                    if let p = prefixes.first(where: { t.name.hasPrefix($0 + "_") }) {
                        message = "table '\(t.name)' is not in any domain; its name suggests 'domain \(p)'"
                    }
                    findings.append(Finding(message, at: t.nameRange))
                }
                continue
            }
            let prefix = domain + "_"
            guard !(t.name.hasPrefix(prefix) && t.name.count > prefix.count) else { continue }
            var fixIts: [FixIt] = []
            var notes: [Diagnostic.Note] = []
            if let other = prefixes.first(where: { $0 != domain && t.name.hasPrefix($0 + "_") }) {
                // Named for another domain: moving it or renaming it is a person's call.
                if let d = context.schema.domain(named: other) {
                    notes.append(.init(message: "domain '\(other)' is declared here", range: d.nameRange))
                }
            } else if t.name != domain, NameWords.isSnakeCase(t.name) {
                fixIts.append(context.renameTable(t, to: prefix + t.name))
            }
            findings.append(Finding("table '\(t.name)' is in domain '\(domain)' but its name does not start with '\(prefix)'",
                                    at: t.nameRange, fixIts: fixIts, notes: notes))
        }
        return findings
    }
}
