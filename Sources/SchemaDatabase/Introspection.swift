import SchemagenRuntime
import SchemaSQL

/// Reads a live database into SQL model values — the same values `DDLEmitter` renders — so "this
/// database is that schema" is `SQLDifference.lines(expected:actual:)`.
///
/// WITHOUT ROWID and STRICT, columns, types, NOT NULL, defaults, key positions, foreign keys and their actions, indexes and
/// their columns, orders and collations come from the PRAGMAs (`table_list`, `table_xinfo`,
/// `foreign_key_list`, `index_list`, `index_xinfo`); CHECKs, column collations, AUTOINCREMENT,
/// DEFERRABLE, generated expressions and partial-index WHERE clauses from the statements in
/// `sqlite_schema` (`StoredTableSQL`). The values come out canonical (`SQLTable.canonical`).
public enum Introspector {
    /// Every table (or only `tables`, matched case-insensitively), view and trigger of the main schema.
    public static func schema(of db: Database, tables: [String]? = nil) throws(SchemaDatabaseError) -> SQLSchema {
        try db.tool("reading the database's structure") { () throws(DatabaseError) -> SQLSchema in
            let objects = try rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            let wanted = tables.map { Set($0.map { $0.lowercased() }) }
            var schema = SQLSchema()
            for o in objects {
                guard let type = o[0], let name = o[1], let sql = o[3] else { continue }
                switch type {
                case "table" where !name.lowercased().hasPrefix("sqlite_"):
                    if let wanted, !wanted.contains(name.lowercased()) { continue }
                    let kind = try rows(db, "SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ?1", name).first?.first ?? "table"
                    if kind == "shadow" { continue }
                    if kind == "virtual" {
                        if let (module, arguments) = StoredVirtualTableSQL.parse(sql) {
                            schema.virtualTables.append(SQLVirtualTable(name: name, module: module, arguments: arguments))
                        }
                        continue
                    }
                    schema.tables.append(try table(name, sql: sql, in: db, indexSQL: objects))
                case "view": schema.views.append(SQLView(name: name, sql: sql))
                case "trigger": schema.triggers.append(SQLTrigger(name: name, table: o[2] ?? "", sql: sql))
                default: continue
                }
            }
            return schema.canonical
        }
    }

    /// A trigger or a view as the database stores it.
    public struct StoredObject: Sendable, Hashable {
        public var kind: String
        public var name: String
        public var table: String
        public var sql: String
    }

