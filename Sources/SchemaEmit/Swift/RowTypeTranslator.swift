import SchemaModel

/// Translates a table into its row struct: properties, the memberwise init, `Codable`, the
/// reading init, the column binder and the stored-row helpers the DAO uses.
enum RowTypeTranslator {
    static func rowStruct(_ t: SwiftTable) -> SwiftDeclaration {
        let statement = SwiftExpression.identifier("statement")
        let statementParameter = SwiftParameter(label: nil, name: "statement", type: .borrowing(.named(RuntimeAPI.statement)))
        var members: [SwiftDeclaration] = []

        // Value sets: an enum per column, nested in the row struct.
        for c in t.columns { if let set = c.valueSet { members.append(ValueSetTranslator.declaration(set, column: c.column)) } }

        members += properties(t.columns, draftName: t.draftColumns == nil ? nil : "\(t.typeName).Draft")

        members.append(memberwiseInit(t.columns))
        members += codable(t.columns)

        members.append(SwiftDeclaration(
            doc: "Reads the current row of `statement`, whose result columns are this table's columns in\n"
                + "schema order: `SELECT \(t.selectList) FROM \(t.sqlTable) …`.\n"
                + "Throws `DatabaseError` (`.typeMismatch`, `.decoding`) for a value of the wrong storage class.",
            .function(SwiftFunction(
                access: .public, .initializer, parameters: [statementParameter], throwsClause: .typed(.named(RuntimeAPI.databaseError)),
                body: readingInitBody(t.columns.map { ($0.name, $0.read(from: statement)) })))))

        members.append(bindColumns(t.columns))

        if let stored = storedFunction(t) { members.append(stored) }
        if let draft = draftStruct(t) { members.append(draft) }

        members.append(SwiftDeclaration(doc: "The single row an `INSERT … RETURNING` produced.", .function(SwiftFunction(
            isStatic: true, .function("_returned"), parameters: [statementParameter],
            throwsClause: .typed(.named(RuntimeAPI.databaseError)), returnType: t.type,
            body: [
                .guard(.expression(.try(statement.call(RuntimeAPI.step))), else: [
                    .throw(misuseError("no row returned", sql: statement.dot(RuntimeAPI.sql))),
                ]),
                .return(.try(.call(.type(t.type), [SwiftArgument(nil, statement)]))),
            ]))))

        var doc = t.table.doc.map { $0 + "\n\n" } ?? ""
        doc += "A row of `\(t.table.name)`. Read and written through `\(t.daoName)` (`db.\(t.daoPropertyName)`)."
        return SwiftDeclaration(doc: doc, .struct(SwiftTypeDeclaration(
            access: .public, name: t.typeName, conformances: ["Codable", "Sendable", "Hashable"], members: members)))
    }

    /// One `public var` per column, documented with what the database fills in.
    static func properties(_ columns: [SwiftColumn], draftName: String?, inDraft: Bool = false) -> [SwiftDeclaration] {
        columns.map { c in
            var note: String?
            if c.isRowid {
                note = "The rowid alias: nil until inserted, then the id SQLite assigned."
            } else if inDraft, let d = c.databaseDefault {
                note = "Database default `\(d)`: nil on insert writes `COALESCE(?, \(d))`, so the database fills it in."
            } else if let d = c.databaseDefault {
                note = "Database default `\(d)`: nil on insert writes `COALESCE(?, \(d))`, so the database\n"
                    + "fills it in (the stored value is returned); nil on update or upsert keeps the stored value."
            } else if c.isDraftDefaulted, let draftName, let d = c.column.defaultValue?.sql {
                note = "Database default `\(d)`: the database fills it in when a `\(draftName)` is inserted with nil."
            }
            let doc = [c.column.doc, note].compactMap { $0 }.joined(separator: "\n\n")
            return SwiftDeclaration(doc: doc.isEmpty ? nil : doc, .variable(SwiftVariable(
                access: .public, isMutable: true, name: c.name, type: c.swiftType)))
        }
    }

