import Foundation
import SchemaSyntax
import SchemaModel
import SchemagenRuntime

/// `schemagen lint FILE --legacy LEGACY`: the `from` mappings checked against the legacy tables'
/// real columns, as located diagnostics in the `.victor` file.
public enum MappingCheck {
    public static let rules = ["unknown-legacy-table", "ambiguous-legacy-table", "unknown-legacy-column", "invalid-legacy-expression",
                               "unmapped-legacy-column", "unmapped-legacy-table", "legacy-type-mismatch", "invalid-distinct-mapping"]

    /// Tables never treated as legacy: the schema's own tables and the archive.
    public static func ownTables(_ schema: Schema) -> Set<String> {
        Set(schema.tables.map { $0.name.lowercased() } + [archiveTableName])
    }

    /// The diagnostics for `LEGACY` (a `.sql` DDL file or a database file).
    public static func diagnostics(schema: Schema, file: SourceFile, legacy path: String) -> [Diagnostic] {
        do {
            let (db, catalog) = try LegacyCatalog.open(legacy: path, excluding: ownTables(schema))
            defer { db.close() }
            return diagnostics(schema: schema, file: file, catalog: catalog, db: db)
        } catch {
            return [Diagnostic(.error, "cannot check the legacy mapping against '\(path)': \(describe(error))", file: file.path, range: .empty, rule: "unknown-legacy-table")]
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? MigrationError { return e.message }
        if let e = error as? DatabaseError { return e.message }
        return "\(error)"
    }

    /// The range of `word` (as a whole identifier) inside `range` of the file, else `range`.
    static func locate(_ word: String, in range: SourceRange, file: SourceFile, after: Int = 0) -> SourceRange {
        let bytes = file.bytes
        let w = Array(word.lowercased().utf8)
        guard !w.isEmpty, range.end <= bytes.count else { return range }
        var i = max(range.start, after)
        func isIdent(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f || b >= 0x80 }
        while i + w.count <= range.end {
            var match = true
            for k in 0..<w.count {
                var b = bytes[i + k]
                if b >= 0x41 && b <= 0x5a { b += 0x20 }
                if b != w[k] { match = false; break }
            }
            if match && (i == 0 || !isIdent(bytes[i - 1])) && (i + w.count >= bytes.count || !isIdent(bytes[i + w.count])) {
                return SourceRange(start: i, end: i + w.count)
            }
            i += 1
        }
        return range
    }

    /// Can a legacy column of this declared affinity be stored in the target type without losing information?
    static func fits(_ a: Affinity, _ t: LogicalType) -> Bool {
        switch t {
        case .text, .json: return a == .text
        case .integer, .bool: return a == .integer
        case .real, .epoch: return a == .real || a == .integer
        case .timestamp: return a == .text || a == .real
        case .blob: return a == .blob
        }
    }

    public static func diagnostics(schema: Schema, file: SourceFile, catalog: LegacyCatalog, db: Database) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func diag(_ s: Severity, _ m: String, _ r: SourceRange, _ rule: String, notes: [Diagnostic.Note] = []) {
            out.append(Diagnostic(s, m, file: file.path, range: r, rule: rule, notes: notes))
        }
        var covered: [String: Set<String>] = [:]      // legacy table -> columns mapped somewhere
        var firstFrom: [String: SourceRange] = [:]     // legacy table -> first non-distinct `from` name
        var mentioned = Set<String>()
        for t in schema.tables {
            for s in t.legacySources {
                let key = s.legacyTable.lowercased()
                mentioned.insert(key)
                if let schemas = catalog.ambiguous[key] {
                    diag(.error, "legacy table '\(s.legacyTable)' exists in more than one database (\(schemas.joined(separator: ", "))); attach only the file that holds the one meant",
                         s.nameRange, "ambiguous-legacy-table")
                }
                guard let legacy = catalog.table(s.legacyTable) else {
                    if catalog.isFullDDL {
                        let suggestion = closestMatch(s.legacyTable, in: catalog.tables.values.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                        diag(.error, "legacy table '\(s.legacyTable)' does not exist in \(catalog.origin)\(suggestion)", s.nameRange, "unknown-legacy-table")
                    } else {
                        diag(.note, "legacy table '\(s.legacyTable)' is not in \(catalog.origin); its mapping into '\(t.name)' is skipped", s.nameRange, "unknown-legacy-table")
                    }
                    continue
                }
                if !s.isDistinct && firstFrom[key] == nil { firstFrom[key] = s.nameRange }
                let columnNames = legacy.columns.map(\.name)
                func unknown(_ name: String, _ range: SourceRange) {
                    let suggestion = closestMatch(name, in: columnNames.map { $0.lowercased() }).map { "; did you mean '\($0)'?" } ?? ""
                    diag(.error, "legacy table '\(legacy.name)' has no column '\(name)'\(suggestion)", locate(name, in: range, file: file), "unknown-legacy-column")
                }
                func cover(_ name: String) { covered[key, default: []].insert(name.lowercased()) }
                // The where clause.
                if let w = s.whereClause {
                    do {
                        try db.withStatement(sql: "SELECT 1 FROM \(legacy.qualifiedName) WHERE (\(w))") { _ throws(DatabaseError) in }
                    } catch {
                        report(error, expression: w, range: s.nameRange, legacy: legacy, unknown: unknown, diag: diag)
                    }
                    for id in SQL.identifiers(in: w) where legacy.column(named: id) != nil { cover(id) }
                }
                // Assignments: prepared against the legacy table, type-checked when bare.
                for a in s.assignments {
                    let exprRange = SourceRange(start: a.targetRange.end, end: a.range.end)
                    do {
                        try db.withStatement(sql: "SELECT (\(a.expression)) FROM \(legacy.qualifiedName)") { _ throws(DatabaseError) in }
                    } catch {
                        report(error, expression: a.expression, range: exprRange, legacy: legacy, unknown: unknown, diag: diag)
                        continue
                    }
                    if !s.isDistinct { for id in SQL.identifiers(in: a.expression) where legacy.column(named: id) != nil { cover(id) } }
                    if let bare = SQL.bareIdentifier(a.expression), let lc = legacy.column(named: bare), let tc = t.column(named: a.target), !fits(lc.affinity, tc.type) {
                        diag(.error, "legacy column '\(legacy.name).\(lc.name)' (\(lc.declaredType.isEmpty ? "no type" : lc.declaredType)) does not fit '\(t.name).\(tc.name)' (\(tc.type.name)); convert it with an expression (and keep the original with 'archive') or map it elsewhere",
                             locate(bare, in: exprRange, file: file), "legacy-type-mismatch")
                    }
                }
                if let u = s.unpivot {
                    let valueType = t.column(named: u.valueColumn)?.type
                    for e in u.entries {
                        guard let lc = legacy.column(named: e.column) else { unknown(e.column, e.range); continue }
                        cover(lc.name)
                        if let vt = valueType, !fits(lc.affinity, vt) {
                            diag(.error, "legacy column '\(legacy.name).\(lc.name)' (\(lc.declaredType)) does not fit the unpivot value column '\(t.name).\(u.valueColumn)' (\(vt.name))",
                                 locate(e.column, in: e.range, file: file), "legacy-type-mismatch")
                        }
                    }
                }
                for p in s.packs {
                    for c in p.columns { if legacy.column(named: c) == nil { unknown(c, p.range) } else { cover(c) } }
                }
                for c in s.archived {
                    if legacy.column(named: c) == nil { unknown(c, s.archiveRange ?? s.range) } else { cover(c) }
                }
                for d in s.drops {
                    for c in d.columns { if legacy.column(named: c) == nil { unknown(c, d.range) } else { cover(c) } }
                }
                if s.isDistinct {
                    let assigned = Set(s.assignments.map(\.target))
                    if t.primaryKey.isEmpty || !t.primaryKey.allSatisfy(assigned.contains) || s.unpivot != nil || !s.archived.isEmpty || !s.packs.isEmpty {
                        diag(.error, "a 'distinct' mapping must assign the primary key of '\(t.name)' (\(t.primaryKey.joined(separator: ", "))) and use only assignments", s.nameRange, "invalid-distinct-mapping")
                    }
                }
            }
        }
        // Columns nothing maps.
        for (key, range) in firstFrom.sorted(by: { $0.value.start < $1.value.start }) {
            guard let legacy = catalog.table(key) else { continue }
            let c = covered[key] ?? []
            for col in legacy.columns where !c.contains(col.name.lowercased()) {
                diag(.error, "legacy column '\(legacy.name).\(col.name)' is neither mapped nor explicitly kept or dropped; add it to a mapping, 'pack', 'archive (\(col.name))' or 'drop \(col.name) \"reason\"'",
                     range, "unmapped-legacy-column")
            }
        }
        // Tables nothing maps.
        for legacy in catalog.tables.values.sorted(by: { $0.name < $1.name }) where !mentioned.contains(legacy.name.lowercased()) {
            diag(catalog.isFullDDL ? .error : .warning,
                 "legacy table '\(legacy.name)' (\(catalog.origin)) has no mapping: add 'from \(legacy.name) { … }' to the table its rows belong in",
                 .empty, "unmapped-legacy-table")
        }
        return out
    }

    static func report(_ error: DatabaseError, expression: String, range: SourceRange, legacy: LegacyTable,
                       unknown: (String, SourceRange) -> Void, diag: (Severity, String, SourceRange, String, [Diagnostic.Note]) -> Void) {
        let prefix = "no such column: "
        if let r = error.message.range(of: prefix) {
            unknown(String(error.message[r.upperBound...]), range)
        } else {
            diag(.error, "the expression '\(expression)' does not compile against legacy table '\(legacy.name)': \(error.message)", range, "invalid-legacy-expression", [])
        }
    }
}
