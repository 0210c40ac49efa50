import SchemaModel

/// An FTS5 virtual table (`virtual table notes_fts using fts5(title, body, …)`) as Swift: a row
/// struct (its rowid and columns), a `Match` (the row, its bm25 rank, a highlighted column and a
/// snippet), and `<Type>Search<DB>` reached as `db.<table>` on every `DatabaseReading`, whose
/// `search(_:)` runs `… WHERE t MATCH ?1 ORDER BY rank` with the pattern bound.
struct SwiftFTSTable {
    let table: VirtualTable
    let typeName: String
    let searchName: String
    let propertyName: String
    /// (Swift property, column name) in declaration order.
    let columns: [(name: String, column: String)]

    /// Nil for other modules, or an FTS5 table declaring no column.
    init?(_ v: VirtualTable) {
        guard v.module.lowercased() == "fts5", let args = v.arguments else { return nil }
        var cols: [(String, String)] = []
        for arg in SwiftFTSTable.arguments(args) {
            // `name = value` is an option; `name UNINDEXED` a column.
            guard !arg.contains("="), let first = arg.split(separator: " ").first else { continue }
            var name = String(first)
            if name.count >= 2, let q = name.first, let e = name.last, (q == "\"" && e == "\"") || (q == "`" && e == "`") || (q == "[" && e == "]") {
                name = String(name.dropFirst().dropLast())
            }
            cols.append((SwiftNaming.fixLeadingDigit(SwiftNaming.lowerCamel(name)), name))
        }
        guard !cols.isEmpty else { return nil }
        table = v
        columns = cols
        var type = SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(v.name))
        if SwiftNaming.reservedTypeNames.contains(type) { type += "Row" }
        typeName = type
        searchName = type + "Search"
        propertyName = (type.first.map { $0.lowercased() } ?? "") + type.dropFirst()
    }

    /// The module arguments split at top-level commas (outside quotes and parentheses), trimmed.
    static func arguments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for c in text {
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "'", "\"", "`": quote = c; current.append(c)
            case "[": quote = "]"; current.append(c)
            case "(": depth += 1; current.append(c)
            case ")": depth -= 1; current.append(c)
            case "," where depth == 0: out.append(current); current = ""
            default: current.append(c)
            }
        }
        out.append(current)
        func trimmed(_ s: String) -> String {
            var t = Substring(s)
            while let c = t.first, c == " " || c == "\t" || c == "\n" || c == "\r" { t = t.dropFirst() }
            while let c = t.last, c == " " || c == "\t" || c == "\n" || c == "\r" { t = t.dropLast() }
            return String(t)
        }
        return out.map(trimmed).filter { !$0.isEmpty }
    }
}

enum FTSTranslator {
    static var s: SwiftExpression { DAOTranslator.s }

    static func declarations(_ f: SwiftFTSTable) -> [SwiftDeclaration] {
        [rowStruct(f)] + searchDeclarations(f)
    }

    static func rowStruct(_ f: SwiftFTSTable) -> SwiftDeclaration {
        var members: [SwiftDeclaration] = [
            SwiftDeclaration(doc: "The rowid (for external content, the content table's key).",
                             .variable(SwiftVariable(access: .public, isMutable: true, name: "rowid", type: .named("Int64")))),
        ]
        for c in f.columns {
            members.append(SwiftDeclaration(doc: "Column `\(c.column)` (FTS5 columns hold text; nil for NULL).",
                                            .variable(SwiftVariable(access: .public, isMutable: true, name: c.name, type: .optional(.named("String"))))))
        }
        members.append(RowTypeTranslator.memberwiseInit(
            [("rowid", .named("Int64"), nil)] + f.columns.map { ($0.name, .optional(.named("String")), .nil) },
            doc: "Creates a row (e.g. a search result for a test or a preview)."))
        members.append(SwiftDeclaration(
            doc: "The columns, by their index in the table (what `highlight` and `snippet` take).",
            .enum(SwiftTypeDeclaration(access: .public, name: "Column", conformances: ["Int", "Sendable", "Hashable", "CaseIterable"],
                                       members: f.columns.enumerated().map { i, c in SwiftDeclaration(.enumCase(name: c.name, rawValue: .integer(Int64(i)))) }))))
        members.append(SwiftDeclaration(
            doc: "One result of `\(f.searchName).search`.",
            .struct(SwiftTypeDeclaration(access: .public, name: "Match", conformances: ["Sendable", "Hashable"], members: [
                SwiftDeclaration(.variable(SwiftVariable(access: .public, isMutable: true, name: "row", type: .named(f.typeName)))),
                SwiftDeclaration(doc: "FTS5's `rank` (bm25: lower is a better match).",
                                 .variable(SwiftVariable(access: .public, isMutable: true, name: "rank", type: .named("Double")))),
                SwiftDeclaration(doc: "The searched column with every match between `open` and `close` (`highlight()`).",
                                 .variable(SwiftVariable(access: .public, isMutable: true, name: "highlight", type: .optional(.named("String"))))),
                SwiftDeclaration(doc: "A fragment of the searched column around the matches (`snippet()`).",
                                 .variable(SwiftVariable(access: .public, isMutable: true, name: "snippet", type: .optional(.named("String"))))),
                RowTypeTranslator.memberwiseInit([("row", .named(f.typeName), nil), ("rank", .named("Double"), nil),
                                                  ("highlight", .optional(.named("String")), .nil),
                                                  ("snippet", .optional(.named("String")), .nil)],
                                                 doc: "Creates a match (e.g. for a test or a preview)."),
            ]))))
        return SwiftDeclaration(
            doc: (f.table.doc.map { $0 + "\n\n" } ?? "") + "A row of FTS5 table `\(f.table.name)`. Searched with `db.\(f.propertyName).search(_:)`.",
            .struct(SwiftTypeDeclaration(access: .public, name: f.typeName, conformances: ["Sendable", "Hashable"], members: members)))
    }