    /// `Codable` written out over the runtime's `ColumnKey` (each key a column's SQL name), as the
    /// synthesized conformance would do it (`decodeIfPresent`/`encodeIfPresent` for optionals),
    /// without a `CodingKeys` enum per table: the enum's synthesized members cost more build time
    /// than the two bodies (BENCHMARKS.md, "Build cost").
    static func codable(_ columns: [SwiftColumn]) -> [SwiftDeclaration] {
        let container = SwiftExpression.identifier("container")
        let keyType = SwiftType.named(RuntimeAPI.columnKey)
        // An optional column is coded with `…IfPresent` and its wrapped type, as synthesized `Codable` does.
        func wrappedIfOptional(_ c: SwiftColumn) -> (method: String, type: SwiftType) {
            if case .optional(let wrapped) = c.swiftType { return ("IfPresent", wrapped) }
            return ("", c.swiftType)
        }
        func key(_ c: SwiftColumn) -> SwiftArgument {
            SwiftArgument("forKey", .call(.type(keyType), [SwiftArgument(nil, .string(c.column.name))]))
        }
        let decodeBody: [SwiftStatement] = [
            .variable(SwiftVariable(name: "container", initializer: .try(SwiftExpression.identifier("decoder").call(
                "container", [SwiftArgument("keyedBy", .metatype(keyType))])))),
        ] + columns.map { c in
            let (method, type) = wrappedIfOptional(c)
            return .assignment(SwiftExpression.selfReference.dot(c.name),
                               .try(container.call("decode" + method, [SwiftArgument(nil, .metatype(type)), key(c)])))
        }
        let encodeBody: [SwiftStatement] = [
            .variable(SwiftVariable(isMutable: true, name: "container", initializer: SwiftExpression.identifier("encoder").call(
                "container", [SwiftArgument("keyedBy", .metatype(keyType))]))),
        ] + columns.map { c in
            .try(container.call("encode" + wrappedIfOptional(c).method, [SwiftArgument(nil, SwiftExpression.selfReference.dot(c.name)), key(c)]))
        }
        return [
            SwiftDeclaration(doc: "Decodes a row keyed by column name (`Codable`).", .function(SwiftFunction(
                access: .public, .initializer,
                parameters: [SwiftParameter(label: "from", name: "decoder", type: .existential(.named("Decoder")))],
                throwsClause: .untyped, body: decodeBody))),
            SwiftDeclaration(doc: "Encodes the row keyed by column name (`Codable`).", .function(SwiftFunction(
                access: .public, .function("encode"),
                parameters: [SwiftParameter(label: "to", name: "encoder", type: .existential(.named("Encoder")))],
                throwsClause: .untyped, body: encodeBody))),
        ]
    }

    /// The body of an init reading a result row (a table's row, a query's or a view's): every read
    /// (each may throw) into a local `c0…` first, then the stores. Assigned field by field between
    /// throwing reads, the optimiser builds the row aside and copies it out (an outlined copy per
    /// row, ~10 % of a fetch-all's Swift cost).
    static func readingInitBody(_ fields: [(property: String, read: SwiftExpression)]) -> [SwiftStatement] {
        fields.indices.map { i in .variable(SwiftVariable(isMutable: false, name: "c\(i)", initializer: fields[i].read)) }
            + fields.indices.map { i in .assignment(SwiftExpression.selfReference.dot(fields[i].property), .identifier("c\(i)")) }
    }

    /// The memberwise init. A parameter named `self` would shadow `self` in the body, so its
    /// internal name differs from its label.
    static func memberwiseInit(_ columns: [SwiftColumn]) -> SwiftDeclaration {
        memberwiseInit(columns.map { ($0.name, $0.swiftType, $0.initDefault) }, doc: "Creates a row; the defaults mirror the schema's.")
    }

    /// A public memberwise init over `properties` (Swift's synthesized one is internal). A
    /// parameter named `self` would shadow `self` in the body, so its internal name differs from its label.
    static func memberwiseInit(_ properties: [(name: String, type: SwiftType, defaultValue: SwiftExpression?)], doc: String) -> SwiftDeclaration {
        var usedNames = Set(properties.map(\.name))
        let parameters = properties.map { property -> SwiftParameter in
            var inner = property.name
            if inner == "self" {
                inner = "self_"
                while usedNames.contains(inner) { inner += "_" }
                usedNames.insert(inner)
            }
            return SwiftParameter(label: property.name, name: inner, type: property.type, defaultValue: property.defaultValue)
        }
        return SwiftDeclaration(doc: doc, .function(SwiftFunction(
            access: .public, .initializer, parameters: parameters, wrapsParameters: true,
            body: zip(properties, parameters).map { property, p in .assignment(SwiftExpression.selfReference.dot(property.name), .identifier(p.name)) })))
    }

