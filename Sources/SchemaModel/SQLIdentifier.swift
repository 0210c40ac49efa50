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
}
