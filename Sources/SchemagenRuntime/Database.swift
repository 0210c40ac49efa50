// Concurrency model
// -----------------
// One `Database` object owns exactly one SQLite connection. The connection is opened with
// SQLITE_OPEN_NOMUTEX: SQLite's own per-call mutex would not help us, because the unit that
// must be atomic is larger than one C call (bind + step + read + reset of a cached statement,
// or a whole transaction). Instead every public operation takes one recursive lock
// (`NSRecursiveLock`), and holds it for the *entire* body of `withStatement` and of
// `transaction`. Consequences:
//  * Any thread may use a shared `Database`; calls are serialised, never interleaved, so a
//    transaction is atomic with respect to other threads using the same object (they simply
//    wait for the lock; they can never observe or join someone else's open transaction).
//  * The lock is recursive, so DAO code called from inside a `transaction` or `withStatement`
//    body on the same thread (nested transactions, other statements) does not deadlock.
//  * All mutable state (connection handle, statement caches, transaction depth) is only
//    touched with the lock held; that is why the class is declared `@unchecked Sendable`.
//  * There is no parallelism within one connection. For parallel readers, open several
//    `Database` objects on the same file: file databases use WAL, so readers run concurrently
//    with one writer, and `busyTimeoutMilliseconds` absorbs writer/writer contention.
//  * Never block on another thread that uses the same `Database` from inside a body: that
//    thread waits for the lock you hold (a classic lock-order deadlock).
//  * `DatabasePool` (DatabasePool.swift) builds async access on top: each of its connections is a
//    `Database` used only on that connection's own serial queue, with `ConnectionHooks` attached
//    (cancellation, and the tables statements read and write, for observation).

import CSQLite
import Foundation

/// A prepared statement owned by a connection's cache (or a temporary one for re-entrant use).
@usableFromInline
final class CachedStatement {
    @usableFromInline let handle: OpaquePointer
    @usableFromInline let context: UnsafeMutablePointer<StatementContext>
    /// True while lent to a `withStatement` body (guarded by the database lock).
    var inUse = false
    /// Tables the statement reads/writes, recorded at prepare time (only on connections with hooks).
    var footprint = StatementFootprint.none
    /// `sqlite3_total_changes64` when checked out during change tracking.
    var totalChangesAtCheckout: Int64 = 0
    /// Finalize on check-in instead of returning to the cache (temporary, or database closed meanwhile).
    var finalizeOnCheckin: Bool

    init(handle: OpaquePointer, temporary: Bool) {
        self.handle = handle
        self.context = UnsafeMutablePointer<StatementContext>.allocate(capacity: 1)
        self.context.initialize(to: StatementContext())
        self.finalizeOnCheckin = temporary
    }

    /// Called exactly once, with the database lock held.
    func finalize() {
        sqlite3_finalize(handle)
        context.deinitialize(count: 1)
        context.deallocate()
    }
}

/// One SQLite connection. See the concurrency model at the top of this file.
///
/// `@unchecked Sendable`: every stored `var` is read and written only while `lock` is held.
public final class Database: @unchecked Sendable {
    public struct Options: Sendable {
        /// `PRAGMA foreign_keys = ON`.
        public var foreignKeys = true
        /// `PRAGMA journal_mode = WAL` (file databases opened read-write only).
        public var walMode = true
        /// `sqlite3_busy_timeout`.
        public var busyTimeoutMilliseconds: Int32 = 5000
        /// Open with `SQLITE_OPEN_READONLY` instead of `READWRITE | CREATE`.
        public var readOnly = false
        /// `PRAGMA synchronous`; nil leaves SQLite's compiled-in default (FULL). In WAL mode `.normal`
        /// is safe from corruption and much faster, but a power loss may undo the last commits.
        public var synchronous: Synchronous? = nil
        public init() {}
    }

    /// The values of `PRAGMA synchronous` (https://www.sqlite.org/pragma.html#pragma_synchronous).
    public enum Synchronous: String, Sendable, CaseIterable {
        case off = "OFF", normal = "NORMAL", full = "FULL", extra = "EXTRA"
    }

    /// The path (or URI) the database was opened with.
    public let path: String
    let options: Options
    /// Set only on `DatabasePool` connections: cancellation and read/write tracking.
    let hooks: ConnectionHooks?

    private let lock = NSRecursiveLock()
    // --- guarded by `lock` ---
    private var connection: OpaquePointer?
    private var staticCache: [Int: CachedStatement] = [:]
    private var dynamicCache: [String: CachedStatement] = [:]
    private var transactionDepth = 0

