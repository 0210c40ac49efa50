/// The syntax tree of a `.victor` file. Every node keeps its source range and the comments
/// written before it (`leadingComments`), so doc comments reach the model and a formatter can
/// reproduce the file. Names are kept as written; resolution happens in SchemaModel.

public struct Name: Sendable, Hashable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, _ range: SourceRange) { self.text = text; self.range = range }
}

/// `@name(arg, label: arg)` before a declaration.
public struct Attribute: Sendable, Hashable {
    public struct Argument: Sendable, Hashable {
        public var label: String?
        public var value: String
        public var range: SourceRange
        public init(label: String?, value: String, range: SourceRange) { self.label = label; self.value = value; self.range = range }
    }
    public var name: Name
    public var arguments: [Argument]
    public var range: SourceRange
    public init(name: Name, arguments: [Argument], range: SourceRange) { self.name = name; self.arguments = arguments; self.range = range }
}

/// A value in a `naming` or `lint` block: a number, string, word or list.
public enum ConfigValue: Sendable, Hashable {
    case integer(Int, SourceRange)
    case string(String, SourceRange)
    case word(String, SourceRange)
    case list([ConfigValue], SourceRange)

    public var range: SourceRange {
        switch self {
        case .integer(_, let r), .string(_, let r), .word(_, let r), .list(_, let r): return r
        }
    }
}

public struct ConfigEntry: Sendable, Hashable {
    public var key: Name
    public var value: ConfigValue
    public var leadingComments: [Comment]
    public init(key: Name, value: ConfigValue, leadingComments: [Comment]) { self.key = key; self.value = value; self.leadingComments = leadingComments }
}

/// Raw SQL captured verbatim from the source (defaults, checks, `where` clauses, mappings).
public struct SQLText: Sendable, Hashable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, _ range: SourceRange) { self.text = text; self.range = range }
}

public enum DefaultSyntax: Sendable, Hashable {
    /// A number, possibly negative, as written.
    case number(String, isFloat: Bool, SourceRange)
    /// A 'string' literal's value.
    case string(String, SourceRange)
    /// `true` / `false` / `null` / `current_timestamp` and friends.
    case word(String, SourceRange)
    /// An SQL expression: `(expr)` or a function call such as `datetime('now')`.
    case expression(SQLText)

    public var range: SourceRange {
        switch self {
        case .number(_, _, let r), .string(_, let r), .word(_, let r): return r
        case .expression(let e): return e.range
        }
    }
}

public struct ForeignKeyActionSyntax: Sendable, Hashable {
    public enum Event: String, Sendable, Hashable { case delete, update }
    public var event: Event
    /// `cascade`, `restrict`, `set null`, `set default`, `no action`
    public var action: String
    public var range: SourceRange
    public init(event: Event, action: String, range: SourceRange) { self.event = event; self.action = action; self.range = range }
}

public struct ReferenceSyntax: Sendable, Hashable {
    public var table: Name
    public var columns: [Name]
    public var actions: [ForeignKeyActionSyntax]
    public var range: SourceRange
    /// `deferrable initially deferred` / `deferrable initially immediate` / `deferrable` / `not deferrable`, lowercased.
    public var deferrable: String? = nil
    public init(table: Name, columns: [Name], actions: [ForeignKeyActionSyntax], range: SourceRange) {
        self.table = table; self.columns = columns; self.actions = actions; self.range = range
    }
}

public struct TypeSyntax: Sendable, Hashable {
    public var name: Name
    /// `json<Payload>`: the Swift type argument.
    public var argument: Name?
    public var isOptional: Bool
    public var range: SourceRange
    public init(name: Name, argument: Name?, isOptional: Bool, range: SourceRange) {
        self.name = name; self.argument = argument; self.isOptional = isOptional; self.range = range
    }
}

public enum ColumnModifierSyntax: Sendable, Hashable {
    case primaryKey(descending: Bool?, autoincrement: Bool, SourceRange)
    case unique(SourceRange)
    case notNull(SourceRange)
    case defaultValue(DefaultSyntax, SourceRange)
    case references(ReferenceSyntax)
    case check(SQLText, SourceRange)
    case collate(Name, SourceRange)
    /// `as (sql) [stored|virtual]`: a generated column.
    case generated(SQLText, stored: Bool, SourceRange)
    /// `sql "NVARCHAR(160)"`: the declared type written into the DDL instead of the logical type's.
    case declaredType(String, SourceRange)
    /// `in ('a', 'b')`: the closed set of values the column may hold.
    case values([DefaultSyntax], SourceRange)

    public var range: SourceRange {
        switch self {
        case .primaryKey(_, _, let r), .unique(let r), .notNull(let r), .defaultValue(_, let r), .check(_, let r), .collate(_, let r),
             .generated(_, _, let r), .declaredType(_, let r), .values(_, let r): return r
        case .references(let ref): return ref.range
        }
    }
}

