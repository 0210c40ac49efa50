import SchemaModel

/// One column as the Swift code sees it: its property, its type, how it is read, bound and
/// written in SQL. Shared by the row-type and DAO translators.
/// A class: tables hold many references to their columns (keys, prefixes), and copying the
/// wrapped `Column` value costs a retain per string it holds.
final class SwiftColumn {
    let column: Column
    /// 0-based result column; the parameter number is `index + 1`.
    let index: Int
    /// The Swift property name (unescaped: the renderer adds backticks).
    let name: String
    /// The column name as SQL needs it (quoted when it must be).
    let sqlName: String
    let isRowid: Bool
    /// The SQL default applied by the database when the Swift value is nil (`COALESCE(?N, default)`).
    let databaseDefault: String?
    /// The init parameter's default value, if any.
    let initDefault: SwiftExpression?

    /// A NOT NULL column only the database can fill in (an SQL-expression default): non-optional on
    /// the row struct, optional on the table's `Draft` (nil lets the database fill it in).
    let isDraftDefaulted: Bool
    /// A column with a value set whose values all have a Swift spelling: its enum (`Book.Status`).
    let valueSet: SwiftValueSet?

    /// - Parameter draft: the column as the `Draft` insert type sees it (rather than the row struct).
    /// - Parameter owner: the row struct's name (the enum of a value set is nested in it).
    init(_ column: Column, index: Int, isRowid: Bool, draft: Bool = false, owner: String) {
        self.column = column
        let valueSet = isRowid ? nil : SwiftValueSet(column, owner: owner)
        self.valueSet = valueSet
        self.index = index
        self.name = SwiftNaming.propertyName(for: column)
        self.sqlName = SQLIdentifier.quoted(column.name)
        self.isRowid = isRowid
        isDraftDefaulted = SwiftColumn.isFilledByDatabase(column, isRowid: isRowid)
        if isDraftDefaulted && !draft {
            databaseDefault = nil
            initDefault = nil
        } else if isRowid {
            databaseDefault = nil
            initDefault = .nil
        } else if let d = column.defaultValue {
            if case .null = d {
                databaseDefault = nil
                initDefault = column.isNullable ? .nil : nil
            } else if let literal = SwiftColumn.swiftLiteral(d, for: column.type) {
                databaseDefault = nil
                initDefault = valueSet.map { set in set.caseName(for: d).map { .implicitMember($0) } ?? literal } ?? literal
            } else {
                databaseDefault = d.sql
                initDefault = .nil
            }
        } else {
            databaseDefault = nil
            initDefault = column.isNullable ? .nil : nil
        }
    }

    /// NOT NULL with a default only the database can evaluate.
    static func isFilledByDatabase(_ column: Column, isRowid: Bool) -> Bool {
        guard !column.isNullable, !isRowid, let d = column.defaultValue else { return false }
        if case .null = d { return false }
        return swiftLiteral(d, for: column.type) == nil
    }

    /// A schema default as a Swift literal of the column's type, or nil when only the database can
    /// evaluate it (an SQL expression, or a literal with no Swift spelling).
    static func swiftLiteral(_ d: DefaultValue, for type: LogicalType) -> SwiftExpression? {
        switch (d, type) {
        case (.integer(let v), .integer): return .integer(v)
        // Only when the Double holds it exactly (swiftc warns about an inexact literal).
        case (.integer(let v), .real): return Double(exactly: v) == nil ? nil : .integer(v)
        case (.integer(let v), .bool): return v == 0 ? .bool(false) : v == 1 ? .bool(true) : nil
        case (.real(let v, _), .real): return v.isFinite ? .double(v) : nil
        case (.bool(let b), .bool): return .bool(b)
        case (.bool(let b), .integer): return .integer(b ? 1 : 0)
        case (.string(let s), .text): return .string(s)
        default: return nil
        }
    }

    var parameter: Int { index + 1 }
    /// A generated column (`as (…) stored|virtual`): read, never written (its parameter number
    /// stays unused in INSERT and UPDATE, and `_bindColumns` skips it).
    var isGenerated: Bool { column.generated != nil }
    var baseType: SwiftType { .named(valueSet?.qualifiedName ?? column.type.swiftType) }
    /// The property is optional: nullable, a rowid alias (nil before insert), or defaulted by the database.
    var isOptional: Bool { column.isNullable || isRowid || databaseDefault != nil }
    var swiftType: SwiftType { isOptional ? .optional(baseType) : baseType }
    /// The type of a key parameter for lookups by this column.
    var keyType: SwiftType { column.isNullable ? .optional(baseType) : baseType }

    /// `col = ?N` in an UPDATE; for a database-defaulted column `col = COALESCE(?N, col)`, so nil
    /// keeps the stored value.
    var assignment: String {
        databaseDefault == nil ? "\(sqlName) = ?\(parameter)" : "\(sqlName) = COALESCE(?\(parameter), \(sqlName))"
    }
    /// `=` for NOT NULL columns, `IS` (NULL-safe) for nullable ones.
    var comparison: String { column.isNullable ? "IS" : "=" }
    /// The value placeholder in INSERT … VALUES.
    var insertValue: String {
        databaseDefault.map { "COALESCE(?\(parameter), \($0))" } ?? "?\(parameter)"
    }

