import CSQLite
import Foundation

/// What a prepared statement touches, as SQLite's authorizer reported it while preparing it.
struct StatementFootprint {
    /// Tables it reads (lowercased). A view's statement reports the view's base tables.
    var reads: Set<String> = []
    /// Tables it may insert into, update or delete from (lowercased), triggers included.
    var writes: Set<String> = []
    /// It creates, drops or alters a schema object: it may change what any query reads.
    var changesSchema = false
}

/// Per-connection state of a `DatabasePool` connection, attached to its `Database`.
///
/// Thread safety: `cancelled` may be set from any thread (a task's cancellation handler) and is
/// guarded by `cancelLock`. Everything else is touched only by the connection's own thread while it
/// holds the `Database` lock (SQLite calls the authorizer and progress handler from inside
/// `sqlite3_prepare`/`sqlite3_step` on that thread), hence `@unchecked Sendable`.
final class ConnectionHooks: @unchecked Sendable {
    private let cancelLock = NSLock()
    private var cancelled = false

    /// > 0 while COMMIT / ROLLBACK run: they must finish even when the task is cancelled.
    var exemptFromCancellation = 0

    // Authorizer output for the statement being prepared.
    private var preparing = StatementFootprint()
    /// The footprint of the last statement prepared on this connection.
    private(set) var lastFootprint = StatementFootprint()

    /// Non-nil while an observed fetch runs: the tables its statements read.
    private(set) var readRegion: Set<String>?
    /// Non-nil while a pool write runs: the tables its statements changed ("*" = schema changed).
    private(set) var changedTables: Set<String>?

    var tracksChanges: Bool { changedTables != nil }

    /// True when the current task was cancelled and statements must not start (or continue).
    var isCancelled: Bool {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        return cancelled && exemptFromCancellation == 0
    }

    /// Any thread. Statements started afterwards throw `SQLITE_INTERRUPT`; a running one is
    /// interrupted by the progress handler within ~1,000 virtual-machine instructions.
    func cancel() {
        cancelLock.lock()
        cancelled = true
        cancelLock.unlock()
    }

    /// Connection thread, before each job.
    func resetCancellation() {
        cancelLock.lock()
        cancelled = false
        cancelLock.unlock()
    }

    static func cancelledError(sql: String?) -> DatabaseError {
        DatabaseError(.SQLITE_INTERRUPT, message: "interrupted: the task was cancelled", sql: sql)
    }

    // MARK: Tracking (connection thread)

    func beginPrepare() { preparing = StatementFootprint() }
    func endPrepare() { lastFootprint = preparing }

    func statementWillRun(_ footprint: StatementFootprint) {
        if readRegion != nil { readRegion?.formUnion(footprint.reads) }
    }

    func statementDidRun(_ footprint: StatementFootprint, changedRows: Bool) {
        guard changedTables != nil else { return }
        if footprint.changesSchema { changedTables?.insert("*") }
        if changedRows || footprint.changesSchema { changedTables?.formUnion(footprint.writes) }
    }

    func beginReadRegion() { readRegion = [] }
    func endReadRegion() -> Set<String> {
        defer { readRegion = nil }
        return readRegion ?? []
    }

    func beginChangeTracking() { changedTables = [] }
    func endChangeTracking() -> Set<String> {
        defer { changedTables = nil }
        return changedTables ?? []
    }

    fileprivate func authorize(_ action: Int32, _ arg1: UnsafePointer<CChar>?, _ arg2: UnsafePointer<CChar>?) {
        func name(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0).lowercased() } }
        switch action {
        case SQLITE_READ:
            if let table = name(arg1) { preparing.reads.insert(table) }
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            if let table = name(arg1), !table.hasPrefix("sqlite_") { preparing.writes.insert(table) }
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE,
             SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW, SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW,
             SQLITE_CREATE_VTABLE, SQLITE_DROP_VTABLE:
            preparing.changesSchema = true
            if let table = name(arg1) { preparing.writes.insert(table) }
        case SQLITE_ALTER_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX, SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX,
             SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER:
            preparing.changesSchema = true
            if let table = name(arg2) { preparing.writes.insert(table) }
        default:
            break
        }
    }

    /// Installs the authorizer and the progress handler. `self` must outlive the connection
    /// (the `Database` that owns the connection holds it).
    func install(on db: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_set_authorizer(db, { context, action, arg1, arg2, _, _ in
            if let context {
                Unmanaged<ConnectionHooks>.fromOpaque(context).takeUnretainedValue().authorize(action, arg1, arg2)
            }
            return SQLITE_OK
        }, context)
        sqlite3_progress_handler(db, 1000, { context in
            guard let context else { return 0 }
            return Unmanaged<ConnectionHooks>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
        }, context)
    }
}
