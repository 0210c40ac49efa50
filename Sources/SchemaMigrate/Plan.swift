import Foundation
import SchemaSyntax
import SchemaModel
import SchemaEmit

/// How a bare legacy column assigned to a target column is converted on the way.
public enum Conversion: String, Sendable, Hashable {
    /// Copied as it is.
    case none
    /// `datetime(c)` into a `timestamp` column; the original is archived whenever the result differs from it.
    case datetime
    /// Valid JSON is copied verbatim; other text is wrapped with `json_quote` and the original archived.
    case jsonWrap
    /// An INTEGER into a REAL column: exact below 2^53; beyond that the original is archived.
    case integerToReal
}

/// Where one legacy column's value ends up.
public enum Destination: Sendable, Hashable {
    case column(target: String, column: String, conversion: Conversion)
    /// One row per unpivot entry: `keyColumn = key`, `valueColumn = value`; `entry` is the entry's index.
    case unpivot(target: String, keyColumn: String, key: String, valueColumn: String, entry: Int, conversion: Conversion)
    case pack(target: String, column: String, key: String)
    case archive
    /// Used inside a computed expression only (not a verbatim copy).
    case computed(target: String, column: String, expression: String)
    case dropped(reason: String)

    public var isVerbatim: Bool {
        switch self {
        case .column, .unpivot, .pack, .archive: return true
        case .computed, .dropped: return false
        }
    }
}

/// The name of the archive table the migration creates beside the schema's tables.
public let archiveTableName = "sys_legacy_archive"

/// Its DDL. Not part of schema.victor: it exists only in migrated databases.
public let archiveTableDDL = """
    CREATE TABLE sys_legacy_archive (
        id INTEGER PRIMARY KEY,
        source_table TEXT NOT NULL,
        source_rowid INTEGER,
        target_table TEXT,
        target_rowid INTEGER,
        payload TEXT NOT NULL,
        archived_at TEXT DEFAULT (datetime('now'))
    )
    """

/// One `from` block, resolved against the legacy table that exists, with the SQL that executes it.
public struct SourcePlan: Sendable {
    public var target: Table
    public var source: LegacySource
    public var legacy: LegacyTable

    /// `WHERE (…)` or "".
    public var whereSQL: String { source.whereClause.map { " WHERE (\($0))" } ?? "" }

    /// Legacy rows the mapping reads.
    public var countSQL: String { "SELECT count(*) FROM \(legacy.qualifiedName)\(whereSQL)" }

    /// The legacy column whose value becomes the target row's rowid (`id = id`), if any.
    public var rowidSourceColumn: String? {
        guard let alias = target.rowidAlias else { return nil }
        guard let a = source.assignments.first(where: { $0.target == alias.name }), let c = SQL.bareIdentifier(a.expression),
              legacy.column(named: c) != nil else { return nil }
        return legacy.column(named: c)?.name
    }

    func conversion(from column: LegacyColumn, to type: LogicalType) -> Conversion {
        switch type {
        case .timestamp: return .datetime
        case .json: return .jsonWrap
        case .real, .epoch: return column.affinity == .integer || column.affinity == .numeric ? .integerToReal : .none
        default: return .none
        }
    }

    /// The lookup of a legacy column's exact REAL text in `SQL.exactTable` for the current legacy row.
    func exactLookup(_ column: String) -> String? {
        guard let lc = legacy.column(named: column) else { return nil }
        return SQL.exactLookup(key: SQL.exactKey(schema: legacy.schema, table: legacy.name, column: lc.name), rowRef: "\(legacy.qualifiedName).rowid")
    }

    /// The JSON value SQL for any value: valid JSON text as it is, other text as a JSON string, every
    /// other storage class as `SQL.jsonText` (a BLOB as `{"$blob": "HEX"}`, a REAL exactly). NULL stays NULL.
    static func jsonValue(_ e: String, exact: String?) -> String {
        let tagged = exact.map { "WHEN \($0) IS NOT NULL THEN \($0) " } ?? "" // TEXT that is not UTF-8
        return "CASE typeof(\(e)) WHEN 'null' THEN NULL WHEN 'text' THEN CASE \(tagged)WHEN \(jsonReadable(e)) THEN \(e) ELSE \(SQL.jsonText(e)) END ELSE \(SQL.jsonText(e, exact: exact)) END"
    }

