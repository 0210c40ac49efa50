import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemaSQL

/// `@renamed(from: old_name)` on a table or a column (never inferred from similarity): the planner
/// renames with `ALTER TABLE … RENAME TO` / `RENAME COLUMN … TO`, which keeps every row, rowid and
/// value and which SQLite applies to the foreign keys, indexes, triggers and views naming it, then
/// diffs the renamed old version against the new one as usual. The attribute only matters while
/// the old name is there: in later versions (old name gone, new name present) it is ignored.
public enum Renames {
    /// A rename whose source does not exist in the previous version, located at the attribute.
    public struct Problem: Sendable, Hashable {
        public var message: String
        public var range: SourceRange?
    }

    public struct Result: Sendable {
        /// The rename steps, tables first.
        public var steps: [EvolutionPlan.Step] = []
        public var problems: [Problem] = []
        /// The old schema with the renames applied (tables and columns under their new names).
        public var old: Schema
        /// Its tables as SQL model values, by lowercased (new) name, references renamed as SQLite renames them.
        public var oldSQL: [String: SQLTable] = [:]
    }

    public static func apply(from old: Schema, to new: Schema) -> Result {
        var result = Result(old: old)
        var oldByName = old.tablesByName
        var sql: [String: SQLTable] = [:]
        for t in old.tables where sql[t.name.lowercased()] == nil { sql[t.name.lowercased()] = DDLEmitter.sqlTable(t) }
        let newNames = Set(new.tables.map { $0.name.lowercased() })
        var tableRenames: [String: String] = [:] // old lowercased -> new name

        for t in new.tables {
            guard let from = t.renamedFrom else { continue }
            let key = from.lowercased(), target = t.name.lowercased()
            if oldByName[target] != nil, key != target { continue } // renamed in an earlier version
            guard var table = oldByName[key], var value = sql[key] else {
                result.problems.append(Problem(message: "table \(t.name): @renamed(from: \(from)): version \(old.version) has no table \(from)", range: t.renamedFromRange))
                continue
            }
            if newNames.contains(key) {
                result.problems.append(Problem(message: "table \(t.name): @renamed(from: \(from)): version \(new.version) still has a table \(from)", range: t.renamedFromRange))
                continue
            }
            result.steps.append(.init(kind: .renameTable, table: t.name, summary: "rename table \(table.name) to \(t.name)",
                                      statements: [SQLRenderer.renameTable(table.name, to: t.name)], losesData: false))
            oldByName[key] = nil
            sql[key] = nil
            table.name = t.name
            value.name = t.name
            value.indexes = value.indexes.map { var i = $0; i.table = t.name; return i }
            oldByName[target] = table
            sql[target] = value
            tableRenames[key] = t.name
        }
        // SQLite rewrites the references to a renamed table.
        for (k, var v) in sql {
            v.columns = v.columns.map { c in
                var c = c
                if let r = c.references, let to = tableRenames[r.table.lowercased()] { c.references?.table = to }
                return c
            }
            v.foreignKeys = v.foreignKeys.map { f in
                var f = f
                if let to = tableRenames[f.reference.table.lowercased()] { f.reference.table = to }
                return f
            }
            sql[k] = v
        }

        for t in new.tables {
            let key = t.name.lowercased()
            for c in t.columns {
                guard let from = c.renamedFrom else { continue }
                guard var table = oldByName[key], var value = sql[key] else {
                    result.problems.append(Problem(message: "table \(t.name): column \(c.name): @renamed(from: \(from)): version \(old.version) has no table \(t.name)", range: c.renamedFromRange))
                    continue
                }
                if table.columns.contains(where: { $0.name.lowercased() == c.name.lowercased() }), from.lowercased() != c.name.lowercased() { continue }
                guard let index = table.columns.firstIndex(where: { $0.name.lowercased() == from.lowercased() }) else {
                    result.problems.append(Problem(message: "table \(t.name): column \(c.name): @renamed(from: \(from)): version \(old.version) of \(t.name) has no column \(from)", range: c.renamedFromRange))
                    continue
                }
                if t.columns.contains(where: { $0.name.lowercased() == from.lowercased() }) {
                    result.problems.append(Problem(message: "table \(t.name): column \(c.name): @renamed(from: \(from)): version \(new.version) still has a column \(from)", range: c.renamedFromRange))
                    continue
                }
                let oldName = table.columns[index].name
                result.steps.append(.init(kind: .renameColumn, table: t.name, summary: "rename column \(t.name).\(oldName) to \(c.name)",
                                          statements: ["ALTER TABLE \(SQLName.quoted(t.name)) RENAME COLUMN \(SQLName.quoted(oldName)) TO \(SQLName.quoted(c.name))"],
                                          losesData: false))
                table.columns[index].name = c.name
                func same(_ n: String) -> Bool { n.lowercased() == oldName.lowercased() }
                func rename(_ n: String) -> String { same(n) ? c.name : n }
                value.columns = value.columns.map { col in var col = col; if same(col.name) { col.name = c.name }; return col }
                value.primaryKey = value.primaryKey?.map(rename)
                value.uniques = value.uniques.map { $0.map(rename) }
                value.foreignKeys = value.foreignKeys.map { f in var f = f; f.columns = f.columns.map(rename); return f }
                value.indexes = value.indexes.map { i in
                    var i = i
                    i.columns = i.columns.map { ic in var ic = ic; ic.name = rename(ic.name); return ic }
                    return i
                }
                oldByName[key] = table
                sql[key] = value
                // References from other tables to the renamed column.
                for (k, var other) in sql {
                    other.columns = other.columns.map { col in
                        var col = col
                        if let r = col.references, r.table.lowercased() == key { col.references?.columns = r.columns.map(rename) }
                        return col
                    }
                    other.foreignKeys = other.foreignKeys.map { f in
                        var f = f
                        if f.reference.table.lowercased() == key { f.reference.columns = f.reference.columns.map(rename) }
                        return f
                    }
                    sql[k] = other
                }
            }
        }
        result.old.tables = old.tables.compactMap { t in
            let key = t.name.lowercased()
            if let to = tableRenames[key] { return oldByName[to.lowercased()] }
            return oldByName[key]
        }
        result.oldSQL = sql
        return result
    }
}
