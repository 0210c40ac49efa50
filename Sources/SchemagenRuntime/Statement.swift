import CSQLite
import Foundation

/// Per-prepared-statement side storage, allocated once per cached statement.
///
/// Binding never throws (so generated code stays terse); the first binding failure
/// (bad parameter index, unencodable JSON, non-finite date, ...) is parked here and
/// thrown by the next `step()`. It is cleared whenever the statement is reset.
@usableFromInline
struct StatementContext {
    @usableFromInline var hasPendingError = false
    @usableFromInline var pendingError: DatabaseError?

    @usableFromInline init() {}
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before `bind` returns.
@inlinable @inline(__always)
var sqliteTransient: sqlite3_destructor_type {
    unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)
}

/// A prepared statement, lent to the body of `Database.withStatement`.
///
/// It is `~Copyable` and only valid inside that closure: the database resets it and clears
/// its bindings when the closure returns or throws, and the lock of the owning `Database`
/// is held for the whole closure.
///
/// Index conventions (same as the SQLite C API):
/// - **Parameters are 1-based**: `bind(x, at: 1)` binds the first `?` (or `?1`).
/// - **Columns are 0-based**: `int64(0)` reads the first result column.
public struct Statement: ~Copyable {
    @usableFromInline let handle: OpaquePointer
    @usableFromInline let context: UnsafeMutablePointer<StatementContext>

    @usableFromInline
    init(handle: OpaquePointer, context: UnsafeMutablePointer<StatementContext>) {
        self.handle = handle
        self.context = context
    }

    /// The statement's SQL text (`sqlite3_sql`).
    public var sql: String {
        sqlite3_sql(handle).map { String(cString: $0) } ?? ""
    }

    /// Number of result columns (`sqlite3_column_count`).
    @inlinable public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// Number of SQL parameters (`sqlite3_bind_parameter_count`); the largest valid `at:` index.
    @inlinable public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Name of result column `i` (0-based).
    public func columnName(_ i: Int32) -> String {
        sqlite3_column_name(handle, i).map { String(cString: $0) } ?? "#\(i)"
    }

