/// Comparing SQL model values as SQLite sees them: `canonical` forgets what SQLite does not keep
/// apart (whether a UNIQUE, CHECK or REFERENCES was written on the column or on the table, `ASC`,
/// `NO ACTION`, the case of a declared type or a collation name, an index column's implied collation), so a table the
/// renderer wrote and the same table introspected from a database are equal values.
extension SQLTable {
    public var canonical: SQLTable {
        var t = self
        // Column-level constraints move in front of the table-level ones: names move with theirs.
        let shift: [SQLConstraintName.Kind: Int] = [.unique: columns.filter(\.unique).count, .check: columns.flatMap(\.checks).count,
                                                    .foreignKey: columns.filter { $0.references != nil }.count]
        t.constraintNames = constraintNames.map { n in
            var n = n
            n.index += shift[n.kind] ?? 0
            return n
        }.sorted { ($0.kind.rawValue, $0.index, $0.name) < ($1.kind.rawValue, $1.index, $1.name) }
        t.uniques = allUniques
        t.checks = allChecks
        t.foreignKeys = allForeignKeys.map { SQLForeignKey(columns: $0.columns, reference: $0.reference.canonical) }
        t.columns = columns.map { c in
            var c = c
            c.unique = false
            c.checks = []
            c.references = nil
            c.type = c.type.uppercased()
            c.collation = c.collation?.uppercased()
            if c.primaryKey?.order == .asc { c.primaryKey?.order = nil }
            if case .expression(let e)? = c.defaultValue, SQLDefault.looksLiteral(e) { c.defaultValue = .literal(e) }
            return c
        }
        let columnCollation = Dictionary(t.columns.map { ($0.name.lowercased(), $0.collation ?? "BINARY") }, uniquingKeysWith: { a, _ in a })
        t.indexes = indexes.map { i in
            var i = i
            i.columns = i.columns.map { c in
                SQLIndexedColumn(name: c.expression == nil ? c.name : "",
                                 collation: (c.collation ?? (c.expression == nil ? columnCollation[c.name.lowercased()] : nil) ?? "BINARY").uppercased(),
                                 order: c.order == .desc ? .desc : nil, expression: c.expression)
            }
            return i
        }.sorted { $0.name.lowercased() < $1.name.lowercased() }
        return t
    }
}

extension SQLReference {
    var canonical: SQLReference {
        var r = self
        if r.onDelete == .noAction { r.onDelete = nil }
        if r.onUpdate == .noAction { r.onUpdate = nil }
        if r.deferrable != .initiallyDeferred { r.deferrable = nil }
        return r
    }
}

extension SQLSchema {
    public var canonical: SQLSchema {
        SQLSchema(tables: tables.map(\.canonical).sorted { $0.name.lowercased() < $1.name.lowercased() },
                  views: views.sorted { $0.name.lowercased() < $1.name.lowercased() },
                  triggers: triggers.sorted { $0.name.lowercased() < $1.name.lowercased() },
                  virtualTables: virtualTables.sorted { $0.name.lowercased() < $1.name.lowercased() })
    }
}

