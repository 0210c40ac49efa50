import SchemaModel

/// Translates a table into its DAO: `<Type>DAO`, the read DAO (`ReadDAOTranslator`) over a
/// `Database` (`typealias <Type>DAO = <Type>Reads<Database>`), and an extension of it with the
/// writes (insert, update, delete, upsert). Every statement is a `StaticString` literal (the
/// runtime caches prepared statements by the literal's address), with parameters numbered `?N`
/// and bound by position. One type instead of a DAO struct forwarding its fetches to the read
/// DAO: each generated function costs build time (BENCHMARKS.md, "Build cost of the generated Swift").
enum DAOTranslator {
    static let db = SwiftExpression.identifier("db")
    static let s = SwiftExpression.identifier("s")
    static let row = SwiftExpression.identifier("row")
    static let databaseError = SwiftThrows.typed(.named(RuntimeAPI.databaseError))

    static func declarations(_ t: SwiftTable) -> [SwiftDeclaration] {
        var members: [SwiftDeclaration] = [insert(t), insertContentsOf(t)]
        members += insertDraft(t)
        if let pk = t.primaryKey {
            if let u = update(t, pk) { members.append(u) }
            members.append(delete(t, pk, doc: "Deletes the row with this primary key; returns whether one was deleted."))
        }
        for k in t.uniqueKeys {
            members.append(delete(t, k, doc: "Deletes the row(s) with this unique key; returns whether any was deleted."))
        }
        let targets = conflictTargets(t)
        if !targets.isEmpty {
            members.append(conflictTargetEnum(targets))
            members.append(upsert(t, targets))
            members.append(upsertAndFetch(t, targets))
        }
        // The DAO is the read DAO over a `Database`, not a second struct: its fetches are the read
        // DAO's own methods (no forwarders), and the writes below exist only where `DB` is
        // `Database`, so a `DatabasePool.read` body cannot call them (a compile error).
        let dao = SwiftDeclaration(
            doc: "Typed access to `\(t.table.name)` over a `Database` (`db.\(t.daoPropertyName)`): `\(t.readDAOName)`'s fetches and counts,\n"
                + "and the writes below. Every statement is a static literal, prepared once per connection.",
            .typeAlias(access: .public, name: t.daoName, type: .generic(t.readDAOName, [.named(RuntimeAPI.database)])))
        return [dao, SwiftDeclaration(.extension(SwiftExtension(extendedType: t.daoName, members: members)))]
    }

    // MARK: Building blocks

    /// `try db.withStatement("SQL") { s throws(DatabaseError) -> R in body }`
    static func withStatement(_ sql: String, returns: SwiftType?, _ body: [SwiftStatement]) -> SwiftExpression {
        .try(db.call(RuntimeAPI.withStatement, [SwiftArgument(nil, .string(sql))],
                     trailingClosure: SwiftClosure(parameters: ["s"], throwsClause: databaseError, returnType: returns, body: body)))
    }

    static func method(doc: String, discardable: Bool = false, _ name: String, _ parameters: [SwiftParameter],
                       returns: SwiftType?, _ body: [SwiftStatement]) -> SwiftDeclaration {
        SwiftDeclaration(doc: doc, attributes: discardable ? ["discardableResult"] : [], .function(SwiftFunction(
            access: .public, .function(name), parameters: parameters, throwsClause: databaseError, returnType: returns, body: body)))
    }

    /// A method over one cached statement: binds the key's columns, then `body`.
    static func keyedMethod(doc: String, discardable: Bool = false, _ name: String, key k: SwiftKey, returns: SwiftType,
                            sql: String, _ body: [SwiftStatement]) -> SwiftDeclaration {
        method(doc: doc, discardable: discardable, name, k.parameters, returns: returns,
               [.expression(withStatement(sql, returns: returns, k.binds(to: s) + body))])
    }

    /// `row._bindColumns(to: s)`
    static var bindRow: SwiftStatement { .expression(row.call("_bindColumns", [SwiftArgument("to", s)])) }
    static var run: SwiftStatement { .try(s.call(RuntimeAPI.run)) }
    static var changed: SwiftExpression { .binary(s.dot(RuntimeAPI.changes), ">", .integer(0)) }

    /// The stored row after an insert of `row` that SQLite gave `rowid`.
    static func storedRow(_ t: SwiftTable, rowid: SwiftExpression) -> SwiftExpression {
        guard RowTypeTranslator.hasStoredAdjustments(t) else { return row }
        return row.call("_stored", t.rowidColumn == nil ? [] : [SwiftArgument("rowid", rowid)])
    }