    /// Opens (creating if needed, unless `readOnly`) the database at `path`.
    /// `path` may be a filename, `":memory:"`, or a `file:` URI.
    public init(path: String, options: Options = Options()) throws(DatabaseError) {
        self.path = path
        self.options = options
        self.hooks = nil
        self.connection = try Database.open(path: path, options: options, hooks: nil)
    }

    /// A pool connection: `hooks` get the authorizer and progress-handler callbacks.
    init(path: String, options: Options, hooks: ConnectionHooks) throws(DatabaseError) {
        self.path = path
        self.options = options
        self.hooks = hooks
        self.connection = try Database.open(path: path, options: options, hooks: hooks)
    }

    /// A private, empty in-memory database.
    public static func inMemory(options: Options = Options()) throws(DatabaseError) -> Database {
        try Database(path: ":memory:", options: options)
    }

    deinit {
        close()
    }

    private static func open(path: String, options: Options, hooks: ConnectionHooks?) throws(DatabaseError) -> OpaquePointer {
        var flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let db = handle else {
            let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            let code = handle.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(handle)
            throw DatabaseError(sqliteCode: code, message: "cannot open database at '\(path)': \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        var setup = [
            // Reads the header: a non-SQLite file fails here with SQLITE_NOTADB.
            "PRAGMA schema_version",
        ]
        if options.foreignKeys { setup.append("PRAGMA foreign_keys = ON") }
        if let synchronous = options.synchronous { setup.append("PRAGMA synchronous = \(synchronous.rawValue)") }
        let filename = sqlite3_db_filename(db, "main").map { String(cString: $0) } ?? ""
        if options.walMode, !options.readOnly, !filename.isEmpty {
            setup.append("PRAGMA journal_mode = WAL")
        }
        for sql in setup {
            if let error = Database.executeScript(db, sql, hooks: nil) {
                sqlite3_close_v2(db)
                throw DatabaseError(kind: error.kind, resultCode: error.resultCode, extendedResultCode: error.extendedResultCode,
                                    message: "cannot open database at '\(path)': \(error.message)", sql: error.sql)
            }
        }
        hooks?.install(on: db)
        return db
    }

    /// Finalizes cached statements and closes the connection. Idempotent; later calls throw `.misuse`.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard let db = connection else { return }
        for entry in staticCache.values { retire(entry) }
        for entry in dynamicCache.values { retire(entry) }
        staticCache.removeAll()
        dynamicCache.removeAll()
        // close_v2 defers the real close until statements still lent out are finalized.
        sqlite3_close_v2(db)
        connection = nil
        transactionDepth = 0
    }

    private func retire(_ entry: CachedStatement) {
        if entry.inUse { entry.finalizeOnCheckin = true } else { entry.finalize() }
    }

    private func closedError(_ sql: String?) -> DatabaseError {
        DatabaseError(kind: .misuse, message: "database '\(path)' is closed", sql: sql)
    }

    // MARK: - Statements

    /// Runs `body` with a cached prepared statement for this literal SQL (exactly one statement).
    /// The cache key is the literal's address (cheap). The statement is reset and its bindings
    /// cleared after `body`, also when it throws. The database lock is held throughout.
    /// Re-entrant use of the same SQL from inside `body` gets a temporary statement.
    @inlinable
    public func withStatement<R>(_ sql: StaticString, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        let entry = try _checkout(sql)
        defer { _checkin(entry) }
        return try body(Statement(handle: entry.handle, context: entry.context))
    }

    /// Same as `withStatement(_:_:)` for dynamic SQL, cached by the string.
    @inlinable
    public func withStatement<R>(sql: String, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        let entry = try _checkout(sql: sql)
        defer { _checkin(entry) }
        return try body(Statement(handle: entry.handle, context: entry.context))
    }

    /// Takes the lock and returns a ready statement; on error the lock is released.
    @usableFromInline
    func _checkout(_ sql: StaticString) throws(DatabaseError) -> CachedStatement {
        guard sql.hasPointerRepresentation else {
            return try _checkout(sql: sql.description)
        }
        lock.lock()
        let key = Int(bitPattern: sql.utf8Start)
        if let entry = staticCache[key], !entry.inUse {
            entry.inUse = true
            if let hooks {
                do throws(DatabaseError) { try _hooksCheckout(hooks, entry) } catch { lock.unlock(); throw error }
            }
            return entry
        }
        return try _checkoutMiss(cacheable: staticCache[key] == nil, store: { staticCache[key] = $0 }) { persistent throws(DatabaseError) in
            try prepare(sql.utf8Start, Int(sql.utf8CodeUnitCount), persistent: persistent)
        }
    }