extension SQLDefault {
    /// True for text SQLite accepts after DEFAULT without parentheses: a number (signed), a string
    /// or blob literal, NULL, TRUE/FALSE, CURRENT_TIME/DATE/TIMESTAMP.
    public static func looksLiteral(_ text: String) -> Bool {
        let upper = text.uppercased()
        if ["NULL", "TRUE", "FALSE", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"].contains(upper) { return true }
        let tokens = SQLTokenizer.tokens(text)
        guard let first = tokens.first else { return false }
        switch first.kind {
        case .string, .blob: return tokens.count == 1
        case .number: return tokens.count == 1
        case .punctuation where first.text == "-" || first.text == "+":
            return tokens.count == 2 && tokens[1].kind == .number
        default: return false
        }
    }
}

/// A readable list of how a database differs from what a schema describes.
public enum SQLDifference {
    /// One line per difference, `expected ≠ actual` (the schema's value first, the database's second),
    /// e.g. `table rl_q_value: column q_value: default 0.5 ≠ 0.25`. Tables, views and triggers that
    /// only `actual` has are not differences (the caller decides what else the database may hold);
    /// every index of a compared table is.
    public static func lines(expected: SQLSchema, actual: SQLSchema) -> [String] {
        let e = expected.canonical, a = actual.canonical
        var out: [String] = []
        for t in e.tables {
            guard let other = a.table(named: t.name) else { out.append("the database has no table \(t.name)"); continue }
            out += lines(expected: t, actual: other)
        }
        for v in e.views {
            guard let other = a.views.first(where: { $0.name.lowercased() == v.name.lowercased() }) else { out.append("the database has no view \(v.name)"); continue }
            if SQLNormalForm.normalized(other.sql) != SQLNormalForm.normalized(v.sql) { out.append("view \(v.name): \(v.sql) ≠ \(other.sql)") }
        }
        for tr in e.triggers {
            guard let other = a.triggers.first(where: { $0.name.lowercased() == tr.name.lowercased() }) else { out.append("the database has no trigger \(tr.name)"); continue }
            let same = SQLTriggerParts(other.sql).map(\.normalized) ?? [SQLNormalForm.normalized(other.sql)]
                == SQLTriggerParts(tr.sql).map(\.normalized) ?? [SQLNormalForm.normalized(tr.sql)]
            if !same { out.append("trigger \(tr.name): \(tr.sql) ≠ \(other.sql)") }
        }
        for v in e.virtualTables {
            guard let other = a.virtualTables.first(where: { $0.name.lowercased() == v.name.lowercased() }) else { out.append("the database has no virtual table \(v.name)"); continue }
            if v.module.lowercased() != other.module.lowercased() || v.arguments.map(SQLNormalForm.normalized) != other.arguments.map(SQLNormalForm.normalized) {
                out.append("virtual table \(v.name): \(SQLRenderer.createVirtualTable(v)) ≠ \(SQLRenderer.createVirtualTable(other))")
            }
        }
        return out
    }

