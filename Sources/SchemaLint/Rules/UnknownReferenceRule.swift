import SchemaSyntax
import SchemaModel

/// A foreign key to a table or column that the schema does not define.
public struct UnknownReferenceRule: LintRule {
    public init() {}
    public let id = "unknown-reference"
    public let defaultSeverity = Severity.error
    public let category = RuleCategory.integrity
    public let summary = "A foreign key references a table or column that does not exist."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(uid)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n  }\n}"),
    ]

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let tables = context.schema.tables
        for t in tables {
            for fk in t.foreignKeys {
                guard let target = context.tablesByName[fk.referencedTable.lowercased()] else {
                    var fixIts: [FixIt] = []
                    var message = "table '\(t.name)' references unknown table '\(fk.referencedTable)'"
                    if let m = closestMatch(fk.referencedTable, in: tables.map(\.name)) {
                        message += "; did you mean '\(m)'?"
                        fixIts.append(FixIt(message: "replace with '\(m)'", range: fk.tableRange, replacement: Lexer.spelling(of: m)))
                    }
                    findings.append(Finding(message, at: fk.tableRange, fixIts: fixIts))
                    continue
                }
                if fk.referencedColumns.isEmpty {
                    if target.primaryKey.count != fk.columns.count {
                        findings.append(Finding("'\(fk.referencedTable)' has no primary key of \(fk.columns.count) column(s) to reference; name the referenced columns", at: fk.range))
                    }
                    continue
                }
                for rc in fk.referencedColumns where target.column(named: rc) == nil {
                    var fixIts: [FixIt] = []
                    var message = "'\(t.name)' references unknown column '\(rc)' of '\(target.name)'"
                    if let m = closestMatch(rc, in: target.columns.map(\.name)) {
                        message += "; did you mean '\(m)'?"
                        fixIts.append(FixIt(message: "replace with '\(m)'", range: fk.range, replacement: context.file.text(fk.range).replacingFirst("(\(rc)", with: "(\(m)")))
                    }
                    findings.append(Finding(message, at: fk.range, fixIts: fixIts))
                }
                // SQLite requires the parent key to be the primary key or UNIQUE.
                let refCols = fk.referencedColumns
                if refCols.allSatisfy({ target.column(named: $0) != nil }),
                   !target.uniqueKeys.contains(where: { Set($0) == Set(refCols) }),
                   !target.indexes.contains(where: { $0.isUnique && $0.whereClause == nil && Set($0.columns.map(\.name)) == Set(refCols) }) {
                    findings.append(Finding("'\(t.name)' references \(target.name)(\(refCols.joined(separator: ", "))), which is neither the primary key nor UNIQUE; SQLite rejects writes through such a foreign key", at: fk.range))
                }
            }
        }
        return findings
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return String(self[..<r.lowerBound]) + replacement + String(self[r.upperBound...])
    }

    func range(of target: String) -> Range<String.Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<(index(i, offsetBy: target.count)) }
            i = index(after: i)
        }
        return nil
    }
}