    static func searchDeclarations(_ f: SwiftFTSTable) -> [SwiftDeclaration] {
        let reader = SwiftType.named(ReadDAOTranslator.readerParameter)
        let q = SQLIdentifier.quoted(f.table.name)
        let select = (["rowid"] + f.columns.map { SQLIdentifier.quoted($0.column) }).joined(separator: ", ")
        let n = f.columns.count
        let sql = "SELECT \(select), rank, highlight(\(q), ?2, ?3, ?4), snippet(\(q), ?2, ?3, ?4, ?5, ?6) "
            + "FROM \(q) WHERE \(q) MATCH ?1 ORDER BY rank LIMIT ?7"
        func bind(_ value: SwiftExpression, _ at: Int64) -> SwiftStatement {
            .expression(s.call(RuntimeAPI.bind, [SwiftArgument(nil, value), SwiftArgument("at", .integer(at))]))
        }
        let row = SwiftExpression.call(.type(.named(f.typeName)), [SwiftArgument("rowid", .try(s.call("int64", [SwiftArgument(nil, .integer(0))])))]
            + f.columns.enumerated().map { i, c in SwiftArgument(c.name, .try(s.call("optionalText", [SwiftArgument(nil, .integer(Int64(i + 1)))]))) })
        let match = SwiftExpression.call(.type(.named(f.typeName + ".Match")), [
            SwiftArgument("row", row),
            SwiftArgument("rank", .try(s.call("double", [SwiftArgument(nil, .integer(Int64(n + 1)))]))),
            SwiftArgument("highlight", .try(s.call("optionalText", [SwiftArgument(nil, .integer(Int64(n + 2)))]))),
            SwiftArgument("snippet", .try(s.call("optionalText", [SwiftArgument(nil, .integer(Int64(n + 3)))]))),
        ])
        let matches = SwiftExpression.identifier("matches")
        let resultType = SwiftType.array(.named(f.typeName + ".Match"))
        let search = DAOTranslator.method(
            doc: "The rows matching `pattern` (FTS5 query syntax: words, \"phrases\", `prefix*`, AND/OR/NOT, `column:`), best\n"
                + "first (`ORDER BY rank`), at most `limit`; `column` is the one highlighted and cut into the snippet\n"
                + "(`snippetTokens` tokens around the matches, `ellipsis` where text was cut).\n"
                + "A malformed pattern throws `DatabaseError` (SQLite's `fts5: syntax error …`).",
            "search", [
                SwiftParameter(label: nil, name: "pattern", type: .named("String")),
                SwiftParameter(label: "highlighting", name: "column", type: .named(f.typeName + ".Column"), defaultValue: .implicitMember(f.columns[0].name)),
                SwiftParameter("open", .named("String"), defaultValue: .string("[")),
                SwiftParameter("close", .named("String"), defaultValue: .string("]")),
                SwiftParameter("ellipsis", .named("String"), defaultValue: .string("…")),
                SwiftParameter("snippetTokens", .named("Int"), defaultValue: .integer(16)),
                SwiftParameter("limit", .named("Int"), defaultValue: .integer(50)),
            ],
            returns: resultType,
            [.expression(DAOTranslator.withStatement(sql, returns: resultType, [
                bind(.identifier("pattern"), 1),
                bind(SwiftExpression.identifier("column").dot("rawValue"), 2),
                bind(.identifier("open"), 3),
                bind(.identifier("close"), 4),
                bind(.identifier("ellipsis"), 5),
                bind(.identifier("snippetTokens"), 6),
                bind(.identifier("limit"), 7),
                .variable(SwiftVariable(isMutable: true, name: "matches", type: resultType, initializer: .array([]))),
                .while(.try(s.call(RuntimeAPI.step)), [.expression(matches.call("append", [SwiftArgument(nil, match)]))]),
                .return(matches),
            ]))])
        let dao = SwiftDeclaration(
            doc: "Full-text search of FTS5 table `\(f.table.name)` over any reader.",
            .struct(SwiftTypeDeclaration(
                access: .public, name: f.searchName,
                genericParameters: [SwiftTypeConstraint(ReadDAOTranslator.readerParameter, conformsTo: [RuntimeAPI.databaseReading, "Sendable"])],
                conformances: ["Sendable"], members: [
                    SwiftDeclaration(.variable(SwiftVariable(access: .public, name: "db", type: reader))),
                    SwiftDeclaration(.function(SwiftFunction(
                        access: .public, .initializer, parameters: [SwiftParameter("db", reader)],
                        body: [.assignment(SwiftExpression.selfReference.dot("db"), DAOTranslator.db)]))),
                    search,
                ])))
        let accessor = SwiftDeclaration(.extension(SwiftExtension(
            extendedType: RuntimeAPI.databaseReading, whereClause: [SwiftTypeConstraint("Self", conformsTo: ["Sendable"])],
            members: [
                SwiftDeclaration(doc: "Full-text search of `\(f.table.name)`.",
                                 .variable(SwiftVariable(
                                    access: .public, isMutable: true, name: f.propertyName,
                                    type: .generic(f.searchName, [.named("Self")]),
                                    getter: [.expression(.call(.type(.named(f.searchName)), [SwiftArgument("db", .selfReference)]))]))),
            ])))
        return [dao, accessor]
    }
}
