import SchemaModel

/// Emits Swift for a schema: per table a `Codable` row struct and a DAO over `SchemagenRuntime`,
/// plus one enum holding the schema's DDL. The output is deterministic (tables and members in
/// schema order, nothing machine-specific) and compiles warning-free in Swift 6 language mode.
///
/// Hot-path design: every statement is a `StaticString` literal (the runtime caches prepared
/// statements by the literal's address), parameters are numbered `?N` and bound by position,
/// and rows are read by column index straight into the struct (no `Decodable`, no name lookups).
public enum SwiftEmitter {
    public static func emit(_ schema: Schema, migrations: EmbeddedMigrations? = nil) -> String {
        var out = GeneratedHeader.lines(source: GeneratedHeader.sourceName(schema.file), comment: "//")
        out += "\nimport Foundation\nimport SchemagenRuntime\n"
        out += "\n" + schemaEnum(schema)
        if let migrations { out += "\n" + MigrationEmitter.emit(schema, chain: migrations) }
        for table in schema.tables {
            let t = SwiftTable(table)
            out += "\n" + t.rowStruct()
            out += "\n" + t.dao()
        }
        return out
    }

    /// `victor` → `VictorDDL`.
    public static func ddlTypeName(for schema: Schema) -> String {
        SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(schema.name)) + "DDL"
    }

    static func schemaEnum(_ schema: Schema) -> String {
        let statements = schema.tablesInDependencyOrder.flatMap(DDLEmitter.statements(for:))
        var sql = ""
        for s in statements { sql += (s.hasSuffix(";") ? s : s + ";") + "\n" }
        var out = "/// The `\(schema.name)` schema, version \(schema.version): its SQLite DDL.\n"
        out += "public enum \(ddlTypeName(for: schema)) {\n"
        out += "    /// The schema version declared in the schema file.\n"
        out += "    public static let version = \(schema.version)\n\n"
        out += "    /// Every `CREATE TABLE` and `CREATE INDEX` statement, referenced tables first.\n"
        out += "    public static let sql = \"\"\"\n"
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let escaped = line.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
            out += escaped.isEmpty ? "\n" : "        \(escaped)\n"
        }
        out += "        \"\"\"\n"
        out += "}\n"
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

extension Substring {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        String(self).replacingAll(target, with: replacement)
    }
}

/// One column as the Swift code sees it.
/// A class: tables hold many references to their columns (keys, prefixes), and copying the
/// wrapped `Column` value costs a retain per string it holds.
final class SwiftColumn {
    let column: Column
    /// 0-based result column; the parameter number is `index + 1`.
    let index: Int
    let rawName: String
    let isRowid: Bool
    /// The SQL default applied by the database when the Swift value is nil (`COALESCE(?N, default)`).
    let databaseDefault: String?
    /// The init parameter's default value, if any.
    let initDefault: String?

    init(_ column: Column, index: Int, isRowid: Bool) {
        self.column = column
        self.index = index
        self.rawName = SwiftNaming.propertyName(for: column)
        self.name = SwiftNaming.escaped(rawName)
        self.sqlName = SQLIdentifier.quoted(column.name)
        self.isRowid = isRowid
        if isRowid {
            databaseDefault = nil
            initDefault = "nil"
        } else if let d = column.defaultValue {
            if case .null = d {
                databaseDefault = nil
                initDefault = column.isNullable ? "nil" : nil
            } else if let literal = SwiftColumn.swiftLiteral(d, for: column.type) {
                databaseDefault = nil
                initDefault = literal
            } else {
                databaseDefault = d.sql
                initDefault = "nil"
            }
        } else {
            databaseDefault = nil
            initDefault = column.isNullable ? "nil" : nil
        }
    }

