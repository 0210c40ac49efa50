import CSQLite

/// An SQLite result code, primary (`SQLITE_CONSTRAINT`) or extended (`SQLITE_CONSTRAINT_UNIQUE`).
///
/// Every code of the SQLite C API is a named constant (generated from `sqlite3.h` of SQLite 3.40).
/// Codes work in `catch` and `switch` patterns; a primary code matches itself and all of its
/// extended codes, an extended code matches only itself:
///
/// ```swift
/// do {
///     try db.learner.insert(row)
/// } catch ResultCode.SQLITE_CONSTRAINT_UNIQUE {
///     // the UNIQUE constraint failed
/// } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
///     // any other constraint
/// }
///
/// switch error.extendedResultCode {
/// case .SQLITE_CONSTRAINT_FOREIGNKEY: …
/// case .SQLITE_CONSTRAINT: …            // any other constraint
/// default: …
/// }
/// ```
///
/// It is `ExpressibleByIntegerLiteral`, so `error.resultCode == 19` still compiles.
public struct ResultCode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The raw SQLite result code.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: Int32) {
        self.rawValue = value
    }

    /// The primary code: the least significant 8 bits (`SQLITE_CONSTRAINT_UNIQUE` → `SQLITE_CONSTRAINT`).
    public var primaryResultCode: ResultCode {
        ResultCode(rawValue: rawValue & 0xFF)
    }

    /// True for a primary code (no extended bits).
    public var isPrimary: Bool { rawValue & ~0xFF == 0 }

    /// The symbolic name (`SQLITE_CONSTRAINT_UNIQUE`), or nil for a code SQLite 3.40 does not define.
    public var name: String? { ResultCode.names[rawValue] }

    /// The symbolic name, or `SQLITE code N` for an unknown code.
    public var description: String { name ?? "SQLITE code \(rawValue)" }

    /// A primary code matches itself and its extended codes; an extended code matches only itself.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primaryResultCode : pattern == code
    }

    /// `catch ResultCode.SQLITE_CONSTRAINT { … }`: matches a `DatabaseError` whose extended code
    /// the pattern matches (see `~=(_:_:)` for codes); any other error never matches.
    public static func ~= (pattern: ResultCode, error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return pattern ~= error.extendedResultCode
    }

    // MARK: Primary result codes (https://www.sqlite.org/rescode.html)

    public static let SQLITE_OK = ResultCode(rawValue: 0)
    public static let SQLITE_ERROR = ResultCode(rawValue: 1)
    public static let SQLITE_INTERNAL = ResultCode(rawValue: 2)
    public static let SQLITE_PERM = ResultCode(rawValue: 3)
    public static let SQLITE_ABORT = ResultCode(rawValue: 4)
    public static let SQLITE_BUSY = ResultCode(rawValue: 5)
    public static let SQLITE_LOCKED = ResultCode(rawValue: 6)
    public static let SQLITE_NOMEM = ResultCode(rawValue: 7)
    public static let SQLITE_READONLY = ResultCode(rawValue: 8)
    public static let SQLITE_INTERRUPT = ResultCode(rawValue: 9)
    public static let SQLITE_IOERR = ResultCode(rawValue: 10)
    public static let SQLITE_CORRUPT = ResultCode(rawValue: 11)
    public static let SQLITE_NOTFOUND = ResultCode(rawValue: 12)
    public static let SQLITE_FULL = ResultCode(rawValue: 13)
    public static let SQLITE_CANTOPEN = ResultCode(rawValue: 14)
    public static let SQLITE_PROTOCOL = ResultCode(rawValue: 15)
    public static let SQLITE_EMPTY = ResultCode(rawValue: 16)
    public static let SQLITE_SCHEMA = ResultCode(rawValue: 17)
    public static let SQLITE_TOOBIG = ResultCode(rawValue: 18)
    public static let SQLITE_CONSTRAINT = ResultCode(rawValue: 19)
    public static let SQLITE_MISMATCH = ResultCode(rawValue: 20)
    public static let SQLITE_MISUSE = ResultCode(rawValue: 21)
    public static let SQLITE_NOLFS = ResultCode(rawValue: 22)
    public static let SQLITE_AUTH = ResultCode(rawValue: 23)
    public static let SQLITE_FORMAT = ResultCode(rawValue: 24)
    public static let SQLITE_RANGE = ResultCode(rawValue: 25)
    public static let SQLITE_NOTADB = ResultCode(rawValue: 26)
    public static let SQLITE_NOTICE = ResultCode(rawValue: 27)
    public static let SQLITE_WARNING = ResultCode(rawValue: 28)
    public static let SQLITE_ROW = ResultCode(rawValue: 100)
    public static let SQLITE_DONE = ResultCode(rawValue: 101)

    // MARK: Extended result codes

    public static let SQLITE_ERROR_MISSING_COLLSEQ = ResultCode(rawValue: 257) // SQLITE_ERROR | (1 << 8)
    public static let SQLITE_ERROR_RETRY = ResultCode(rawValue: 513) // SQLITE_ERROR | (2 << 8)
    public static let SQLITE_ERROR_SNAPSHOT = ResultCode(rawValue: 769) // SQLITE_ERROR | (3 << 8)
    public static let SQLITE_IOERR_READ = ResultCode(rawValue: 266) // SQLITE_IOERR | (1 << 8)
    public static let SQLITE_IOERR_SHORT_READ = ResultCode(rawValue: 522) // SQLITE_IOERR | (2 << 8)
    public static let SQLITE_IOERR_WRITE = ResultCode(rawValue: 778) // SQLITE_IOERR | (3 << 8)
    public static let SQLITE_IOERR_FSYNC = ResultCode(rawValue: 1034) // SQLITE_IOERR | (4 << 8)
    public static let SQLITE_IOERR_DIR_FSYNC = ResultCode(rawValue: 1290) // SQLITE_IOERR | (5 << 8)
    public static let SQLITE_IOERR_TRUNCATE = ResultCode(rawValue: 1546) // SQLITE_IOERR | (6 << 8)
    public static let SQLITE_IOERR_FSTAT = ResultCode(rawValue: 1802) // SQLITE_IOERR | (7 << 8)
    public static let SQLITE_IOERR_UNLOCK = ResultCode(rawValue: 2058) // SQLITE_IOERR | (8 << 8)
    public static let SQLITE_IOERR_RDLOCK = ResultCode(rawValue: 2314) // SQLITE_IOERR | (9 << 8)
    public static let SQLITE_IOERR_DELETE = ResultCode(rawValue: 2570) // SQLITE_IOERR | (10 << 8)
    public static let SQLITE_IOERR_BLOCKED = ResultCode(rawValue: 2826) // SQLITE_IOERR | (11 << 8)
    public static let SQLITE_IOERR_NOMEM = ResultCode(rawValue: 3082) // SQLITE_IOERR | (12 << 8)
    public static let SQLITE_IOERR_ACCESS = ResultCode(rawValue: 3338) // SQLITE_IOERR | (13 << 8)
    public static let SQLITE_IOERR_CHECKRESERVEDLOCK = ResultCode(rawValue: 3594) // SQLITE_IOERR | (14 << 8)
    public static let SQLITE_IOERR_LOCK = ResultCode(rawValue: 3850) // SQLITE_IOERR | (15 << 8)
    public static let SQLITE_IOERR_CLOSE = ResultCode(rawValue: 4106) // SQLITE_IOERR | (16 << 8)
    public static let SQLITE_IOERR_DIR_CLOSE = ResultCode(rawValue: 4362) // SQLITE_IOERR | (17 << 8)
    public static let SQLITE_IOERR_SHMOPEN = ResultCode(rawValue: 4618) // SQLITE_IOERR | (18 << 8)
    public static let SQLITE_IOERR_SHMSIZE = ResultCode(rawValue: 4874) // SQLITE_IOERR | (19 << 8)
    public static let SQLITE_IOERR_SHMLOCK = ResultCode(rawValue: 5130) // SQLITE_IOERR | (20 << 8)
    public static let SQLITE_IOERR_SHMMAP = ResultCode(rawValue: 5386) // SQLITE_IOERR | (21 << 8)
    public static let SQLITE_IOERR_SEEK = ResultCode(rawValue: 5642) // SQLITE_IOERR | (22 << 8)
    public static let SQLITE_IOERR_DELETE_NOENT = ResultCode(rawValue: 5898) // SQLITE_IOERR | (23 << 8)
    public static let SQLITE_IOERR_MMAP = ResultCode(rawValue: 6154) // SQLITE_IOERR | (24 << 8)
    public static let SQLITE_IOERR_GETTEMPPATH = ResultCode(rawValue: 6410) // SQLITE_IOERR | (25 << 8)
    public static let SQLITE_IOERR_CONVPATH = ResultCode(rawValue: 6666) // SQLITE_IOERR | (26 << 8)
    public static let SQLITE_IOERR_VNODE = ResultCode(rawValue: 6922) // SQLITE_IOERR | (27 << 8)
    public static let SQLITE_IOERR_AUTH = ResultCode(rawValue: 7178) // SQLITE_IOERR | (28 << 8)
    public static let SQLITE_IOERR_BEGIN_ATOMIC = ResultCode(rawValue: 7434) // SQLITE_IOERR | (29 << 8)
    public static let SQLITE_IOERR_COMMIT_ATOMIC = ResultCode(rawValue: 7690) // SQLITE_IOERR | (30 << 8)
    public static let SQLITE_IOERR_ROLLBACK_ATOMIC = ResultCode(rawValue: 7946) // SQLITE_IOERR | (31 << 8)
    public static let SQLITE_IOERR_DATA = ResultCode(rawValue: 8202) // SQLITE_IOERR | (32 << 8)
    public static let SQLITE_IOERR_CORRUPTFS = ResultCode(rawValue: 8458) // SQLITE_IOERR | (33 << 8)
    public static let SQLITE_LOCKED_SHAREDCACHE = ResultCode(rawValue: 262) // SQLITE_LOCKED | (1 << 8)
    public static let SQLITE_LOCKED_VTAB = ResultCode(rawValue: 518) // SQLITE_LOCKED | (2 << 8)
    public static let SQLITE_BUSY_RECOVERY = ResultCode(rawValue: 261) // SQLITE_BUSY | (1 << 8)
    public static let SQLITE_BUSY_SNAPSHOT = ResultCode(rawValue: 517) // SQLITE_BUSY | (2 << 8)
    public static let SQLITE_BUSY_TIMEOUT = ResultCode(rawValue: 773) // SQLITE_BUSY | (3 << 8)
    public static let SQLITE_CANTOPEN_NOTEMPDIR = ResultCode(rawValue: 270) // SQLITE_CANTOPEN | (1 << 8)
    public static let SQLITE_CANTOPEN_ISDIR = ResultCode(rawValue: 526) // SQLITE_CANTOPEN | (2 << 8)
    public static let SQLITE_CANTOPEN_FULLPATH = ResultCode(rawValue: 782) // SQLITE_CANTOPEN | (3 << 8)
    public static let SQLITE_CANTOPEN_CONVPATH = ResultCode(rawValue: 1038) // SQLITE_CANTOPEN | (4 << 8)
    public static let SQLITE_CANTOPEN_DIRTYWAL = ResultCode(rawValue: 1294) // SQLITE_CANTOPEN | (5 << 8)
    public static let SQLITE_CANTOPEN_SYMLINK = ResultCode(rawValue: 1550) // SQLITE_CANTOPEN | (6 << 8)
    public static let SQLITE_CORRUPT_VTAB = ResultCode(rawValue: 267) // SQLITE_CORRUPT | (1 << 8)
    public static let SQLITE_CORRUPT_SEQUENCE = ResultCode(rawValue: 523) // SQLITE_CORRUPT | (2 << 8)
    public static let SQLITE_CORRUPT_INDEX = ResultCode(rawValue: 779) // SQLITE_CORRUPT | (3 << 8)
    public static let SQLITE_READONLY_RECOVERY = ResultCode(rawValue: 264) // SQLITE_READONLY | (1 << 8)
    public static let SQLITE_READONLY_CANTLOCK = ResultCode(rawValue: 520) // SQLITE_READONLY | (2 << 8)
    public static let SQLITE_READONLY_ROLLBACK = ResultCode(rawValue: 776) // SQLITE_READONLY | (3 << 8)
    public static let SQLITE_READONLY_DBMOVED = ResultCode(rawValue: 1032) // SQLITE_READONLY | (4 << 8)
    public static let SQLITE_READONLY_CANTINIT = ResultCode(rawValue: 1288) // SQLITE_READONLY | (5 << 8)
    public static let SQLITE_READONLY_DIRECTORY = ResultCode(rawValue: 1544) // SQLITE_READONLY | (6 << 8)
    public static let SQLITE_ABORT_ROLLBACK = ResultCode(rawValue: 516) // SQLITE_ABORT | (2 << 8)
    public static let SQLITE_CONSTRAINT_CHECK = ResultCode(rawValue: 275) // SQLITE_CONSTRAINT | (1 << 8)
    public static let SQLITE_CONSTRAINT_COMMITHOOK = ResultCode(rawValue: 531) // SQLITE_CONSTRAINT | (2 << 8)
    public static let SQLITE_CONSTRAINT_FOREIGNKEY = ResultCode(rawValue: 787) // SQLITE_CONSTRAINT | (3 << 8)
    public static let SQLITE_CONSTRAINT_FUNCTION = ResultCode(rawValue: 1043) // SQLITE_CONSTRAINT | (4 << 8)
    public static let SQLITE_CONSTRAINT_NOTNULL = ResultCode(rawValue: 1299) // SQLITE_CONSTRAINT | (5 << 8)
    public static let SQLITE_CONSTRAINT_PRIMARYKEY = ResultCode(rawValue: 1555) // SQLITE_CONSTRAINT | (6 << 8)
    public static let SQLITE_CONSTRAINT_TRIGGER = ResultCode(rawValue: 1811) // SQLITE_CONSTRAINT | (7 << 8)
    public static let SQLITE_CONSTRAINT_UNIQUE = ResultCode(rawValue: 2067) // SQLITE_CONSTRAINT | (8 << 8)
    public static let SQLITE_CONSTRAINT_VTAB = ResultCode(rawValue: 2323) // SQLITE_CONSTRAINT | (9 << 8)
    public static let SQLITE_CONSTRAINT_ROWID = ResultCode(rawValue: 2579) // SQLITE_CONSTRAINT | (10 << 8)
    public static let SQLITE_CONSTRAINT_PINNED = ResultCode(rawValue: 2835) // SQLITE_CONSTRAINT | (11 << 8)
    public static let SQLITE_CONSTRAINT_DATATYPE = ResultCode(rawValue: 3091) // SQLITE_CONSTRAINT | (12 << 8)
    public static let SQLITE_NOTICE_RECOVER_WAL = ResultCode(rawValue: 283) // SQLITE_NOTICE | (1 << 8)
    public static let SQLITE_NOTICE_RECOVER_ROLLBACK = ResultCode(rawValue: 539) // SQLITE_NOTICE | (2 << 8)
    public static let SQLITE_WARNING_AUTOINDEX = ResultCode(rawValue: 284) // SQLITE_WARNING | (1 << 8)
    public static let SQLITE_AUTH_USER = ResultCode(rawValue: 279) // SQLITE_AUTH | (1 << 8)
    public static let SQLITE_OK_LOAD_PERMANENTLY = ResultCode(rawValue: 256) // SQLITE_OK | (1 << 8)
    public static let SQLITE_OK_SYMLINK = ResultCode(rawValue: 512) // SQLITE_OK | (2 << 8)

    static let names: [Int32: String] = [
        0: "SQLITE_OK",
        1: "SQLITE_ERROR",
        2: "SQLITE_INTERNAL",
        3: "SQLITE_PERM",
        4: "SQLITE_ABORT",
        5: "SQLITE_BUSY",
        6: "SQLITE_LOCKED",
        7: "SQLITE_NOMEM",
        8: "SQLITE_READONLY",
        9: "SQLITE_INTERRUPT",
        10: "SQLITE_IOERR",
        11: "SQLITE_CORRUPT",
        12: "SQLITE_NOTFOUND",
        13: "SQLITE_FULL",
        14: "SQLITE_CANTOPEN",
        15: "SQLITE_PROTOCOL",
        16: "SQLITE_EMPTY",
        17: "SQLITE_SCHEMA",
        18: "SQLITE_TOOBIG",
        19: "SQLITE_CONSTRAINT",
        20: "SQLITE_MISMATCH",
        21: "SQLITE_MISUSE",
        22: "SQLITE_NOLFS",
        23: "SQLITE_AUTH",
        24: "SQLITE_FORMAT",
        25: "SQLITE_RANGE",
        26: "SQLITE_NOTADB",
        27: "SQLITE_NOTICE",
        28: "SQLITE_WARNING",
        100: "SQLITE_ROW",
        101: "SQLITE_DONE",
        257: "SQLITE_ERROR_MISSING_COLLSEQ",
        513: "SQLITE_ERROR_RETRY",
        769: "SQLITE_ERROR_SNAPSHOT",
        266: "SQLITE_IOERR_READ",
        522: "SQLITE_IOERR_SHORT_READ",
        778: "SQLITE_IOERR_WRITE",
        1034: "SQLITE_IOERR_FSYNC",
        1290: "SQLITE_IOERR_DIR_FSYNC",
        1546: "SQLITE_IOERR_TRUNCATE",
        1802: "SQLITE_IOERR_FSTAT",
        2058: "SQLITE_IOERR_UNLOCK",
        2314: "SQLITE_IOERR_RDLOCK",
        2570: "SQLITE_IOERR_DELETE",
        2826: "SQLITE_IOERR_BLOCKED",
        3082: "SQLITE_IOERR_NOMEM",
        3338: "SQLITE_IOERR_ACCESS",
        3594: "SQLITE_IOERR_CHECKRESERVEDLOCK",
        3850: "SQLITE_IOERR_LOCK",
        4106: "SQLITE_IOERR_CLOSE",
        4362: "SQLITE_IOERR_DIR_CLOSE",
        4618: "SQLITE_IOERR_SHMOPEN",
        4874: "SQLITE_IOERR_SHMSIZE",
        5130: "SQLITE_IOERR_SHMLOCK",
        5386: "SQLITE_IOERR_SHMMAP",
        5642: "SQLITE_IOERR_SEEK",
        5898: "SQLITE_IOERR_DELETE_NOENT",
        6154: "SQLITE_IOERR_MMAP",
        6410: "SQLITE_IOERR_GETTEMPPATH",
        6666: "SQLITE_IOERR_CONVPATH",
        6922: "SQLITE_IOERR_VNODE",
        7178: "SQLITE_IOERR_AUTH",
        7434: "SQLITE_IOERR_BEGIN_ATOMIC",
        7690: "SQLITE_IOERR_COMMIT_ATOMIC",
        7946: "SQLITE_IOERR_ROLLBACK_ATOMIC",
        8202: "SQLITE_IOERR_DATA",
        8458: "SQLITE_IOERR_CORRUPTFS",
        262: "SQLITE_LOCKED_SHAREDCACHE",
        518: "SQLITE_LOCKED_VTAB",
        261: "SQLITE_BUSY_RECOVERY",
        517: "SQLITE_BUSY_SNAPSHOT",
        773: "SQLITE_BUSY_TIMEOUT",
        270: "SQLITE_CANTOPEN_NOTEMPDIR",
        526: "SQLITE_CANTOPEN_ISDIR",
        782: "SQLITE_CANTOPEN_FULLPATH",
        1038: "SQLITE_CANTOPEN_CONVPATH",
        1294: "SQLITE_CANTOPEN_DIRTYWAL",
        1550: "SQLITE_CANTOPEN_SYMLINK",
        267: "SQLITE_CORRUPT_VTAB",
        523: "SQLITE_CORRUPT_SEQUENCE",
        779: "SQLITE_CORRUPT_INDEX",
        264: "SQLITE_READONLY_RECOVERY",
        520: "SQLITE_READONLY_CANTLOCK",
        776: "SQLITE_READONLY_ROLLBACK",
        1032: "SQLITE_READONLY_DBMOVED",
        1288: "SQLITE_READONLY_CANTINIT",
        1544: "SQLITE_READONLY_DIRECTORY",
        516: "SQLITE_ABORT_ROLLBACK",
        275: "SQLITE_CONSTRAINT_CHECK",
        531: "SQLITE_CONSTRAINT_COMMITHOOK",
        787: "SQLITE_CONSTRAINT_FOREIGNKEY",
        1043: "SQLITE_CONSTRAINT_FUNCTION",
        1299: "SQLITE_CONSTRAINT_NOTNULL",
        1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
        1811: "SQLITE_CONSTRAINT_TRIGGER",
        2067: "SQLITE_CONSTRAINT_UNIQUE",
        2323: "SQLITE_CONSTRAINT_VTAB",
        2579: "SQLITE_CONSTRAINT_ROWID",
        2835: "SQLITE_CONSTRAINT_PINNED",
        3091: "SQLITE_CONSTRAINT_DATATYPE",
        283: "SQLITE_NOTICE_RECOVER_WAL",
        539: "SQLITE_NOTICE_RECOVER_ROLLBACK",
        284: "SQLITE_WARNING_AUTOINDEX",
        279: "SQLITE_AUTH_USER",
        256: "SQLITE_OK_LOAD_PERMANENTLY",
        512: "SQLITE_OK_SYMLINK",
    ]
}
