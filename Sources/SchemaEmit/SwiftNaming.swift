import SchemaModel

/// How schema names become Swift names. The rules (documented in docs/PLUGIN.md):
///
/// - **Types**: UpperCamelCase of the whole table name, words split on `_`, the domain prefix
///   kept (`rl_q_value` → `RlQValue`, `ui_session` → `UiSession`). Each word keeps its letters
///   and gets an upper-case first letter. A name starting with a digit gets a leading `_`
///   (`2fa_code` → `_2faCode`); a name that would shadow a type the generated code uses
///   (`Date`, `Data`, `Database`, `Statement`, `String`, `Self`, …) gets a `Row` suffix
///   (`date` → `DateRow`). `@swift("Name")` on the table replaces the derived name.
/// - **DAOs**: the type name + `DAO` (`RlQValueDAO`), reachable as `db.<lowerCamel type name>`
///   (`db.rlQValue`); a convenience name that would shadow a `Database` member gets a `Table`
///   suffix (`path` → `db.pathTable`). The read DAO is the type name + `Reads`
///   (`RlQValueReads<DB>`), reachable by the same name on every `DatabaseReading`.
/// - **Words** are split at `_`, at characters no identifier holds (spaces, quotes, `-`) and at case
///   boundaries: `ArtistId`, `artist_id`, `artistId` and `artist id` all have the words artist, id;
///   `TrackID` has Track, ID (an acronym stays one word).
/// - **Properties**: lowerCamelCase of the column name (first word lower-cased, later words
///   capitalised: `learner_id` → `learnerId`, `ArtistId` → `artistId`, `TrackID` → `trackID`,
///   `file entry` → `fileEntry`); a leading digit gets a leading `_`; a Swift
///   keyword is written in backticks (`` `default` ``). `@swift("name")` on the column replaces
///   the derived name. `Codable` keys every property by its column name.
public enum SwiftNaming {
    /// Swift keywords that must be escaped with backticks to be used as identifiers.
    public static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "_", "consume", "borrowing", "consuming", "copy", "some", "any",
    ]

    /// Type names the generated code refers to, or that cannot name a struct.
    public static let reservedTypeNames: Set<String> = [
        "Any", "Self", "Type", "Protocol", "Date", "Data",
        "String", "Int", "Int32", "Int64", "Double", "Bool", "Optional", "Array", "Dictionary", "Error",
        "Sendable", "Hashable", "Codable", "CodingKey", "CodingKeys", "Sequence", "Decoder", "Encoder",
        RuntimeAPI.columnKey,
        RuntimeAPI.database, RuntimeAPI.databaseError, RuntimeAPI.statement, RuntimeAPI.jsonValue,
        RuntimeAPI.timestamp, RuntimeAPI.foundation, RuntimeAPI.module,
        RuntimeAPI.readOnlyDatabase, RuntimeAPI.databaseReading, ReadDAOTranslator.readerParameter,
    ]

    /// Members of `Database` a convenience DAO property must not shadow.
    public static let databaseMembers: Set<String> = [
        "path", "options", "close", RuntimeAPI.execute, RuntimeAPI.transaction, RuntimeAPI.withStatement, "isInTransaction",
        "lastInsertRowID", "changes", "cachedStatementCount", "inMemory", "init", "deinit", "self",
    ]

    /// The words of a name: split at `_`, at every character that cannot be in an identifier
    /// (spaces, quotes, `-`), and at case boundaries, so PascalCase and camelCase keep their words
    /// (`ArtistId` → Artist Id, `TrackID` → Track ID, `HTTPServer` → HTTP Server, `file entry` → file entry).
    static func words(_ name: String) -> [String] {
        var out: [String] = []
        var current: [Character] = []
        func flush() { if !current.isEmpty { out.append(String(current)); current = [] } }
        let chars = Array(name)
        for (i, c) in chars.enumerated() {
            guard c.isLetter || c.isNumber else { flush(); continue }
            if let last = current.last, c.isUppercase {
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                // aB → a|B; ABc → A|Bc (the end of an acronym); 1B → 1|B
                if last.isLowercase || last.isNumber || (last.isUppercase && nextIsLower) { flush() }
            }
            current.append(c)
        }
        flush()
        return out
    }

    static func capitalized(_ word: String) -> String {
        guard let first = word.first else { return word }
        return first.uppercased() + word.dropFirst()
    }

    static func fixLeadingDigit(_ name: String) -> String {
        guard let first = name.first else { return "_" }
        return first.isNumber ? "_" + name : name
    }

    /// `rl_q_value` → `RlQValue`.
    public static func upperCamel(_ name: String) -> String {
        words(name).map(capitalized).joined()
    }

    /// `learner_id` → `learnerId`.
    public static func lowerCamel(_ name: String) -> String {
        let w = words(name)
        guard let first = w.first else { return "" }
        return ([first.lowercased()] + w.dropFirst().map(capitalized)).joined()
    }

    /// The row struct's name (unescaped; never needs backticks).
    public static func typeName(for table: Table) -> String {
        if let s = table.swiftName { return s }
        var name = fixLeadingDigit(upperCamel(table.name))
        if reservedTypeNames.contains(name) { name += "Row" }
        return name
    }

    /// The property name, unescaped (use `escaped` in source).
    public static func propertyName(for column: Column) -> String {
        if let s = column.swiftName { return s }
        return fixLeadingDigit(lowerCamel(column.name))
    }

    /// The `Database` convenience property for a table's DAO.
    public static func daoPropertyName(for table: Table) -> String {
        let type = typeName(for: table)
        var name = type.hasPrefix("_") ? type : (type.first.map { $0.lowercased() } ?? "") + type.dropFirst()
        if databaseMembers.contains(name) || keywords.contains(name) { name += "Table" }
        return name
    }

    /// Names that are not keywords but mean something else after a `.` (`x.Type`, `x.Protocol`).
    static let memberKeywords: Set<String> = ["Type", "Protocol"]

    /// (first byte, length) pairs of the names `escaped` backticks: a cheap test before the set lookup.
    private static let escapedShapes: [Bool] = {
        var shapes = [Bool](repeating: false, count: 128 * 16)
        for k in keywords.union(memberKeywords) {
            let bytes = Array(k.utf8)
            shapes[Int(bytes[0]) * 16 + bytes.count] = true
        }
        return shapes
    }()

    /// The identifier as written in source: backticks around a keyword.
    public static func escaped(_ identifier: String) -> String {
        let utf8 = identifier.utf8
        guard let first = utf8.first, first < 128, utf8.count < 16, escapedShapes[Int(first) * 16 + utf8.count] else { return identifier }
        return keywords.contains(identifier) || memberKeywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// A Swift string literal (with quotes) for arbitrary text: every character that could end or
    /// change it is escaped (the renderer's escaper; also a valid `StaticString` literal).
    public static func stringLiteral(_ s: String) -> String {
        var out = ""
        SwiftRenderer.appendStringLiteral(s, to: &out)
        return out
    }
}