    /// SQL true when TEXT `e` is JSON that JSON readers take: valid for SQLite, and no number beyond
    /// the range of a double (SQLite accepts `1e999`; Foundation's JSONDecoder, behind the DAOs, does not).
    static func jsonReadable(_ e: String) -> String {
        "(json_valid(\(e)) AND NOT EXISTS (SELECT 1 FROM json_tree(\(e)) WHERE type = 'real' AND abs(atom) > 1.7976931348623157e308))"
    }

    /// SQL true when the value `q` is stored in a target column of `type` unchanged and in a storage
    /// class the generated DAO reads for that type (nil: every value fits, or the conversion decides).
    static func fits(_ q: String, _ type: LogicalType) -> String? {
        switch type {
        case .text: return "typeof(\(q)) IN ('null', 'text')"
        case .integer: return "typeof(\(q)) IN ('null', 'integer')"
        case .bool: return "(typeof(\(q)) = 'null' OR (typeof(\(q)) = 'integer' AND \(q) IN (0, 1)))"
        case .real, .epoch: return "typeof(\(q)) IN ('null', 'real', 'integer')"
        case .blob: return "typeof(\(q)) IN ('null', 'blob')"
        case .json, .timestamp: return nil
        }
    }

    /// The SQL value written for a bare column, and the guard under which the original is archived.
    /// A value of a storage class the target type cannot hold unchanged is archived (tagged, see
    /// `SQL.jsonText`); the target receives its text form (text columns) or NULL.
    func convert(_ c: String, _ conv: Conversion, to type: LogicalType) -> (value: String, guard: String?) {
        let q = SQL.ident(c)
        switch conv {
        case .datetime:
            // Only what the DAO's timestamp reader takes (julian day 0 is '-4713-11-24 12:00:00').
            let v = "CASE WHEN datetime(\(q)) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]' THEN datetime(\(q)) END"
            return (v, "\(q) IS NOT NULL AND (\(v)) IS NOT \(q)")
        case .jsonWrap:
            let notUTF8 = exactLookup(c).map { " OR \($0) IS NOT NULL" } ?? ""
            return (Self.jsonValue(q, exact: exactLookup(c)), "typeof(\(q)) <> 'null' AND (typeof(\(q)) <> 'text' OR NOT \(Self.jsonReadable(q))\(notUTF8))")
        case .none, .integerToReal:
            var value = q, guards: [String] = []
            if let f = Self.fits(q, type) {
                let substitute: String
                if case .text = type {
                    substitute = SQL.jsonText(q, exact: exactLookup(c)) // INTEGER as its digits, REAL exact, BLOB tagged
                } else {
                    substitute = "NULL"
                }
                value = "CASE WHEN \(f) THEN \(q) ELSE \(substitute) END"
                guards.append("NOT \(f)")
            }
            if conv == .integerToReal { guards.append("(typeof(\(q)) = 'integer' AND CAST(\(q) AS REAL) <> \(q))") }
            return (value, guards.isEmpty ? nil : guards.joined(separator: " OR "))
        }
    }

    /// The computed expressions (assignments that are not a bare legacy column but read one), in order.
    var computedExpressions: [String] {
        var out: [String] = []
        for a in source.assignments where target.column(named: a.target) != nil {
            if let bare = SQL.bareIdentifier(a.expression), legacy.column(named: bare) != nil { continue }
            guard SQL.identifiers(in: a.expression).contains(where: { legacy.column(named: $0) != nil }) else { continue }
            if !out.contains(a.expression) { out.append(a.expression) }
        }
        return out
    }

    func computedIndex(_ expression: String) -> Int? { computedExpressions.firstIndex(of: expression) }

