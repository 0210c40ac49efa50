import SchemaModel
import SchemaQuery
import SchemaSyntax

/// Translates `query` and `view` declarations (verified by `SchemaQueryCheck`) into Swift:
///
/// - a query in a table block becomes methods in an extension of that table's DAO; a schema-wide
///   query (top level or in a domain) methods of `<Schema>Queries`, reached as `db.queries`;
/// - a query returning rows gets `name(…) -> [Row]`, `nameFirst(…) -> Row?` (steps once) and
///   `name(…, forEach:)` (one row at a time, no array); `Row` is the table's own row struct when
///   the query returns exactly its columns (`AnalyzedQuery.rowTable`), else `<Name>Row`, nested in
///   the DAO or namespace; a statement without rows returns the number of rows changed;
/// - a view becomes a read-only row struct `<View>` and `<View>DAO` with `fetchAll()` (`db.<view>`).
///
/// Same hot path as the DAOs: the SQL is the declaration's text as a `StaticString` literal (the
/// runtime caches its statement), parameters are bound at the index SQLite gave them, columns are
/// read by index. A query with a list parameter (`IN (:ids)`) is the exception: its SQL is built
/// per call from static segments with one `?N` per element, and cached per distinct text.
enum QueryTranslator {
    static let s = SwiftExpression.identifier("s")
    static let db = SwiftExpression.identifier("db")
    static let databaseError = SwiftThrows.typed(.named(RuntimeAPI.databaseError))

    // MARK: Names