    /// Rowid of the most recent successful INSERT on this connection.
    @inlinable public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(handle)) }

    /// Sets the connection's last-insert rowid (`sqlite3_set_last_insert_rowid`), e.g. to a sentinel
    /// before an upsert, to tell afterwards whether it inserted (the rowid changed) or updated.
    @inlinable public func setLastInsertRowID(_ rowid: Int64) {
        sqlite3_set_last_insert_rowid(sqlite3_db_handle(handle), rowid)
    }

    /// Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
    @inlinable public var changes: Int { Int(sqlite3_changes64(sqlite3_db_handle(handle))) }

    // MARK: - Stepping

    /// Advances the statement. Returns true when a row is available, false when done.
    /// Throws a pending binding error, or the SQLite error (with this statement's SQL).
    @inlinable
    public func step() throws(DatabaseError) -> Bool {
        if _slowPath(context.pointee.hasPendingError) {
            throw _pendingError()
        }
        let rc = sqlite3_step(handle)
        if _fastPath(rc == SQLITE_ROW) { return true }
        if _fastPath(rc == SQLITE_DONE) { return false }
        throw _stepError(rc)
    }

    /// Steps until done, discarding rows. Convenience for INSERT/UPDATE/DELETE.
    @inlinable
    public func run() throws(DatabaseError) {
        while try step() {}
    }

    @usableFromInline
    func _pendingError() -> DatabaseError {
        context.pointee.pendingError ?? DatabaseError(kind: .misuse, message: "binding failed", sql: sql)
    }

    @usableFromInline
    func _stepError(_ rc: Int32) -> DatabaseError {
        let db = sqlite3_db_handle(handle)
        let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
        // sqlite3_extended_errcode can lag behind for some codes; trust rc's primary code.
        let code = (extended & 0xFF) == (rc & 0xFF) ? extended : rc
        return DatabaseError(sqliteCode: code, message: message, sql: sql)
    }

    // MARK: - Binding (1-based parameter index)

    @inlinable @inline(__always)
    func _check(_ rc: Int32, _ index: Int32) {
        if _slowPath(rc != SQLITE_OK) { _recordBindFailure(rc, index) }
    }

    @usableFromInline
    func _recordBindFailure(_ rc: Int32, _ index: Int32) {
        let db = sqlite3_db_handle(handle)
        let detail = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
        _recordError(DatabaseError(
            sqliteCode: rc,
            message: "cannot bind parameter \(index) (statement has \(parameterCount)): \(detail)",
            sql: sql))
    }

    @usableFromInline
    func _recordError(_ error: DatabaseError) {
        guard !context.pointee.hasPendingError else { return }
        context.pointee.hasPendingError = true
        context.pointee.pendingError = error
    }

    /// Binds NULL to the 1-based parameter `index`.
    @inlinable public func bindNull(at index: Int32) {
        _check(sqlite3_bind_null(handle, index), index)
    }

    /// Binds an INTEGER to the 1-based parameter `index`.
    @inlinable public func bind(_ value: Int64, at index: Int32) {
        _check(sqlite3_bind_int64(handle, index, value), index)
    }

    /// Binds an INTEGER to the 1-based parameter `index`.
    @inlinable public func bind(_ value: Int, at index: Int32) {
        _check(sqlite3_bind_int64(handle, index, Int64(value)), index)
    }

    /// Binds a REAL to the 1-based parameter `index`.
    @inlinable public func bind(_ value: Double, at index: Int32) {
        _check(sqlite3_bind_double(handle, index, value), index)
    }

    /// Binds INTEGER 1 / 0 to the 1-based parameter `index`.
    @inlinable public func bind(_ value: Bool, at index: Int32) {
        _check(sqlite3_bind_int64(handle, index, value ? 1 : 0), index)
    }

    /// Binds TEXT (UTF-8, copied) to the 1-based parameter `index`.
    @inlinable public func bind(_ value: String, at index: Int32) {
        var value = value
        let rc = value.withUTF8 { buffer -> Int32 in
            _bindText(buffer, at: index)
        }
        _check(rc, index)
    }

    @inlinable @inline(__always)
    func _bindText(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            // A NULL pointer would bind SQL NULL; bind a real empty string instead.
            return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
        }
        return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
            sqlite3_bind_text64(handle, index, chars, sqlite3_uint64(buffer.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
    }

    /// Binds a BLOB (copied) to the 1-based parameter `index`. An empty `Data` binds an empty BLOB, not NULL.
    @inlinable public func bind(_ value: Data, at index: Int32) {
        let rc = value.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress, raw.count > 0 else {
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            return sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(raw.count), sqliteTransient)
        }
        _check(rc, index)
    }

    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: Int64?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: Int?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: Double?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: Bool?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds the value, or NULL for nil.
    @inlinable public func bind(_ value: Data?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    /// Binds a date as TEXT in SQLite `datetime()` format, UTC: `YYYY-MM-DD HH:MM:SS`,
    /// with `.SSS` appended only when the (rounded) milliseconds are non-zero. nil binds NULL.
    @inlinable public func bindTimestamp(_ value: Date?, at index: Int32) {
        guard let value else { bindNull(at: index); return }
        _bindTimestamp(value.timeIntervalSince1970, at: index)
    }

    @usableFromInline
    func _bindTimestamp(_ seconds: Double, at index: Int32) {
        let rc = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLiteTimestamp.maxLength) { buffer -> Int32? in
            guard let count = SQLiteTimestamp.format(seconds: seconds, into: buffer) else { return nil }
            return _bindText(UnsafeBufferPointer(rebasing: buffer[0..<count]), at: index)
        }
        if let rc {
            _check(rc, index)
        } else {
            _recordError(DatabaseError(kind: .decoding, message: "cannot bind parameter \(index): date \(seconds)s since 1970 is out of range for a timestamp", sql: sql))
        }
    }

    /// Binds a date as REAL seconds since 1970-01-01 UTC. nil binds NULL.
    @inlinable public func bindEpoch(_ value: Date?, at index: Int32) {
        guard let value else { bindNull(at: index); return }
        bind(value.timeIntervalSince1970, at: index)
    }

    /// Binds a value encoded as JSON TEXT (`JSONEncoder` with `.sortedKeys`). nil binds NULL.
    /// An encoding failure is reported (kind `.decoding`) by the next `step()`.
    public func bindJSON<T: Encodable>(_ value: T?, at index: Int32) {
        guard let value else { bindNull(at: index); return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            _recordError(DatabaseError(kind: .decoding, message: "cannot bind parameter \(index): JSON encoding of \(T.self) failed: \(error)", sql: sql))
            return
        }
        let rc = data.withUnsafeBytes { raw -> Int32 in
            _bindText(raw.bindMemory(to: UInt8.self), at: index)
        }
        _check(rc, index)
    }

    // MARK: - Reading (0-based column index)

    /// True when column `i` of the current row is NULL (also for an out-of-range index).
    @inlinable public func isNull(_ i: Int32) -> Bool {
        sqlite3_column_type(handle, i) == SQLITE_NULL
    }

    /// Column `i`'s value and storage class, after checking that a row is available and `i` is in
    /// range. One `sqlite3_column_value` call per read: the storage class and the value then come
    /// from the value itself (`sqlite3_value_type`, `sqlite3_value_int64`, …), which take no
    /// statement lookup of their own. (Safe here: connections are opened `SQLITE_OPEN_NOMUTEX` and a
    /// statement is only ever used by one thread at a time, inside `withStatement`.)
    @inlinable @inline(__always)
    func _type(_ i: Int32) throws(DatabaseError) -> _Column {
        // sqlite3_column_value answers a NULL value (and never reads out of bounds) for a bad index or
        // when no row is available, so the range check is needed only on the NULL path.
        let value = sqlite3_column_value(handle, i)
        let type = sqlite3_value_type(value)
        if _slowPath(type == SQLITE_NULL) && (i < 0 || i >= sqlite3_data_count(handle)) { throw _badColumn(i) }
        return _Column(value: value, type: type)
    }

    @usableFromInline
    func _badColumn(_ i: Int32) -> DatabaseError {
        if sqlite3_data_count(handle) == 0 {
            return DatabaseError(kind: .misuse, message: "no row available when reading column \(i) (step() must return true first)", sql: sql)
        }
        return DatabaseError(kind: .misuse, message: "column index \(i) out of range (statement has \(columnCount) columns, 0-based)", sql: sql)
    }

    @usableFromInline
    func _mismatch(_ i: Int32, expected: String, found: Int32) -> DatabaseError {
        let name = columnName(i)
        if found == SQLITE_NULL {
            return DatabaseError(kind: .typeMismatch, message: "column \(name) (index \(i)) is NULL, expected \(expected)", sql: sql)
        }
        var shown = ""
        if found == SQLITE_INTEGER {
            shown = " \(sqlite3_column_int64(handle, i))"
        } else if found == SQLITE_FLOAT {
            shown = " \(sqlite3_column_double(handle, i))"
        } else if found == SQLITE_TEXT {
            let text = _textUnchecked(i)
            shown = " '\(text.count > 40 ? String(text.prefix(40)) + "…" : text)'"
        }
        return DatabaseError(kind: .typeMismatch, message: "column \(name) (index \(i)): expected \(expected), found \(Statement.storageClassName(found))\(shown)", sql: sql)
    }

    static func storageClassName(_ type: Int32) -> String {
        switch type {
        case SQLITE_INTEGER: return "INTEGER"
        case SQLITE_FLOAT: return "REAL"
        case SQLITE_TEXT: return "TEXT"
        case SQLITE_BLOB: return "BLOB"
        case SQLITE_NULL: return "NULL"
        default: return "type \(type)"
        }
    }

    @inlinable @inline(__always)
    func _textUnchecked(_ i: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, i) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// A TEXT value's UTF-8 (text first, then its length, as SQLite requires), validated and copied once.
    @inlinable @inline(__always)
    func _text(_ value: OpaquePointer?) -> String {
        guard let bytes = sqlite3_value_text(value) else { return "" }
        let count = Int(sqlite3_value_bytes(value))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    @inlinable @inline(__always)
    func _int64(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Int64 {
        if _fastPath(c.type == SQLITE_INTEGER) { return sqlite3_value_int64(c.value) }
        return try _int64FromReal(i, c)
    }

    /// Accepts a REAL holding an integral value in Int64 range; everything else is a mismatch.
    @usableFromInline
    func _int64FromReal(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Int64 {
        if c.type == SQLITE_FLOAT {
            let d = sqlite3_value_double(c.value)
            if d.rounded(.towardZero) == d, let v = Int64(exactly: d) { return v }
        }
        throw _mismatch(i, expected: "INTEGER", found: c.type)
    }

    /// INTEGER column (an integral REAL is accepted).
    @inlinable public func int64(_ i: Int32) throws(DatabaseError) -> Int64 {
        try _int64(i, _type(i))
    }

    /// INTEGER column as `Int`.
    @inlinable public func int(_ i: Int32) throws(DatabaseError) -> Int {
        let v = try int64(i)
        guard let r = Int(exactly: v) else { throw _mismatch(i, expected: "INTEGER fitting Int", found: SQLITE_INTEGER) }
        return r
    }

    /// REAL column (an INTEGER is converted).
    @inlinable public func double(_ i: Int32) throws(DatabaseError) -> Double {
        try _double(i, _type(i))
    }

    @inlinable @inline(__always)
    func _double(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Double {
        if _fastPath(c.type == SQLITE_FLOAT || c.type == SQLITE_INTEGER) { return sqlite3_value_double(c.value) }
        throw _mismatch(i, expected: "REAL", found: c.type)
    }

    /// TEXT column.
    @inlinable public func text(_ i: Int32) throws(DatabaseError) -> String {
        try _text(i, _type(i))
    }

    @inlinable @inline(__always)
    func _text(_ i: Int32, _ c: _Column) throws(DatabaseError) -> String {
        if _fastPath(c.type == SQLITE_TEXT) { return _text(c.value) }
        throw _mismatch(i, expected: "TEXT", found: c.type)
    }

    /// BLOB column.
    @inlinable public func blob(_ i: Int32) throws(DatabaseError) -> Data {
        try _blob(i, _type(i))
    }

    @inlinable @inline(__always)
    func _blob(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Data {
        guard _fastPath(c.type == SQLITE_BLOB) else { throw _mismatch(i, expected: "BLOB", found: c.type) }
        guard let bytes = sqlite3_value_blob(c.value) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_value_bytes(c.value)))
    }

    /// INTEGER 0 or 1 column; any other value is a type mismatch.
    @inlinable public func bool(_ i: Int32) throws(DatabaseError) -> Bool {
        try _bool(i, _type(i))
    }

    @inlinable @inline(__always)
    func _bool(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Bool {
        if _fastPath(c.type == SQLITE_INTEGER) {
            let v = sqlite3_value_int64(c.value)
            if v == 0 { return false }
            if v == 1 { return true }
        }
        throw _mismatch(i, expected: "INTEGER 0 or 1 (Bool)", found: c.type)
    }

    /// TEXT timestamp column: `YYYY-MM-DD HH:MM[:SS[.fff]]`, `T` separator and trailing `Z`
    /// or `±HH:MM` accepted, date-only accepted as midnight UTC. Malformed text throws `.decoding`.
    @inlinable public func timestamp(_ i: Int32) throws(DatabaseError) -> Date {
        try _timestamp(i, _type(i))
    }

    @usableFromInline
    func _timestamp(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Date {
        guard c.type == SQLITE_TEXT else { throw _mismatch(i, expected: "TEXT timestamp", found: c.type) }
        // Text first, then its length (SQLite's rule for a value that may need converting).
        let text = sqlite3_value_text(c.value)
        let count = Int(sqlite3_value_bytes(c.value))
        guard let bytes = text,
              let seconds = SQLiteTimestamp.parse(UnsafeBufferPointer(start: bytes, count: count))
        else {
            throw DatabaseError(kind: .decoding, message: "column \(columnName(i)) (index \(i)): malformed timestamp '\(_textUnchecked(i))'", sql: sql)
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// REAL or INTEGER seconds since 1970 column.
    @inlinable public func epoch(_ i: Int32) throws(DatabaseError) -> Date {
        try _epoch(i, _type(i))
    }

    @inlinable @inline(__always)
    func _epoch(_ i: Int32, _ c: _Column) throws(DatabaseError) -> Date {
        if _fastPath(c.type == SQLITE_FLOAT || c.type == SQLITE_INTEGER) {
            return Date(timeIntervalSince1970: sqlite3_value_double(c.value))
        }
        throw _mismatch(i, expected: "REAL seconds since 1970", found: c.type)
    }

    /// JSON TEXT (or BLOB) column decoded with `JSONDecoder`. Undecodable JSON throws `.decoding`.
    public func json<T: Decodable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T {
        try _json(i, _type(i), as: type)
    }

    func _json<T: Decodable>(_ i: Int32, _ c: _Column, as type: T.Type) throws(DatabaseError) -> T {
        let data: Data
        switch c.type {
        case SQLITE_TEXT:
            let text = sqlite3_value_text(c.value)
            let count = Int(sqlite3_value_bytes(c.value))
            data = text.map { Data(bytes: $0, count: count) } ?? Data()
        case SQLITE_BLOB:
            data = try _blob(i, c)
        default:
            throw _mismatch(i, expected: "TEXT (JSON)", found: c.type)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw DatabaseError(kind: .decoding, message: "column \(columnName(i)) (index \(i)): cannot decode \(T.self) from JSON: \(error)", sql: sql)
        }
    }

    // MARK: Optional reads (nil for NULL)

    @inlinable public func optionalInt64(_ i: Int32) throws(DatabaseError) -> Int64? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _int64(i, t)
    }
    @inlinable public func optionalInt(_ i: Int32) throws(DatabaseError) -> Int? {
        guard let v = try optionalInt64(i) else { return nil }
        guard let r = Int(exactly: v) else { throw _mismatch(i, expected: "INTEGER fitting Int", found: SQLITE_INTEGER) }
        return r
    }
    @inlinable public func optionalDouble(_ i: Int32) throws(DatabaseError) -> Double? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _double(i, t)
    }
    @inlinable public func optionalText(_ i: Int32) throws(DatabaseError) -> String? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _text(i, t)
    }
    @inlinable public func optionalBlob(_ i: Int32) throws(DatabaseError) -> Data? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _blob(i, t)
    }
    @inlinable public func optionalBool(_ i: Int32) throws(DatabaseError) -> Bool? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _bool(i, t)
    }
    @inlinable public func optionalTimestamp(_ i: Int32) throws(DatabaseError) -> Date? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _timestamp(i, t)
    }
    @inlinable public func optionalEpoch(_ i: Int32) throws(DatabaseError) -> Date? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _epoch(i, t)
    }
    public func optionalJSON<T: Decodable>(_ i: Int32, as type: T.Type = T.self) throws(DatabaseError) -> T? {
        let t = try _type(i)
        return t.type == SQLITE_NULL ? nil : try _json(i, t, as: type)
    }
}

/// A column of the current row: its value (`sqlite3_column_value`) and storage class, read once.
@frozen @usableFromInline
struct _Column {
    @usableFromInline let value: OpaquePointer?
    @usableFromInline let type: Int32
    @inlinable init(value: OpaquePointer?, type: Int32) { self.value = value; self.type = type }
}