    /// The FROM clause of the inserts: the legacy table, joined (by rowid) with the computed
    /// expressions evaluated over the row with every BLOB replaced by its `{"$blob": "HEX"}` text, so
    /// that SQL functions that refuse BLOBs (`json_array`, …) cannot abort the copy. Bare columns,
    /// packs and the archive read the untouched values.
    var fromSQL: String {
        let exprs = computedExpressions
        guard !exprs.isEmpty else { return legacy.qualifiedName }
        let sanitized = legacy.columns.map { c -> String in
            let q = SQL.ident(c.name)
            return "CASE WHEN typeof(\(q)) = 'blob' THEN '{\"$blob\":\"' || hex(\(q)) || '\"}' ELSE \(q) END AS \(q)"
        }
        let inner = "SELECT rowid AS schemagen_rowid, \(sanitized.joined(separator: ", ")) FROM \(legacy.qualifiedName)"
        let computed = "SELECT schemagen_rowid, " + exprs.enumerated().map { "(\($1)) AS schemagen_c\($0)" }.joined(separator: ", ") + " FROM (\(inner))"
        return "\(legacy.qualifiedName) JOIN (\(computed)) AS schemagen_computed ON schemagen_computed.schemagen_rowid = \(legacy.qualifiedName).rowid"
    }

    /// Target columns and their values (without the unpivot pair), plus guards for the archive.
    func baseColumns() -> (columns: [String], values: [String], guards: [(String, String)]) {
        var columns: [String] = [], values: [String] = [], guards: [(String, String)] = []
        let explicitlyKept = Set(source.archived.map { $0.lowercased() } + source.packs.flatMap { $0.columns.map { $0.lowercased() } })
        for a in source.assignments {
            guard let tc = target.column(named: a.target) else { continue }
            columns.append(a.target)
            if let bare = SQL.bareIdentifier(a.expression), let lc = legacy.column(named: bare) {
                let (v, g) = convert(lc.name, conversion(from: lc, to: tc.type), to: tc.type)
                values.append(v)
                if let g, !explicitlyKept.contains(lc.name.lowercased()) { guards.append((lc.name, g)) }
            } else {
                let e = computedIndex(a.expression).map { "schemagen_computed.schemagen_c\($0)" } ?? "(\(a.expression))"
                if case .json = tc.type { values.append(Self.jsonValue(e, exact: nil)) } else { values.append(e) }
            }
        }
        for p in source.packs {
            columns.append(p.target)
            values.append(SQL.jsonObject(p.columns.map { c in (key: c, value: SQL.ident(legacy.column(named: c)?.name ?? c), guard: nil) }, exact: exactLookup))
        }
        return (columns, values, guards)
    }

    /// The INSERT statements, one per unpivot entry (or one).
    public var insertSQL: [String] {
        let (columns, values, _) = baseColumns()
        let table = SQL.ident(target.name)
        if source.isArchiveOnly { return [] }
        if source.isDistinct {
            return ["INSERT OR IGNORE INTO \(table) (\(columns.map(SQL.ident).joined(separator: ", "))) SELECT DISTINCT \(values.joined(separator: ", ")) FROM \(fromSQL)\(whereSQL)"]
        }
        guard let u = source.unpivot else {
            return ["INSERT INTO \(table) (\(columns.map(SQL.ident).joined(separator: ", "))) SELECT \(values.joined(separator: ", ")) FROM \(fromSQL)\(whereSQL) ORDER BY \(legacy.qualifiedName).rowid"]
        }
        let valueType = target.column(named: u.valueColumn)?.type ?? .text
        return u.entries.map { e in
            let lc = legacy.column(named: e.column)
            let (v, _) = convert(lc?.name ?? e.column, lc.map { conversion(from: $0, to: valueType) } ?? .none, to: valueType)
            let cols = (columns + [u.keyColumn, u.valueColumn]).map(SQL.ident).joined(separator: ", ")
            return "INSERT INTO \(table) (\(cols)) SELECT \((values + [SQL.literal(e.key), v]).joined(separator: ", ")) FROM \(fromSQL)\(whereSQL) ORDER BY \(legacy.qualifiedName).rowid"
        }
    }

