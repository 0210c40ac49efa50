import Foundation
import SchemaModel
import SchemaEmit
import SchemagenRuntime

/// Evolving a database from one version of a schema file to the next: the changes between two
/// resolved schemas as SQLite statements, and applying them in one transaction.
///
/// Each changed table gets the cheapest change SQLite supports without losing rows:
/// * a new table or index: `CREATE`; a removed index: `DROP INDEX`;
/// * columns only appended, each nullable or with a constant default and no key: `ALTER TABLE … ADD COLUMN`;
/// * columns only removed that no key, index or check uses: `ALTER TABLE … DROP COLUMN` (data loss);
/// * anything else (a type, nullability, default, key or constraint changed, columns reordered):
///   the table is rebuilt — created under a temporary name, rows copied by column name, the old
///   table dropped, the new one renamed and its indexes recreated (SQLite's documented procedure,
///   with foreign keys off during the transaction and `foreign_key_check` before commit).
/// Removing a table or a column loses data and is refused unless allowed explicitly.
public struct EvolutionPlan: Sendable {
    public struct Step: Sendable, Hashable {
        public enum Kind: String, Sendable { case createTable, dropTable, addColumns, dropColumns, rebuildTable, createIndex, dropIndex }
        public var kind: Kind
        public var table: String
        public var summary: String
        public var statements: [String]
        /// True when the step removes stored values (a dropped table or column).
        public var losesData: Bool
    }

    public var fromVersion: Int
    public var toVersion: Int
    public var steps: [Step]
    /// Changes that cannot be made safely (e.g. a new NOT NULL column without a default).
    public var problems: [String]

    public var isEmpty: Bool { steps.isEmpty }
    public var needsRebuild: Bool { steps.contains { $0.kind == .rebuildTable } }
    public var losesData: Bool { steps.contains(where: \.losesData) }

    /// The whole change as a reviewable script (what `apply` runs, plus the transaction and pragmas).
    public var script: String {
        var out = "-- schemagen evolve: version \(fromVersion) -> \(toVersion)\n"
        if needsRebuild { out += "PRAGMA foreign_keys = OFF;\n" }
        out += "BEGIN IMMEDIATE;\n"
        for s in steps {
            out += "\n-- \(SQLIdentifier.commentText(s.summary))\(s.losesData ? " (LOSES DATA)" : "")\n"
            out += s.statements.map { $0 + ";" }.joined(separator: "\n") + "\n"
        }
        if needsRebuild { out += "\nPRAGMA foreign_key_check;\n" }
        out += "PRAGMA user_version = \(toVersion);\nCOMMIT;\n"
        if needsRebuild { out += "PRAGMA foreign_keys = ON;\n" }
        return out
    }
}

public struct EvolutionError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { "error: \(message)" }
    public init(_ message: String) { self.message = message }
}

public enum SchemaEvolution {
    static func q(_ s: String) -> String { SQLIdentifier.quoted(s) }

    /// The steps that turn a database of `old` into one of `new`.
    public static func plan(from old: Schema, to new: Schema) -> EvolutionPlan {
        var plan = EvolutionPlan(fromVersion: old.version, toVersion: new.version, steps: [], problems: [])
        let oldTables = old.tablesByName
        let newTables = new.tablesByName

        for t in new.tablesInDependencyOrder {
            guard let before = oldTables[t.name.lowercased()] else {
                plan.steps.append(.init(kind: .createTable, table: t.name, summary: "create table \(t.name)",
                                        statements: DDLEmitter.statements(for: t), losesData: false))
                continue
            }
            plan.steps += tableSteps(before, t, problems: &plan.problems)
        }
        for t in old.tables where newTables[t.name.lowercased()] == nil {
            plan.steps.append(.init(kind: .dropTable, table: t.name, summary: "drop table \(t.name)",
                                    statements: ["DROP TABLE \(q(t.name))"], losesData: true))
        }
        if !plan.steps.isEmpty && new.version <= old.version {
            plan.problems.append("the schema changed but its version did not increase (\(old.version) -> \(new.version)); raise 'version' in the header")
        }
        return plan
    }