    /// `func _bindColumns(to statement:)`: every column, in schema order, to `?1`…`?N`.
    static func bindColumns(_ columns: [SwiftColumn]) -> SwiftDeclaration {
        let statement = SwiftExpression.identifier("statement")
        return SwiftDeclaration(
            doc: "Binds every column, in schema order, to parameters `?1`…`?\(columns.count)`.",
            .function(SwiftFunction(
                .function("_bindColumns"), parameters: [SwiftParameter(label: "to", name: "statement", type: .borrowing(.named(RuntimeAPI.statement)))],
                body: columns.filter { !$0.isGenerated }.map { c in c.bind(SwiftExpression.selfReference.dot(c.name), at: c.parameter, to: statement) })))
    }

    /// `T.Draft`: a row to insert, whose NOT NULL columns with an SQL default may be left nil for
    /// the database to fill in (the row struct itself has them non-optional).
    static func draftStruct(_ t: SwiftTable) -> SwiftDeclaration? {
        guard let columns = t.draftColumns else { return nil }
        return SwiftDeclaration(
            doc: "A row to insert with `\(t.daoName).insert(_:)` or `insertAndFetch(_:)`: nil in a database-defaulted\n"
                + "column lets the database fill it in.",
            .struct(SwiftTypeDeclaration(access: .public, name: "Draft", conformances: ["Sendable"],
                                         members: properties(columns, draftName: nil, inDraft: true) + [memberwiseInit(columns), bindColumns(columns)])))
    }

    /// The changes an INSERT makes to the bound values (rowid, timestamp precision, NaN as NULL).
    static func storedAdjustments(_ t: SwiftTable, row: SwiftExpression) -> [SwiftStatement] {
        var body: [SwiftStatement] = []
        for c in t.columns {
            let property = row.dot(c.name)
            if c.isRowid {
                body.append(.assignment(property, .identifier("rowid")))
                continue
            }
            switch c.column.type {
            case .timestamp:
                body.append(.assignment(property, SwiftExpression.type(.named(RuntimeAPI.timestamp)).call(RuntimeAPI.storedTimestamp, [SwiftArgument(nil, property)])))
            case .epoch:
                body.append(.assignment(property, SwiftExpression.type(.named(RuntimeAPI.timestamp)).call(RuntimeAPI.storedEpoch, [SwiftArgument(nil, property)])))
            case .real where c.isOptional:
                body.append(.if(.expression(.binary(SwiftExpression.optionalChain(property).dot("isNaN"), "==", .bool(true))),
                                then: [.assignment(property, .nil)]))
            default:
                break
            }
        }
        return body
    }

    /// True when an insert stores something other than the bound row (so `_stored` exists).
    static func hasStoredAdjustments(_ t: SwiftTable) -> Bool {
        !storedAdjustments(t, row: .identifier("row")).isEmpty
    }

    /// `_stored(rowid:)`: the row as an INSERT of `self` stores it, emitted only when that differs
    /// from `self` (a link table without timestamps stores exactly what it binds).
    static func storedFunction(_ t: SwiftTable) -> SwiftDeclaration? {
        guard t.storedRowIsComputable else { return nil }
        let row = SwiftExpression.identifier("row")
        let adjustments = storedAdjustments(t, row: row)
        guard !adjustments.isEmpty else { return nil }
        return SwiftDeclaration(
            doc: "The row as an INSERT of `self` stores it (what `RETURNING` would give): the rowid SQLite assigned,\n"
                + "timestamps at the stored millisecond precision, NaN as NULL.",
            .function(SwiftFunction(
                .function("_stored"), parameters: t.rowidColumn == nil ? [] : [SwiftParameter("rowid", .named("Int64"))],
                returnType: t.type,
                body: [.variable(SwiftVariable(isMutable: true, name: "row", initializer: .selfReference))] + adjustments + [.return(row)])))
    }

    /// `DatabaseError(kind: .misuse, message: "…", sql: …)`.
    static func misuseError(_ message: String, sql: SwiftExpression) -> SwiftExpression {
        .call(.type(.named(RuntimeAPI.databaseError)), [
            SwiftArgument(RuntimeAPI.errorKind, .implicitMember(RuntimeAPI.misuse)),
            SwiftArgument(RuntimeAPI.errorMessage, .string(message)),
            SwiftArgument(RuntimeAPI.errorSQL, sql),
        ])
    }
}
