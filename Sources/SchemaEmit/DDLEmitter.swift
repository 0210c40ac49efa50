import SchemaModel

/// Emits SQLite DDL: each table, in dependency order (referenced tables first), followed by its
/// indexes. Identifiers are quoted only where SQLite needs it; declared types, NOT NULL,
/// defaults and keys follow the logical types' SQLite mapping exactly.
public enum DDLEmitter {
    /// The whole schema as a script, with the generated-file header.
    public static func emit(_ schema: Schema) -> String {
        var out = GeneratedHeader.lines(source: GeneratedHeader.sourceName(schema.file), comment: "--")
        out += "-- Schema \(SQLIdentifier.commentText(schema.name)), version \(schema.version).\n"
        for table in schema.tablesInDependencyOrder {
            out += "\n"
            out += createTable(table)
            for index in table.indexes {
                out += createIndex(index, on: table) + "\n"
            }
        }
        return out
    }

    /// The statements for one table and its indexes, without comments (for migrations).
    public static func statements(for table: Table) -> [String] {
        [createTable(table, comments: false)] + table.indexes.map { createIndex($0, on: table) }
    }

    static func q(_ name: String) -> String { SQLIdentifier.quoted(name) }

    public static func createTable(_ table: Table, comments: Bool = true) -> String {
        var out = ""
        if comments, let doc = table.doc {
            for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "-- \(SQLIdentifier.commentText(String(line)))".trimmingTrailingSpaces() + "\n"
            }
        }
        var parts: [String] = []
        for c in table.columns {
            parts.append(columnDefinition(c, in: table))
        }
        if let pk = table.primaryKeyConstraint {
            parts.append("PRIMARY KEY (\(pk.columns.map(q).joined(separator: ", ")))")
        }
        for u in table.uniqueConstraints {
            parts.append("UNIQUE (\(u.columns.map(q).joined(separator: ", ")))")
        }
        for check in table.checks {
            parts.append("CHECK (\(check))")
        }
        for fk in table.foreignKeys where !fk.isColumnLevel {
            parts.append("FOREIGN KEY (\(fk.columns.map(q).joined(separator: ", "))) " + references(fk))
        }
        out += "CREATE TABLE \(q(table.name)) (\n"
        out += parts.map { "    " + $0 }.joined(separator: ",\n")
        out += "\n);"
        return comments ? out + "\n" : out
    }

    /// One column's definition as it appears in CREATE TABLE.
    public static func columnDefinition(_ c: Column, in table: Table) -> String {
        var s = "\(q(c.name)) \(c.type.sqliteType)"
        if c.isPrimaryKey {
            s += " PRIMARY KEY"
            if let desc = c.primaryKeyDescending { s += desc ? " DESC" : " ASC" }
            if c.isAutoincrement { s += " AUTOINCREMENT" }
        } else if !c.isNullable {
            s += " NOT NULL"
        }
        if c.isUnique { s += " UNIQUE" }
        if let d = c.defaultValue { s += " DEFAULT \(d.sql)" }
        if let coll = c.collation { s += " COLLATE \(coll)" }
        for check in c.checks { s += " CHECK (\(check))" }
        if let fk = table.foreignKeys.first(where: { $0.isColumnLevel && $0.columns == [c.name] }) { s += " " + references(fk) }
        return s
    }

    static func references(_ fk: ForeignKey) -> String {
        var s = "REFERENCES \(q(fk.referencedTable))"
        if !fk.referencedColumns.isEmpty { s += "(\(fk.referencedColumns.map(q).joined(separator: ", ")))" }
        if let a = fk.onDelete { s += " ON DELETE \(a.rawValue)" }
        if let a = fk.onUpdate { s += " ON UPDATE \(a.rawValue)" }
        return s
    }

    public static func createIndex(_ index: Index, on table: Table) -> String {
        let cols = index.columns.map { c -> String in
            var s = q(c.name)
            if let d = c.descending { s += d ? " DESC" : " ASC" }
            return s
        }
        var s = "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX \(q(index.name)) ON \(q(table.name)) (\(cols.joined(separator: ", ")))"
        if let w = index.whereClause { s += " WHERE \(w)" }
        return s + ";"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