public struct ColumnSyntax: Sendable, Hashable {
    public var name: Name
    public var type: TypeSyntax
    public var modifiers: [ColumnModifierSyntax]
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(name: Name, type: TypeSyntax, modifiers: [ColumnModifierSyntax], attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.type = type; self.modifiers = modifiers; self.attributes = attributes; self.leadingComments = leadingComments; self.range = range
    }
}

public struct IndexedColumnSyntax: Sendable, Hashable {
    /// The column; for an expression term, the expression's text and range.
    public var name: Name
    public var descending: Bool?
    /// `lower(email)`, `(a + b)`: an expression term, verbatim.
    public var expression: SQLText? = nil
    /// `collate nocase` after the term.
    public var collation: Name? = nil
    public init(name: Name, descending: Bool?) { self.name = name; self.descending = descending }
}

public struct IndexSyntax: Sendable, Hashable {
    public var name: Name
    public var isUnique: Bool
    public var columns: [IndexedColumnSyntax]
    public var whereClause: SQLText?
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(name: Name, isUnique: Bool, columns: [IndexedColumnSyntax], whereClause: SQLText?, attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.isUnique = isUnique; self.columns = columns; self.whereClause = whereClause; self.attributes = attributes; self.leadingComments = leadingComments; self.range = range
    }
}

public enum TableConstraintSyntax: Sendable, Hashable {
    case primaryKey([Name], SourceRange)
    case unique([Name], SourceRange)
    case check(SQLText, SourceRange)
    case foreignKey(columns: [Name], ReferenceSyntax, SourceRange)

    public var range: SourceRange {
        switch self {
        case .primaryKey(_, let r), .unique(_, let r), .check(_, let r), .foreignKey(_, _, let r): return r
        }
    }
}

/// One item of a `from LEGACY { … }` block.
public enum LegacyItemSyntax: Sendable, Hashable {
    /// `target_column = sql expression over the legacy row`
    case assign(target: Name, SQLText, SourceRange)
    /// `unpivot (key_column, value_column) { legacy_col [as 'label'] … }`: one target row per entry.
    case unpivot(keyColumn: Name, valueColumn: Name, entries: [UnpivotEntrySyntax], SourceRange)
    /// `pack json_column (legacy_col, …)`: leftover columns as a JSON object in a column of the target.
    case pack(target: Name, columns: [Name], SourceRange)
    /// `archive (legacy_col, …)`: kept in the migration's archive table, beside the new schema.
    case archive(columns: [Name], SourceRange)
    /// `drop legacy_col, … "reason"`: explicitly left behind.
    case drop(columns: [Name], reason: String, SourceRange)

    public var range: SourceRange {
        switch self {
        case .assign(_, _, let r), .unpivot(_, _, _, let r), .pack(_, _, let r), .archive(_, let r), .drop(_, _, let r): return r
        }
    }
}

public struct UnpivotEntrySyntax: Sendable, Hashable {
    public var column: Name
    /// The key written for this entry; the column's name when absent.
    public var label: String?
    public var range: SourceRange
    public init(column: Name, label: String?, range: SourceRange) { self.column = column; self.label = label; self.range = range }
}

public struct LegacySourceSyntax: Sendable, Hashable {
    public var table: Name
    /// `from t where <sql>`: only the rows matching.
    public var whereClause: SQLText?
    /// `from t distinct { … }`: one target row per distinct tuple of the mapped values; rows whose
    /// primary key the target already holds are skipped (derived registries such as `rl_learner`).
    public var isDistinct: Bool
    public var items: [LegacyItemSyntax]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(table: Name, whereClause: SQLText?, isDistinct: Bool = false, items: [LegacyItemSyntax], leadingComments: [Comment], range: SourceRange) {
        self.table = table; self.whereClause = whereClause; self.isDistinct = isDistinct; self.items = items; self.leadingComments = leadingComments; self.range = range
    }
}

/// `query NAME { SQL }` (in a table, a domain or at top level), `view NAME { SELECT … }`, or a
/// hand-written data step of a version's migration, `@run(version: N, before|after) migration NAME { SQL }`.
/// The SQL is kept byte for byte, comments and whitespace included, with its range, so an error
/// SQLite reports at an offset in it points into the schema file.
public struct SQLDeclarationSyntax: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case query, view, migration }
    public var kind: Kind
    public var name: Name
    /// Exactly the text between the braces.
    public var sql: SQLText
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(kind: Kind, name: Name, sql: SQLText, attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.kind = kind; self.name = name; self.sql = sql; self.attributes = attributes; self.leadingComments = leadingComments; self.range = range
    }
}

public enum TableMemberSyntax: Sendable, Hashable {
    case column(ColumnSyntax)
    case index(IndexSyntax)
    case constraint(TableConstraintSyntax)
    case legacySource(LegacySourceSyntax)
    /// `query NAME { … }`: a method on the table's DAO.
    case query(SQLDeclarationSyntax)
    /// `constraint NAME primary key (…)` / `unique (…)` / `check (…)` / `foreign key …`.
    case namedConstraint(Name, TableConstraintSyntax)
}

