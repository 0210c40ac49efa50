/// The one spelling of SQLite identifiers and string literals: every module that writes SQL text
/// quotes names with `SQLName.quoted` (SchemaModel's `SQLIdentifier` forwards here).
public enum SQLName {
    /// SQLite's keywords (https://sqlite.org/lang_keywords.html), lowercase.
    public static let keywords: Set<String> = [
        "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
        "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate",
        "column", "commit", "conflict", "constraint", "create", "cross", "current", "current_date",
        "current_time", "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc",
        "detach", "distinct", "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive",
        "exists", "explain", "fail", "filter", "first", "following", "for", "foreign", "from", "full",
        "generated", "glob", "group", "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed",
        "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join", "key", "last",
        "left", "like", "limit", "match", "materialized", "natural", "no", "not", "nothing", "notnull", "null",
        "nulls", "of", "offset", "on", "or", "order", "others", "outer", "over", "partition", "plan", "pragma",
        "preceding", "primary", "query", "raise", "range", "recursive", "references", "regexp", "reindex",
        "release", "rename", "replace", "restrict", "returning", "right", "rollback", "row", "rows", "savepoint",
        "select", "set", "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger",
        "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual", "when", "where",
        "window", "with", "without",
    ]

    public static func isKeyword(_ name: String) -> Bool { keywords.contains(name.lowercased()) }

    /// True for a name SQLite reads as an identifier without quotes: letters, digits and `_`,
    /// not starting with a digit, and not a keyword.
    public static func isPlain(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        for c in name.utf8 {
            let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
            if !ok { return false }
        }
        return !isKeyword(name)
    }

    /// The name, double-quoted when it needs it (`"order"`, `"group"`), with `"` doubled.
    public static func quoted(_ name: String) -> String {
        isPlain(name) ? name : alwaysQuoted(name)
    }

    public static func alwaysQuoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// An SQL string literal with `'` doubled.
    public static func stringLiteral(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