    /// Archive members: the explicitly archived columns, then every conversion guard.
    var archiveMembers: [(key: String, value: String, guard: String?)] {
        var members: [(key: String, value: String, guard: String?)] = source.archived.map { c in (key: c, value: SQL.ident(legacy.column(named: c)?.name ?? c), guard: nil) }
        var seen = Set(source.archived.map { $0.lowercased() })
        for (c, g) in baseColumns().guards where seen.insert(c.lowercased()).inserted {
            members.append((key: c, value: SQL.ident(c), guard: g))
        }
        if let u = source.unpivot, let valueType = target.column(named: u.valueColumn)?.type {
            for e in u.entries {
                guard let lc = legacy.column(named: e.column), seen.insert(lc.name.lowercased()).inserted else { continue }
                if let g = convert(lc.name, conversion(from: lc, to: valueType), to: valueType).guard { members.append((key: lc.name, value: SQL.ident(lc.name), guard: g)) }
            }
        }
        return members
    }

    /// Rows of the archive for this source: `source_rowid`, `target_rowid`, `payload`; only non-empty payloads.
    var archiveSelect: String? {
        if source.isDistinct { return nil }
        let members = archiveMembers
        if members.isEmpty { return nil }
        let link: String
        if source.isArchiveOnly { link = "NULL" }
        else if let c = rowidSourceColumn { link = SQL.ident(c) }
        else { link = "(SELECT coalesce(max(rowid), 0) FROM \(SQL.ident(target.name))) + row_number() OVER (ORDER BY rowid)" }
        let targetName = source.isArchiveOnly ? "NULL" : SQL.literal(target.name)
        return "SELECT * FROM (SELECT \(SQL.literal(legacy.name)) AS source_table, rowid AS source_rowid, \(targetName) AS target_table, \(link) AS target_rowid, \(SQL.jsonObject(members, exact: exactLookup)) AS payload FROM \(legacy.qualifiedName)\(whereSQL)) WHERE payload <> '{}'"
    }

    /// The first ten legacy rowids for which the value written into `targetColumn` is NULL (to name
    /// the rows behind a NOT NULL failure).
    public func rowsWithNull(targetColumn: String) -> String? {
        let (columns, values, _) = baseColumns()
        var value = zip(columns, values).first { $0.0.lowercased() == targetColumn.lowercased() }?.1
        if value == nil, let u = source.unpivot, u.valueColumn.lowercased() == targetColumn.lowercased() {
            let valueType = target.column(named: u.valueColumn)?.type ?? .text
            value = u.entries.compactMap { e -> String? in
                guard let lc = legacy.column(named: e.column) else { return nil }
                return "(\(convert(lc.name, conversion(from: lc, to: valueType), to: valueType).value)) IS NULL"
            }.joined(separator: " OR ")
            if value == "" { value = nil } else { value = value.map { "(\($0))" } }
        } else {
            value = value.map { "(\($0)) IS NULL" }
        }
        guard let condition = value else { return nil }
        let w = source.whereClause.map { " AND (\($0))" } ?? ""
        return "SELECT CAST(\(legacy.qualifiedName).rowid AS TEXT) FROM \(fromSQL) WHERE \(condition)\(w) ORDER BY \(legacy.qualifiedName).rowid LIMIT 10"
    }