public struct TableSyntax: Sendable, Hashable {
    public var name: Name
    public var members: [TableMemberSyntax]
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    /// Comments after the last member, before `}`.
    public var trailingComments: [Comment]
    public var range: SourceRange
    /// Columns whose declaration did not parse (`nmae text`, `name:` with no type): their names
    /// exist, so keys and indexes naming them are not reported again.
    public var failedColumns: [Name] = []
    /// `table t strict without rowid { … }`: `strict` and `without rowid` as written.
    public var options: [Name] = []
    public init(name: Name, members: [TableMemberSyntax], attributes: [Attribute], leadingComments: [Comment], trailingComments: [Comment], range: SourceRange) {
        self.name = name; self.members = members; self.attributes = attributes; self.leadingComments = leadingComments; self.trailingComments = trailingComments; self.range = range
    }
}

public struct DomainSyntax: Sendable, Hashable {
    public var name: Name
    public var description: String?
    public var tables: [TableSyntax]
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    /// `query` and `view` declarations in the domain, in source order.
    public var sqlDeclarations: [SQLDeclarationSyntax] = []
    public init(name: Name, description: String?, tables: [TableSyntax], attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.description = description; self.tables = tables; self.attributes = attributes; self.leadingComments = leadingComments; self.range = range
    }
}

public struct ConfigBlockSyntax: Sendable, Hashable {
    public var keyword: Name
    public var entries: [ConfigEntry]
    public var range: SourceRange
    public init(keyword: Name, entries: [ConfigEntry], range: SourceRange) { self.keyword = keyword; self.entries = entries; self.range = range }
}

public struct SchemaHeaderSyntax: Sendable, Hashable {
    public var name: Name
    public var version: Int?
    public var versionRange: SourceRange
    public var leadingComments: [Comment]
    public var range: SourceRange
    /// Attributes before `schema` (`@dropped(…)`: what this version's migration may drop).
    public var attributes: [Attribute] = []
    public init(name: Name, version: Int?, versionRange: SourceRange, leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.version = version; self.versionRange = versionRange; self.leadingComments = leadingComments; self.range = range
    }
}

public enum TopLevelSyntax: Sendable, Hashable {
    case schema(SchemaHeaderSyntax)
    case naming(ConfigBlockSyntax)
    case lint(ConfigBlockSyntax)
    case domain(DomainSyntax)
    /// A table outside any domain (allowed by the grammar; the `domain-prefix` rule reports it).
    case table(TableSyntax)
    /// A schema-wide `query` or a `view`.
    case sql(SQLDeclarationSyntax)
    /// `trigger NAME before|after|instead of EVENT on TABLE [for each row] [when SQL] { BODY }`.
    case trigger(TriggerSyntax)
    /// `virtual table NAME using MODULE(arguments)`.
    case virtualTable(VirtualTableSyntax)
}

public struct TriggerSyntax: Sendable, Hashable {
    public var name: Name
    /// `before`, `after` or `instead of`.
    public var timing: Name
    /// `insert`, `update` or `delete`.
    public var event: Name
    /// `update of a, b`.
    public var updateColumns: [Name]
    public var table: Name
    public var forEachRow: Bool
    public var whenClause: SQLText?
    /// The statements between the braces, verbatim (each ends with `;`).
    public var body: SQLText
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(name: Name, timing: Name, event: Name, updateColumns: [Name], table: Name, forEachRow: Bool, whenClause: SQLText?, body: SQLText,
                attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.timing = timing; self.event = event; self.updateColumns = updateColumns; self.table = table
        self.forEachRow = forEachRow; self.whenClause = whenClause; self.body = body; self.attributes = attributes
        self.leadingComments = leadingComments; self.range = range
    }
}

public struct VirtualTableSyntax: Sendable, Hashable {
    public var name: Name
    public var module: Name
    /// The module arguments between the parentheses, verbatim.
    public var arguments: SQLText?
    public var attributes: [Attribute]
    public var leadingComments: [Comment]
    public var range: SourceRange
    public init(name: Name, module: Name, arguments: SQLText?, attributes: [Attribute], leadingComments: [Comment], range: SourceRange) {
        self.name = name; self.module = module; self.arguments = arguments; self.attributes = attributes; self.leadingComments = leadingComments; self.range = range
    }
}

public struct FileSyntax: Sendable, Hashable {
    public var items: [TopLevelSyntax]
    /// Comments after the last item.
    public var trailingComments: [Comment]
    public init(items: [TopLevelSyntax], trailingComments: [Comment]) { self.items = items; self.trailingComments = trailingComments }
}

extension Array where Element == Comment {
    /// The text of the `///` doc comments directly before a declaration, joined by newlines.
    public var docText: String? {
        // Only the last contiguous run of doc comments counts.
        var lines: [String] = []
        for c in self.reversed() {
            guard c.kind == .doc else { if lines.isEmpty { continue } else { break } }
            lines.append(c.text.hasPrefix(" ") ? String(c.text.dropFirst()) : c.text)
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}