    /// `var rows: [T] = []; while try s.step() { rows.append(try T(s)) }; return rows`
    static func collectRows(_ t: SwiftTable) -> [SwiftStatement] {
        let rows = SwiftExpression.identifier("rows")
        return [
            .variable(SwiftVariable(isMutable: true, name: "rows", type: .array(t.type), initializer: .array([]))),
            .while(.try(s.call(RuntimeAPI.step)), [.expression(rows.call("append", [SwiftArgument(nil, .try(.call(.type(t.type), [SwiftArgument(nil, s)])))]))]),
            .return(rows),
        ]
    }

    // MARK: Insert

    static func insert(_ t: SwiftTable) -> SwiftDeclaration {
        // `RETURNING` roughly doubles the cost of an INSERT in SQLite. When the database fills in
        // nothing but the rowid, the stored row is computed in Swift instead.
        let body: [SwiftStatement] = t.storedRowIsComputable
            ? [bindRow, run, .return(storedRow(t, rowid: s.dot(RuntimeAPI.lastInsertRowID)))]
            : [bindRow, .return(.try(SwiftExpression.type(t.type).call("_returned", [SwiftArgument(nil, s)])))]
        let sql = t.storedRowIsComputable ? t.insertSQL : t.insertSQL + " RETURNING \(t.selectList)"
        return method(doc: "Inserts `row` and returns it as stored, with what the database filled in (rowid, defaults).",
                      discardable: true, "insert", [SwiftParameter(label: nil, name: "row", type: t.type)], returns: t.type,
                      [.expression(withStatement(sql, returns: t.type, body))])
    }

    static func insertContentsOf(_ t: SwiftTable) -> SwiftDeclaration {
        let stored = SwiftExpression.identifier("stored")
        let body: [SwiftStatement] = [
            .variable(SwiftVariable(isMutable: true, name: "stored", type: .array(t.type), initializer: .array([]))),
            .expression(stored.call("reserveCapacity", [SwiftArgument(nil, SwiftExpression.identifier("rows").dot("underestimatedCount"))])),
            .for(variable: "row", in: .identifier("rows"), [
                .expression(stored.call("append", [SwiftArgument(nil, .try(.call("insert", [SwiftArgument(nil, row)])))])),
            ]),
            .return(stored),
        ]
        let transaction = SwiftExpression.try(db.call(RuntimeAPI.transaction, trailingClosure: SwiftClosure(
            parameters: ["_"], throwsClause: databaseError, returnType: .array(t.type), body: body)))
        return method(doc: "Inserts `rows` in one transaction (all or none), reusing one prepared statement; returns them as stored.",
                      discardable: true, "insert",
                      [SwiftParameter(label: "contentsOf", name: "rows", type: .some(.generic("Sequence", [t.type])))],
                      returns: .array(t.type), [.expression(transaction)])
    }

    /// For a table with a `Draft`: `insert(_ draft:)` only writes (no `RETURNING`: the database fills
    /// in its defaults) and returns the rowid; `insertAndFetch(_ draft:)` returns the row as stored.
    static func insertDraft(_ t: SwiftTable) -> [SwiftDeclaration] {
        guard let columns = t.draftColumns else { return [] }
        let draftType = SwiftType.named("\(t.typeName).Draft")
        let draft = SwiftExpression.identifier("draft")
        let bind = SwiftStatement.expression(draft.call("_bindColumns", [SwiftArgument("to", s)]))
        let parameter = [SwiftParameter(label: nil, name: "draft", type: draftType)]
        let sql = t.insertSQL(columns)
        return [
            method(doc: "Inserts `draft`, the database filling in what it leaves nil; only writes (no `RETURNING`).\n"
                    + "Returns the rowid SQLite assigned. Use `insertAndFetch` for the row as stored.",
                   discardable: true, "insert", parameter, returns: .named("Int64"),
                   [.expression(withStatement(sql, returns: .named("Int64"), [bind, run, .return(s.dot(RuntimeAPI.lastInsertRowID))]))]),
            method(doc: "Inserts `draft` and returns the row as stored, with what the database filled in (`RETURNING`).",
                   discardable: true, "insertAndFetch", parameter, returns: t.type,
                   [.expression(withStatement(sql + " RETURNING \(t.selectList)", returns: t.type, [
                       bind, .return(.try(SwiftExpression.type(t.type).call("_returned", [SwiftArgument(nil, s)]))),
                   ]))]),
        ]
    }

