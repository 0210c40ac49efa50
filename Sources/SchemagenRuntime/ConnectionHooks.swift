import CSQLite
import Foundation

/// What a prepared statement touches, as SQLite's authorizer reported it while preparing it.
/// Shared by reference: a cached statement keeps its own, and change tracking records which ran
/// without copying or hashing their sets. `@unchecked Sendable`: the sets are immutable, and
/// `trackedInWrite` is touched only by the thread of the connection that prepared the statement
/// (never for `none`, which changes nothing).
final class StatementFootprint: @unchecked Sendable {
    /// Tables it reads (lowercased). A view's statement reports the view's base tables.
    let reads: Set<String>
    /// Tables it may insert into, update or delete from (lowercased), triggers included.
    let writes: Set<String>
    /// It creates, drops or alters a schema object: it may change what any query reads.
    let changesSchema: Bool
    /// The number of the tracked write that last recorded this statement (`ConnectionHooks`).
    var trackedInWrite: UInt64 = 0

    init(reads: Set<String>, writes: Set<String>, changesSchema: Bool) {
        self.reads = reads
        self.writes = writes
        self.changesSchema = changesSchema
    }

    /// A statement that touches no table (BEGIN, COMMIT, a PRAGMA, SELECT 1 …).
    static let none = StatementFootprint(reads: [], writes: [], changesSchema: false)
}

/// Per-connection state of a `DatabasePool` connection, attached to its `Database`.
///
/// Thread safety: `cancelledJob` may be set from any thread (a task's cancellation handler) and is
/// an atomic word. Everything else is touched only by the connection's own thread (while it
/// holds the `Database` lock, or between jobs) (SQLite calls the authorizer and progress handler from inside
/// `sqlite3_prepare`/`sqlite3_step` on that thread), hence `@unchecked Sendable`.
final class ConnectionHooks: @unchecked Sendable {
    /// The number of the last job whose task was cancelled while it ran (any thread stores it;
    /// the connection's thread reads it before every statement and in the progress handler,
    /// without a lock). A cancellation that arrives after its job ended names an old number and
    /// so never touches the job running by then.
    private let cancelledJob = AtomicWord(0)
    /// The number of the job running on this connection (connection thread); 0 before the first.
    private var currentJob = 0

    /// > 0 while COMMIT / ROLLBACK run: they must finish even when the task is cancelled.
    var exemptFromCancellation = 0

    // Authorizer output for the statement being prepared.
    private var preparingReads: Set<String> = []
    private var preparingWrites: Set<String> = []
    private var preparingChangesSchema = false
    /// The footprint of the last statement prepared on this connection.
    private(set) var lastFootprint = StatementFootprint.none

    /// Non-nil while an observed fetch runs: the tables its statements read.
    private(set) var readRegion: Set<String>?
    /// True while a pool write runs.
    private(set) var tracksChanges = false
    /// While a pool write runs: the footprints of the statements that changed rows or the schema
    /// (each once). Kept allocated between writes.
    private var changedFootprints: [StatementFootprint] = []
    /// Numbers the tracked writes, so that a statement is recorded once per write.
    private var writeNumber: UInt64 = 0

    /// The writer's background checkpoints (its WAL hook), if the pool has them.
    let checkpointer: WALCheckpointer?

    init(checkpointer: WALCheckpointer? = nil) {
        self.checkpointer = checkpointer
    }

    /// True when the current job's task was cancelled and statements must not start (or continue).
    var isCancelled: Bool {
        currentJob != 0 && cancelledJob.load() == currentJob && exemptFromCancellation == 0
    }

    /// Connection thread, before each job: returns the job's number, for `cancel(job:)`.
    func startJob() -> Int {
        currentJob += 1
        return currentJob
    }

    /// Any thread: job `job`'s task was cancelled. If that job still runs, statements it starts
    /// afterwards throw `SQLITE_INTERRUPT`, and a running one is interrupted by the progress
    /// handler within ~1,000 virtual-machine instructions; if it has ended, nothing happens.
    func cancel(job: Int) {
        cancelledJob.store(job)
    }

    static func cancelledError(sql: String?) -> DatabaseError {
        DatabaseError(.SQLITE_INTERRUPT, message: "interrupted: the task was cancelled", sql: sql)
    }

    // MARK: Tracking (connection thread)

    func beginPrepare() {
        preparingReads = []
        preparingWrites = []
        preparingChangesSchema = false
    }

    func endPrepare() {
        if preparingReads.isEmpty && preparingWrites.isEmpty && !preparingChangesSchema {
            lastFootprint = .none
        } else {
            lastFootprint = StatementFootprint(reads: preparingReads, writes: preparingWrites, changesSchema: preparingChangesSchema)
        }
    }

    func statementWillRun(_ footprint: StatementFootprint) {
        if readRegion != nil { readRegion?.formUnion(footprint.reads) }
    }

    func statementDidRun(_ footprint: StatementFootprint, changedRows: Bool) {
        guard tracksChanges, footprint.changesSchema || (changedRows && !footprint.writes.isEmpty) else { return }
        guard footprint.trackedInWrite != writeNumber else { return }
        footprint.trackedInWrite = writeNumber
        changedFootprints.append(footprint)
    }

    func beginReadRegion() { readRegion = [] }
    func endReadRegion() -> Set<String> {
        defer { readRegion = nil }
        return readRegion ?? []
    }

    func beginChangeTracking() {
        changedFootprints.removeAll(keepingCapacity: true)
        writeNumber &+= 1
        tracksChanges = true
    }

    func endChangeTracking() {
        tracksChanges = false
    }

    /// The tables the current (or last) tracked write changed ("*": the schema changed).
    var changedTables: Set<String> {
        var tables: Set<String> = []
        for footprint in changedFootprints {
            if footprint.changesSchema { tables.insert("*") }
            tables.formUnion(footprint.writes)
        }
        return tables
    }

    fileprivate func authorize(_ action: Int32, _ arg1: UnsafePointer<CChar>?, _ arg2: UnsafePointer<CChar>?) {
        func name(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0).lowercased() } }
        switch action {
        case SQLITE_READ:
            if let table = name(arg1) { preparingReads.insert(table) }
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            if let table = name(arg1), !table.hasPrefix("sqlite_") { preparingWrites.insert(table) }
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE,
             SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW, SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW,
             SQLITE_CREATE_VTABLE, SQLITE_DROP_VTABLE:
            preparingChangesSchema = true
            if let table = name(arg1) { preparingWrites.insert(table) }
        case SQLITE_ALTER_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX, SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX,
             SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER:
            preparingChangesSchema = true
            if let table = name(arg2) { preparingWrites.insert(table) }
        default:
            break
        }
    }

    /// Installs the authorizer, the progress handler and the checkpointer's WAL hook. `self` must outlive the connection
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
        checkpointer?.install(on: db)
    }
}