    /// Legacy columns whose values may be written into JSON (packed, archived, or converted into a
    /// JSON or text column), with the condition under which they are: the migrator records, in
    /// `SQL.exactTable`, the exact text of their REALs and the `{"$text": HEX}` of their TEXTs that
    /// are not UTF-8 (SQLite cannot tell). Each query yields `(k, rowid, typeof, REAL or TEXT bytes)`;
    /// TEXT rows are only those with bytes above 0x7F.
    public var exactRealSQL: [String] {
        var conditions: [String: String] = [:], order: [String] = []
        func add(_ c: String, _ condition: String?) {
            guard let lc = legacy.column(named: c) else { return }
            let key = lc.name.lowercased()
            if conditions[key] == nil { order.append(key); conditions[key] = condition ?? "1" }
            else if let condition, conditions[key] != "1" { conditions[key] = "(\(conditions[key] ?? "0")) OR (\(condition))" }
            else { conditions[key] = "1" }
        }
        for p in source.packs { for c in p.columns { add(c, nil) } }
        for m in archiveMembers { add(m.key, m.guard) }
        for a in source.assignments {
            guard let tc = target.column(named: a.target), let bare = SQL.bareIdentifier(a.expression), let lc = legacy.column(named: bare) else { continue }
            switch tc.type {
            case .json, .text: add(lc.name, nil)
            default: break
            }
        }
        return order.compactMap { key in
            guard let lc = legacy.column(named: key) else { return nil }
            let q = SQL.ident(lc.name)
            let k = SQL.literal(SQL.exactKey(schema: legacy.schema, table: legacy.name, column: lc.name))
            let w = source.whereClause.map { " AND (\($0))" } ?? ""
            return "SELECT \(k), rowid, typeof(\(q)), CASE typeof(\(q)) WHEN 'text' THEN CAST(\(q) AS BLOB) ELSE \(q) END FROM \(legacy.qualifiedName) "
                + "WHERE ((typeof(\(q)) = 'real' AND abs(\(q)) < 9e999) OR (typeof(\(q)) = 'text' AND \(q) GLOB '*[^' || char(1) || '-' || char(127) || ']*')) AND (\(conditions[key] ?? "1"))\(w)"
        }
    }

    /// Inserts the archive rows; runs before `insertSQL` (the row link counts on the target's rowids so far).
    public var archiveSQL: String? {
        archiveSelect.map { "INSERT INTO \(archiveTableName) (source_table, source_rowid, target_table, target_rowid, payload) \($0) ORDER BY source_rowid" }
    }

    public var archiveCountSQL: String? { archiveSelect.map { "SELECT count(*) FROM (\($0))" } }

    /// For a distinct mapping: the rows it will add (distinct tuples whose key the target does not hold yet).
    public var distinctCountSQL: String? { distinctCount(excludingExisting: true) }

    /// For a distinct mapping: its distinct tuples (before the target exists; an upper bound of the rows added).
    public var distinctTupleCountSQL: String? { distinctCount(excludingExisting: false) }

    func distinctCount(excludingExisting: Bool) -> String? {
        guard source.isDistinct else { return nil }
        let (columns, values, _) = baseColumns()
        let select = zip(columns, values).map { "\($1) AS \(SQL.ident($0))" }.joined(separator: ", ")
        let pk = target.primaryKey
        let match = pk.map { "x.\(SQL.ident($0)) IS d.\(SQL.ident($0))" }.joined(separator: " AND ")
        let tuples = "SELECT count(*) FROM (SELECT DISTINCT \(select) FROM \(fromSQL)\(whereSQL)) AS d"
        if !excludingExisting { return tuples }
        return tuples + " WHERE NOT EXISTS (SELECT 1 FROM \(SQL.ident(target.name)) AS x WHERE \(match))"
    }

    /// Every legacy column's destinations (a column may have several).
    public var destinations: [String: [Destination]] {
        var d: [String: [Destination]] = [:]
        func add(_ c: String, _ dest: Destination) {
            let name = legacy.column(named: c)?.name ?? c
            d[name, default: []].append(dest)
        }
        if source.isDistinct { return d }
        for a in source.assignments {
            guard let tc = target.column(named: a.target) else { continue }
            if let bare = SQL.bareIdentifier(a.expression), let lc = legacy.column(named: bare) {
                add(lc.name, .column(target: target.name, column: a.target, conversion: conversion(from: lc, to: tc.type)))
            } else {
                for id in Set(SQL.identifiers(in: a.expression).map { $0.lowercased() }) where legacy.column(named: id) != nil {
                    add(id, .computed(target: target.name, column: a.target, expression: a.expression))
                }
            }
        }
        if let u = source.unpivot {
            let valueType = target.column(named: u.valueColumn)?.type ?? .text
            for (i, e) in u.entries.enumerated() {
                let conv = legacy.column(named: e.column).map { conversion(from: $0, to: valueType) } ?? .none
                add(e.column, .unpivot(target: target.name, keyColumn: u.keyColumn, key: e.key, valueColumn: u.valueColumn, entry: i, conversion: conv))
            }
        }
        for p in source.packs { for c in p.columns { add(c, .pack(target: target.name, column: p.target, key: c)) } }
        for c in source.archived { add(c, .archive) }
        for dr in source.drops { for c in dr.columns { add(c, .dropped(reason: dr.reason)) } }
        return d
    }
}