    // MARK: Writes

    static func update(_ t: SwiftTable, _ pk: SwiftKey) -> SwiftDeclaration? {
        let others = t.columns.filter { !pk.names.contains($0.column.name) && !$0.isGenerated }
        guard !others.isEmpty else { return nil }
        let whereClause = pk.columns.map { "\($0.sqlName) = ?\($0.parameter)" }.joined(separator: " AND ")
        let sql = "UPDATE \(t.sqlTable) SET \(others.map(\.assignment).joined(separator: ", ")) WHERE \(whereClause)"
        var doc = "Writes every column of `row` to the row with its primary key; returns whether a row changed"
        doc += pk.columns.contains(where: \.isRowid) ? " (false when the rowid is nil)." : "."
        var body: [SwiftStatement] = []
        if let rowid = pk.columns.first(where: \.isRowid) {
            body.append(.guard(.expression(.binary(row.dot(rowid.name), "!=", .nil)), else: [.return(.bool(false))]))
        }
        let full = withStatement(sql, returns: .named("Bool"), [bindRow, run, .return(changed)])
        let maintained = t.maintainedColumns.map { names in others.filter { names.contains($0.column.name) } } ?? []
        let plain = others.filter { c in !maintained.contains { $0.column.name == c.column.name } }
        if maintained.isEmpty || plain.isEmpty {
            body.append(.return(full))
        } else {
            // Rewriting an indexed column re-writes its index entries (and re-checks UNIQUE and
            // foreign keys) even when the value is unchanged, which makes a full-row UPDATE several
            // times slower. So first update only the other columns, guarded by the indexed ones
            // being byte-for-byte unchanged; only when that matches no row, write every column.
            let guards = maintained.map { c in
                let value = c.databaseDefault == nil ? "?\(c.parameter)" : "COALESCE(?\(c.parameter), \(c.sqlName))"
                return "\(c.sqlName) IS \(value) COLLATE BINARY"
            }
            let narrowSQL = "UPDATE \(t.sqlTable) SET \(plain.map(\.assignment).joined(separator: ", ")) "
                + "WHERE \(whereClause) AND \(guards.joined(separator: " AND "))"
            body.append(.return(withStatement(narrowSQL, returns: .named("Bool"), [
                bindRow, run, .if(.expression(changed), then: [.return(.bool(true))]), .return(full),
            ])))
        }
        return method(doc: doc, discardable: true, "update", [SwiftParameter(label: nil, name: "row", type: t.type)],
                      returns: .named("Bool"), body)
    }

    static func delete(_ t: SwiftTable, _ k: SwiftKey, doc: String) -> SwiftDeclaration {
        keyedMethod(doc: doc, discardable: true, "delete", key: k, returns: .named("Bool"),
                    sql: "DELETE FROM \(t.sqlTable) WHERE \(k.whereClause)", [run, .return(changed)])
    }

    // MARK: Upsert

    struct ConflictTarget {
        let caseName: String
        let key: SwiftKey
    }

    /// The primary key, then each unique key, each with a distinct case name.
    static func conflictTargets(_ t: SwiftTable) -> [ConflictTarget] {
        var targets: [ConflictTarget] = []
        if let pk = t.primaryKey { targets.append(ConflictTarget(caseName: "primaryKey", key: pk)) }
        var used = Set(targets.map(\.caseName))
        for k in t.uniqueKeys {
            var name = k.caseName
            while used.contains(name) { name += "_" }
            used.insert(name)
            targets.append(ConflictTarget(caseName: name, key: k))
        }
        return targets
    }

    static func conflictTargetEnum(_ targets: [ConflictTarget]) -> SwiftDeclaration {
        SwiftDeclaration(doc: "The keys an upsert can resolve a conflict on.", .enum(SwiftTypeDeclaration(
            access: .public, name: "ConflictTarget", conformances: ["Sendable", "Hashable"],
            members: targets.map { SwiftDeclaration(doc: "`\($0.key.columnList)`", .enumCase(name: $0.caseName, rawValue: nil)) })))
    }

