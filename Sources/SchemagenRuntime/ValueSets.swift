/// Columns whose values are a closed set (`status: text in ('draft', 'active')`): the generated row
/// struct holds a Swift enum with String or Int64 raw values, read and bound through these.
extension Statement {
    /// A TEXT column holding one of the enum's raw values; any other value throws `.decoding`.
    public func value<T: RawRepresentable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T where T.RawValue == String {
        let raw = try text(i)
        guard let v = T(rawValue: raw) else { throw _notInSet(i, "'\(raw)'", T.self) }
        return v
    }

    /// An INTEGER column holding one of the enum's raw values; any other value throws `.decoding`.
    public func value<T: RawRepresentable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T where T.RawValue == Int64 {
        let raw = try int64(i)
        guard let v = T(rawValue: raw) else { throw _notInSet(i, String(raw), T.self) }
        return v
    }

    /// `value(_:as:)`, nil for NULL.
    public func optionalValue<T: RawRepresentable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T? where T.RawValue == String {
        isNull(i) ? nil : try value(i, as: type)
    }

    /// `value(_:as:)`, nil for NULL.
    public func optionalValue<T: RawRepresentable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T? where T.RawValue == Int64 {
        isNull(i) ? nil : try value(i, as: type)
    }

    /// Binds the raw value (NULL for nil).
    public func bindValue<T: RawRepresentable>(_ value: T?, at index: Int32) where T.RawValue == String {
        bind(value?.rawValue, at: index)
    }

    /// Binds the raw value (NULL for nil).
    public func bindValue<T: RawRepresentable>(_ value: T?, at index: Int32) where T.RawValue == Int64 {
        bind(value?.rawValue, at: index)
    }

    func _notInSet<T>(_ i: Int32, _ raw: String, _ type: T.Type) -> DatabaseError {
        DatabaseError(kind: .decoding, message: "column \(columnName(i)) (index \(i)): \(raw) is not a value of \(T.self)", sql: sql)
    }
}