    @usableFromInline
    func _checkout(sql: String) throws(DatabaseError) -> CachedStatement {
        lock.lock()
        if let entry = dynamicCache[sql], !entry.inUse {
            entry.inUse = true
            if let hooks {
                do throws(DatabaseError) { try _hooksCheckout(hooks, entry) } catch { lock.unlock(); throw error }
            }
            return entry
        }
        return try _checkoutMiss(cacheable: dynamicCache[sql] == nil, store: { dynamicCache[sql] = $0 }) { persistent throws(DatabaseError) in
            var text = sql
            let prepared = text.withUTF8 { buffer -> Result<OpaquePointer, DatabaseError> in
                guard let base = buffer.baseAddress else {
                    return .failure(DatabaseError(kind: .misuse, message: "empty SQL", sql: sql))
                }
                do throws(DatabaseError) { return .success(try prepare(base, buffer.count, persistent: persistent)) } catch { return .failure(error) }
            }
            return try prepared.get()
        }
    }

    /// The miss path of a checkout, with the lock held: prepares the statement, caches it when no
    /// entry for this SQL exists yet (otherwise the entry is busy — re-entrant use — and this one is
    /// a temporary, finalized at check-in) and marks it in use. On error the lock is released.
    private func _checkoutMiss(cacheable: Bool, store: (CachedStatement) -> Void,
                               prepare: (_ persistent: Bool) throws(DatabaseError) -> OpaquePointer) throws(DatabaseError) -> CachedStatement {
        do throws(DatabaseError) {
            let entry = CachedStatement(handle: try prepare(cacheable), temporary: !cacheable)
            if cacheable { store(entry) }
            entry.inUse = true
            if let hooks { entry.footprint = hooks.lastFootprint }
            if let hooks { try _hooksCheckout(hooks, entry) }
            return entry
        } catch {
            lock.unlock()
            throw error
        }
    }

    /// Pool connections: refuses to start a statement once the task is cancelled (the statement is
    /// returned unused; the caller releases the lock on the error path), records what the statement
    /// reads, and the change count before it runs when the writes are tracked. Lock held.
    private func _hooksCheckout(_ hooks: ConnectionHooks, _ entry: CachedStatement) throws(DatabaseError) {
        if hooks.isCancelled {
            let sql = sqlite3_sql(entry.handle).map { String(cString: $0) }
            entry.inUse = false
            if entry.finalizeOnCheckin { entry.finalize() }
            throw ConnectionHooks.cancelledError(sql: sql)
        }
        hooks.statementWillRun(entry.footprint)
        if hooks.tracksChanges, let db = connection {
            entry.totalChangesAtCheckout = sqlite3_total_changes64(db)
        }
    }

    /// Resets the statement, clears bindings and any pending bind error, releases the lock.
    @usableFromInline
    func _checkin(_ entry: CachedStatement) {
        sqlite3_reset(entry.handle)
        if let hooks, hooks.tracksChanges, let db = connection {
            hooks.statementDidRun(entry.footprint, changedRows: sqlite3_total_changes64(db) != entry.totalChangesAtCheckout)
        }
        sqlite3_clear_bindings(entry.handle)
        if entry.context.pointee.hasPendingError {
            entry.context.pointee = StatementContext()
        }
        entry.inUse = false
        if entry.finalizeOnCheckin { entry.finalize() }
        lock.unlock()
    }

