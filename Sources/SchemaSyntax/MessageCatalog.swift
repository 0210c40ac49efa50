/// The stable identifier of a kind of parser or resolver diagnostic, as swift-syntax's
/// `MessageID`: `domain/name`, kebab-case (`syntax/unterminated-string`, `schema/unknown-type`).
///
/// Ids are part of the tool's interface: SARIF reports them as `ruleId`, JSON as `rule`, the
/// corpus tests expect them. An id is never renamed or reused for another problem; the wording of
/// a message may change freely. Lint findings use their rule id (`snake-case`, no domain) instead.
/// Every id lives in `MessageCatalog.all`, which `docs/LINT.md` ("Diagnostic ids") lists.
public struct MessageID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Domain: String, Sendable, Hashable, CaseIterable {
        /// The file could not be read, or is not text (`input/…`).
        case input
        /// Lexer and parser: the text is not the language (`syntax/…`).
        case syntax
        /// Resolver: the text parses but does not mean a schema (`schema/…`).
        case schema
        /// Database-side checks: SQLite itself rejects what the file says (`sql/…`).
        case sql
        /// Language-side checks: the Swift emitter cannot represent a name (`swift/…`).
        case swift
    }

    public let domain: Domain
    public let name: String
    /// One line for SARIF's rule description and the documentation.
    public let summary: String

    public init(_ domain: Domain, _ name: String, _ summary: String) {
        self.domain = domain; self.name = name; self.summary = summary
    }

    /// `domain/name`.
    public var rawValue: String { "\(domain.rawValue)/\(name)" }
    public var description: String { rawValue }

    public static func == (a: MessageID, b: MessageID) -> Bool { a.domain == b.domain && a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(domain); h.combine(name) }
    public static func < (a: MessageID, b: MessageID) -> Bool { a.rawValue < b.rawValue }
}

extension MessageID {
    // MARK: input
    public static let unreadableFile = MessageID(.input, "unreadable-file", "The file does not exist, is a directory, cannot be read or is too large.")
    public static let invalidUTF8 = MessageID(.input, "invalid-utf8", "The file is not valid UTF-8.")
    public static let tooManyDiagnostics = MessageID(.input, "too-many-diagnostics", "More problems than the per-file limit; the rest are counted, not shown.")

    // MARK: syntax (lexer)
    public static let unterminatedComment = MessageID(.syntax, "unterminated-comment", "A `/*` block comment has no closing `*/`.")
    public static let emptyQuotedName = MessageID(.syntax, "empty-quoted-name", "A backticked name has nothing between its backticks.")
    public static let unterminatedQuotedName = MessageID(.syntax, "unterminated-quoted-name", "A backticked name has no closing backtick on its line.")
    public static let controlCharacterInName = MessageID(.syntax, "control-character-in-name", "A backticked name holds a control character (NUL, tab, CR, U+2028 …), which no generated file can carry.")
    public static let invalidNumber = MessageID(.syntax, "invalid-number", "Digits run into letters (`12ab`).")
    public static let unterminatedString = MessageID(.syntax, "unterminated-string", "A string literal has no closing quote on its line.")
    public static let unexpectedCharacter = MessageID(.syntax, "unexpected-character", "A character that is not part of the language outside strings and comments.")