    static func definitions(_ t: Table) -> [String: String] {
        Dictionary(t.columns.map { ($0.name.lowercased(), DDLEmitter.columnDefinition($0, in: t)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Everything in CREATE TABLE apart from the column definitions.
    static func tableConstraints(_ t: Table) -> [String] {
        let ddl = DDLEmitter.createTable(t, comments: false)
        let defs = Set(t.columns.map { DDLEmitter.columnDefinition($0, in: t) })
        return ddl.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " ,")) }
            .filter { !$0.hasPrefix("CREATE TABLE") && $0 != ");" && !defs.contains($0) }
    }

    static func tableSteps(_ old: Table, _ new: Table, problems: inout [String]) -> [EvolutionPlan.Step] {
        let oldDDL = DDLEmitter.createTable(old, comments: false)
        let newDDL = DDLEmitter.createTable(new, comments: false)
        var steps: [EvolutionPlan.Step] = []
        let oldIndexes = Dictionary(old.indexes.map { ($0.name.lowercased(), DDLEmitter.createIndex($0, on: old)) }, uniquingKeysWith: { a, _ in a })
        let newIndexes = Dictionary(new.indexes.map { ($0.name.lowercased(), DDLEmitter.createIndex($0, on: new)) }, uniquingKeysWith: { a, _ in a })

        if oldDDL != newDDL {
            let oldCols = old.columns.map { DDLEmitter.columnDefinition($0, in: old) }
            let newCols = new.columns.map { DDLEmitter.columnDefinition($0, in: new) }
            let sameConstraints = tableConstraints(old) == tableConstraints(new)
            if sameConstraints, newCols.count > oldCols.count, Array(newCols.prefix(oldCols.count)) == oldCols,
               new.columns.dropFirst(oldCols.count).allSatisfy({ canAdd($0, in: new) }) {
                let added = new.columns.dropFirst(oldCols.count)
                steps.append(.init(kind: .addColumns, table: new.name,
                                   summary: "add column\(added.count == 1 ? "" : "s") \(added.map(\.name).joined(separator: ", ")) to \(new.name)",
                                   statements: added.map { "ALTER TABLE \(q(new.name)) ADD COLUMN \(DDLEmitter.columnDefinition($0, in: new))" },
                                   losesData: false))
            } else if sameConstraints, newCols.count < oldCols.count, oldCols.filter({ newCols.contains($0) }) == newCols,
                      case let removed = old.columns.filter({ !newCols.contains(DDLEmitter.columnDefinition($0, in: old)) }),
                      removed.allSatisfy({ canDrop($0, from: old) }) {
                steps.append(.init(kind: .dropColumns, table: new.name,
                                   summary: "drop column\(removed.count == 1 ? "" : "s") \(removed.map(\.name).joined(separator: ", ")) from \(new.name)",
                                   statements: removed.map { "ALTER TABLE \(q(new.name)) DROP COLUMN \(q($0.name))" },
                                   losesData: true))
            } else {
                steps.append(rebuild(old, new, problems: &problems))
                return steps // a rebuild recreates every index
            }
        }
        for (name, sql) in oldIndexes.sorted(by: { $0.key < $1.key }) where newIndexes[name] != sql {
            steps.append(.init(kind: .dropIndex, table: new.name, summary: "drop index \(name)",
                               statements: ["DROP INDEX \(q(name))"], losesData: false))
        }
        for index in new.indexes where oldIndexes[index.name.lowercased()] != newIndexes[index.name.lowercased()] {
            steps.append(.init(kind: .createIndex, table: new.name, summary: "create index \(index.name)",
                               statements: [DDLEmitter.createIndex(index, on: new).trimmingSemicolon()], losesData: false))
        }
        return steps
    }

    /// SQLite's ALTER TABLE ADD COLUMN rules: no PRIMARY KEY or UNIQUE, a constant default,
    /// NOT NULL only with a non-NULL default, REFERENCES only with a NULL default.
    static func canAdd(_ c: Column, in t: Table) -> Bool {
        if c.isPrimaryKey || c.isUnique { return false }
        if case .expression? = c.defaultValue { return false }
        if !c.isNullable && (c.defaultValue == nil || c.defaultValue == .null) { return false }
        if t.foreignKeys.contains(where: { $0.isColumnLevel && $0.columns == [c.name] }) && c.defaultValue != nil && c.defaultValue != .null { return false }
        return true
    }

    /// SQLite's ALTER TABLE DROP COLUMN rules: not in a key, an index, a foreign key or a check.
    static func canDrop(_ c: Column, from t: Table) -> Bool {
        let n = c.name.lowercased()
        if t.primaryKey.map({ $0.lowercased() }).contains(n) || c.isUnique || !c.checks.isEmpty { return false }
        if t.uniqueConstraints.contains(where: { $0.columns.map { $0.lowercased() }.contains(n) }) { return false }
        if t.indexes.contains(where: { i in i.columns.contains { $0.name.lowercased() == n } || (i.whereClause?.lowercased().contains(n) ?? false) }) { return false }
        if t.foreignKeys.contains(where: { $0.columns.map { $0.lowercased() }.contains(n) }) { return false }
        if t.checks.contains(where: { $0.lowercased().contains(n) }) { return false }
        return true
    }

    static func rebuild(_ old: Table, _ new: Table, problems: inout [String]) -> EvolutionPlan.Step {
        let temp = "_schemagen_new_\(new.name)"
        var tempTable = new
        tempTable.name = temp
        let oldNames = Set(old.columns.map { $0.name.lowercased() })
        let kept = new.columns.filter { oldNames.contains($0.name.lowercased()) }
        for c in new.columns where !oldNames.contains(c.name.lowercased()) && !c.isNullable && c.defaultValue == nil && !(c.isPrimaryKey && new.rowidAlias?.name == c.name) {
            problems.append("table \(new.name): new column '\(c.name)' is NOT NULL without a default, so existing rows have no value for it; give it a default or make it optional")
        }
        let dropped = old.columns.filter { c in !new.columns.contains { $0.name.lowercased() == c.name.lowercased() } }
        let cols = kept.map { q($0.name) }.joined(separator: ", ")
        var statements = [DDLEmitter.createTable(tempTable, comments: false).trimmingSemicolon()]
        if !kept.isEmpty {
            statements.append("INSERT INTO \(q(temp)) (\(cols)) SELECT \(cols) FROM \(q(old.name))")
        }
        statements.append("DROP TABLE \(q(old.name))")
        statements.append("ALTER TABLE \(q(temp)) RENAME TO \(q(new.name))")
        statements += new.indexes.map { DDLEmitter.createIndex($0, on: new).trimmingSemicolon() }
        return .init(kind: .rebuildTable, table: new.name,
                     summary: "rebuild table \(new.name)" + (dropped.isEmpty ? "" : ", dropping column\(dropped.count == 1 ? "" : "s") \(dropped.map(\.name).joined(separator: ", "))"),
                     statements: statements, losesData: !dropped.isEmpty)
    }

    /// How the database differs from what `schema`'s DDL creates (its tables only; other tables
    /// are ignored), or nil when every table of the schema is there exactly as SQLite would create it.
    public static func difference(_ db: Database, from schema: Schema) throws(DatabaseError) -> String? {
        let script = schema.tablesInDependencyOrder.map { DDLEmitter.statements(for: $0).joined(separator: ";\n") + ";" }.joined(separator: "\n")
        let expected = try SchemaIntrospection.structure(ofScript: script)
        let actual = try SchemaIntrospection.structure(of: db, tables: Array(expected.keys))
        for (table, lines) in expected.sorted(by: { $0.key < $1.key }) where actual[table] != lines {
            return actual[table] == nil ? "the database has no table \(table)" : "table \(table) in the database differs from the schema"
        }
        return nil
    }

    /// Applies a plan to a database in one transaction. Before anything changes it checks that the
    /// database has exactly the old schema's tables (as SQLite reports them); after the steps it
    /// checks the new schema's tables the same way and `foreign_key_check`, and rolls everything
    /// back on any difference or error.
    public static func apply(_ plan: EvolutionPlan, from old: Schema, to new: Schema, to db: Database, allowDataLoss: Bool) throws {
        if !plan.problems.isEmpty { throw EvolutionError(plan.problems.joined(separator: "\n")) }
        if plan.losesData && !allowDataLoss {
            let lossy = plan.steps.filter(\.losesData).map(\.summary)
            throw EvolutionError("this change loses data (\(lossy.joined(separator: "; "))); review `schemagen evolve` without --database and pass --allow-data-loss")
        }
        if let difference = try difference(db, from: old) {
            throw EvolutionError("\(difference); it is not at version \(old.version) of \(old.name)")
        }
        if plan.isEmpty { return }
        if plan.needsRebuild { try db.execute("PRAGMA foreign_keys = OFF") }
        defer { if plan.needsRebuild { try? db.execute("PRAGMA foreign_keys = ON") } }
        try db.transaction { db in
            for step in plan.steps {
                for sql in step.statements {
                    do throws(DatabaseError) { try db.execute(sql) } catch {
                        throw EvolutionError("\(step.summary) failed: \(error.message) — while executing: \(sql)")
                    }
                }
            }
            let violations = try db.withStatement("SELECT count(*) FROM pragma_foreign_key_check") { (s: borrowing Statement) throws(DatabaseError) -> Int64 in
                _ = try s.step()
                return try s.int64(0)
            }
            if violations > 0 { throw EvolutionError("the evolved database has \(violations) foreign key violation(s); nothing was changed") }
            if let difference = try difference(db, from: new) {
                throw EvolutionError("after evolving, \(difference); nothing was changed")
            }
            try db.execute("PRAGMA user_version = \(new.version)")
        }
    }
}

extension String {
    func trimmingSemicolon() -> String { hasSuffix(";") ? String(dropLast()) : self }
}
