import SchemaModel
import SchemaEmit
import SchemaSQL
import SchemaDatabase
import SchemagenRuntime

/// Evolving a database from one version of a schema file to the next: the changes between two
/// resolved schemas, computed on SQL model values (`DDLEmitter.sqlTable`), as SQLite statements,
/// and applying them in one transaction.
///
/// Each changed table gets the cheapest change SQLite supports without losing rows:
/// * a new table or index: `CREATE`; a removed index: `DROP INDEX`;
/// * columns only appended, each allowed by `ALTER TABLE … ADD COLUMN`: that;
/// * columns only removed that no key, index, check or generated column reads (SQLite says which
///   columns an expression reads, `ColumnUsage`): `ALTER TABLE … DROP COLUMN` (data loss);
/// * anything else: the table is rebuilt — created under a temporary name, rows copied by column
///   name, the old table dropped, the new one renamed, its indexes, the AUTOINCREMENT counter and
///   the database's triggers and views recreated (SQLite's documented procedure, foreign keys off
///   outside the transaction and `foreign_key_check` before commit).
/// Removing a table, a column or an AUTOINCREMENT counter loses data and is refused unless allowed
/// explicitly. A declared-type change can alter stored values and is refused unless the column
/// says `@convert(from: oldtype)`.
public struct EvolutionPlan: Sendable {
    public struct Step: Sendable, Hashable {
        public enum Kind: String, Sendable { case createTable, dropTable, addColumns, dropColumns, rebuildTable, createIndex, dropIndex, renameTable, renameColumn }
        public var kind: Kind
        public var table: String
        public var summary: String
        public var statements: [String]
        /// True when the step removes stored values (a dropped table, column or AUTOINCREMENT counter).
        public var losesData: Bool
        /// What it removes, lowercased: `table`, `table.column`, or `table.autoincrement` for a counter.
        public var dropped: [String] = []
    }

    /// A column whose declared type changes: the rebuild's copy converts its stored values.
    public struct Conversion: Sendable, Hashable {
        public var table: String
        public var column: String
        public var fromType: String
        public var toType: String
        /// The schema declares it (`@convert(from:)`).
        public var isDeclared: Bool
    }

    public var fromVersion: Int
    public var toVersion: Int
    public var steps: [Step]
    /// Changes that cannot be made safely (e.g. a new NOT NULL column without a default).
    public var problems: [String]
    public var conversions: [Conversion] = []
    /// The tables the plan rebuilds.
    public var rebuiltTables: [String] { steps.filter { $0.kind == .rebuildTable }.map(\.table) }

    public var isEmpty: Bool { steps.isEmpty }
    public var needsRebuild: Bool { steps.contains { $0.kind == .rebuildTable } }
    public var losesData: Bool { steps.contains(where: \.losesData) }

    /// The whole change as a reviewable script (what `apply` runs, plus the transaction and pragmas).
    /// A rebuild also drops and recreates the database's triggers and views, which only the database knows.
    public var script: String {
        var out = "-- schemagen evolve: version \(fromVersion) -> \(toVersion)\n"
        if needsRebuild { out += "PRAGMA foreign_keys = OFF;\n" }
        out += "BEGIN IMMEDIATE;\n"
        if needsRebuild { out += "-- (drop the database's triggers and views; they are recreated before COMMIT)\n" }
        for s in steps {
            out += "\n-- \(SQLIdentifier.commentText(s.summary))\(s.losesData ? " (LOSES DATA)" : "")\n"
            out += s.statements.map { $0 + ";" }.joined(separator: "\n") + "\n"
        }
        if needsRebuild { out += "\n-- (recreate the triggers and views)\nPRAGMA foreign_key_check;\n" }
        out += "PRAGMA user_version = \(toVersion);\nCOMMIT;\n"
        if needsRebuild { out += "PRAGMA foreign_keys = ON;\n" }
        return out
    }
}

/// Evolve's errors are the database layer's one error type.
public typealias EvolutionError = SchemaDatabaseError

/// What the checks before any write found: conversions that will change stored values (allowed by
/// `@convert`), and the database's triggers and views a rebuild recreates.
public struct EvolutionCheck: Sendable {
    public var notes: [String] = []
}

public enum SchemaEvolution {
    static func q(_ s: String) -> String { SQLName.quoted(s) }