    // MARK: syntax (parser)
    public static let expectedToken = MessageID(.syntax, "expected-token", "A required symbol (`{`, `:`, `,` …) is missing.")
    public static let unclosedDelimiter = MessageID(.syntax, "unclosed-delimiter", "A `(`, `[`, `<` or `{` is never closed; the error points at the one left open.")
    public static let unexpectedCloser = MessageID(.syntax, "unexpected-closer", "A `}` or `)` that closes nothing.")
    public static let expectedName = MessageID(.syntax, "expected-name", "A name (table, column, index, domain, attribute …) is missing.")
    public static let unexpectedToken = MessageID(.syntax, "unexpected-token", "A word or symbol that cannot start a declaration here (with a did-you-mean for misspelt keywords).")
    public static let expectedKeyword = MessageID(.syntax, "expected-keyword", "A keyword of a two-word form is missing (`primary key`, `not null`, `no action`).")
    public static let expectedVersion = MessageID(.syntax, "expected-version", "The schema header lacks `version N`.")
    public static let versionOutOfRange = MessageID(.syntax, "version-out-of-range", "The schema version does not fit PRAGMA user_version (1 … 2147483647).")
    public static let expectedValue = MessageID(.syntax, "expected-value", "A setting, attribute argument or default has no value.")
    public static let numberTooLarge = MessageID(.syntax, "number-too-large", "An integer does not fit 64 bits.")
    public static let expectedLineBreak = MessageID(.syntax, "expected-line-break", "Something follows a complete declaration on its line.")
    public static let misplacedDeclaration = MessageID(.syntax, "misplaced-declaration", "A `table`/`domain`/`schema` inside a block: a `}` is probably missing.")
    public static let expectedColon = MessageID(.syntax, "expected-colon", "A column written `name type` instead of `name: type`.")
    public static let emptyList = MessageID(.syntax, "empty-list", "A list of columns or names is empty.")
    public static let expectedType = MessageID(.syntax, "expected-type", "A column has no type after its `:`.")
    public static let unknownModifier = MessageID(.syntax, "unknown-modifier", "A column modifier that does not exist (`null`, misspellings).")
    public static let doubleQuotedSQLString = MessageID(.syntax, "double-quoted-sql-string", "A default written with double quotes; SQL strings use single quotes.")
    public static let unknownForeignKeyAction = MessageID(.syntax, "unknown-foreign-key-action", "`on delete`/`on update` with an action SQLite does not have.")
    public static let emptySQL = MessageID(.syntax, "empty-sql", "An SQL expression (check, default, where, mapping) is empty.")
    public static let emptyIndex = MessageID(.syntax, "empty-index", "An index names no column.")
    public static let malformedMapping = MessageID(.syntax, "malformed-mapping", "A `from` block item that is not `target = expr`, `unpivot`, `pack`, `archive` or `drop`, or a drop without its reason.")
    public static let malformedSQLDeclaration = MessageID(.syntax, "malformed-sql-declaration", "A `query`/`view` declaration that is not `query NAME { SQL }` (no name, no braces).")
    public static let nestingTooDeep = MessageID(.syntax, "nesting-too-deep", "Lists, blocks or parentheses nest deeper than the language allows (64 levels).")

