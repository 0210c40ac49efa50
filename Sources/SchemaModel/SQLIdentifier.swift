/// SQLite identifier and literal spelling.
public enum SQLIdentifier {
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

    /// Text for the inside of a line comment (`--`, `//`): every character that could end the
    /// comment for SQLite, Swift or an editor — LF, CR, NUL and the other C0 controls but tab,
    /// DEL, U+0085, U+2028, U+2029 — written as `\u{…}`, so user text in a comment stays comment.
    public static func commentText(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x09: out.unicodeScalars.append(u)
            case 0x00..<0x20, 0x7F, 0x85, 0x2028, 0x2029: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// An SQL string literal with `'` doubled.
    public static func stringLiteral(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