    /// Prepares exactly one statement. Lock must be held.
    private func prepare(_ start: UnsafePointer<UInt8>, _ count: Int, persistent: Bool) throws(DatabaseError) -> OpaquePointer {
        let sqlText = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        guard let db = connection else { throw closedError(sqlText) }
        return try UnsafeRawPointer(start).withMemoryRebound(to: CChar.self, capacity: count) { chars throws(DatabaseError) -> OpaquePointer in
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
            hooks?.beginPrepare()
            let rc = sqlite3_prepare_v3(db, chars, Int32(clamping: count), flags, &statement, &tail)
            hooks?.endPrepare()
            guard rc == SQLITE_OK else {
                sqlite3_finalize(statement)
                throw DatabaseError(sqliteCode: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)), sql: sqlText)
            }
            guard let statement else {
                throw DatabaseError(kind: .misuse, message: "SQL contains no statement", sql: sqlText)
            }
            // Anything but whitespace/comments after the first statement is an error: it would be silently ignored.
            if let tail {
                let consumed = chars.distance(to: tail)
                if consumed < count {
                    var extra: OpaquePointer?
                    let rc2 = sqlite3_prepare_v2(db, tail, Int32(clamping: count - consumed), &extra, nil)
                    let hasMore = rc2 != SQLITE_OK || extra != nil
                    sqlite3_finalize(extra)
                    if hasMore {
                        sqlite3_finalize(statement)
                        throw DatabaseError(kind: .misuse, message: "withStatement accepts exactly one SQL statement; use execute(_:) for scripts", sql: sqlText)
                    }
                }
            }
            return statement
        }
    }

    /// Number of prepared statements currently cached (static + dynamic SQL). For tests and diagnostics.
    public var cachedStatementCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return staticCache.count + dynamicCache.count
    }

    // MARK: - Scripts

    /// Runs one or more `;`-separated statements without parameters, discarding any rows.
    /// Errors carry the SQL of the statement that failed.
    public func execute(_ sql: String) throws(DatabaseError) {
        lock.lock()
        defer { lock.unlock() }
        guard let db = connection else { throw closedError(sql) }
        if let error = Database.executeScript(db, sql, hooks: hooks) { throw error }
    }

    private static func executeScript(_ db: OpaquePointer, _ sql: String, hooks: ConnectionHooks?) -> DatabaseError? {
        sql.withCString { start -> DatabaseError? in
            var cursor: UnsafePointer<CChar> = start
            while cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                hooks?.beginPrepare()
                let rc = sqlite3_prepare_v2(db, cursor, -1, &statement, &tail)
                hooks?.endPrepare()
                if rc != SQLITE_OK {
                    sqlite3_finalize(statement)
                    return DatabaseError(sqliteCode: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)),
                                         sql: trimmedStatement(String(cString: cursor)))
                }
                guard let statement else { break } // only whitespace / comments left
                var changesBefore: Int64 = 0
                if let hooks {
                    if hooks.isCancelled {
                        let error = ConnectionHooks.cancelledError(sql: sqlite3_sql(statement).map { trimmedStatement(String(cString: $0)) })
                        sqlite3_finalize(statement)
                        return error
                    }
                    hooks.statementWillRun(hooks.lastFootprint)
                    changesBefore = sqlite3_total_changes64(db)
                }
                var step = sqlite3_step(statement)
                while step == SQLITE_ROW { step = sqlite3_step(statement) }
                if let hooks, hooks.tracksChanges {
                    hooks.statementDidRun(hooks.lastFootprint, changedRows: sqlite3_total_changes64(db) != changesBefore)
                }
                if step != SQLITE_DONE {
                    let error = DatabaseError(sqliteCode: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)),
                                              sql: sqlite3_sql(statement).map { trimmedStatement(String(cString: $0)) } ?? sql)
                    sqlite3_finalize(statement)
                    return error
                }
                sqlite3_finalize(statement)
                guard let next = tail else { break }
                cursor = next
            }
            return nil
        }
    }

    private static func trimmedStatement(_ sql: String) -> String {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") {
            text.removeLast()
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text
    }

    // MARK: - Transactions

    /// Runs `body` in a write transaction: commits when it returns, rolls back when it throws
    /// (the error is rethrown unchanged). The outermost call uses `BEGIN IMMEDIATE` (`BEGIN DEFERRED`
    /// on a `readOnly` connection); nested calls use savepoints, so an inner failure rolls back only
    /// the inner part. The lock is held for the whole body.
    ///
    /// This is the typed-throws overload: a body that throws only `DatabaseError` (annotate the
    /// closure `{ db throws(DatabaseError) in … }`, or a body that does not throw) gets a function
    /// that throws only `DatabaseError`. A body throwing other errors picks the untyped overload.
    public func transaction<R>(_ body: (Database) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        try runTransaction(options.readOnly ? .deferred : .immediate, body, wrap: { $0 })
    }

    /// Same as the typed `transaction(_:)` for a body that may throw any error (rethrown unchanged).
    @_disfavoredOverload
    public func transaction<R>(_ body: (Database) throws -> R) throws -> R {
        try runTransaction(options.readOnly ? .deferred : .immediate, body, wrap: { $0 })
    }

    /// Runs `body` in a read transaction (`BEGIN DEFERRED`; savepoints when nested): every read in it
    /// sees one snapshot of the database, taken at its first read. Commits when `body` returns, rolls
    /// back when it throws. A write inside it is allowed (it upgrades to a write transaction, and
    /// may then fail with `SQLITE_BUSY` if another connection writes); use `transaction` to write.
    public func readTransaction<R>(_ body: (Database) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        try runTransaction(.deferred, body, wrap: { $0 })
    }

    /// Same as the typed `readTransaction(_:)` for a body that may throw any error (rethrown unchanged).
    @_disfavoredOverload
    public func readTransaction<R>(_ body: (Database) throws -> R) throws -> R {
        try runTransaction(.deferred, body, wrap: { $0 })
    }

    enum TransactionKind { case immediate, deferred }

    func runTransaction<R, E: Error>(_ kind: TransactionKind, _ body: (Database) throws(E) -> R,
                                             wrap: (DatabaseError) -> E) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        let depth = transactionDepth
        do throws(DatabaseError) {
            if depth == 0 {
                switch kind {
                case .immediate: try withStatement("BEGIN IMMEDIATE") { stmt throws(DatabaseError) in try stmt.run() }
                case .deferred: try withStatement("BEGIN DEFERRED") { stmt throws(DatabaseError) in try stmt.run() }
                }
            } else {
                try withStatement(sql: "SAVEPOINT \(Database.savepointName(depth))") { stmt throws(DatabaseError) in try stmt.run() }
            }
        } catch {
            throw wrap(error)
        }
        transactionDepth = depth + 1
        let result: R
        do throws(E) {
            result = try body(self)
        } catch {
            transactionDepth = depth
            rollback(depth: depth)
            throw error
        }
        transactionDepth = depth
        do throws(DatabaseError) {
            // The body finished: a cancellation arriving now does not undo its work.
            hooks?.exemptFromCancellation += 1
            defer { hooks?.exemptFromCancellation -= 1 }
            if depth == 0 {
                try withStatement("COMMIT") { stmt throws(DatabaseError) in try stmt.run() }
            } else {
                try withStatement(sql: "RELEASE \(Database.savepointName(depth))") { stmt throws(DatabaseError) in try stmt.run() }
            }
        } catch {
            // e.g. deferred foreign keys or SQLITE_BUSY on COMMIT: do not leave the transaction open.
            rollback(depth: depth)
            throw wrap(error)
        }
        return result
    }

    /// The savepoint of a transaction nested `depth` deep (named only then: a top-level transaction,
    /// the common case, builds no string).
    private static func savepointName(_ depth: Int) -> String { "schemagen_sp_\(depth)" }

    /// Best effort: errors here are swallowed so the body's error is the one reported.
    private func rollback(depth: Int) {
        guard let db = connection, sqlite3_get_autocommit(db) == 0 else { return } // SQLite already rolled back
        hooks?.exemptFromCancellation += 1
        defer { hooks?.exemptFromCancellation -= 1 }
        if depth == 0 {
            _ = try? withStatement("ROLLBACK") { stmt throws(DatabaseError) in try stmt.run() }
        } else {
            let savepoint = Database.savepointName(depth)
            _ = try? withStatement(sql: "ROLLBACK TO \(savepoint)") { stmt throws(DatabaseError) in try stmt.run() }
            _ = try? withStatement(sql: "RELEASE \(savepoint)") { stmt throws(DatabaseError) in try stmt.run() }
        }
    }

    /// True while inside `transaction` (or any transaction begun by SQL) on this connection.
    public var isInTransaction: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let db = connection else { return false }
        return sqlite3_get_autocommit(db) == 0
    }

    /// A passive checkpoint of "main" (`sqlite3_wal_checkpoint_v2`, `SQLITE_CHECKPOINT_PASSIVE`): copies
    /// back into the database file what the WAL holds and no reader still needs, without waiting for
    /// any lock. Returns SQLite's result code (`SQLITE_BUSY` when another checkpoint runs;
    /// `SQLITE_MISUSE` once closed). For `DatabasePool`'s background checkpoints.
    func checkpointPassive() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        guard let db = connection else { return SQLITE_MISUSE }
        return sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    // MARK: - Connection info

    /// Rowid of the most recent successful INSERT on this connection. Read it inside the same
    /// `withStatement`/`transaction` body (or use `Statement.lastInsertRowID`) when other threads share the object.
    public var lastInsertRowID: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return connection.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
    public var changes: Int {
        lock.lock()
        defer { lock.unlock() }
        return connection.map { Int(sqlite3_changes64($0)) } ?? 0
    }
}