    /// A schema default written as a Swift literal of the column's type, or nil when only the
    /// database can evaluate it (an SQL expression, or a literal with no Swift spelling).
    static func swiftLiteral(_ d: DefaultValue, for type: LogicalType) -> String? {
        switch (d, type) {
        case (.integer(let v), .integer), (.integer(let v), .real): return String(v)
        case (.integer(let v), .bool): return v == 0 ? "false" : v == 1 ? "true" : nil
        case (.real(let v, _), .real): return v.isFinite ? String(v) : nil
        case (.bool(let b), .bool): return b ? "true" : "false"
        case (.bool(let b), .integer): return b ? "1" : "0"
        case (.string(let s), .text): return SwiftNaming.stringLiteral(s)
        default: return nil
        }
    }

    /// The Swift property name, backticked when it is a keyword.
    let name: String
    /// The column name as SQL needs it (quoted when it must be).
    let sqlName: String
    var parameter: Int { index + 1 }
    var baseType: String { column.type.swiftType }
    /// The property is optional: nullable, a rowid alias (nil before insert), or defaulted by the database.
    var isOptional: Bool { column.isNullable || isRowid || databaseDefault != nil }
    var swiftType: String { isOptional ? baseType + "?" : baseType }
    /// `col = ?N` in an UPDATE; for a database-defaulted column `col = COALESCE(?N, col)`, so nil
    /// keeps the stored value.
    var assignment: String {
        databaseDefault == nil ? "\(sqlName) = ?\(parameter)" : "\(sqlName) = COALESCE(?\(parameter), \(sqlName))"
    }
    /// The type of a key parameter for lookups by this column.
    var keyType: String { column.isNullable ? baseType + "?" : baseType }
    /// `=` for NOT NULL columns, `IS` (NULL-safe) for nullable ones.
    var comparison: String { column.isNullable ? "IS" : "=" }

    /// The expression reading this column from result column `index` of `stmt`.
    func read(_ stmt: String) -> String {
        let nullable = column.isNullable && !isRowid
        let i = index
        switch column.type {
        case .integer: return "try \(stmt).\(nullable ? "optionalInt64" : "int64")(\(i))"
        case .real: return "try \(stmt).\(nullable ? "optionalDouble" : "double")(\(i))"
        case .text: return "try \(stmt).\(nullable ? "optionalText" : "text")(\(i))"
        case .blob: return "try \(stmt).\(nullable ? "optionalBlob" : "blob")(\(i))"
        case .bool: return "try \(stmt).\(nullable ? "optionalBool" : "bool")(\(i))"
        case .timestamp: return "try \(stmt).\(nullable ? "optionalTimestamp" : "timestamp")(\(i))"
        case .epoch: return "try \(stmt).\(nullable ? "optionalEpoch" : "epoch")(\(i))"
        case .json(let t): return "try \(stmt).\(nullable ? "optionalJSON" : "json")(\(i), as: \(t ?? "JSONValue").self)"
        }
    }

    /// The statement binding `value` to parameter `at`.
    func bind(_ value: String, at parameter: Int, _ stmt: String) -> String {
        switch column.type {
        case .timestamp: return "\(stmt).bindTimestamp(\(value), at: \(parameter))"
        case .epoch: return "\(stmt).bindEpoch(\(value), at: \(parameter))"
        case .json: return "\(stmt).bindJSON(\(value), at: \(parameter))"
        default: return "\(stmt).bind(\(value), at: \(parameter))"
        }
    }

    /// The value placeholder in INSERT … VALUES.
    var insertValue: String {
        databaseDefault.map { "COALESCE(?\(parameter), \($0))" } ?? "?\(parameter)"
    }
}

/// A lookup key: an ordered list of columns.
struct SwiftKey {
    let columns: [SwiftColumn]
    var names: Set<String> { Set(columns.map(\.column.name)) }
    var hasNullable: Bool { columns.contains { $0.column.isNullable } }

    /// `learner_id = ?1 AND state_key = ?2` (parameters from `first`).
    func whereClause(first: Int = 1) -> String {
        columns.enumerated().map { i, c in "\(c.sqlName) \(c.comparison) ?\(first + i)" }.joined(separator: " AND ")
    }