    /// `<Schema>Queries`: the namespace of schema-wide queries.
    static func namespaceName(_ schema: Schema) -> String {
        SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(schema.name)) + "Queries"
    }

    /// The `Database` property of the schema-wide queries.
    static let namespaceProperty = "queries"

    static func methodName(_ q: Query) -> String { SwiftNaming.fixLeadingDigit(SwiftNaming.lowerCamel(q.name)) }
    static func rowTypeName(_ q: Query) -> String { SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(q.name)) + "Row" }
    static func label(_ p: QueryParameter) -> String { SwiftNaming.fixLeadingDigit(SwiftNaming.lowerCamel(p.name)) }
    /// The name of a parameter inside the method: its label, unless that is a name the body uses.
    static func internalName(_ p: QueryParameter) -> String {
        let l = label(p)
        return ["db", "s", "rows", "body", "sql", "self", "element", "Self"].contains(l) ? l + "_" : l
    }
    static func property(_ c: ResultColumn) -> String { SwiftNaming.fixLeadingDigit(SwiftNaming.lowerCamel(c.name)) }

    static func viewTypeName(_ v: View) -> String {
        var name = SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(v.name))
        if SwiftNaming.reservedTypeNames.contains(name) { name += "Row" }
        return name
    }
    static func viewDAOName(_ v: View) -> String { viewTypeName(v) + "DAO" }
    static func viewReadsName(_ v: View) -> String { viewTypeName(v) + "Reads" }
    static func viewPropertyName(_ v: View) -> String {
        let type = viewTypeName(v)
        var name = type.hasPrefix("_") ? type : (type.first.map { $0.lowercased() } ?? "") + type.dropFirst()
        if SwiftNaming.databaseMembers.contains(name) || SwiftNaming.keywords.contains(name) { name += "View" }
        return name
    }

    /// Members the table DAOs already have (a query may not take their names).
    static let daoMembers: Set<String> = [
        "db", "init", "insert", "insertAndFetch", "fetch", "fetchAll", "count", "update", "delete", "upsert", "upsertAndFetch",
        "ConflictTarget", "_placeholders",
    ]

    // MARK: Diagnostics

    /// Swift names the queries and views would get that do not compile: a result column whose
    /// name is not an identifier (`count(*)` without an alias), two names that become one in
    /// camel case, a method named like a DAO member, a view type named like another type.
    static func diagnostics(for schema: Schema, queries analysis: QueryAnalysis) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func error(_ message: String, _ range: SourceRange) {
            out.append(Diagnostic(.error, message, file: schema.file, range: range, id: .querySwiftName))
        }
        var methods: [String: [String: String]] = [:] // namespace → method → query name
        for d in analysis.queries {
            let q = d.query
            let ns = q.table ?? ""
            let name = methodName(q)
            let candidates = d.analysis.returnsRows ? [name, name + "First"] : [name]
            if !SwiftNaming.isUsableIdentifier(name) {
                error("query '\(q.name)' gets the Swift method name '\(name)', which is not a Swift identifier; rename the query", q.nameRange)
                continue
            }
            if q.table != nil && daoMembers.contains(name) {
                error("query '\(q.name)' would be the method '\(name)', which the DAO of '\(q.table ?? "")' already has; rename the query", q.nameRange)
                continue
            }
            if q.table == nil && (name == "db" || name == "_placeholders") {
                error("query '\(q.name)' would be the method '\(name)', which the queries namespace already has; rename the query", q.nameRange)
                continue
            }
            for c in candidates {
                if let other = methods[ns]?[c] {
                    error("query '\(q.name)' and query '\(other)' would both be the Swift method '\(c)'; rename one", q.nameRange)
                }
                methods[ns, default: [:]][c] = q.name
            }
            var labels: [String: String] = [:]
            for p in d.analysis.parameters {
                let l = label(p)
                if !SwiftNaming.isUsableIdentifier(l) {
                    error("parameter ':\(p.name)' of query '\(q.name)' gets the Swift label '\(l)', which is not a Swift identifier; rename it", q.nameRange)
                } else if let other = labels[l] {
                    error("parameters ':\(p.name)' and ':\(other)' of query '\(q.name)' would both be the Swift label '\(l)'; rename one", q.nameRange)
                } else if l == "forEach" && d.analysis.returnsRows {
                    error("parameter ':\(p.name)' of query '\(q.name)' would be the label 'forEach', which its row-by-row method uses; rename it", q.nameRange)
                }
                labels[l] = p.name
            }
            if d.analysis.returnsRows && d.analysis.rowTable == nil {
                out += columnDiagnostics(d.analysis.columns, owner: "query '\(q.name)'", range: q.nameRange, sqlStart: q.sqlRange.start, file: schema.file)
            }
        }
        if !analysis.schemaQueries.isEmpty {
            for t in schema.tables where SwiftNaming.daoPropertyName(for: t) == namespaceProperty {
                error("table '\(t.name)' has the Swift accessor 'db.\(namespaceProperty)', which the schema-wide queries use; rename the table or give it @swift(\"…\")", t.nameRange)
            }
        }
        var types: Set<String> = [SwiftEmitter.ddlTypeName(for: schema), namespaceName(schema), readNamespaceName(schema)]
        var accessors: Set<String> = [namespaceProperty]
        for t in schema.tables {
            let tableTypes = ["", "DAO", "Reads"].map { SwiftNaming.typeName(for: t) + $0 }
            if !analysis.schemaQueries.isEmpty,
               let clash = tableTypes.first(where: { $0 == namespaceName(schema) || $0 == readNamespaceName(schema) }) {
                error("table '\(t.name)' gets the Swift type name '\(clash)', which the schema-wide queries use; rename the table or give it @swift(\"…\")", t.nameRange)
            }
            types.formUnion(tableTypes)
            accessors.insert(SwiftNaming.daoPropertyName(for: t))
        }
        for v in analysis.views {
            let type = viewTypeName(v.view)
            if !SwiftNaming.isUsableIdentifier(type) {
                error("view '\(v.view.name)' gets the Swift type name '\(type)', which is not a Swift identifier; rename the view", v.view.nameRange)
                continue
            }
            if types.contains(type) || types.contains(type + "DAO") || types.contains(type + "Reads") || accessors.contains(viewPropertyName(v.view)) {
                error("view '\(v.view.name)' gets the Swift type name '\(type)' (and 'db.\(viewPropertyName(v.view))'), which another declaration already has; rename the view", v.view.nameRange)
                continue
            }
            types.insert(type); types.insert(type + "DAO"); types.insert(type + "Reads"); accessors.insert(viewPropertyName(v.view))
            out += columnDiagnostics(v.analysis.columns, owner: "view '\(v.view.name)'", range: v.view.nameRange,
                                     sqlStart: v.view.sqlRange.start + v.view.statementOffset, file: schema.file)
        }
        return out
    }

    static func columnDiagnostics(_ columns: [ResultColumn], owner: String, range: SourceRange, sqlStart: Int, file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: String] = [:]
        for (i, c) in columns.enumerated() {
            let p = property(c)
            let at = c.offset.map { SourceRange(start: sqlStart + $0, end: sqlStart + $0) } ?? range
            let plain = c.name.unicodeScalars.allSatisfy { $0.isASCII && (ASCIIName.alnum($0) || $0 == "_") }
            if !SwiftNaming.isUsableIdentifier(p) || !plain {
                out.append(Diagnostic(.error, "result column \(i + 1) of \(owner) is named '\(c.name)', which is no Swift property name; give it an alias: '… AS snake_name'",
                                      file: file, range: at, id: .querySwiftName))
            } else if p == "init" || p == "self" {
                out.append(Diagnostic(.error, "result column \(i + 1) of \(owner) would be the Swift property '\(p)'; give it another alias", file: file, range: at, id: .querySwiftName))
            } else if let other = seen[p] {
                out.append(Diagnostic(.error, "result columns '\(other)' and '\(c.name)' of \(owner) would both be the Swift property '\(p)'; give one another alias",
                                      file: file, range: at, id: .querySwiftName))
            }
            seen[p] = c.name
        }
        return out
    }

    // MARK: Declarations

    /// A table's queries: the read-only ones (SELECT) in an extension of its read DAO
    /// `<Type>Reads`, so they run in `DatabasePool.read` and `observe` bodies too; and an extension
    /// of its DAO (`<Type>Reads<Database>`) with every query's row struct and the queries that
    /// write (callable only where `db` is a `Database`: a `pool.write` body). Empty when the
    /// table has no query.
    static func tableExtensions(_ t: SwiftTable, _ queries: [AnalyzedDeclaration], tables: [String: SwiftTable]) -> [SwiftDeclaration] {
        guard !queries.isEmpty else { return [] }
        let reads = queries.filter(\.analysis.isReadOnly), writes = queries.filter { !$0.analysis.isReadOnly }
        var out: [SwiftDeclaration] = []
        if !reads.isEmpty {
            var members: [SwiftDeclaration] = []
            for q in reads { members += methods(q, tables: tables, rowOwner: t.daoName) }
            if hasLists(reads) { members.append(placeholders) }
            out.append(SwiftDeclaration(.extension(SwiftExtension(extendedType: t.readDAOName, members: members))))
        }
        // `<Type>DAO` is `<Type>Reads<Database>`: the read-only queries above are its methods already.
        let writing = writingFace(queries, writes: writes, readType: nil, tables: tables)
        if !writing.isEmpty { out.append(SwiftDeclaration(.extension(SwiftExtension(extendedType: t.daoName, members: writing)))) }
        return out
    }

    /// `<Schema>QueriesReads<DB>` (the read-only schema-wide queries, on every reader as
    /// `db.queries`), `<Schema>Queries` (row structs, forwarders, the writing queries; on a
    /// `Database` as `db.queries`). Empty when the schema has no schema-wide query.
    static func namespace(_ schema: Schema, _ queries: [AnalyzedDeclaration], tables: [String: SwiftTable]) -> [SwiftDeclaration] {
        guard !queries.isEmpty else { return [] }
        let name = namespaceName(schema), readName = readNamespaceName(schema)
        let reads = queries.filter(\.analysis.isReadOnly), writes = queries.filter { !$0.analysis.isReadOnly }
        let reader = SwiftType.named(ReadDAOTranslator.readerParameter)
        var readMembers: [SwiftDeclaration] = [
            SwiftDeclaration(.variable(SwiftVariable(access: .public, name: "db", type: reader))),
            SwiftDeclaration(.function(SwiftFunction(
                access: .public, .initializer, parameters: [SwiftParameter("db", reader)],
                body: [.assignment(SwiftExpression.selfReference.dot("db"), db)]))),
        ]
        for q in reads { readMembers += methods(q, tables: tables, rowOwner: name) }
        if hasLists(reads) { readMembers.append(placeholders) }
        let readNamespace = SwiftDeclaration(
            doc: "The read-only schema-wide queries of `\(schema.name)` over any reader: a `DatabasePool.read` body's\n"
                + "`ReadOnlyDatabase`, or a `Database` (whose `\(name)` forwards them here). Reached as `db.\(namespaceProperty)`.",
            .struct(SwiftTypeDeclaration(
                access: .public, name: readName,
                genericParameters: [SwiftTypeConstraint(ReadDAOTranslator.readerParameter, conformsTo: [RuntimeAPI.databaseReading, "Sendable"])],
                conformances: ["Sendable"], members: readMembers)))
        let readAccessor = SwiftDeclaration(.extension(SwiftExtension(
            extendedType: RuntimeAPI.databaseReading, whereClause: [SwiftTypeConstraint("Self", conformsTo: ["Sendable"])],
            members: [
                SwiftDeclaration(doc: "The read-only schema-wide queries of `\(schema.name)` (a `Database` has every query, `\(name)`).",
                                 .variable(SwiftVariable(
                                    access: .public, isMutable: true, name: namespaceProperty, type: .generic(readName, [.named("Self")]),
                                    getter: [.expression(.call(.type(.named(readName)), [SwiftArgument("db", .selfReference)]))]))),
            ])))
        let members: [SwiftDeclaration] = [
            SwiftDeclaration(.variable(SwiftVariable(access: .public, name: "db", type: .named(RuntimeAPI.database)))),
            SwiftDeclaration(.function(SwiftFunction(
                access: .public, .initializer, parameters: [SwiftParameter("db", .named(RuntimeAPI.database))],
                body: [.assignment(SwiftExpression.selfReference.dot("db"), db)]))),
        ] + writingFace(queries, writes: writes, readType: readName, tables: tables)
        let ns = SwiftDeclaration(
            doc: "The schema-wide queries of `\(schema.name)` (declared at top level or in a domain), each checked by SQLite\n"
                + "when the code was generated. Reached as `db.\(namespaceProperty)` on a `Database`; its read-only queries are\n"
                + "`\(readName)`'s, which a `DatabasePool.read` body gets.",
            .struct(SwiftTypeDeclaration(access: .public, name: name, conformances: ["Sendable"], members: members)))
        let accessor = SwiftDeclaration(.extension(SwiftExtension(extendedType: RuntimeAPI.database, members: [
            SwiftDeclaration(doc: "The schema-wide queries of `\(schema.name)`.", .variable(SwiftVariable(
                access: .public, isMutable: true, name: namespaceProperty, type: .named(name),
                getter: [.expression(.call(.type(.named(name)), [SwiftArgument("db", .selfReference)]))]))),
        ])))
        return [readNamespace, readAccessor, ns, accessor]
    }

    /// `<Schema>QueriesReads`: the read face of `<Schema>Queries`.
    static func readNamespaceName(_ schema: Schema) -> String { namespaceName(schema) + "Reads" }

    static func hasLists(_ queries: [AnalyzedDeclaration]) -> Bool {
        queries.contains(where: { $0.analysis.parameters.contains(where: \.isList) })
    }

    /// The members over a `Database`, in declaration order: each query's row struct, then its
    /// methods — for a read-only query forwarders to `readType` (none when `readType` is nil: the
    /// type already has them), the statement itself for one that writes.
    static func writingFace(_ queries: [AnalyzedDeclaration], writes: [AnalyzedDeclaration],
                            readType: String?, tables: [String: SwiftTable]) -> [SwiftDeclaration] {
        var members: [SwiftDeclaration] = []
        for q in queries {
            if let row = rowStructDeclaration(q, tables: tables) { members.append(row) }
            guard q.analysis.isReadOnly else { members += methods(q, tables: tables, rowOwner: nil); continue }
            if let readType { members += forwarders(methods(q, tables: tables, rowOwner: nil), to: readType) }
        }
        if hasLists(writes) { members.append(placeholders) }
        return members
    }

    /// Each method with the same signature and doc, its body `try <readType>(db: db).method(…)`.
    static func forwarders(_ methods: [SwiftDeclaration], to readType: String) -> [SwiftDeclaration] {
        methods.map { declaration in
            guard case .function(var f) = declaration.kind, case .function(let name) = f.kind else { return declaration }
            let reads = SwiftExpression.call(.type(.named(readType)), [SwiftArgument("db", db)])
            let call = SwiftExpression.try(reads.call(name, f.parameters.map { SwiftArgument($0.label, .identifier($0.name)) }))
            f.body = [f.returnType == nil ? .expression(call) : .return(call)]
            return SwiftDeclaration(doc: declaration.doc, attributes: declaration.attributes, .function(f))
        }
    }

    /// The row struct of a query returning rows that are not a table's own (nil otherwise).
    static func rowStructDeclaration(_ d: AnalyzedDeclaration, tables: [String: SwiftTable]) -> SwiftDeclaration? {
        let q = d.query, a = d.analysis
        guard a.returnsRows, tableRow(a, tables: tables) == nil else { return nil }
        return rowStruct(name: rowTypeName(q), columns: a.columns,
                         doc: "A row of query `\(q.name)`\(q.table.map { " on `\($0)`" } ?? "").", readOnly: false)
    }

    static func tableRow(_ a: AnalyzedQuery, tables: [String: SwiftTable]) -> SwiftType? {
        guard let table = a.rowTable, let t = tables[table.lowercased()] else { return nil }
        return t.type
    }

    /// The methods of one query. `rowOwner` qualifies its row struct's name when the methods live
    /// outside the type declaring it (the read face).
    static func methods(_ d: AnalyzedDeclaration, tables: [String: SwiftTable], rowOwner: String?) -> [SwiftDeclaration] {
        let q = d.query, a = d.analysis
        let name = methodName(q)
        let parameters = a.parameters.map { p in SwiftParameter(label: label(p), name: internalName(p), type: swiftType(p)) }
        let doc = methodDoc(q, a)
        guard a.returnsRows else {
            return [SwiftDeclaration(doc: doc + "\n\nReturns the number of rows changed.", attributes: ["discardableResult"], .function(SwiftFunction(
                access: .public, .function(name), parameters: parameters, wrapsParameters: parameters.count > 3,
                throwsClause: databaseError, returnType: .named("Int"),
                body: statement(a, returns: .named("Int"), binds: binds(a), [.try(s.call(RuntimeAPI.run)), .return(s.dot(RuntimeAPI.changes))]))))]
        }
        var out: [SwiftDeclaration] = []
        let rowType = tableRow(a, tables: tables) ?? .named((rowOwner.map { "\($0)." } ?? "") + rowTypeName(q))
        let read = SwiftExpression.try(.call(.type(rowType), [SwiftArgument(nil, s)]))
        let rows = SwiftExpression.identifier("rows")
        out.append(SwiftDeclaration(doc: doc + "\n\nReturns every row. `\(name)First` returns the first; `\(name)(…, forEach:)` reads them one at a time.",
                                    .function(SwiftFunction(
            access: .public, .function(name), parameters: parameters, wrapsParameters: parameters.count > 3,
            throwsClause: databaseError, returnType: .array(rowType),
            body: statement(a, returns: .array(rowType), binds: binds(a), [
                .variable(SwiftVariable(isMutable: true, name: "rows", type: .array(rowType), initializer: .array([]))),
                .while(.try(s.call(RuntimeAPI.step)), [.expression(rows.call("append", [SwiftArgument(nil, read)]))]),
                .return(rows),
            ])))))
        out.append(SwiftDeclaration(doc: doc + "\n\nReturns the first row, or nil when there is none (the statement is stepped once).",
                                    .function(SwiftFunction(
            access: .public, .function(name + "First"), parameters: parameters, wrapsParameters: parameters.count > 3,
            throwsClause: databaseError, returnType: .optional(rowType),
            body: statement(a, returns: .optional(rowType), binds: binds(a), [
                .return(.try(.ternary(s.call(RuntimeAPI.step), read, .nil))),
            ])))))
        let body = SwiftExpression.identifier("body")
        out.append(SwiftDeclaration(doc: doc + "\n\nCalls `body` with each row in turn, without collecting them (the database stays locked meanwhile).",
                                    .function(SwiftFunction(
            access: .public, .function(name),
            parameters: parameters + [SwiftParameter(label: "forEach", name: "body",
                                                      type: .named("(\(render(rowType))) throws(\(RuntimeAPI.databaseError)) -> Void"))],
            wrapsParameters: parameters.count > 2,
            throwsClause: databaseError, returnType: nil,
            body: statement(a, returns: nil, binds: binds(a), [
                .while(.try(s.call(RuntimeAPI.step)), [.expression(.try(.call(body, [SwiftArgument(nil, read)])))]),
            ])))))
        return out
    }

    static func render(_ t: SwiftType) -> String {
        if case .named(let n) = t { return n }
        return "\(t)"
    }

    static func methodDoc(_ q: Query, _ a: AnalyzedQuery) -> String {
        var doc = q.doc ?? "Query `\(q.name)`."
        doc += "\n\n```sql\n" + dedented(q.sql) + "\n```"
        return doc
    }

    /// The Swift type of a parameter.
    static func swiftType(_ p: QueryParameter) -> SwiftType {
        var base: SwiftType = p.source == .limit ? .named("Int") : .named(p.type.swiftType)
        if p.isOptional { base = .optional(base) }
        return p.isList ? .array(base) : base
    }

    static func binder(_ p: QueryParameter) -> String {
        p.source == .limit ? RuntimeAPI.bind : RuntimeAPI.binder(for: p.type)
    }

    /// The scalar parameters in the numbering of a list query's rewritten SQL (`?1`…`?k`).
    static func scalarNumbers(_ a: AnalyzedQuery) -> [String: Int] {
        var out: [String: Int] = [:]
        for p in a.parameters where !p.isList { out[p.name] = out.count + 1 }
        return out
    }

    /// Binding every parameter. Without lists: at the index SQLite gave it. With lists: scalars at
    /// `?1`…`?k`, then each list's elements at `first_<label>`… (computed before the statement).
    static func binds(_ a: AnalyzedQuery) -> [SwiftStatement] {
        let hasLists = a.parameters.contains(where: \.isList)
        let numbers = scalarNumbers(a)
        var out: [SwiftStatement] = []
        for p in a.parameters {
            let value = SwiftExpression.identifier(internalName(p))
            if p.isList {
                let index = SwiftExpression.identifier("index_\(label(p))")
                out.append(.variable(SwiftVariable(isMutable: true, name: "index_\(label(p))", initializer: .identifier("first_\(label(p))"))))
                out.append(.for(variable: "element", in: value, [
                    .expression(s.call(binder(p), [SwiftArgument(nil, .identifier("element")), SwiftArgument("at", index)])),
                    .expression(.binary(index, "+=", .integer(1))),
                ]))
            } else {
                let index = hasLists ? Int64(numbers[p.name] ?? 0) : Int64(p.index)
                out.append(.expression(s.call(binder(p), [SwiftArgument(nil, value), SwiftArgument("at", .integer(index))])))
            }
        }
        return out
    }

    /// `return try db.withStatement("SQL") { s … }` — or, for a list query, the SQL built from
    /// segments first, then `withStatement(sql:)`.
    static func statement(_ a: AnalyzedQuery, returns: SwiftType?, binds: [SwiftStatement], _ body: [SwiftStatement]) -> [SwiftStatement] {
        let closure = SwiftClosure(parameters: ["s"], throwsClause: databaseError, returnType: returns, body: binds + body)
        func wrap(_ e: SwiftExpression) -> SwiftStatement { returns == nil ? .expression(e) : .return(e) }
        guard a.parameters.contains(where: \.isList) else {
            return [wrap(.try(db.call(RuntimeAPI.withStatement, [SwiftArgument(nil, .string(a.sql))], trailingClosure: closure)))]
        }
        return listSQL(a) + [wrap(.try(db.call(RuntimeAPI.withStatement, [SwiftArgument("sql", .identifier("sql"))], trailingClosure: closure)))]
    }

    /// For a list query: `let first_ids: Int32 = k + 1 …; var sql = "…"; sql += Self._placeholders(first_ids, ids.count); …`
    static func listSQL(_ a: AnalyzedQuery) -> [SwiftStatement] {
        let numbers = scalarNumbers(a)
        var out: [SwiftStatement] = []
        var previous: SwiftExpression = .integer(Int64(numbers.count + 1))
        for p in a.parameters where p.isList {
            out.append(.variable(SwiftVariable(name: "first_\(label(p))", type: .named("Int32"), initializer: previous)))
            previous = .binary(.identifier("first_\(label(p))"), "+", .call(.type(.named("Int32")), [SwiftArgument(nil, SwiftExpression.identifier(internalName(p)).dot("count"))]))
        }
        // Occurrences in text order: scalars become `?N`, lists a run of placeholders.
        var occurrences: [(offset: Int, length: Int, parameter: QueryParameter)] = []
        for p in a.parameters { for o in p.offsets { occurrences.append((o, 1 + p.name.utf8.count, p)) } }
        occurrences.sort { $0.offset < $1.offset }
        let bytes = Array(a.sql.utf8)
        var segment = ""
        var cursor = 0
        var pieces: [SwiftExpression] = []
        for o in occurrences {
            segment += String(decoding: bytes[cursor..<o.offset], as: UTF8.self)
            cursor = o.offset + o.length
            if o.parameter.isList {
                pieces.append(.string(segment)); segment = ""
                pieces.append(.call(.identifier("_placeholders"), [
                    SwiftArgument(nil, .identifier("first_\(label(o.parameter))")), SwiftArgument(nil, SwiftExpression.identifier(internalName(o.parameter)).dot("count"))]))
            } else {
                segment += "?\(numbers[o.parameter.name] ?? 0)"
            }
        }
        segment += String(decoding: bytes[cursor...], as: UTF8.self)
        pieces.append(.string(segment))
        out.append(.variable(SwiftVariable(isMutable: true, name: "sql", initializer: pieces[0])))
        for piece in pieces.dropFirst() { out.append(.expression(.binary(.identifier("sql"), "+=", piece))) }
        return out
    }

    /// `static func _placeholders(_ first: Int32, _ count: Int) -> String`: `?first, ?first+1, …`.
    static var placeholders: SwiftDeclaration {
        let out = SwiftExpression.identifier("out")
        return SwiftDeclaration(doc: "`?first, ?(first + 1), …`: one bound parameter per element of a list (none for an empty list: `IN ()`).",
                                .function(SwiftFunction(
            .function("_placeholders"),
            parameters: [SwiftParameter(label: nil, name: "first", type: .named("Int32")), SwiftParameter(label: nil, name: "count", type: .named("Int"))],
            returnType: .named("String"),
            body: [
                .variable(SwiftVariable(isMutable: true, name: "out", initializer: .string(""))),
                .for(variable: "k", in: .binary(.integer(0), "..<", .identifier("count")), [
                    .if(.expression(.binary(.identifier("k"), ">", .integer(0))), then: [.expression(.binary(out, "+=", .string(", ")))]),
                    .expression(.binary(out, "+=", .string("?"))),
                    .expression(.binary(out, "+=", .call(.type(.named("String")), [SwiftArgument(nil, .binary(.call(.type(.named("Int")), [SwiftArgument(nil, .identifier("first"))]), "+", .identifier("k")))]))),
                ]),
                .return(out),
            ])))
    }

    /// A row struct read by column index: `Sendable, Hashable`, a memberwise init and `init(_ statement:)`.
    static func rowStruct(name: String, columns: [ResultColumn], doc: String, readOnly: Bool) -> SwiftDeclaration {
        let statement = SwiftExpression.identifier("statement")
        var members: [SwiftDeclaration] = columns.map { c in
            var note = "`\(c.name)`"
            if let o = c.origin { note += ": `\(o.table).\(o.column)`" }
            return SwiftDeclaration(doc: note, .variable(SwiftVariable(access: .public, isMutable: !readOnly, name: property(c), type: type(c))))
        }
        members.append(SwiftDeclaration(doc: "Creates a row.", .function(SwiftFunction(
            access: .public, .initializer, parameters: columns.map { SwiftParameter(property($0), type($0)) }, wrapsParameters: columns.count > 3,
            body: columns.map { .assignment(SwiftExpression.selfReference.dot(property($0)), .identifier(property($0))) }))))
        members.append(SwiftDeclaration(
            doc: "Reads the current row of `statement` by column index.\n"
                + "Throws `DatabaseError` (`.typeMismatch`, `.decoding`) for a value of the wrong storage class.",
            .function(SwiftFunction(
                access: .public, .initializer,
                parameters: [SwiftParameter(label: nil, name: "statement", type: .borrowing(.named(RuntimeAPI.statement)))],
                throwsClause: databaseError,
                body: RowTypeTranslator.readingInitBody(columns.enumerated().map { i, c in (property(c), read(c, at: i, from: statement)) })))))
        return SwiftDeclaration(doc: doc, .struct(SwiftTypeDeclaration(access: .public, name: name, conformances: ["Sendable", "Hashable"], members: members)))
    }

    static func type(_ c: ResultColumn) -> SwiftType {
        c.isOptional ? .optional(.named(c.type.swiftType)) : .named(c.type.swiftType)
    }

    static func read(_ c: ResultColumn, at i: Int, from statement: SwiftExpression) -> SwiftExpression {
        var args = [SwiftArgument(nil, .integer(Int64(i)))]
        if case .json(let t) = c.type { args.append(SwiftArgument("as", .metatype(.named(t ?? RuntimeAPI.jsonValue)))) }
        return .try(statement.call(RuntimeAPI.reader(for: c.type, nullable: c.isOptional), args))
    }

    // MARK: Views

    /// `<View>` (read-only row); `<View>Reads<DB>` with `fetchAll()` over any reader, as
    /// `db.<view>` on every `DatabaseReading` (so a `DatabasePool.read` body reads views too); and
    /// `<View>DAO` over a `Database` (`db.<view>` there), whose `fetchAll()` forwards to the read face.
    static func viewDeclarations(_ v: AnalyzedView) -> [SwiftDeclaration] {
        let type = viewTypeName(v.view), dao = viewDAOName(v.view), reads = viewReadsName(v.view)
        let columns = v.analysis.columns
        var rowDoc = v.view.doc.map { $0 + "\n\n" } ?? ""
        rowDoc += "A row of view `\(v.view.name)` (read-only). Read through `\(dao)` (`db.\(viewPropertyName(v.view))`)."
        let row = rowStruct(name: type, columns: columns, doc: rowDoc, readOnly: true)
        let list = columns.map { SQLIdentifier.quoted($0.name) }.joined(separator: ", ")
        let sql = "SELECT \(list) FROM \(SQLIdentifier.quoted(v.view.name))"
        let rows = SwiftExpression.identifier("rows")
        let fetchAll = SwiftDeclaration(doc: "Every row of the view, in the order SQLite returns them (`\(sql)`).", .function(SwiftFunction(
            access: .public, .function("fetchAll"), throwsClause: databaseError, returnType: .array(.named(type)),
            body: [.return(.try(db.call(RuntimeAPI.withStatement, [SwiftArgument(nil, .string(sql))], trailingClosure: SwiftClosure(
                parameters: ["s"], throwsClause: databaseError, returnType: .array(.named(type)), body: [
                    .variable(SwiftVariable(isMutable: true, name: "rows", type: .array(.named(type)), initializer: .array([]))),
                    .while(.try(s.call(RuntimeAPI.step)), [.expression(rows.call("append", [SwiftArgument(nil, .try(.call(.type(.named(type)), [SwiftArgument(nil, s)])))]))]),
                    .return(rows),
                ]))))])))
        let reader = SwiftType.named(ReadDAOTranslator.readerParameter)
        let readsDecl = SwiftDeclaration(
            doc: "Read-only access to view `\(v.view.name)` over any reader (a `DatabasePool.read` body's `ReadOnlyDatabase`, or a `Database`).",
            .struct(SwiftTypeDeclaration(
                access: .public, name: reads,
                genericParameters: [SwiftTypeConstraint(ReadDAOTranslator.readerParameter, conformsTo: [RuntimeAPI.databaseReading, "Sendable"])],
                conformances: ["Sendable"], members: [
                    SwiftDeclaration(.variable(SwiftVariable(access: .public, name: "db", type: reader))),
                    SwiftDeclaration(.function(SwiftFunction(
                        access: .public, .initializer, parameters: [SwiftParameter("db", reader)],
                        body: [.assignment(SwiftExpression.selfReference.dot("db"), db)]))),
                    fetchAll,
                ])))
        let readsAccessor = SwiftDeclaration(.extension(SwiftExtension(
            extendedType: RuntimeAPI.databaseReading, whereClause: [SwiftTypeConstraint("Self", conformsTo: ["Sendable"])],
            members: [
                SwiftDeclaration(doc: "Read-only access to view `\(v.view.name)`.", .variable(SwiftVariable(
                    access: .public, isMutable: true, name: viewPropertyName(v.view), type: .generic(reads, [.named("Self")]),
                    getter: [.expression(.call(.type(.named(reads)), [SwiftArgument("db", .selfReference)]))]))),
            ])))
        let daoDecl = SwiftDeclaration(
            doc: "Read-only access to view `\(v.view.name)` over a `Database` (`\(reads)`'s `fetchAll()`).",
            .typeAlias(access: .public, name: dao, type: .generic(reads, [.named(RuntimeAPI.database)])))
        return [row, readsDecl, readsAccessor, daoDecl]
    }
}

/// The SQL's lines without the indentation they share, and without blank lines around them.
func dedented(_ sql: String) -> String {
    var lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0[...]) }
    while let f = lines.first, f.trimmingCharacters().isEmpty { lines.removeFirst() }
    while let l = lines.last, l.trimmingCharacters().isEmpty { lines.removeLast() }
    let indent = lines.filter { !$0.trimmingCharacters().isEmpty }.map { $0.prefix(while: { $0 == " " || $0 == "\t" }).count }.min() ?? 0
    return lines.map { String($0.dropFirst(min(indent, $0.prefix(while: { $0 == " " || $0 == "\t" }).count))) }.joined(separator: "\n")
}

enum ASCIIName {
    static func alnum(_ u: Unicode.Scalar) -> Bool {
        (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9")
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingCharacters() -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