    /// The differences between two tables (both made canonical first).
    public static func lines(expected: SQLTable, actual: SQLTable) -> [String] {
        let e = expected.canonical, a = actual.canonical
        var out: [String] = []
        func note(_ s: String) { out.append("table \(e.name): \(s)") }
        let eNames = e.columns.map { $0.name.lowercased() }, aNames = a.columns.map { $0.name.lowercased() }
        for c in e.columns where !aNames.contains(c.name.lowercased()) { note("column \(c.name) is missing") }
        for c in a.columns where !eNames.contains(c.name.lowercased()) { note("the database has an extra column \(c.name)") }
        if Set(eNames) == Set(aNames) && eNames != aNames {
            note("columns (\(e.columns.map(\.name).joined(separator: ", "))) ≠ (\(a.columns.map(\.name).joined(separator: ", ")))")
        }
        for c in e.columns {
            guard let d = a.column(named: c.name) else { continue }
            func field(_ what: String, _ x: String, _ y: String) { if x != y { note("column \(c.name): \(what) \(x) ≠ \(y)") } }
            field("type", c.type.isEmpty ? "(none)" : c.type, d.type.isEmpty ? "(none)" : d.type)
            field("NOT NULL", c.notNull ? "yes" : "no", d.notNull ? "yes" : "no")
            field("default", c.defaultValue.map(SQLRenderer.defaultText) ?? "none", d.defaultValue.map(SQLRenderer.defaultText) ?? "none")
            field("collation", c.collation ?? "none", d.collation ?? "none")
            field("primary key", describe(c.primaryKey), describe(d.primaryKey))
            field("generated", c.generated.map { "AS (\($0.expression)) \($0.stored ? "STORED" : "VIRTUAL")" } ?? "no",
                  d.generated.map { "AS (\($0.expression)) \($0.stored ? "STORED" : "VIRTUAL")" } ?? "no")
        }
        if e.primaryKey != a.primaryKey {
            note("primary key \(e.primaryKey.map { "(\($0.joined(separator: ", ")))" } ?? "on the column") ≠ \(a.primaryKey.map { "(\($0.joined(separator: ", ")))" } ?? "on the column")")
        }
        if e.constraintNames != a.constraintNames {
            func list(_ n: [SQLConstraintName]) -> String { n.isEmpty ? "none" : n.map { "\($0.name) (\($0.kind.rawValue) #\($0.index + 1))" }.joined(separator: ", ") }
            note("constraint names \(list(e.constraintNames)) ≠ \(list(a.constraintNames))")
        }
        if e.strict != a.strict { note("STRICT \(e.strict ? "yes" : "no") ≠ \(a.strict ? "yes" : "no")") }
        if e.withoutRowid != a.withoutRowid { note("WITHOUT ROWID \(e.withoutRowid ? "yes" : "no") ≠ \(a.withoutRowid ? "yes" : "no")") }
        listDifference("UNIQUE", e.uniques.map { "(\($0.joined(separator: ", ")))" }, a.uniques.map { "(\($0.joined(separator: ", ")))" }, note)
        listDifference("CHECK", e.checks.map { "(\($0))" }, a.checks.map { "(\($0))" }, note)
        // Foreign keys on the same columns are compared as a pair: one line says what differs.
        var eFKs = e.foreignKeys, aFKs = a.foreignKeys
        for fk in e.foreignKeys where !a.foreignKeys.contains(fk) {
            let key = fk.columns.map { $0.lowercased() }
            let sameColumns = a.foreignKeys.filter { $0.columns.map { $0.lowercased() } == key && !e.foreignKeys.contains($0) }
            guard sameColumns.count == 1, e.foreignKeys.filter({ $0.columns.map { $0.lowercased() } == key }).count == 1, let other = sameColumns.first else { continue }
            note("FOREIGN KEY (\(fk.columns.joined(separator: ", "))): \(SQLRenderer.references(fk.reference)) ≠ \(SQLRenderer.references(other.reference))")
            eFKs.removeAll { $0 == fk }
            aFKs.removeAll { $0 == other }
        }
        listDifference("FOREIGN KEY", eFKs.map { "(\($0.columns.joined(separator: ", "))) \(SQLRenderer.references($0.reference))" },
                       aFKs.map { "(\($0.columns.joined(separator: ", "))) \(SQLRenderer.references($0.reference))" }, note)
        for i in e.indexes {
            guard let j = a.indexes.first(where: { $0.name.lowercased() == i.name.lowercased() }) else { note("index \(i.name) is missing"); continue }
            var ii = i, jj = j
            ii.table = e.name; jj.table = e.name
            for k in ii.columns.indices { ii.columns[k].expression = ii.columns[k].expression.map { SQLNormalForm.normalized(SQLNormalForm.withoutOuterParentheses($0)) } }
            for k in jj.columns.indices { jj.columns[k].expression = jj.columns[k].expression.map { SQLNormalForm.normalized(SQLNormalForm.withoutOuterParentheses($0)) } }
            ii.whereClause = ii.whereClause.map(SQLNormalForm.normalized)
            jj.whereClause = jj.whereClause.map(SQLNormalForm.normalized)
            if ii != jj { note("index \(i.name): \(SQLRenderer.createIndex(i)) ≠ \(SQLRenderer.createIndex(j))") }
        }
        for j in a.indexes where !e.indexes.contains(where: { $0.name.lowercased() == j.name.lowercased() }) {
            note("the database has an extra index \(j.name)")
        }
        return out
    }

    static func describe(_ pk: SQLColumnPrimaryKey?) -> String {
        guard let pk else { return "no" }
        return (["yes"] + [pk.order?.rawValue, pk.autoincrement ? "AUTOINCREMENT" : nil].compactMap { $0 }).joined(separator: " ")
    }

    static func listDifference(_ what: String, _ e: [String], _ a: [String], _ note: (String) -> Void) {
        for x in e where !a.contains(x) { note("\(what) \(x) is missing") }
        for x in a where !e.contains(x) { note("the database has an extra \(what) \(x)") }
        if Set(e) == Set(a) && e != a && e.count == a.count { note("\(what) constraints are in a different order") }
    }
}