    /// The steps that turn a database of `old` into one of `new`.
    public static func plan(from old: Schema, to new: Schema) -> EvolutionPlan {
        var plan = EvolutionPlan(fromVersion: old.version, toVersion: new.version, steps: [], problems: [])
        let newTables = new.tablesByName
        // `@renamed(from:)`: ALTER TABLE … RENAME [COLUMN] first; the rest diffs the renamed old version.
        let renamed = Renames.apply(from: old, to: new)
        plan.steps += renamed.steps
        plan.problems += renamed.problems.map(\.message)
        let oldTables = renamed.old.tablesByName
        let oldSQL = renamed.oldSQL

        for t in new.tablesInDependencyOrder {
            let after = DDLEmitter.sqlTable(t)
            guard let beforeTable = oldTables[t.name.lowercased()], let beforeSQL = oldSQL[t.name.lowercased()] else {
                plan.steps.append(.init(kind: .createTable, table: t.name, summary: "create table \(t.name)",
                                        statements: SQLRenderer.statements(for: after), losesData: false))
                continue
            }
            plan.steps += tableSteps(beforeSQL, after, schemaTable: t, oldSchemaTable: beforeTable, plan: &plan)
        }
        for t in renamed.old.tables where newTables[t.name.lowercased()] == nil {
            plan.steps.append(.init(kind: .dropTable, table: t.name, summary: "drop table \(t.name)",
                                    statements: [SQLRenderer.dropTable(t.name)], losesData: true, dropped: [t.name.lowercased()]))
        }
        if !plan.steps.isEmpty && new.version <= old.version {
            plan.problems.append("the schema changed but its version did not increase (\(old.version) -> \(new.version)); raise 'version' in the header")
        }
        do throws(SchemaDatabaseError) { try SchemaVersion.validate(new.version) } catch { plan.problems.append(error.message) }
        return plan
    }

    /// Everything of a table but its columns and indexes: the table-level keys and checks.
    static func tableLevel(_ t: SQLTable) -> SQLTable {
        var s = t
        s.name = ""
        s.columns = []
        s.indexes = []
        return s
    }

