import SchemaModel

/// Translates a table into its read DAO: `<Type>Reads<DB: DatabaseReading & Sendable>`, a struct
/// over any reader holding the statements that only read (every fetch, the count), plus the
/// `db.<table>` accessor on every `DatabaseReading`.
///
/// This is how generated code works in both `DatabasePool` bodies with the write/read split
/// checked by the compiler:
/// * a `read` body's `ReadOnlyDatabase` gets `<Type>Reads<ReadOnlyDatabase>`, which has no
///   insert/update/delete/upsert: calling one there does not compile ("referencing instance
///   method 'insert' on '…Reads' requires the types 'ReadOnlyDatabase' and 'Database' be
///   equivalent");
/// * a `Database` (a `write` body, or any connection) gets `<Type>Reads<Database>`, which is
///   `<Type>DAO` (`DAOTranslator`): the same fetches, and the writes of its extension. Inside the
///   generated module the optimizer specialises the fetches for `Database` (no generic dispatch on
///   the `Database` path).
enum ReadDAOTranslator {
    /// The reader type parameter of every read DAO (a reserved type name: no table can take it).
    static let readerParameter = "DB"

    static func declarations(_ t: SwiftTable) -> [SwiftDeclaration] {
        let reader = SwiftType.named(readerParameter)
        let members: [SwiftDeclaration] = [
            SwiftDeclaration(.variable(SwiftVariable(access: .public, name: "db", type: reader))),
            SwiftDeclaration(.function(SwiftFunction(
                access: .public, .initializer, parameters: [SwiftParameter("db", reader)],
                body: [.assignment(SwiftExpression.selfReference.dot("db"), DAOTranslator.db)]))),
        ] + readMethods(t)
        let dao = SwiftDeclaration(
            doc: "Reading access to `\(t.table.name)` over any reader: a `DatabasePool.read` body's `ReadOnlyDatabase`\n"
                + "gets its fetches and counts only; over a `Database` it is `\(t.daoName)`, which adds the writes.",
            .struct(SwiftTypeDeclaration(
                access: .public, name: t.readDAOName,
                genericParameters: [SwiftTypeConstraint(readerParameter, conformsTo: [RuntimeAPI.databaseReading, "Sendable"])],
                conformances: ["Sendable"], members: members)))
        let accessor = SwiftDeclaration(.extension(SwiftExtension(
            extendedType: RuntimeAPI.databaseReading, whereClause: [SwiftTypeConstraint("Self", conformsTo: ["Sendable"])],
            members: [
                SwiftDeclaration(doc: "Typed access to `\(t.table.name)`: `\(t.daoName)` (reads and writes) on a `Database`, the reads alone on a `ReadOnlyDatabase`.",
                                 .variable(SwiftVariable(
                                    access: .public, isMutable: true, name: t.daoPropertyName,
                                    type: .generic(t.readDAOName, [.named("Self")]),
                                    getter: [.expression(.call(.type(.named(t.readDAOName)), [SwiftArgument("db", .selfReference)]))]))),
            ])))
        return [dao, accessor]
    }

    /// The read methods, in the order the DAO lists them: fetch by the primary key, by each unique
    /// key, all by each index prefix, all (paged), count.
    static func readMethods(_ t: SwiftTable) -> [SwiftDeclaration] {
        var members: [SwiftDeclaration] = []
        if let pk = t.primaryKey { members.append(fetchOne(t, pk, doc: "Fetches the row with this primary key.")) }
        for k in t.uniqueKeys {
            members.append(fetchOne(t, k, doc: "Fetches the row with this unique key (`\(k.columnList)`)."))
        }
        for k in t.indexPrefixes { members.append(fetchMany(t, k)) }
        members.append(fetchAll(t))
        members.append(count(t))
        return members
    }

    // MARK: Reads

    static var s: SwiftExpression { DAOTranslator.s }

    static func fetchOne(_ t: SwiftTable, _ k: SwiftKey, doc: String) -> SwiftDeclaration {
        var sql = "SELECT \(t.selectList) FROM \(t.sqlTable) WHERE \(k.whereClause)"
        if k.hasNullable { sql += " ORDER BY \(t.orderBy) LIMIT 1" }
        return DAOTranslator.keyedMethod(doc: doc, "fetch", key: k, returns: .optional(t.type), sql: sql, [
            .return(.try(.ternary(s.call(RuntimeAPI.step), .call(.type(t.type), [SwiftArgument(nil, s)]), .nil))),
        ])
    }

    static func fetchMany(_ t: SwiftTable, _ k: SwiftKey) -> SwiftDeclaration {
        DAOTranslator.keyedMethod(
            doc: "Fetches the rows matching the index prefix (`\(k.columnList)`), ordered by the primary key.",
            "fetchAll", key: k, returns: .array(t.type),
            sql: "SELECT \(t.selectList) FROM \(t.sqlTable) WHERE \(k.whereClause) ORDER BY \(t.orderBy)",
            DAOTranslator.collectRows(t))
    }

    static func fetchAll(_ t: SwiftTable) -> SwiftDeclaration {
        let all = "SELECT \(t.selectList) FROM \(t.sqlTable) ORDER BY \(t.orderBy)"
        let decode = SwiftClosure(parameters: ["s"], throwsClause: DAOTranslator.databaseError, returnType: nil,
                                  body: [.return(.try(.call(.type(t.type), [SwiftArgument(nil, s)])))])
        return DAOTranslator.method(
            doc: "Fetches rows ordered by the primary key; `limit` nil means all.", "fetchAll",
            [SwiftParameter("limit", .optional(.named("Int")), defaultValue: .nil),
             SwiftParameter("offset", .named("Int"), defaultValue: .integer(0))],
            returns: .array(t.type),
            [.expression(.try(DAOTranslator.db.call(RuntimeAPI.fetchRows, [
                SwiftArgument(nil, .string(all)), SwiftArgument("paged", .string(all + " LIMIT ?1 OFFSET ?2")),
                SwiftArgument("limit", .identifier("limit")), SwiftArgument("offset", .identifier("offset")),
            ], trailingClosure: decode)))])
    }

    static func count(_ t: SwiftTable) -> SwiftDeclaration {
        DAOTranslator.method(doc: "The number of rows.", "count", [], returns: .named("Int"), [
            .expression(DAOTranslator.withStatement("SELECT count(*) FROM \(t.sqlTable)", returns: .named("Int"), [
                .guard(.expression(.try(s.call(RuntimeAPI.step))), else: [.return(.integer(0))]),
                .return(.try(s.call(RuntimeAPI.readInt, [SwiftArgument(nil, .integer(0))]))),
            ])),
        ])
    }
}
