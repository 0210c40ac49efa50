import CSQLite

/// The only error type the runtime throws.
///
/// `kind == .sqlite` errors carry SQLite's primary and extended result codes (`ResultCode`, which
/// works in `catch` patterns: `catch ResultCode.SQLITE_CONSTRAINT_UNIQUE`, or
/// `catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT`); the other kinds (raised
/// by the runtime itself) have both codes set to `SQLITE_OK` (0). A task cancelled while it used a
/// `DatabasePool` gets a `.sqlite` error with code `SQLITE_INTERRUPT` (see `isInterrupted`).
public struct DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// SQLite returned an error code.
        case sqlite
        /// A column's storage class does not fit the requested Swift type (includes NULL read as non-optional).
        case typeMismatch
        /// A stored value could not be converted (malformed timestamp, undecodable or unencodable JSON).
        case decoding
        /// The API was used incorrectly (closed database, bad column index, multiple statements, ...).
        case misuse
    }

    /// The constraint family of a `SQLITE_CONSTRAINT` error, derived from the extended result code.
    public enum ConstraintKind: Sendable, Equatable {
        case notNull, unique, primaryKey, foreignKey, check, other
    }

    public let kind: Kind
    /// Primary result code (e.g. `.SQLITE_CONSTRAINT` = 19); `.SQLITE_OK` (0) for non-sqlite kinds.
    public let resultCode: ResultCode
    /// Extended result code (e.g. `.SQLITE_CONSTRAINT_UNIQUE` = 2067); `.SQLITE_OK` (0) for non-sqlite kinds.
    public let extendedResultCode: ResultCode
    /// `sqlite3_errmsg` text, or the runtime's own message.
    public let message: String
    /// The SQL that failed, when there is one.
    public let sql: String?

    public init(kind: Kind, resultCode: ResultCode = .SQLITE_OK, extendedResultCode: ResultCode = .SQLITE_OK, message: String, sql: String? = nil) {
        self.kind = kind
        self.resultCode = resultCode
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// Builds a `.sqlite` error from a result code; the primary code is derived from the extended one.
    public init(sqliteCode extended: Int32, message: String, sql: String? = nil) {
        self.init(kind: .sqlite, resultCode: ResultCode(rawValue: extended & 0xFF), extendedResultCode: ResultCode(rawValue: extended),
                  message: message, sql: sql)
    }

    /// Builds a `.sqlite` error from a result code; the primary code is derived from the extended one.
    public init(_ code: ResultCode, message: String, sql: String? = nil) {
        self.init(sqliteCode: code.rawValue, message: message, sql: sql)
    }

    /// True when the statement was interrupted (`SQLITE_INTERRUPT`): by `sqlite3_interrupt`, or
    /// because the task that ran it on a `DatabasePool` was cancelled.
    public var isInterrupted: Bool {
        kind == .sqlite && resultCode == .SQLITE_INTERRUPT
    }

    /// True for any `SQLITE_CONSTRAINT` failure.
    public var isConstraintViolation: Bool {
        kind == .sqlite && resultCode == .SQLITE_CONSTRAINT
    }

    /// Which constraint failed, or nil when this is not a constraint violation.
    public var constraint: ConstraintKind? {
        guard isConstraintViolation else { return nil }
        switch extendedResultCode.rawValue {
        case 1299: return .notNull     // SQLITE_CONSTRAINT_NOTNULL
        case 2067: return .unique      // SQLITE_CONSTRAINT_UNIQUE
        case 1555, 2579: return .primaryKey // SQLITE_CONSTRAINT_PRIMARYKEY, _ROWID
        case 787: return .foreignKey   // SQLITE_CONSTRAINT_FOREIGNKEY
        case 275: return .check        // SQLITE_CONSTRAINT_CHECK
        default: return .other
        }
    }

    public var description: String {
        var text: String
        switch kind {
        case .sqlite:
            text = "SQLite error \(resultCode.rawValue) (\(DatabaseError.codeName(extendedResultCode))): \(message)"
        case .typeMismatch:
            text = "Type mismatch: \(message)"
        case .decoding:
            text = "Decoding error: \(message)"
        case .misuse:
            text = "Misuse: \(message)"
        }
        if let sql {
            text += " — while executing: \(sql)"
        }
        return text
    }

    /// Symbolic name of a (possibly extended) SQLite result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
    /// Falls back to the primary name plus `sqlite3_errstr` text for codes SQLite 3.40 does not define.
    public static func codeName(_ code: ResultCode) -> String {
        codeName(code.rawValue)
    }

    /// Symbolic name of a raw (possibly extended) SQLite result code; see `codeName(_:)` for `ResultCode`.
    public static func codeName(_ code: Int32) -> String {
        if let name = ResultCode(rawValue: code).name { return name }
        let primary = ResultCode(rawValue: code & 0xFF)
        let base = primary.name ?? "SQLITE code \(primary.rawValue)"
        if primary.rawValue == code { return base }
        return "\(base), extended \(code): \(String(cString: sqlite3_errstr(code)))"
    }
}
