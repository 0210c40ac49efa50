import Foundation
import SchemaModel

/// The mapping as Markdown: every legacy table and column, and where it goes. docs/MIGRATION.md
/// embeds this (a test keeps it current): `schemagen migrate legacy schema.victor --mapping-doc --legacy LEGACY.sql`.
public enum MappingDoc {
    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    static func describe(_ d: Destination) -> String {
        func conv(_ c: Conversion) -> String {
            switch c {
            case .none: return ""
            case .datetime: return " via `datetime()`; original archived when it differs"
            case .jsonWrap: return "; non-JSON text wrapped with `json_quote()`, original archived"
            case .integerToReal: return " (INTEGER as REAL; beyond 2^53 the original is archived)"
            }
        }
        switch d {
        case .column(let t, let c, let k): return "`\(t).\(c)`\(conv(k))"
        case .unpivot(let t, let kc, let key, let vc, _, let k): return "`\(t).\(vc)` where `\(kc) = '\(key)'`\(conv(k))"
        case .pack(let t, let c, let key): return "`\(t).\(c)` JSON member `\"\(key)\"`"
        case .archive: return "archive (`\(archiveTableName).payload`)"
        case .computed(let t, let c, let e): return "used in `\(t).\(c) = \(e)`"
        case .dropped(let r): return "dropped: \(r)"
        }
    }

    public static func markdown(_ plan: MigrationPlan) -> String {
        var out = "| legacy table | legacy column | destination |\n|---|---|---|\n"
        var byTable: [String: [SourcePlan]] = [:]
        var order: [String] = []
        for p in plan.sources {
            let k = p.legacy.name
            if byTable[k] == nil { order.append(k) }
            byTable[k, default: []].append(p)
        }
        for name in order {
            guard let plans = byTable[name], let legacy = plans.first?.legacy else { continue }
            let distinct = plans.filter(\.source.isDistinct)
            let normal = plans.filter { !$0.source.isDistinct }
            let targets = normal.map { $0.source.isArchiveOnly ? "archive only" : "`\($0.target.name)`" + ($0.source.whereClause.map { " where `\($0)`" } ?? "") + ($0.source.rowFactor > 1 ? " (×\($0.source.rowFactor) rows)" : "") }
            var summary = "**\(name)** → " + targets.joined(separator: ", ")
            if !distinct.isEmpty { summary += "; distinct rows → " + distinct.map { "`\($0.target.name)`" }.joined(separator: ", ") }
            out += "| \(cell(summary)) | | |\n"
            let constants = normal.flatMap { p in p.source.assignments.filter { SQL.identifiers(in: $0.expression).allSatisfy { p.legacy.column(named: $0) == nil } }.map { "`\(p.target.name).\($0.target) = \($0.expression)`" } }
            if !constants.isEmpty { out += "| | (constants) | \(cell(constants.joined(separator: ", "))) |\n" }
            for c in legacy.columns {
                var dests: [Destination] = []
                for p in normal { dests += p.destinations[c.name] ?? [] }
                let text = dests.isEmpty ? "**unmapped**" : dests.map(describe).joined(separator: "; ")
                out += "| | \(c.name) \(c.declaredType) | \(cell(text)) |\n"
            }
        }
        for m in plan.missing { out += "| \(m.legacyTable) | (not in the legacy DDL) | → `\(m.target)` |\n" }
        let mappedTargets = Set(plan.schema.tables.filter { !$0.legacySources.isEmpty }.map(\.name))
        for t in plan.schema.tables where !mappedTargets.contains(t.name) {
            out += "| (none) | | `\(t.name)` has no legacy source in this DDL: it starts empty |\n"
        }
        return out
    }
}