    /// The database's triggers and views in the order they were created (so each can be recreated
    /// after what it depends on).
    public static func triggersAndViews(of db: Database) throws(SchemaDatabaseError) -> [StoredObject] {
        try db.tool("reading the database's triggers and views") { () throws(DatabaseError) -> [StoredObject] in
            try rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('trigger', 'view') AND sql IS NOT NULL ORDER BY rowid").map {
                StoredObject(kind: $0[0] ?? "", name: $0[1] ?? "", table: $0[2] ?? "", sql: $0[3] ?? "")
            }
        }
    }

    /// One table, or nil when the database has none of that name.
    public static func table(_ name: String, in db: Database) throws(SchemaDatabaseError) -> SQLTable? {
        try schema(of: db, tables: [name]).tables.first
    }

    static func rows(_ db: Database, _ sql: String, _ arg: String? = nil) throws(DatabaseError) -> [[String?]] {
        try db.withStatement(sql: sql) { (s: borrowing Statement) throws(DatabaseError) -> [[String?]] in
            if let arg { s.bind(arg, at: 1) }
            var out: [[String?]] = []
            while try s.step() {
                var row: [String?] = []
                for i in 0..<s.columnCount { row.append(try s.optionalText(i)) }
                out.append(row)
            }
            return out
        }
    }

    static func table(_ name: String, sql: String, in db: Database, indexSQL objects: [[String?]]) throws(DatabaseError) -> SQLTable {
        let facts = StoredTableSQL(createTable: sql) ?? StoredTableSQL()
        let factsByName = Dictionary(facts.columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let xinfo = try rows(db, "SELECT name, type, CAST(\"notnull\" AS TEXT), dflt_value, CAST(pk AS TEXT), CAST(hidden AS TEXT) FROM pragma_table_xinfo(?1) ORDER BY cid", name)
        var columns: [SQLColumn] = []
        var pkPositions: [(Int, String)] = []
        for r in xinfo {
            let cname = r[0] ?? ""
            let hidden = Int(r[5] ?? "0") ?? 0
            if hidden == 1 { continue } // a virtual table's hidden column
            let f = factsByName[cname.lowercased()]
            var c = SQLColumn(name: cname, type: r[1] ?? "", notNull: r[2] == "1")
            if let d = r[3] { c.defaultValue = SQLDefault.looksLiteral(d) ? .literal(d) : .expression(d) }
            c.collation = f?.collation
            c.checks = f?.checks ?? []
            if let pk = Int(r[4] ?? "0"), pk > 0 {
                pkPositions.append((pk, cname))
                if !facts.hasTablePrimaryKey { c.primaryKey = SQLColumnPrimaryKey(order: f?.primaryKeyOrder, autoincrement: f?.autoincrement ?? false) }
            }
            if hidden == 2 || hidden == 3 {
                c.generated = SQLGenerated(expression: f?.generated?.expression ?? "", stored: hidden == 3)
            }
            columns.append(c)
        }
        let list = try rows(db, "SELECT CAST(wr AS TEXT), CAST(strict AS TEXT) FROM pragma_table_list WHERE schema = 'main' AND name = ?1", name).first
        var t = SQLTable(name: name, columns: columns, checks: facts.tableChecks, withoutRowid: list?[0] == "1", strict: list?[1] == "1")
        t.constraintNames = facts.constraintNames
        if facts.hasTablePrimaryKey { t.primaryKey = pkPositions.sorted { $0.0 < $1.0 }.map(\.1) }

        // Foreign keys: SQLite numbers them last-declared first.
        let fkRows = try rows(db, "SELECT CAST(id AS TEXT), \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id DESC, seq", name)
        var order: [String] = []
        var byID: [String: [[String?]]] = [:]
        for r in fkRows {
            let id = r[0] ?? ""
            if byID[id] == nil { order.append(id) }
            byID[id, default: []].append(r)
        }
        let deferrables = facts.foreignKeyDeferrables
        for (n, id) in order.enumerated() {
            let parts = byID[id] ?? []
            guard let first = parts.first else { continue }
            let to = parts.compactMap { $0[3] }
            let ref = SQLReference(table: first[1] ?? "", columns: to.count == parts.count ? to : [],
                                   onDelete: first[5].flatMap(SQLForeignKeyAction.init(rawValue:)),
                                   onUpdate: first[4].flatMap(SQLForeignKeyAction.init(rawValue:)),
                                   deferrable: n < deferrables.count ? deferrables[n] : nil)
            t.foreignKeys.append(SQLForeignKey(columns: parts.map { $0[2] ?? "" }, reference: ref))
        }

        // Indexes: CREATE INDEX ones become SQLIndex values; UNIQUE constraints' autoindexes become uniques.
        let indexRows = try rows(db, "SELECT name, CAST(\"unique\" AS TEXT), origin FROM pragma_index_list(?1)", name)
        var autoUniques: [(Int, [String])] = []
        for r in indexRows {
            guard let iname = r[0] else { continue }
            let cols = try rows(db, "SELECT name, CAST(\"desc\" AS TEXT), coll, CAST(cid AS TEXT) FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno", iname)
            switch r[2] {
            case "c":
                let stored = objects.first { $0[0] == "index" && $0[1] == iname }?[3] ?? ""
                let terms = cols.contains { $0[3] == "-2" } ? StoredIndexSQL.terms(createIndex: stored) : []
                t.indexes.append(SQLIndex(name: iname, table: name, unique: r[1] == "1",
                                          columns: cols.enumerated().map { k, c in
                                              SQLIndexedColumn(name: c[0] ?? "", collation: c[2], order: c[1] == "1" ? .desc : nil,
                                                               expression: c[3] == "-2" && k < terms.count ? terms[k] : nil)
                                          },
                                          whereClause: StoredIndexSQL.whereClause(createIndex: stored)))
            case "u":
                let number = Int(iname.split(separator: "_").last ?? "") ?? Int.max
                autoUniques.append((number, cols.map { $0[0] ?? "" }))
            default:
                continue
            }
        }
        t.uniques = autoUniques.sorted { $0.0 < $1.0 }.map(\.1)
        return t.canonical
    }
}