    /// `learnerId p0: String, stateKey p1: String`
    var parameters: String {
        columns.enumerated().map { i, c in "\(c.name) p\(i): \(c.keyType)" }.joined(separator: ", ")
    }

    /// The key's `learnerIdStateKeyActionKey` spelling, for conflict-target cases.
    var caseName: String {
        let parts = columns.map(\.rawName)
        guard let first = parts.first else { return "key" }
        return ([first] + parts.dropFirst().map(SwiftNaming.capitalized)).joined()
    }

    func binds(_ stmt: String, first: Int = 1) -> [String] {
        columns.enumerated().map { i, c in c.bind("p\(i)", at: first + i, stmt) }
    }
}

struct SwiftTable {
    let table: Table
    let typeName: String
    let daoName: String
    let columns: [SwiftColumn]
    let primaryKey: SwiftKey?
    /// UNIQUE constraints and unique indexes (without WHERE), minus the primary key, de-duplicated by column set.
    let uniqueKeys: [SwiftKey]
    /// Leading prefixes of indexes that are not already a unique key: fetched as arrays.
    let indexPrefixes: [SwiftKey]

    init(_ table: Table) {
        self.table = table
        typeName = SwiftNaming.typeName(for: table)
        daoName = typeName + "DAO"
        let rowid = table.rowidAlias?.name
        let cols = table.columns.enumerated().map { SwiftColumn($1, index: $0, isRowid: $1.name == rowid) }
        columns = cols
        selectList = cols.map(\.sqlName).joined(separator: ", ")
        func key(_ names: [String]) -> SwiftKey? {
            let found = names.compactMap { n in cols.first { $0.column.name == n } }
            return found.count == names.count && !found.isEmpty ? SwiftKey(columns: found) : nil
        }
        primaryKey = key(table.primaryKey)
        var seen: [Set<String>] = primaryKey.map { [$0.names] } ?? []
        var uniques: [SwiftKey] = []
        var candidates = table.uniqueKeys
        candidates += table.indexes.filter { $0.isUnique && $0.whereClause == nil }.map { $0.columns.map(\.name) }
        for names in candidates {
            guard let k = key(names), !seen.contains(k.names) else { continue }
            seen.append(k.names)
            uniques.append(k)
        }
        uniqueKeys = uniques
        var prefixes: [SwiftKey] = []
        for index in table.indexes {
            let names = index.columns.map(\.name)
            for length in 1...max(1, names.count) where length <= names.count {
                guard let k = key(Array(names.prefix(length))), !seen.contains(k.names) else { continue }
                seen.append(k.names)
                prefixes.append(k)
            }
        }
        indexPrefixes = prefixes
    }

    /// The rowid alias column, if any.
    var rowidColumn: SwiftColumn? { columns.first(where: \.isRowid) }

    /// True when an INSERT stores exactly the bound values (no database defaults, no JSON re-encoding),
    /// apart from the rowid, so the stored row can be computed without `RETURNING`.
    var storedRowIsComputable: Bool {
        columns.allSatisfy { c in
            guard c.databaseDefault == nil else { return false }
            if case .json = c.column.type { return false }
            return true
        }
    }

    /// Non-primary-key columns whose change costs index or foreign-key work: those in a UNIQUE key,
    /// an index or a foreign key. Nil when that set cannot be known (a partial index).
    var maintainedColumns: Set<String>? {
        guard !table.indexes.contains(where: { $0.whereClause != nil }) else { return nil }
        var names = Set(table.uniqueKeys.joined())
        for index in table.indexes { names.formUnion(index.columns.map(\.name)) }
        for fk in table.foreignKeys { names.formUnion(fk.columns) }
        names.subtract(table.primaryKey)
        return names
    }

