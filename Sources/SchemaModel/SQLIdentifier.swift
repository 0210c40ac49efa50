import SchemaSQL

/// SQLite identifier and literal spelling: a forwarding name for `SQLName` (SchemaSQL), which holds
/// the one implementation.
public enum SQLIdentifier {
    public static var keywords: Set<String> { SQLName.keywords }
    public static func isKeyword(_ name: String) -> Bool { SQLName.isKeyword(name) }
    public static func isPlain(_ name: String) -> Bool { SQLName.isPlain(name) }
    public static func quoted(_ name: String) -> String { SQLName.quoted(name) }
    public static func alwaysQuoted(_ name: String) -> String { SQLName.alwaysQuoted(name) }
    public static func stringLiteral(_ s: String) -> String { SQLName.stringLiteral(s) }

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

}
