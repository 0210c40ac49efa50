import SchemagenRuntime

/// The structure SQLite reports for tables: per table, `PRAGMA table_xinfo`,
/// `foreign_key_list`, `index_list` and `index_xinfo`, each row rendered with `quote()`, so two
/// databases can be compared exactly as SQLite sees them.
public enum SchemaIntrospection {
    public static func tableNames(in db: Database) throws(DatabaseError) -> [String] {
        try db.withStatement("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name") { (s: borrowing Statement) throws(DatabaseError) -> [String] in
            var out: [String] = []
            while try s.step() { out.append(try s.text(0)) }
            return out
        }
    }

    /// Lines describing each table (all tables when `tables` is nil), keyed by table name.
    public static func structure(of db: Database, tables: [String]? = nil) throws(DatabaseError) -> [String: [String]] {
        func rows(_ sql: String, _ arg: String) throws(DatabaseError) -> [String] {
            try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> [String] in
                s.bind(arg, at: 1)
                var out: [String] = []
                while try s.step() { out.append(try s.text(0)) }
                return out
            }
        }
        var result: [String: [String]] = [:]
        let names: [String]
        if let tables { names = tables } else { names = try tableNames(in: db) }
        for t in names {
            var lines = try rows("SELECT 'column ' || quote(cid) || ' ' || quote(name) || ' ' || quote(type) || ' notnull=' || quote(\"notnull\") || ' default=' || quote(dflt_value) || ' pk=' || quote(pk) || ' hidden=' || quote(hidden) FROM pragma_table_xinfo(?1)", t)
            if lines.isEmpty { continue } // no such table
            lines += try rows("SELECT 'fk ' || quote(id) || ' ' || quote(seq) || ' ' || quote(\"table\") || ' ' || quote(\"from\") || ' ' || quote(\"to\") || ' ' || quote(on_update) || ' ' || quote(on_delete) || ' ' || quote(\"match\") FROM pragma_foreign_key_list(?1)", t)
            let indexes = try rows("SELECT name FROM pragma_index_list(?1) ORDER BY name", t)
            lines += try rows("SELECT 'index ' || quote(name) || ' unique=' || quote(\"unique\") || ' origin=' || quote(origin) || ' partial=' || quote(partial) FROM pragma_index_list(?1) ORDER BY name", t)
            for i in indexes {
                lines += try rows("SELECT 'index-column ' || quote(?1) || ' ' || quote(seqno) || ' ' || quote(cid) || ' ' || quote(name) || ' desc=' || quote(\"desc\") || ' ' || quote(coll) || ' key=' || quote(key) FROM pragma_index_xinfo(?1)", i)
            }
            result[t] = lines
        }
        return result
    }

    /// The structure a DDL script produces, built in a scratch in-memory database.
    public static func structure(ofScript script: String, tables: [String]? = nil) throws(DatabaseError) -> [String: [String]] {
        let scratch = try Database.inMemory()
        try scratch.execute(script)
        return try structure(of: scratch, tables: tables)
    }
}
