/// The one renderer from SQL model values to SQLite DDL text. Statements carry no trailing `;`.
/// Names are quoted only where SQLite needs it (`SQLName.quoted`).
public enum SQLRenderer {
    static func q(_ name: String) -> String { SQLName.quoted(name) }

    /// `CREATE TABLE name (\n    column,\n    constraint\n)`, one definition per line.
    public static func createTable(_ table: SQLTable) -> String {
        var parts = table.columns.map(columnDefinition)
        func named(_ kind: SQLConstraintName.Kind, _ i: Int) -> String { table.constraintName(kind, i).map { "CONSTRAINT \(q($0)) " } ?? "" }
        if let pk = table.primaryKey { parts.append(named(.primaryKey, 0) + "PRIMARY KEY (\(pk.map(q).joined(separator: ", ")))") }
        for (i, u) in table.uniques.enumerated() { parts.append(named(.unique, i) + "UNIQUE (\(u.map(q).joined(separator: ", ")))") }
        for (i, check) in table.checks.enumerated() { parts.append(named(.check, i) + "CHECK (\(check))") }
        for (i, fk) in table.foreignKeys.enumerated() {
            parts.append(named(.foreignKey, i) + "FOREIGN KEY (\(fk.columns.map(q).joined(separator: ", "))) " + references(fk.reference))
        }
        var out = "CREATE TABLE \(q(table.name)) (\n"
        out += parts.map { "    " + $0 }.joined(separator: ",\n")
        out += "\n)"
        let options = (table.withoutRowid ? ["WITHOUT ROWID"] : []) + (table.strict ? ["STRICT"] : [])
        if !options.isEmpty { out += " " + options.joined(separator: ", ") }
        return out
    }

    /// One column's definition as it appears in CREATE TABLE (and ALTER TABLE ADD COLUMN).
    public static func columnDefinition(_ c: SQLColumn) -> String {
        var s = q(c.name)
        if !c.type.isEmpty { s += " " + c.type }
        if let pk = c.primaryKey {
            s += " PRIMARY KEY"
            if let order = pk.order { s += " " + order.rawValue }
            if pk.autoincrement { s += " AUTOINCREMENT" }
        }
        if c.notNull { s += " NOT NULL" }
        if c.unique { s += " UNIQUE" }
        if let d = c.defaultValue { s += " DEFAULT " + defaultText(d) }
        if let coll = c.collation { s += " COLLATE \(q(coll))" }
        for check in c.checks { s += " CHECK (\(check))" }
        if let ref = c.references { s += " " + references(ref) }
        if let g = c.generated { s += " GENERATED ALWAYS AS (\(g.expression)) " + (g.stored ? "STORED" : "VIRTUAL") }
        return s
    }

    public static func defaultText(_ d: SQLDefault) -> String {
        switch d {
        case .literal(let s): return s
        case .expression(let e): return "(\(e))"
        }
    }

    public static func references(_ r: SQLReference) -> String {
        var s = "REFERENCES \(q(r.table))"
        if !r.columns.isEmpty { s += "(\(r.columns.map(q).joined(separator: ", ")))" }
        if let a = r.onDelete { s += " ON DELETE \(a.rawValue)" }
        if let a = r.onUpdate { s += " ON UPDATE \(a.rawValue)" }
        if let d = r.deferrable { s += " " + d.rawValue }
        return s
    }

    public static func createIndex(_ index: SQLIndex) -> String {
        let cols = index.columns.map { c -> String in
            var s = c.expression ?? q(c.name)
            if let coll = c.collation { s += " COLLATE \(q(coll))" }
            if let order = c.order { s += " " + order.rawValue }
            return s
        }
        var s = "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(q(index.name)) ON \(q(index.table)) (\(cols.joined(separator: ", ")))"
        if let w = index.whereClause { s += " WHERE \(w)" }
        return s
    }

    public static func createVirtualTable(_ v: SQLVirtualTable) -> String {
        "CREATE VIRTUAL TABLE \(q(v.name)) USING \(v.module)" + (v.arguments.map { "(\($0))" } ?? "")
    }

    /// The statements creating a table and its indexes.
    public static func statements(for table: SQLTable) -> [String] {
        [createTable(table)] + table.indexes.map(createIndex)
    }

    /// Every statement of a schema: tables (each followed by its indexes), views, triggers.
    public static func statements(for schema: SQLSchema) -> [String] {
        schema.tables.flatMap(statements(for:)) + schema.virtualTables.map(createVirtualTable) + schema.views.map(\.sql) + schema.triggers.map(\.sql)
    }

    public static func dropTable(_ name: String) -> String { "DROP TABLE \(q(name))" }
    public static func dropIndex(_ name: String) -> String { "DROP INDEX \(q(name))" }
    public static func dropView(_ name: String) -> String { "DROP VIEW \(q(name))" }
    public static func dropTrigger(_ name: String) -> String { "DROP TRIGGER \(q(name))" }
    public static func addColumn(_ c: SQLColumn, to table: String) -> String { "ALTER TABLE \(q(table)) ADD COLUMN \(columnDefinition(c))" }
    public static func dropColumn(_ c: String, from table: String) -> String { "ALTER TABLE \(q(table)) DROP COLUMN \(q(c))" }
    public static func renameTable(_ from: String, to: String) -> String { "ALTER TABLE \(q(from)) RENAME TO \(q(to))" }
}
