import SchemaSyntax
import SchemaModel

/// An index SQLite does not need: its key columns are a leading prefix of (or equal to) the
/// columns of another index, of a UNIQUE constraint or of the primary key, which SQLite
/// already indexes (the rowid of an `integer primary key` included). Every redundant index
/// costs space and slows every write.
///
/// Not redundant: a partial index (`where …`) unless an index with the same `where` covers
/// it; a unique index, which enforces something, unless a UNIQUE key on exactly the same
/// columns already enforces it; an index covered only by a partial index.
public struct RedundantIndexRule: LintRule {
    public init() {}
    public let id = "redundant-index"
    public let defaultSeverity = Severity.warning
    public let category = RuleCategory.design
    public let summary = "An index's columns are a leading prefix of another index, a UNIQUE constraint or the primary key, which SQLite already indexes."

    public let triggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    unique (user_id, game_id)\n    index idx_score_user (user_id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    index idx_score_user (user_id)\n    index idx_score_user_game (user_id, game_id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    unique (user_id, game_id)\n    unique index idx_score_key (user_id, game_id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    points: integer\n    index idx_score_id (id)\n  }\n}"),
    ]
    public let nonTriggeringExamples = [
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    unique (user_id, game_id)\n    index idx_score_game (game_id)\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    index idx_score_user_game (user_id, game_id)\n    index idx_score_open (user_id) where game_id is null\n  }\n}"),
        RuleExample("schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    index idx_score_user_game (user_id, game_id)\n    unique index idx_score_user (user_id)\n  }\n}"),
    ]

    /// Something SQLite keeps a b-tree for.
    struct Key {
        var description: String
        var columns: [String]
        /// Per column: descending or not (constraints are ascending).
        var descending: [Bool]
        var isUnique: Bool
        var whereClause: String?
        var range: SourceRange
        /// The index's position among the table's indexes; nil for constraints.
        var indexPosition: Int?
    }

    static func normalizedWhere(_ s: String?) -> String? {
        s.map { $0.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ") }
    }

    static func keys(of t: Table) -> [Key] {
        var keys: [Key] = []
        let pk = t.primaryKey
        if !pk.isEmpty {
            let range = t.primaryKeyConstraint?.range ?? t.columns.first(where: \.isPrimaryKey)?.range ?? t.nameRange
            let what = t.rowidAlias != nil ? "the integer primary key (the rowid)" : "the primary key"
            keys.append(Key(description: "\(what) (\(pk.joined(separator: ", ")))", columns: pk,
                            descending: pk.map { _ in false }, isUnique: true, whereClause: nil, range: range, indexPosition: nil))
        }
        for c in t.columns where c.isUnique {
            keys.append(Key(description: "the UNIQUE column '\(c.name)'", columns: [c.name], descending: [false], isUnique: true,
                            whereClause: nil, range: c.range, indexPosition: nil))
        }
        for u in t.uniqueConstraints {
            keys.append(Key(description: "the UNIQUE constraint (\(u.columns.joined(separator: ", ")))", columns: u.columns,
                            descending: u.columns.map { _ in false }, isUnique: true, whereClause: nil, range: u.range, indexPosition: nil))
        }
        for (n, i) in t.indexes.enumerated() {
            keys.append(Key(description: "\(i.isUnique ? "unique index" : "index") '\(i.name)' (\(i.columns.map(\.name).joined(separator: ", ")))",
                            columns: i.columns.map(\.name), descending: i.columns.map { $0.descending ?? false },
                            isUnique: i.isUnique, whereClause: normalizedWhere(i.whereClause), range: i.range, indexPosition: n))
        }
        return keys
    }

    /// Whether `other` makes the index `key` unnecessary.
    static func covers(_ other: Key, _ key: Key) -> Bool {
        guard key.columns.count <= other.columns.count,
              Array(other.columns.prefix(key.columns.count)).map({ $0.lowercased() }) == key.columns.map({ $0.lowercased() })
        else { return false }
        // Sort order matters only between columns; one column can be scanned either way.
        if key.columns.count > 1 {
            let a = key.descending, b = Array(other.descending.prefix(key.columns.count))
            if a != b && a != b.map({ !$0 }) { return false }
        }
        // A partial index covers, and is covered by, only an index with the same condition.
        if key.whereClause != other.whereClause { return false }
        // A unique index enforces uniqueness: only a unique key on exactly its columns does the same.
        if key.isUnique && !(other.isUnique && other.columns.count == key.columns.count) { return false }
        return true
    }

    public func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for t in context.schema.tables {
            let keys = Self.keys(of: t)
            for key in keys {
                guard let position = key.indexPosition else { continue }
                let index = t.indexes[position]
                let coverers = keys.filter { other in
                    guard other.indexPosition != position, Self.covers(other, key) else { return false }
                    // Two identical indexes cover each other: report only the later one.
                    if let p = other.indexPosition, Self.covers(key, other), p > position { return false }
                    return true
                }
                // Prefer a constraint, then the longest key, as the explanation.
                guard let by = coverers.min(by: { a, b in
                    (a.indexPosition == nil ? 0 : 1, -a.columns.count, a.range.start) < (b.indexPosition == nil ? 0 : 1, -b.columns.count, b.range.start)
                }) else { continue }
                let relation = by.columns.count == key.columns.count ? "the same columns as" : "a leading prefix of"
                findings.append(Finding("index '\(index.name)' (\(key.columns.joined(separator: ", "))) is redundant: its columns are \(relation) \(by.description), which SQLite already indexes",
                                        at: index.nameRange,
                                        notes: [.init(message: "\(by.description) is declared here", range: by.range)]))
            }
        }
        return findings
    }
}