    // MARK: schema (resolver)
    public static let missingHeader = MessageID(.schema, "missing-header", "The file does not declare `schema NAME version N` (or is empty).")
    public static let duplicateHeader = MessageID(.schema, "duplicate-header", "A second `schema` header.")
    public static let invalidVersion = MessageID(.schema, "invalid-version", "The schema version is not a positive integer.")
    public static let duplicateBlock = MessageID(.schema, "duplicate-block", "A second `naming` block.")
    public static let duplicateSetting = MessageID(.schema, "duplicate-setting", "A setting given twice in one block.")
    public static let unknownSetting = MessageID(.schema, "unknown-setting", "A `naming` setting or `lint` option that does not exist.")
    public static let invalidSetting = MessageID(.schema, "invalid-setting", "A setting whose value has the wrong kind (`max_words: many`).")
    public static let unknownAttribute = MessageID(.schema, "unknown-attribute", "An attribute other than `@swift` and `@allow`.")
    public static let invalidAttribute = MessageID(.schema, "invalid-attribute", "`@swift`/`@allow` with wrong arguments, or an attribute where it is not allowed.")
    public static let unknownLintRule = MessageID(.schema, "unknown-lint-rule", "`@allow` or a `lint` block names a rule or option that does not exist.")
    public static let invalidLintSetting = MessageID(.schema, "invalid-lint-setting", "A `lint` block value of the wrong kind (a severity other than error, warning or off).")
    public static let unknownType = MessageID(.schema, "unknown-type", "A column type that is not one of the language's types.")
    public static let invalidTypeArgument = MessageID(.schema, "invalid-type-argument", "`<…>` on a type other than `json`, or not a Swift type name.")
    public static let conflictingPrimaryKey = MessageID(.schema, "conflicting-primary-key", "A primary key declared twice or on several columns.")
    public static let optionalPrimaryKey = MessageID(.schema, "optional-primary-key", "A primary key column whose type is optional (`?`).")
    public static let invalidAutoincrement = MessageID(.schema, "invalid-autoincrement", "`autoincrement` on a key that is not an integer.")
    public static let duplicateModifier = MessageID(.schema, "duplicate-modifier", "A column modifier given twice (`unique`, a default, `references`).")
    public static let optionalNotNull = MessageID(.schema, "optional-not-null", "A column both optional (`?`) and `not null`.")
    public static let defaultMismatch = MessageID(.schema, "default-mismatch", "A default that does not fit its column's type (or null on a non-optional column).")
    public static let unknownDefault = MessageID(.schema, "unknown-default", "A default word that is not a literal or a known SQL constant.")
    public static let unknownCollation = MessageID(.schema, "unknown-collation", "A collation SQLite does not have.")
    public static let invalidForeignKey = MessageID(.schema, "invalid-foreign-key", "A foreign key whose column counts differ, or with an action given twice.")
    public static let unknownColumn = MessageID(.schema, "unknown-column", "A key, index or mapping names a column its table does not have.")
    public static let duplicateIndexColumn = MessageID(.schema, "duplicate-index-column", "An index names one column twice.")
    public static let duplicateMappingTarget = MessageID(.schema, "duplicate-mapping-target", "A `from` mapping writes one column twice, or repeats `unpivot` or a key.")
    public static let duplicateQuery = MessageID(.schema, "duplicate-query", "Two queries with one name in one namespace (a table's DAO, or the schema-wide queries), or two views with one name.")
    public static let invalidPackTarget = MessageID(.schema, "invalid-pack-target", "`pack` into a column that cannot hold a JSON object.")

    // MARK: swift (SchemaEmit)
    public static let unrepresentableSwiftName = MessageID(.swift, "unrepresentable-name", "Two declarations would get one Swift name, or a name would not compile as Swift.")

    // MARK: sql (SchemaCheck)
    public static let querySyntax = MessageID(.sql, "query-syntax", "SQLite's parser rejects a query's or view's SQL (located at the token).")
    public static let queryUnknownTable = MessageID(.sql, "unknown-table", "A query or view names a table or view the schema does not have (with a did-you-mean).")
    public static let queryUnknownColumn = MessageID(.sql, "unknown-column", "A query or view names a column no table in its FROM has (with a did-you-mean).")
    public static let queryUnknownFunction = MessageID(.sql, "unknown-function", "A query or view calls a function SQLite does not have (with a did-you-mean).")
    public static let queryAmbiguousColumn = MessageID(.sql, "ambiguous-column", "An unqualified column that several tables of the statement have.")
    public static let queryMisplacedParameter = MessageID(.sql, "misplaced-parameter", "A parameter where SQLite binds no value (a table or column name, ORDER BY), or in a view.")
    public static let queryMultipleStatements = MessageID(.sql, "multiple-statements", "A query body holding more than one SQL statement.")
    public static let queryWriteToView = MessageID(.sql, "write-to-view", "An INSERT, UPDATE or DELETE on a view.")
    public static let queryUnsupportedStatement = MessageID(.sql, "unsupported-statement", "A query that is not SELECT/INSERT/UPDATE/DELETE (DDL, PRAGMA), or a view that is not a SELECT.")
    public static let queryBadParameterName = MessageID(.sql, "bad-parameter-name", "A parameter not written `:snake_name` (`?`, `@x`, `:camelCase`).")
    public static let queryUntypedParameter = MessageID(.sql, "untyped-parameter", "A parameter whose type cannot be inferred: compare it with a column or annotate it `/* as TYPE */`.")
    public static let queryConflictingParameterType = MessageID(.sql, "conflicting-parameter-type", "One parameter used with two different types.")
    public static let queryUntypedResultColumn = MessageID(.sql, "untyped-result-column", "A result expression whose type cannot be inferred: CAST it or annotate it `/* as TYPE */`.")
    public static let queryDuplicateResultName = MessageID(.sql, "duplicate-result-name", "Two result columns with one name (give one an alias).")
    public static let queryBadAnnotation = MessageID(.sql, "bad-annotation", "A `/* as TYPE */` annotation naming no type of the language.")
    public static let queryViewCycle = MessageID(.sql, "view-cycle", "Views that select from each other.")
    public static let queryDuplicateView = MessageID(.sql, "duplicate-view", "A view named like a table or another view.")
    public static let querySwiftName = MessageID(.swift, "unrepresentable-query-name", "A query, parameter or result column whose Swift name collides or cannot be formed.")
    public static let launchMigration = MessageID(.schema, "launch-migration", "The frozen history or the launch migration chain: a frozen version edited, missing or misnamed, a change without a version bump, a rename without a source, a drop without `@dropped`, a data step SQLite rejects at its point.")
    public static let rejectedBySQLite = MessageID(.sql, "rejected-by-sqlite", "An SQL fragment (check, default, where, mapping) or name that SQLite rejects, or that is not exactly one expression of its kind (a statement tail, a comment swallowing structure).")
}