/// The whole migration for the legacy tables that exist.
public struct MigrationPlan: Sendable {
    public var schema: Schema
    public var catalog: LegacyCatalog
    /// In execution order: targets in dependency order, sources in file order.
    public var sources: [SourcePlan]
    /// Mappings whose legacy table does not exist (normal for a real database).
    public var missing: [(target: String, legacyTable: String)]

    public init(schema: Schema, catalog: LegacyCatalog) {
        self.schema = schema
        self.catalog = catalog
        var sources: [SourcePlan] = [], missing: [(String, String)] = []
        for t in schema.tablesInDependencyOrder {
            for s in t.legacySources {
                if let l = catalog.table(s.legacyTable) { sources.append(SourcePlan(target: t, source: s, legacy: l)) }
                else { missing.append((t.name, s.legacyTable)) }
            }
        }
        self.sources = sources
        self.missing = missing
    }

    /// Every legacy table some mapping reads (present ones), once each, in plan order.
    public var legacyTables: [LegacyTable] {
        var seen = Set<String>(), out: [LegacyTable] = []
        for s in sources where seen.insert(s.legacy.name.lowercased()).inserted { out.append(s.legacy) }
        return out
    }

    /// The tables of the new schema, plus the archive, as DDL statements.
    public var createSQL: [String] {
        schema.tablesInDependencyOrder.flatMap { DDLEmitter.statements(for: $0) } + [archiveTableDDL]
    }

    public var versionSQL: String { "INSERT INTO sys_schema_version (version) VALUES (\(schema.version))" }

    public func dropSQL() -> [String] { legacyTables.map { "DROP TABLE \($0.qualifiedName)" } }

    /// The migration as one reviewable script.
    public func script(dropLegacy: Bool) -> String {
        var out = "-- Legacy migration into schema \(SQLIdentifier.commentText(schema.name)) version \(schema.version), generated by schemagen.\n"
        out += "-- Legacy tables read from \(SQLIdentifier.commentText(catalog.origin)); row-count checks run between the statements when `schemagen migrate legacy` executes this.\n"
        for m in missing { out += "-- skipped: \(SQLIdentifier.commentText("\(m.legacyTable) -> \(m.target)")) (no such legacy table)\n" }
        out += "BEGIN IMMEDIATE;\n\n"
        for s in createSQL { out += s.trimmingCharacters(in: .whitespacesAndNewlines) + ";\n" }
        out += "-- schemagen fills this with the exact shortest text of every REAL value bound for JSON; run standalone,\n"
        out += "-- it stays empty and SQLite's printf('%!.17g') is used instead (not bit-exact near DBL_MAX).\n"
        out += SQL.exactTableDDL + ";\n"
        for p in sources {
            out += "\n-- \(SQLIdentifier.commentText("\(p.legacy.name) -> \(p.target.name)"))\(p.source.isDistinct ? " (distinct)" : "")\(p.source.isArchiveOnly ? " (archive only)" : "")\n"
            if let a = p.archiveSQL { out += a + ";\n" }
            for i in p.insertSQL { out += i + ";\n" }
        }
        out += "\n" + versionSQL + ";\n"
        if dropLegacy { out += "\n" + dropSQL().map { $0 + ";\n" }.joined() }
        out += "COMMIT;\n"
        return out
    }
}