    /// `try statement.int64(0)`: reads this column from result column `index` of `statement`.
    func read(from statement: SwiftExpression) -> SwiftExpression {
        if let set = valueSet {
            return .try(statement.call(column.isNullable ? RuntimeAPI.readOptionalValue : RuntimeAPI.readValue,
                                       [SwiftArgument(nil, .integer(Int64(index))), SwiftArgument("as", .metatype(.named(set.qualifiedName)))]))
        }
        let reader = RuntimeAPI.reader(for: column.type, nullable: column.isNullable && !isRowid)
        var args = [SwiftArgument(nil, .integer(Int64(index)))]
        if case .json(let t) = column.type {
            args.append(SwiftArgument("as", .metatype(.named(t ?? RuntimeAPI.jsonValue))))
        }
        return .try(statement.call(reader, args))
    }

    /// `statement.bind(value, at: N)`.
    func bind(_ value: SwiftExpression, at parameter: Int, to statement: SwiftExpression) -> SwiftStatement {
        .expression(statement.call(valueSet == nil ? RuntimeAPI.binder(for: column.type) : RuntimeAPI.bindValue, [SwiftArgument(nil, value), SwiftArgument("at", .integer(Int64(parameter)))]))
    }
}

/// A lookup key: an ordered list of columns.
struct SwiftKey {
    let columns: [SwiftColumn]
    var names: Set<String> { Set(columns.map(\.column.name)) }
    var hasNullable: Bool { columns.contains { $0.column.isNullable } }
    var columnList: String { columns.map(\.column.name).joined(separator: ", ") }

    /// `learner_id = ?1 AND state_key = ?2`
    var whereClause: String {
        columns.enumerated().map { i, c in "\(c.sqlName) \(c.comparison) ?\(i + 1)" }.joined(separator: " AND ")
    }

    /// `learnerId p0: String, stateKey p1: String`
    var parameters: [SwiftParameter] {
        columns.enumerated().map { i, c in SwiftParameter(label: c.name, name: "p\(i)", type: c.keyType) }
    }

    /// The key's `learnerIdStateKeyActionKey` spelling, for conflict-target cases.
    var caseName: String {
        let parts = columns.map(\.name)
        guard let first = parts.first else { return "key" }
        return ([first] + parts.dropFirst().map(SwiftNaming.capitalized)).joined()
    }

    /// `s.bind(p0, at: 1)`, … for each column.
    func binds(to statement: SwiftExpression) -> [SwiftStatement] {
        columns.enumerated().map { i, c in c.bind(.identifier("p\(i)"), at: i + 1, to: statement) }
    }
}

/// A table as the Swift translators see it: names, columns, the keys DAO methods look rows up by.
struct SwiftTable {
    let table: Table
    let typeName: String
    let daoName: String
    /// The read DAO, generic over the reader: `<Type>Reads`.
    let readDAOName: String
    let daoPropertyName: String
    let columns: [SwiftColumn]
    let primaryKey: SwiftKey?
    /// UNIQUE constraints and unique indexes (without WHERE), minus the primary key, de-duplicated by column set.
    let uniqueKeys: [SwiftKey]
    /// Leading prefixes of indexes that are not already a unique key: fetched as arrays.
    let indexPrefixes: [SwiftKey]
    /// Every column, in schema order, as an SQL select list.
    let selectList: String
    /// The columns as the `Draft` insert type sees them, when the table has a NOT NULL column only
    /// the database can fill in; nil otherwise (no `Draft` is generated).
    let draftColumns: [SwiftColumn]?

    init(_ table: Table) {
        self.table = table
        typeName = SwiftNaming.typeName(for: table)
        daoName = typeName + "DAO"
        readDAOName = typeName + "Reads"
        daoPropertyName = SwiftNaming.daoPropertyName(for: table)
        let rowid = table.rowidAlias?.name
        let owner = typeName
        let cols = table.columns.enumerated().map { SwiftColumn($1, index: $0, isRowid: $1.name == rowid, owner: owner) }
        columns = cols
        draftColumns = cols.contains(where: \.isDraftDefaulted)
            ? table.columns.enumerated().map { SwiftColumn($1, index: $0, isRowid: $1.name == rowid, draft: true, owner: owner) }
            : nil
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

    var type: SwiftType { .named(typeName) }

    /// The rowid alias column, if any.
    var rowidColumn: SwiftColumn? { columns.first(where: \.isRowid) }

    /// True when an INSERT stores exactly the bound values (no database defaults, no JSON re-encoding),
    /// apart from the rowid, so the stored row can be computed without `RETURNING`.
    var storedRowIsComputable: Bool {
        columns.allSatisfy { c in
            guard c.databaseDefault == nil, !c.isGenerated else { return false }
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
    var orderBy: String { primaryKey.map { $0.columns.map(\.sqlName).joined(separator: ", ") } ?? "_rowid_" }

    /// `INSERT INTO t (a, b) VALUES (?1, ?2)`.
    var insertSQL: String { insertSQL(columns) }

    func insertSQL(_ columns: [SwiftColumn]) -> String {
        let written = columns.filter { !$0.isGenerated }
        return "INSERT INTO \(sqlTable) (\(written.map(\.sqlName).joined(separator: ", "))) VALUES (\(written.map(\.insertValue).joined(separator: ", ")))"
    }
}