/// Every parser, resolver and input diagnostic id, in one place (ordered by domain, then name).
public enum MessageCatalog {
    public static let all: [MessageID] = [
        .unreadableFile, .invalidUTF8, .tooManyDiagnostics,
        .unterminatedComment, .emptyQuotedName, .unterminatedQuotedName, .controlCharacterInName, .invalidNumber,
        .unterminatedString, .unexpectedCharacter,
        .expectedToken, .unclosedDelimiter, .unexpectedCloser, .expectedName, .unexpectedToken, .expectedKeyword,
        .expectedVersion, .versionOutOfRange, .expectedValue, .numberTooLarge, .expectedLineBreak, .misplacedDeclaration,
        .expectedColon, .emptyList, .expectedType, .unknownModifier, .doubleQuotedSQLString, .unknownForeignKeyAction,
        .emptySQL, .emptyIndex, .malformedMapping, .malformedSQLDeclaration, .nestingTooDeep,
        .missingHeader, .duplicateHeader, .invalidVersion, .duplicateBlock, .duplicateSetting, .unknownSetting,
        .invalidSetting, .unknownAttribute, .invalidAttribute, .unknownLintRule, .invalidLintSetting, .unknownType, .invalidTypeArgument,
        .conflictingPrimaryKey, .optionalPrimaryKey, .invalidAutoincrement, .duplicateModifier, .optionalNotNull,
        .defaultMismatch, .unknownDefault, .unknownCollation, .invalidForeignKey, .unknownColumn,
        .duplicateIndexColumn, .duplicateMappingTarget, .invalidPackTarget,
        .duplicateQuery, .launchMigration,
        .rejectedBySQLite, .unrepresentableSwiftName,
        .querySyntax, .queryUnknownTable, .queryUnknownColumn, .queryUnknownFunction, .queryAmbiguousColumn,
        .queryMisplacedParameter, .queryMultipleStatements, .queryWriteToView, .queryUnsupportedStatement,
        .queryBadParameterName, .queryUntypedParameter, .queryConflictingParameterType, .queryUntypedResultColumn,
        .queryDuplicateResultName, .queryBadAnnotation, .queryViewCycle, .queryDuplicateView, .querySwiftName,
    ]

    /// The entry for a raw id (`syntax/expected-token`), if there is one.
    public static func entry(_ rawValue: String) -> MessageID? { all.first { $0.rawValue == rawValue } }
}