    /// `INSERT … ON CONFLICT(key) DO UPDATE SET …` for one target.
    static func upsertSQL(_ t: SwiftTable, _ target: ConflictTarget) -> String {
        let pkNames = t.primaryKey?.names ?? []
        let settable = t.columns.filter { !target.key.names.contains($0.column.name) && !pkNames.contains($0.column.name) && !$0.isGenerated }
        var sets = settable.map { c in
            c.databaseDefault == nil
                ? "\(c.sqlName) = excluded.\(c.sqlName)"
                : "\(c.sqlName) = COALESCE(?\(c.parameter), \(t.sqlTable).\(c.sqlName))"
        }
        if sets.isEmpty, let c = target.key.columns.first { sets = ["\(c.sqlName) = excluded.\(c.sqlName)"] }
        return t.insertSQL + " ON CONFLICT(\(target.key.columns.map(\.sqlName).joined(separator: ", "))) DO UPDATE SET \(sets.joined(separator: ", "))"
    }

    static func upsertParameters(_ t: SwiftTable, _ targets: [ConflictTarget]) -> [SwiftParameter] {
        [SwiftParameter(label: nil, name: "row", type: t.type),
         SwiftParameter(label: "onConflict", name: "target", type: .named("ConflictTarget"),
                        defaultValue: .implicitMember(targets[0].caseName))]
    }

    /// Two entry points, as in GRDB: `upsert` only writes; `upsertAndFetch` also returns the
    /// stored row, which costs a read of the existing row when the conflict path is taken.
    static func upsert(_ t: SwiftTable, _ targets: [ConflictTarget]) -> SwiftDeclaration {
        let cases = targets.map { target in
            SwiftSwitchCase(.implicitMember(target.caseName), [.expression(withStatement(upsertSQL(t, target), returns: nil, [bindRow, run]))])
        }
        return method(doc: "Inserts `row`, or on a conflict on `target` updates the existing row's other columns\n"
                        + "(`ON CONFLICT(…) DO UPDATE SET … = excluded.…`; the primary key is never changed).\n"
                        + "Use `upsertAndFetch` for the row as stored.",
                      "upsert", upsertParameters(t, targets), returns: nil,
                      [.switch(.identifier("target"), cases)])
    }

    static func upsertAndFetch(_ t: SwiftTable, _ targets: [ConflictTarget]) -> SwiftDeclaration {
        let cases = targets.map { target -> SwiftSwitchCase in
            let sql = upsertSQL(t, target)
            guard t.storedRowIsComputable else {
                return SwiftSwitchCase(.implicitMember(target.caseName), [.return(withStatement(sql + " RETURNING \(t.selectList)", returns: t.type, [
                    bindRow, .return(.try(SwiftExpression.type(t.type).call("_returned", [SwiftArgument(nil, s)]))),
                ]))])
            }
            // Without `RETURNING` (which roughly doubles the cost of the statement): a sentinel
            // last-insert rowid tells whether the row was inserted (then it is the stored row) or
            // an existing row was updated (then it is read back by the conflict key).
            let rowid = SwiftExpression.identifier("rowid")
            let sentinel = SwiftExpression.type(.named("Int64")).dot("min")
            let keyArguments = target.key.columns.map { c in
                SwiftArgument(c.name, c.isRowid ? .binary(row.dot(c.name), "??", rowid) : row.dot(c.name))
            }
            return SwiftSwitchCase(.implicitMember(target.caseName), [.return(withStatement(sql, returns: t.type, [
                bindRow,
                .variable(SwiftVariable(name: "previous", initializer: s.dot(RuntimeAPI.lastInsertRowID))),
                .expression(s.call(RuntimeAPI.setLastInsertRowID, [SwiftArgument(nil, sentinel)])),
                run,
                .variable(SwiftVariable(name: "rowid", initializer: s.dot(RuntimeAPI.lastInsertRowID))),
                .if(.expression(.binary(rowid, "!=", sentinel)), then: [.return(storedRow(t, rowid: rowid))]),
                .expression(s.call(RuntimeAPI.setLastInsertRowID, [SwiftArgument(nil, .identifier("previous"))])),
                .guard(.optionalBinding("stored", .try(.call("fetch", keyArguments))), else: [
                    .throw(RowTypeTranslator.misuseError("upserted row not found", sql: s.dot(RuntimeAPI.sql))),
                ]),
                .return(.identifier("stored")),
            ]))])
        }
        return method(doc: "Inserts `row`, or on a conflict on `target` updates the existing row's other columns\n"
                        + "(`ON CONFLICT(…) DO UPDATE SET … = excluded.…`; the primary key is never changed);\n"
                        + "returns the row as stored.",
                      discardable: true, "upsertAndFetch", upsertParameters(t, targets), returns: t.type,
                      [.switch(.identifier("target"), cases)])
    }
}