    var sqlTable: String { SQLIdentifier.quoted(table.name) }
    /// Every column, in schema order, as an SQL select list.
    let selectList: String
    var orderBy: String { primaryKey.map { $0.columns.map(\.sqlName).joined(separator: ", ") } ?? "_rowid_" }

    static func literal(_ sql: String) -> String { SwiftNaming.stringLiteral(sql) }

    /// Indents every non-empty line by four spaces.
    func indented(_ text: String) -> String {
        // Byte-level: this runs over every generated line.
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var atLineStart = true
        for b in text.utf8 {
            if atLineStart && b != 0x0A { out.append(contentsOf: [0x20, 0x20, 0x20, 0x20]) }
            out.append(b)
            atLineStart = b == 0x0A
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func doc(_ text: String?, indent: String) -> String {
        guard let text else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { (indent + "/// " + $0).trimmingTrailingSpaces() + "\n" }.joined()
    }

    // MARK: Row struct

    func rowStruct() -> String {
        var out = SwiftTable.doc(table.doc, indent: "")
        if table.doc != nil { out += "///\n" }
        out += "/// A row of `\(table.name)`. Read and written through `\(daoName)` (`db.\(SwiftNaming.daoPropertyName(for: table))`).\n"
        out += "public struct \(typeName): Codable, Sendable, Hashable {\n"
        for c in columns {
            out += SwiftTable.doc(c.column.doc, indent: "    ")
            if c.isRowid {
                if c.column.doc != nil { out += "    ///\n" }
                out += "    /// The rowid alias: nil until inserted, then the id SQLite assigned.\n"
            } else if let d = c.databaseDefault {
                if c.column.doc != nil { out += "    ///\n" }
                out += "    /// Database default `\(d)`: nil on insert writes `COALESCE(?, \(d))`, so the database\n"
                out += "    /// fills it in (the stored value is returned); nil on update or upsert keeps the stored value.\n"
            }
            out += "    public var \(c.name): \(c.swiftType)\n"
        }
        out += "\n    public enum CodingKeys: String, CodingKey {\n"
        for c in columns {
            out += c.rawName == c.column.name
                ? "        case \(c.name)\n"
                : "        case \(c.name) = \(SwiftNaming.stringLiteral(c.column.name))\n"
        }
        out += "    }\n\n"
        out += "    /// Creates a row; the defaults mirror the schema's.\n"
        let params = columns.map { c in "\(c.name): \(c.swiftType)" + (c.initDefault.map { " = \($0)" } ?? "") }
        out += "    public init(\n" + params.map { "        " + $0 }.joined(separator: ",\n") + "\n    ) {\n"
        for c in columns { out += "        self.\(c.name) = \(c.name)\n" }
        out += "    }\n\n"
        out += "    /// Reads the current row of `statement`, whose result columns are this table's columns in\n"
        out += "    /// schema order: `SELECT \(selectList) FROM \(sqlTable) …`.\n"
        out += "    /// Throws `DatabaseError` (`.typeMismatch`, `.decoding`) for a value of the wrong storage class.\n"
        out += "    public init(_ statement: borrowing Statement) throws(DatabaseError) {\n"
        for c in columns { out += "        self.\(c.name) = \(c.read("statement"))\n" }
        out += "    }\n\n"
        out += "    /// Binds every column, in schema order, to parameters `?1`…`?\(columns.count)`.\n"
        out += "    func _bindColumns(to statement: borrowing Statement) {\n"
        for c in columns { out += "        \(c.bind("self.\(c.name)", at: c.parameter, "statement"))\n" }
        out += "    }\n\n"
        if storedRowIsComputable {
            out += "    /// The row as an INSERT of `self` stores it (what `RETURNING` would give): the rowid SQLite assigned,\n"
            out += "    /// timestamps at the stored millisecond precision, NaN as NULL.\n"
            out += "    func _stored(\(rowidColumn == nil ? "" : "rowid: Int64")) -> \(typeName) {\n"
            out += "        var row = self\n"
            for c in columns {
                if c.isRowid {
                    out += "        row.\(c.name) = rowid\n"
                    continue
                }
                switch c.column.type {
                case .timestamp: out += "        row.\(c.name) = SQLiteTimestamp.stored(row.\(c.name))\n"
                case .epoch: out += "        row.\(c.name) = SQLiteTimestamp.storedEpoch(row.\(c.name))\n"
                case .real where c.isOptional: out += "        if row.\(c.name)?.isNaN == true { row.\(c.name) = nil }\n"
                default: break
                }
            }
            out += "        return row\n"
            out += "    }\n\n"
        }
        out += "    /// The single row an `INSERT … RETURNING` produced.\n"
        out += "    static func _returned(_ statement: borrowing Statement) throws(DatabaseError) -> \(typeName) {\n"
        out += "        guard try statement.step() else {\n"
        out += "            throw DatabaseError(kind: .misuse, message: \"no row returned\", sql: statement.sql)\n"
        out += "        }\n"
        out += "        return try \(typeName)(statement)\n"
        out += "    }\n"
        out += "}\n"
        return out
    }

    // MARK: DAO

    func dao() -> String {
        let T = typeName
        var out = "/// Typed access to `\(table.name)`: every statement is a static literal, prepared once per connection.\n"
        out += "public struct \(daoName): Sendable {\n"
        out += "    public let db: Database\n\n"
        out += "    public init(db: Database) {\n        self.db = db\n    }\n"

        let insertValues = "INSERT INTO \(sqlTable) (\(selectList)) VALUES (\(columns.map(\.insertValue).joined(separator: ", ")))"
        // `RETURNING` roughly doubles the cost of an INSERT in SQLite. When the database fills in
        // nothing but the rowid, the stored row is computed in Swift instead (`_stored`).
        let insertBody = storedRowIsComputable
            ? """
                try db.withStatement(\(SwiftTable.literal(insertValues))) { s throws(DatabaseError) -> \(T) in
                    row._bindColumns(to: s)
                    try s.run()
                    return row._stored(\(rowidColumn == nil ? "" : "rowid: s.lastInsertRowID"))
                }
            """
            : """
                try db.withStatement(\(SwiftTable.literal(insertValues + " RETURNING \(selectList)"))) { s throws(DatabaseError) -> \(T) in
                    row._bindColumns(to: s)
                    return try \(T)._returned(s)
                }
            """
        out += indented("""

            /// Inserts `row` and returns it as stored, with what the database filled in (rowid, defaults).
            @discardableResult
            public func insert(_ row: \(T)) throws(DatabaseError) -> \(T) {
            \(insertBody)
            }

            /// Inserts `rows` in one transaction (all or none), reusing one prepared statement; returns them as stored.
            @discardableResult
            public func insert(contentsOf rows: some Sequence<\(T)>) throws(DatabaseError) -> [\(T)] {
                do {
                    return try db.transaction { _ in
                        var stored: [\(T)] = []
                        stored.reserveCapacity(rows.underestimatedCount)
                        for row in rows { stored.append(try insert(row)) }
                        return stored
                    }
                } catch let error as DatabaseError {
                    throw error
                } catch {
                    throw DatabaseError(kind: .misuse, message: "\\(error)")
                }
            }

            """)

        if let pk = primaryKey {
            out += fetchOne(pk, doc: "Fetches the row with this primary key.")
        }
        for k in uniqueKeys {
            out += fetchOne(k, doc: "Fetches the row with this unique key (`\(k.columns.map(\.column.name).joined(separator: ", "))`).")
        }
        for k in indexPrefixes {
            out += fetchMany(k)
        }

        let allSQL = "SELECT \(selectList) FROM \(sqlTable) ORDER BY \(orderBy) LIMIT ?1 OFFSET ?2"
        out += indented("""

            /// Fetches rows ordered by the primary key; `limit` nil means all.
            public func fetchAll(limit: Int? = nil, offset: Int = 0) throws(DatabaseError) -> [\(T)] {
                try db.withStatement(\(SwiftTable.literal(allSQL))) { s throws(DatabaseError) -> [\(T)] in
                    s.bind(limit ?? -1, at: 1)
                    s.bind(offset, at: 2)
                    var rows: [\(T)] = []
                    while try s.step() { rows.append(try \(T)(s)) }
                    return rows
                }
            }

            /// The number of rows.
            public func count() throws(DatabaseError) -> Int {
                try db.withStatement(\(SwiftTable.literal("SELECT count(*) FROM \(sqlTable)"))) { s throws(DatabaseError) -> Int in
                    guard try s.step() else { return 0 }
                    return try s.int(0)
                }
            }

            """)

        if let pk = primaryKey {
            out += update(pk)
            out += delete(pk, doc: "Deletes the row with this primary key; returns whether one was deleted.")
        }
        for k in uniqueKeys {
            out += delete(k, doc: "Deletes the row(s) with this unique key; returns whether any was deleted.")
        }
        out += upsert()
        out += "}\n\n"
        out += "extension Database {\n"
        out += "    /// The DAO for `\(table.name)`.\n"
        out += "    public var \(SwiftNaming.escaped(SwiftNaming.daoPropertyName(for: table))): \(daoName) { \(daoName)(db: self) }\n"
        out += "}\n"
        return out
    }

    /// A DAO method over one cached statement: binds the key's columns, then the `body` lines.
    func keyedMethod(doc: String, discardable: Bool = false, name: String, key k: SwiftKey, returns: String,
                     sql: String, body: [String]) -> String {
        var out = "\n    /// \(doc)\n"
        if discardable { out += "    @discardableResult\n" }
        out += "    public func \(name)(\(k.parameters)) throws(DatabaseError) -> \(returns) {\n"
        out += "        try db.withStatement(\(SwiftTable.literal(sql))) { s throws(DatabaseError) -> \(returns) in\n"
        for b in k.binds("s") { out += "            \(b)\n" }
        for line in body { out += "            \(line)\n" }
        out += "        }\n    }\n"
        return out
    }

    func fetchOne(_ k: SwiftKey, doc: String) -> String {
        var sql = "SELECT \(selectList) FROM \(sqlTable) WHERE \(k.whereClause())"
        if k.hasNullable { sql += " ORDER BY \(orderBy) LIMIT 1" }
        return keyedMethod(doc: doc, name: "fetch", key: k, returns: "\(typeName)?", sql: sql,
                           body: ["return try s.step() ? \(typeName)(s) : nil"])
    }

    func fetchMany(_ k: SwiftKey) -> String {
        let sql = "SELECT \(selectList) FROM \(sqlTable) WHERE \(k.whereClause()) ORDER BY \(orderBy)"
        return keyedMethod(doc: "Fetches the rows matching the index prefix (`\(k.columns.map(\.column.name).joined(separator: ", "))`), ordered by the primary key.",
                           name: "fetchAll", key: k, returns: "[\(typeName)]", sql: sql,
                           body: ["var rows: [\(typeName)] = []", "while try s.step() { rows.append(try \(typeName)(s)) }", "return rows"])
    }

    func update(_ pk: SwiftKey) -> String {
        let others = columns.filter { !pk.names.contains($0.column.name) }
        guard !others.isEmpty else { return "" }
        let sets = others.map(\.assignment)
        let whereClause = pk.columns.map { "\($0.sqlName) = ?\($0.parameter)" }.joined(separator: " AND ")
        let sql = "UPDATE \(sqlTable) SET \(sets.joined(separator: ", ")) WHERE \(whereClause)"
        var out = "\n    /// Writes every column of `row` to the row with its primary key; returns whether a row changed"
        out += pk.columns.contains(where: \.isRowid) ? " (false when the rowid is nil).\n" : ".\n"
        out += "    @discardableResult\n"
        out += "    public func update(_ row: \(typeName)) throws(DatabaseError) -> Bool {\n"
        if let rowid = pk.columns.first(where: \.isRowid) {
            out += "        guard row.\(rowid.name) != nil else { return false }\n"
        }
        let maintained = maintainedColumns.map { names in others.filter { names.contains($0.column.name) } } ?? []
        let plain = others.filter { c in !maintained.contains { $0.column.name == c.column.name } }
        guard !maintained.isEmpty, !plain.isEmpty else {
            out += "        return try db.withStatement(\(SwiftTable.literal(sql))) { s throws(DatabaseError) -> Bool in\n"
            out += "            row._bindColumns(to: s)\n"
            out += "            try s.run()\n"
            out += "            return s.changes > 0\n"
            out += "        }\n    }\n"
            return out
        }
        // Rewriting an indexed column re-writes its index entries (and re-checks UNIQUE and foreign
        // keys) even when the value is unchanged, which makes a full-row UPDATE several times slower.
        // So first update only the other columns, guarded by the indexed ones being byte-for-byte
        // unchanged; only when that matches no row, write every column.
        let narrowSets = plain.map(\.assignment)
        let guards = maintained.map { c in
            let value = c.databaseDefault == nil ? "?\(c.parameter)" : "COALESCE(?\(c.parameter), \(c.sqlName))"
            return "\(c.sqlName) IS \(value) COLLATE BINARY"
        }
        let narrowSQL = "UPDATE \(sqlTable) SET \(narrowSets.joined(separator: ", ")) WHERE \(whereClause) AND \(guards.joined(separator: " AND "))"
        out += "        return try db.withStatement(\(SwiftTable.literal(narrowSQL))) { s throws(DatabaseError) -> Bool in\n"
        out += "            row._bindColumns(to: s)\n"
        out += "            try s.run()\n"
        out += "            if s.changes > 0 { return true }\n"
        out += "            return try db.withStatement(\(SwiftTable.literal(sql))) { s throws(DatabaseError) -> Bool in\n"
        out += "                row._bindColumns(to: s)\n"
        out += "                try s.run()\n"
        out += "                return s.changes > 0\n"
        out += "            }\n"
        out += "        }\n    }\n"
        return out
    }

    func delete(_ k: SwiftKey, doc: String) -> String {
        keyedMethod(doc: doc, discardable: true, name: "delete", key: k, returns: "Bool",
                    sql: "DELETE FROM \(sqlTable) WHERE \(k.whereClause())", body: ["try s.run()", "return s.changes > 0"])
    }

    func upsert() -> String {
        var targets: [(name: String, key: SwiftKey)] = []
        if let pk = primaryKey { targets.append(("primaryKey", pk)) }
        var used = Set(targets.map(\.name))
        for k in uniqueKeys {
            var name = k.caseName
            while used.contains(name) { name += "_" }
            used.insert(name)
            targets.append((name, k))
        }
        guard let first = targets.first else { return "" }
        let T = typeName
        let pkNames = primaryKey?.names ?? []
        var out = "\n    /// The keys an upsert can resolve a conflict on.\n"
        out += "    public enum ConflictTarget: Sendable, Hashable {\n"
        for t in targets {
            out += "        /// `\(t.key.columns.map(\.column.name).joined(separator: ", "))`\n"
            out += "        case \(SwiftNaming.escaped(t.name))\n"
        }
        out += "    }\n\n"
        // Two entry points, as in GRDB: `upsert` only writes; `upsertAndFetch` also returns the
        // stored row, which costs a read of the existing row when the conflict path is taken.
        var plain = "    /// Inserts `row`, or on a conflict on `target` updates the existing row's other columns\n"
        plain += "    /// (`ON CONFLICT(…) DO UPDATE SET … = excluded.…`; the primary key is never changed).\n"
        plain += "    /// Use `upsertAndFetch` for the row as stored.\n"
        plain += "    public func upsert(_ row: \(T), onConflict target: ConflictTarget = .\(SwiftNaming.escaped(first.name))) throws(DatabaseError) {\n"
        plain += "        switch target {\n"
        out += "    /// Inserts `row`, or on a conflict on `target` updates the existing row's other columns\n"
        out += "    /// (`ON CONFLICT(…) DO UPDATE SET … = excluded.…`; the primary key is never changed);\n"
        out += "    /// returns the row as stored.\n"
        out += "    @discardableResult\n"
        out += "    public func upsertAndFetch(_ row: \(T), onConflict target: ConflictTarget = .\(SwiftNaming.escaped(first.name))) throws(DatabaseError) -> \(T) {\n"
        out += "        switch target {\n"
        for t in targets {
            let conflict = t.key.columns.map(\.sqlName).joined(separator: ", ")
            let settable = columns.filter { !t.key.names.contains($0.column.name) && !pkNames.contains($0.column.name) }
            var sets = settable.map { c in
                c.databaseDefault == nil
                    ? "\(c.sqlName) = excluded.\(c.sqlName)"
                    : "\(c.sqlName) = COALESCE(?\(c.parameter), \(sqlTable).\(c.sqlName))"
            }
            if sets.isEmpty, let c = t.key.columns.first { sets = ["\(c.sqlName) = excluded.\(c.sqlName)"] }
            let plainSQL = "INSERT INTO \(sqlTable) (\(selectList)) VALUES (\(columns.map(\.insertValue).joined(separator: ", "))) "
                + "ON CONFLICT(\(conflict)) DO UPDATE SET \(sets.joined(separator: ", "))"
            let sql = plainSQL + " RETURNING \(selectList)"
            plain += "        case .\(SwiftNaming.escaped(t.name)):\n"
            plain += "            try db.withStatement(\(SwiftTable.literal(plainSQL))) { s throws(DatabaseError) in\n"
            plain += "                row._bindColumns(to: s)\n"
            plain += "                try s.run()\n"
            plain += "            }\n"
            out += "        case .\(SwiftNaming.escaped(t.name)):\n"
            guard storedRowIsComputable else {
                out += "            return try db.withStatement(\(SwiftTable.literal(sql))) { s throws(DatabaseError) -> \(T) in\n"
                out += "                row._bindColumns(to: s)\n"
                out += "                return try \(T)._returned(s)\n"
                out += "            }\n"
                continue
            }
            // Without `RETURNING` (which roughly doubles the cost of the statement): a sentinel
            // last-insert rowid tells whether the row was inserted (then it is `_stored`) or an
            // existing row was updated (then it is read back by the conflict key).
            let keyArguments = t.key.columns.map { c in "\(c.name): " + (c.isRowid ? "row.\(c.name) ?? rowid" : "row.\(c.name)") }
            out += "            return try db.withStatement(\(SwiftTable.literal(plainSQL))) { s throws(DatabaseError) -> \(T) in\n"
            out += "                row._bindColumns(to: s)\n"
            out += "                let previous = s.lastInsertRowID\n"
            out += "                s.setLastInsertRowID(Int64.min)\n"
            out += "                try s.run()\n"
            out += "                let rowid = s.lastInsertRowID\n"
            out += "                if rowid != Int64.min { return row._stored(\(rowidColumn == nil ? "" : "rowid: rowid")) }\n"
            out += "                s.setLastInsertRowID(previous)\n"
            out += "                guard let stored = try fetch(\(keyArguments.joined(separator: ", "))) else {\n"
            out += "                    throw DatabaseError(kind: .misuse, message: \"upserted row not found\", sql: s.sql)\n"
            out += "                }\n"
            out += "                return stored\n"
            out += "            }\n"
        }
        out += "        }\n    }\n"
        plain += "        }\n    }\n\n"
        return plain + out
    }
}
