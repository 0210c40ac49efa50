/// The `CodingKey` of every generated row struct's `Codable` conformance: a column's SQL name
/// (`"created_at"`, `"due date"`), so a row encodes and decodes keyed by its columns whatever its
/// Swift property names are. One shared key type instead of a `CodingKeys` enum per table: the
/// enum's synthesized members are a large part of a big schema's build time (BENCHMARKS.md).
public struct ColumnKey: CodingKey, Sendable, Hashable {
    public let stringValue: String

    /// The key of the column named `name`.
    @inlinable
    public init(_ name: String) {
        stringValue = name
    }

    public init?(stringValue: String) {
        self.stringValue = stringValue
    }

    /// Column keys are names only.
    public var intValue: Int? { nil }

    /// Column keys are names only: nil.
    public init?(intValue: Int) {
        return nil
    }
}
