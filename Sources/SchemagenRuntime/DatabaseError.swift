import CSQLite

/// The only error type the runtime throws.
///
/// `kind == .sqlite` errors carry SQLite's primary and extended result codes;
/// the other kinds (raised by the runtime itself) have both codes set to 0.
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
    /// Primary result code (e.g. `SQLITE_CONSTRAINT` = 19); 0 for non-sqlite kinds.
    public let resultCode: Int32
    /// Extended result code (e.g. `SQLITE_CONSTRAINT_UNIQUE` = 2067); 0 for non-sqlite kinds.
    public let extendedResultCode: Int32
    /// `sqlite3_errmsg` text, or the runtime's own message.
    public let message: String
    /// The SQL that failed, when there is one.
    public let sql: String?

    public init(kind: Kind, resultCode: Int32 = 0, extendedResultCode: Int32 = 0, message: String, sql: String? = nil) {
        self.kind = kind
        self.resultCode = resultCode
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// Builds a `.sqlite` error from a result code; the primary code is derived from the extended one.
    public init(sqliteCode extended: Int32, message: String, sql: String? = nil) {
        self.init(kind: .sqlite, resultCode: extended & 0xFF, extendedResultCode: extended, message: message, sql: sql)
    }

    /// True for any `SQLITE_CONSTRAINT` failure.
    public var isConstraintViolation: Bool {
        kind == .sqlite && resultCode == 19
    }

    /// Which constraint failed, or nil when this is not a constraint violation.
    public var constraint: ConstraintKind? {
        guard isConstraintViolation else { return nil }
        switch extendedResultCode {
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
            text = "SQLite error \(resultCode) (\(DatabaseError.codeName(extendedResultCode))): \(message)"
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
    /// Falls back to the primary name plus `sqlite3_errstr` text for codes not in the table.
    public static func codeName(_ code: Int32) -> String {
        switch code {
        case 275: return "SQLITE_CONSTRAINT_CHECK"
        case 531: return "SQLITE_CONSTRAINT_COMMITHOOK"
        case 787: return "SQLITE_CONSTRAINT_FOREIGNKEY"
        case 1043: return "SQLITE_CONSTRAINT_FUNCTION"
        case 1299: return "SQLITE_CONSTRAINT_NOTNULL"
        case 1555: return "SQLITE_CONSTRAINT_PRIMARYKEY"
        case 1811: return "SQLITE_CONSTRAINT_TRIGGER"
        case 2067: return "SQLITE_CONSTRAINT_UNIQUE"
        case 2323: return "SQLITE_CONSTRAINT_VTAB"
        case 2579: return "SQLITE_CONSTRAINT_ROWID"
        case 2835: return "SQLITE_CONSTRAINT_PINNED"
        case 3091: return "SQLITE_CONSTRAINT_DATATYPE"
        case 261: return "SQLITE_BUSY_RECOVERY"
        case 517: return "SQLITE_BUSY_SNAPSHOT"
        case 262: return "SQLITE_LOCKED_SHAREDCACHE"
        case 1032: return "SQLITE_READONLY_DBMOVED"
        case 266: return "SQLITE_IOERR_READ"
        case 778: return "SQLITE_IOERR_WRITE"
        case 14 | (1 << 8): return "SQLITE_CANTOPEN_NOTEMPDIR"
        default: break
        }
        let primary = code & 0xFF
        let names: [Int32: String] = [
            0: "SQLITE_OK", 1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT",
            5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT",
            10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN",
            15: "SQLITE_PROTOCOL", 16: "SQLITE_EMPTY", 17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT",
            20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE", 22: "SQLITE_NOLFS", 23: "SQLITE_AUTH", 24: "SQLITE_FORMAT",
            25: "SQLITE_RANGE", 26: "SQLITE_NOTADB", 27: "SQLITE_NOTICE", 28: "SQLITE_WARNING",
            100: "SQLITE_ROW", 101: "SQLITE_DONE",
        ]
        let base = names[primary] ?? "SQLITE code \(primary)"
        if primary == code { return base }
        return "\(base), extended \(code): \(String(cString: sqlite3_errstr(code)))"
    }
}