    static func tableSteps(_ old: SQLTable, _ new: SQLTable, schemaTable: Table, oldSchemaTable: Table, plan: inout EvolutionPlan) -> [EvolutionPlan.Step] {
        var steps: [EvolutionPlan.Step] = []
        let oldIndexes = Dictionary(old.indexes.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let newIndexes = Dictionary(new.indexes.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var oldBare = old, newBare = new
        oldBare.indexes = []
        newBare.indexes = []
        if oldBare != newBare {
            let sameTableLevel = tableLevel(old) == tableLevel(new)
            let newNames = Set(new.columns.map { $0.name.lowercased() })
            if sameTableLevel, new.columns.count > old.columns.count, Array(new.columns.prefix(old.columns.count)) == old.columns,
               new.columns.dropFirst(old.columns.count).allSatisfy(canAdd) {
                let added = new.columns.dropFirst(old.columns.count)
                steps.append(.init(kind: .addColumns, table: new.name,
                                   summary: "add column\(added.count == 1 ? "" : "s") \(added.map(\.name).joined(separator: ", ")) to \(new.name)",
                                   statements: added.map { SQLRenderer.addColumn($0, to: new.name) },
                                   losesData: false))
            } else if sameTableLevel, new.columns.count < old.columns.count, old.columns.filter({ new.columns.contains($0) }) == new.columns,
                      case let removed = old.columns.filter({ !newNames.contains($0.name.lowercased()) }),
                      removed.count == old.columns.count - new.columns.count,
                      removed.allSatisfy({ canDrop($0, from: old) }) {
                steps.append(.init(kind: .dropColumns, table: new.name,
                                   summary: "drop column\(removed.count == 1 ? "" : "s") \(removed.map(\.name).joined(separator: ", ")) from \(new.name)",
                                   statements: removed.map { SQLRenderer.dropColumn($0.name, from: new.name) },
                                   losesData: true, dropped: removed.map { "\(new.name).\($0.name)".lowercased() }))
            } else {
                steps.append(rebuild(old, new, schemaTable: schemaTable, oldSchemaTable: oldSchemaTable, plan: &plan))
                return steps // a rebuild recreates every index
            }
        }
        for (name, index) in oldIndexes.sorted(by: { $0.key < $1.key }) where newIndexes[name] != index {
            steps.append(.init(kind: .dropIndex, table: new.name, summary: "drop index \(name)",
                               statements: [SQLRenderer.dropIndex(index.name)], losesData: false))
        }
        for index in new.indexes where oldIndexes[index.name.lowercased()] != index {
            steps.append(.init(kind: .createIndex, table: new.name, summary: "create index \(index.name)",
                               statements: [SQLRenderer.createIndex(index)], losesData: false))
        }
        return steps
    }

    /// SQLite's ALTER TABLE ADD COLUMN rules: no PRIMARY KEY or UNIQUE, a constant default,
    /// NOT NULL only with a non-NULL default, REFERENCES only with a NULL default, not STORED.
    static func canAdd(_ c: SQLColumn) -> Bool {
        if c.primaryKey != nil || c.unique || c.generated?.stored == true { return false }
        if case .expression(let e)? = c.defaultValue, !SQLDefault.looksLiteral(e) { return false }
        let nullDefault = c.defaultValue == nil || c.defaultValue?.storedText.uppercased() == "NULL"
        if c.notNull && nullDefault && c.generated == nil { return false }
        if c.references != nil && !nullDefault { return false }
        return true
    }

    /// SQLite's ALTER TABLE DROP COLUMN rules: not in a key, an index, a foreign key, and not read by
    /// a check, a partial index's WHERE or a generated column (SQLite says which columns those read).
    static func canDrop(_ c: SQLColumn, from t: SQLTable) -> Bool {
        let n = c.name.lowercased()
        if t.primaryKeyColumns.contains(where: { $0.lowercased() == n }) || !c.checks.isEmpty { return false }
        if t.allUniques.contains(where: { $0.contains { $0.lowercased() == n } }) { return false }
        if t.allForeignKeys.contains(where: { $0.columns.contains { $0.lowercased() == n } }) { return false }
        if t.indexes.contains(where: { $0.columns.contains { $0.name.lowercased() == n } }) { return false }
        let expressions = t.allChecks + t.indexes.compactMap(\.whereClause) + t.columns.compactMap(\.generated?.expression)
        for e in expressions {
            // An expression SQLite cannot resolve counts as reading every column: the table is rebuilt.
            guard let read = try? ColumnUsage.columns(readBy: e, in: t) else { return false }
            if read.contains(n) { return false }
        }
        return true
    }

    static func rebuild(_ old: SQLTable, _ new: SQLTable, schemaTable: Table, oldSchemaTable: Table, plan: inout EvolutionPlan) -> EvolutionPlan.Step {
        let temp = "_schemagen_new_\(new.name)"
        var tempTable = new
        tempTable.name = temp
        tempTable.indexes = []
        let oldByName = Dictionary(old.columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        // Generated columns are computed, not copied.
        let kept = new.columns.filter { c in c.generated == nil && oldByName[c.name.lowercased()].map { $0.generated == nil } == true }
        for c in schemaTable.columns where oldByName[c.name.lowercased()] == nil && !c.isNullable && c.defaultValue == nil && !(c.isPrimaryKey && schemaTable.rowidAlias?.name == c.name) {
            plan.problems.append("table \(new.name): new column '\(c.name)' is NOT NULL without a default, so existing rows have no value for it; give it a default or make it optional")
        }
        for c in kept {
            guard let before = oldByName[c.name.lowercased()], before.type.uppercased() != c.type.uppercased() else { continue }
            let logical = schemaTable.column(named: c.name)
            let oldLogical = oldSchemaTable.columns.first { $0.name.lowercased() == c.name.lowercased() }
            let declared = logical?.convertedFrom != nil && logical?.convertedFrom?.sqliteType == before.type.uppercased()
            plan.conversions.append(.init(table: new.name, column: c.name, fromType: before.type, toType: c.type, isDeclared: declared))
            if !declared {
                let from = oldLogical?.type.name ?? before.type.lowercased()
                plan.problems.append("table \(new.name): column \(c.name): changing its type from \(from) to \(logical?.type.name ?? c.type.lowercased()) can change stored values; declare @convert(from: \(from)) on the column to convert them")
            }
        }
        let dropped = old.columns.filter { c in new.column(named: c.name) == nil }
        let losesCounter = old.hasAutoincrement && !new.hasAutoincrement
        let cols = kept.map { q($0.name) }.joined(separator: ", ")
        var statements = [SQLRenderer.createTable(tempTable)]
        if !kept.isEmpty {
            // A hidden rowid is copied too: a rebuild keeps every row's rowid.
            let rowid = new.rowidAlias == nil && !new.withoutRowid && !old.withoutRowid ? "rowid, " : ""
            statements.append("INSERT INTO \(q(temp)) (\(rowid)\(cols)) SELECT \(rowid)\(cols) FROM \(q(old.name))")
        }
        if old.hasAutoincrement && new.hasAutoincrement {
            // Keep the counter: deleted ids are never reused.
            let oldName = SQLName.stringLiteral(old.name), tempName = SQLName.stringLiteral(temp)
            statements.append("UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = \(oldName))) WHERE name = \(tempName) AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = \(oldName))")
            statements.append("INSERT INTO sqlite_sequence (name, seq) SELECT \(tempName), seq FROM sqlite_sequence WHERE name = \(oldName) AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = \(tempName))")
        }
        statements.append(SQLRenderer.dropTable(old.name))
        statements.append(SQLRenderer.renameTable(temp, to: new.name))
        statements += new.indexes.map(SQLRenderer.createIndex)
        var losses: [String] = []
        if !dropped.isEmpty { losses.append("dropping column\(dropped.count == 1 ? "" : "s") \(dropped.map(\.name).joined(separator: ", "))") }
        if losesCounter { losses.append("dropping its AUTOINCREMENT counter") }
        return .init(kind: .rebuildTable, table: new.name,
                     summary: "rebuild table \(new.name)" + (losses.isEmpty ? "" : ", " + losses.joined(separator: " and ")),
                     statements: statements, losesData: !losses.isEmpty,
                     dropped: dropped.map { "\(new.name).\($0.name)".lowercased() } + (losesCounter ? ["\(new.name).autoincrement".lowercased()] : []))
    }

    // MARK: The database

    /// How the database differs from what `schema` describes (its tables only; tables, triggers and
    /// views the schema does not describe are the database's own), one readable line each, e.g.
    /// `table app_note: CHECK (length(body) > 0) is missing`. Empty when every table of the schema
    /// is there exactly as the schema's DDL creates it.
    public static func differences(_ db: Database, from schema: Schema) throws(SchemaDatabaseError) -> [String] {
        let expected = DDLEmitter.sqlSchema(schema)
        let actual = try Introspector.schema(of: db, tables: expected.tables.map(\.name))
        return SQLDifference.lines(expected: expected, actual: actual)
    }

    /// The first difference, or nil (kept for callers of the older API).
    public static func difference(_ db: Database, from schema: Schema) throws(SchemaDatabaseError) -> String? {
        try differences(db, from: schema).first
    }

    /// Everything that can refuse the change, checked before anything is written: the plan's
    /// problems, data loss, the recorded version, drift from `old`, and each type conversion
    /// against every stored row.
    public static func check(_ plan: EvolutionPlan, from old: Schema, to new: Schema, in db: Database, allowDataLoss: Bool) throws(SchemaDatabaseError) -> EvolutionCheck {
        var check = EvolutionCheck()
        let recorded = try SchemaVersion.read(db)
        if recorded != 0 && recorded != old.version {
            throw SchemaDatabaseError("the database records version \(recorded), not version \(old.version) of \(old.name)")
        }
        let drift = try differences(db, from: old)
        if !drift.isEmpty {
            throw SchemaDatabaseError("the database is not at version \(old.version) of \(old.name):\n  " + drift.joined(separator: "\n  "))
        }
        var refusals = plan.problems
        for c in plan.conversions {
            let r = try conversionRows(c, in: db)
            if !r.unfit.isEmpty {
                refusals.append("table \(c.table): column \(c.column): \(r.unfitCount) stored value\(r.unfitCount == 1 ? "" : "s") would not become \(c.toType): \(r.unfit.joined(separator: ", "))\(r.unfitCount > r.unfit.count ? ", …" : "")")
            }
            if !r.changed.isEmpty {
                let line = "table \(c.table): column \(c.column): converting \(c.fromType) to \(c.toType) changes \(r.changedCount) stored value\(r.changedCount == 1 ? "" : "s"): \(r.changed.joined(separator: ", "))\(r.changedCount > r.changed.count ? ", …" : "")"
                if c.isDeclared { check.notes.append(line) } else { refusals.append(line) }
            }
        }
        if !refusals.isEmpty { throw SchemaDatabaseError(refusals.joined(separator: "\nerror: ")) }
        if plan.losesData && !allowDataLoss {
            let lossy = plan.steps.filter(\.losesData).map(\.summary)
            throw SchemaDatabaseError("this change loses data (\(lossy.joined(separator: "; "))); review `schemagen evolve` without --database and pass --allow-data-loss")
        }
        if plan.needsRebuild {
            let objects = try Introspector.schema(of: db, tables: [])
            for t in objects.triggers { check.notes.append("trigger \(t.name) is recreated") }
            for v in objects.views { check.notes.append("view \(v.name) is recreated") }
        }
        return check
    }

    struct ConversionRows {
        var changed: [String] = [], changedCount = 0
        var unfit: [String] = [], unfitCount = 0
    }

    /// Every stored value of a converted column, stored as the new column would store it (a probe
    /// table with the new declared type in an attached in-memory database), compared with `IS` and
    /// `typeof`: the rows whose value would change, and those whose value would not be of the new type.
    static func conversionRows(_ c: EvolutionPlan.Conversion, in db: Database) throws(SchemaDatabaseError) -> ConversionRows {
        let probe = "schemagen_probe"
        let col = q(c.column), table = "main.\(q(c.table))"
        let storage: String
        switch c.toType.uppercased() {
        case "INTEGER": storage = "'integer'"
        case "REAL": storage = "'real'"
        case "TEXT": storage = "'text'"
        case "BLOB": storage = "'blob'"
        default: storage = "typeof(p.v)"
        }
        return try dbTool(db, "checking the conversion of \(c.table).\(c.column)") { () throws(DatabaseError) -> ConversionRows in
            try db.execute("ATTACH ':memory:' AS \(probe)")
            defer { try? db.execute("DETACH \(probe)") }
            try db.execute("CREATE TABLE \(probe).p (rid INTEGER PRIMARY KEY, v \(c.toType))")
            try db.execute("INSERT INTO \(probe).p (rid, v) SELECT rowid, \(col) FROM \(table)")
            func list(_ condition: String) throws(DatabaseError) -> ([String], Int) {
                let sql = "SELECT t.rowid, quote(t.\(col)), quote(p.v), typeof(p.v), count(*) OVER () FROM \(table) t JOIN \(probe).p p ON p.rid = t.rowid WHERE \(condition) ORDER BY t.rowid LIMIT 5"
                return try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> ([String], Int) in
                    var rows: [String] = []
                    var count = 0
                    while try s.step() {
                        rows.append("rowid \(try s.int64(0)) \(shown(try s.text(1))) → \(shown(try s.text(2))) (\(try s.text(3)))")
                        count = try s.int(4)
                    }
                    return (rows, count)
                }
            }
            var r = ConversionRows()
            (r.changed, r.changedCount) = try list("NOT (p.v IS t.\(col) AND typeof(p.v) = typeof(t.\(col)))")
            (r.unfit, r.unfitCount) = try list("p.v IS NOT NULL AND typeof(p.v) <> \(storage)")
            return r
        }
    }

    /// A stored value as an error line shows it: at most 60 characters, control characters escaped.
    static func shown(_ quoted: String) -> String {
        var out = ""
        var count = 0
        for scalar in quoted.unicodeScalars {
            if count == 60 { return out + "…" }
            count += 1
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00...0x1F, 0x7F, 0x85, 0x2028, 0x2029: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func dbTool<R>(_ db: Database, _ what: String, _ body: () throws(DatabaseError) -> R) throws(SchemaDatabaseError) -> R {
        do throws(DatabaseError) { return try body() } catch { throw SchemaDatabaseError(error, doing: what) }
    }

    /// Applies a plan to a database in one transaction, after `check`. After the steps it recreates
    /// the database's triggers and views (when a table was rebuilt), checks `foreign_key_check` and
    /// the new schema's tables, records the version, and rolls everything back on any difference or
    /// error. Returns what `check` found.
    @discardableResult
    public static func apply(_ plan: EvolutionPlan, from old: Schema, to new: Schema, to db: Database, allowDataLoss: Bool) throws(SchemaDatabaseError) -> EvolutionCheck {
        let check = try check(plan, from: old, to: new, in: db, allowDataLoss: allowDataLoss)
        try apply(plan, to: new, in: db, checked: check)
        return check
    }

    /// Applies a plan that `check` passed on this database (the caller wrote its backup in between).
    public static func apply(_ plan: EvolutionPlan, to new: Schema, in db: Database, checked check: EvolutionCheck) throws(SchemaDatabaseError) {
        if plan.isEmpty, try SchemaVersion.read(db) == new.version { return }
        let versionSQL = try SchemaVersion.statement(new.version)
        // Triggers and views are dropped before a rebuild (a RENAME checks every one of them) and
        // recreated after it, in their original order.
        let objects = plan.needsRebuild ? try Introspector.triggersAndViews(of: db) : []
        if plan.needsRebuild { try dbTool(db, "turning foreign keys off for the rebuild") { () throws(DatabaseError) in try db.execute("PRAGMA foreign_keys = OFF") } }
        defer { if plan.needsRebuild { try? db.execute("PRAGMA foreign_keys = ON") } }
        do {
            try db.transaction { db in
                for o in objects.reversed() {
                    try run(db, o.kind == "view" ? SQLRenderer.dropView(o.name) : SQLRenderer.dropTrigger(o.name), doing: "dropping \(o.kind) \(o.name) for the rebuild")
                }
                for step in plan.steps {
                    let rows = step.kind == .rebuildTable ? try count(db, step.table) : nil
                    for sql in step.statements { try run(db, sql, doing: "\(step.summary) failed") }
                    if let rows, try count(db, step.table) != rows {
                        throw SchemaDatabaseError("\(step.summary) would not keep every row (\(rows) before, \(try count(db, step.table)) after); nothing was changed")
                    }
                }
                for o in objects {
                    do throws(DatabaseError) { try db.execute(o.sql) } catch {
                        throw SchemaDatabaseError("the rebuild would lose \(o.kind) \(o.name): \(error.message); nothing was changed", sql: o.sql)
                    }
                }
                // CREATE TRIGGER and CREATE VIEW do not resolve names; a RENAME checks every trigger and
                // view that reads the table, so one is tried and undone for each rebuilt table.
                for table in plan.rebuiltTables where !objects.isEmpty {
                    let probe = SQLRenderer.renameTable(table, to: "_schemagen_check_\(table)")
                    try run(db, "SAVEPOINT schemagen_check", doing: "checking the triggers and views")
                    do throws(DatabaseError) { try db.execute(probe) } catch {
                        throw SchemaDatabaseError("the rebuild of \(table) would lose what it does not keep — \(error.message); nothing was changed")
                    }
                    try run(db, "ROLLBACK TO schemagen_check", doing: "checking the triggers and views")
                    try run(db, "RELEASE schemagen_check", doing: "checking the triggers and views")
                }
                let fk = try ForeignKeyCheck.violations(in: db)
                if fk.count > 0 {
                    throw SchemaDatabaseError("the evolved database has \(fk.count) foreign key violation(s) (\(fk.first.map(\.description).joined(separator: ", "))); nothing was changed")
                }
                let after = try differences(db, from: new)
                if !after.isEmpty { throw SchemaDatabaseError("after evolving, \(after.joined(separator: "; ")); nothing was changed") }
                try run(db, versionSQL, doing: "recording version \(new.version)")
            }
        } catch let e as SchemaDatabaseError {
            throw e
        } catch let e as DatabaseError {
            throw SchemaDatabaseError(e, doing: "evolving to version \(new.version)")
        } catch {
            throw SchemaDatabaseError("\(error)")
        }
    }

    static func count(_ db: Database, _ table: String) throws(SchemaDatabaseError) -> Int64 {
        try dbTool(db, "counting the rows of \(table)") { () throws(DatabaseError) -> Int64 in
            try db.withStatement(sql: "SELECT count(*) FROM \(q(table))") { (s: borrowing Statement) throws(DatabaseError) -> Int64 in
                _ = try s.step()
                return try s.int64(0)
            }
        }
    }

    static func run(_ db: Database, _ sql: String, doing what: String) throws(SchemaDatabaseError) {
        do throws(DatabaseError) { try db.execute(sql) } catch {
            throw SchemaDatabaseError("\(what): \(error.message)", sql: sql)
        }
    }
}
