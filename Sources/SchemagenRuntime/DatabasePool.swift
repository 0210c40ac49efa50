// DatabasePool: async access to one WAL database through one writer and N reader connections.
//
// Model (docs/CONCURRENCY.md has the user-facing version):
//  * Each connection is a `Database` used only on its own serial DispatchQueue (`ConnectionWorkers`),
//    never on Swift's cooperative pool. A pool call packages its body as a job, hands it to an idle
//    connection of the right kind (or queues it, FIFO) and suspends on a continuation; the
//    connection's queue runs the body and resumes the continuation. Swift's cooperative threads
//    never block on SQLite or on a lock held across SQL.
//  * The hand-off spins briefly on both sides (`Configuration.spinMicroseconds`): the caller for its
//    result before suspending (when recent jobs were that quick), a connection that ran out of jobs
//    for the next one before going idle, so a quick job costs no thread wake-up (`SpinWait`,
//    `SpinnerCount`).
//  * One writer thread: writes run one after the other, in submission order, each inside
//    `BEGIN IMMEDIATE … COMMIT`. N reader threads over read-only connections: reads run in
//    parallel with each other and with the write, each inside `BEGIN DEFERRED … COMMIT` whose
//    snapshot is taken before the body starts (WAL snapshot isolation).
//  * Checkpoints: by default the writer's WAL hook hands WAL checkpoints to a connection of their
//    own (`WALCheckpointer`), so a commit does not wait for the copy and its syncs.
//  * Cancellation: a job cancelled before a worker takes it fails at once with `SQLITE_INTERRUPT`
//    and its body never runs; once running, the connection's `ConnectionHooks` refuse to start
//    another statement and the progress handler interrupts the one running.
//  * Observation: every pool connection records, at prepare time, the tables each statement reads
//    and writes (SQLite's authorizer). A write job collects the tables whose rows it changed and,
//    only after COMMIT succeeded, tells the registered observations; an observation whose last
//    fetch read one of them is marked dirty and refetches when its consumer asks for the next value.

import CSQLite
import Foundation

/// The part of a connection that reading code needs: prepared statements. `Database` (a pool's
/// writer, or any connection) and `ReadOnlyDatabase` (a pool's reader) conform, so fetching code
/// written against `some DatabaseReading` runs in both `DatabasePool.read` and `DatabasePool.write`
/// bodies, while code that writes asks for a `Database` and does not compile in a read body.
public protocol DatabaseReading {
    /// Runs `body` with a cached prepared statement for this literal SQL (see `Database.withStatement`).
    func withStatement<R>(_ sql: StaticString, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R
    /// Same for dynamic SQL, cached by the string.
    func withStatement<R>(sql: String, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R
}

extension Database: DatabaseReading {}

/// A pool's reader connection, lent to the body of `DatabasePool.read` (and of observations).
///
/// It offers statements only: no `execute`, no `transaction` (the body already runs inside one
/// read transaction, in one snapshot). The connection is opened `SQLITE_OPEN_READONLY`, so a
/// write statement run through it fails with `SQLITE_READONLY` (a `DatabaseError`), never writes.
public struct ReadOnlyDatabase: DatabaseReading, Sendable {
    @usableFromInline let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// The path the pool was opened with.
    public var path: String { database.path }

    @inlinable
    public func withStatement<R>(_ sql: StaticString, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        try database.withStatement(sql, body)
    }

    @inlinable
    public func withStatement<R>(sql: String, _ body: (borrowing Statement) throws(DatabaseError) -> R) throws(DatabaseError) -> R {
        try database.withStatement(sql: sql, body)
    }
}

/// One WAL database file, one writer connection and `readerCount` reader connections, used with
/// async/await. See docs/CONCURRENCY.md.
///
/// ```swift
/// let pool = try DatabasePool(path: "app.db")
/// try await pool.write { db throws(DatabaseError) in try db.learner.insert(row) }
/// let n = try await pool.read { db throws(DatabaseError) in
///     try db.withStatement("SELECT count(*) FROM learner") { s throws(DatabaseError) in _ = try s.step(); return try s.int(0) }
/// }
/// for try await rows in pool.observe({ db throws(DatabaseError) in try fetchRows(db) }) { show(rows) }
/// ```
public final class DatabasePool: Sendable {
    public struct Configuration: Sendable {
        /// Number of reader connections: at most this many reads run at the same time. At least 1.
        public var readerCount = 4
        /// Options of the writer connection (`walMode` is forced on). Readers share `foreignKeys`,
        /// `busyTimeoutMilliseconds` and `synchronous`, and are opened read-only.
        public var options = Database.Options()
        /// The hand-off between a task and a connection, in microseconds: a caller spins up to this
        /// long for its job's result before it suspends (when recent jobs of its kind took no
        /// longer), and a connection that ran out of jobs stays awake twice as long for the next
        /// one before it goes idle. A job that
        /// takes longer costs the caller this much spinning and then the usual suspension; 0 turns
        /// both off (every job then costs two thread wake-ups). Default: 50 on a machine with more
        /// than one CPU, 0 on one with a single CPU; more than 1,000,000 (a second) counts as that.
        /// See docs/CONCURRENCY.md.
        public var spinMicroseconds = ProcessInfo.processInfo.activeProcessorCount > 1 ? 50 : 0
        /// When the WAL's pages are copied back into the database file. Default: `.background(pages: 1000)`.
        public var checkpointing = Checkpointing.background(pages: 1000)
        public init() {}

        /// When the WAL's pages are copied back into the database file (checkpoints; see
        /// docs/CONCURRENCY.md). Either way a checkpoint never changes what a reader or a write sees.
        public enum Checkpointing: Sendable, Hashable {
            /// SQLite's automatic checkpoint: the commit that brings the WAL to `pages` pages copies
            /// them back, with both syncs, before its `write` returns (`PRAGMA wal_autocheckpoint`;
            /// 0 or less: never, the application checkpoints).
            case inCommit(pages: Int)
            /// Each time the WAL has grown by `pages` pages (at least 1), a connection of the pool's
            /// own copies them back on its own thread while writes go on. Once it holds 4 × `pages`
            /// pages and no background checkpoint runs, the writer copies the rest itself after its
            /// commit, so that the WAL starts over (at 8 × `pages` it first waits for the background
            /// one): the WAL stays within 8 × `pages` pages and a commit's under any stream of
            /// writes, unless a read holds an older snapshot (which holds up any checkpoint).
            case background(pages: Int)
        }
    }

    /// The path the pool was opened with.
    public let path: String
    /// The number of reader connections.
    public let readerCount: Int
    let core: PoolCore

    /// Opens (creating if needed) the database at `path` in WAL mode, with one writer and
    /// `configuration.readerCount` readers. An in-memory database cannot be pooled (no WAL): misuse.
    public init(path: String, configuration: Configuration = Configuration()) throws(DatabaseError) {
        self.path = path
        self.readerCount = max(1, configuration.readerCount)
        self.core = try PoolCore(path: path, configuration: configuration, readerCount: readerCount)
    }

    /// Runs `body` on the writer connection inside one `BEGIN IMMEDIATE` transaction, after the
    /// writes submitted before it: commits when it returns, rolls back when it throws. When it
    /// returns, the observations of the tables it changed have been told.
    ///
    /// Cancelling the task before the body starts fails with `SQLITE_INTERRUPT` without running it;
    /// cancelling it meanwhile interrupts the running statement and refuses later ones (the body
    /// then throws `SQLITE_INTERRUPT` and the transaction rolls back, unless the body catches it).
    ///
    /// This overload throws only `DatabaseError`: annotate the closure `{ db throws(DatabaseError) in … }`
    /// (an unannotated closure that throws picks the untyped overload). The result may be ignored
    /// (`try await pool.write { db in try db.table.insert(row) }`).
    @discardableResult
    public func write<R: Sendable>(_ body: @escaping @Sendable (Database) throws(DatabaseError) -> R) async throws(DatabaseError) -> R {
        try await core.write(body, wrap: { $0 })
    }

    /// Same as the typed `write(_:)` for a body that may throw any error (rethrown unchanged).
    @_disfavoredOverload
    @discardableResult
    public func write<R: Sendable>(_ body: @escaping @Sendable (Database) throws -> R) async throws -> R {
        try await core.write(body, wrap: { $0 })
    }

    /// Runs `body` on a reader connection inside one read transaction: everything it reads comes
    /// from one snapshot, taken before it starts (every write that completed before `read` was
    /// called is in it; a write running meanwhile is entirely in or entirely out). Reads run in
    /// parallel with each other (up to `readerCount`) and with the write.
    /// Cancellation as for `write`.
    ///
    /// This overload throws only `DatabaseError` (annotate the closure `{ db throws(DatabaseError) in … }`).
    public func read<R: Sendable>(_ body: @escaping @Sendable (ReadOnlyDatabase) throws(DatabaseError) -> R) async throws(DatabaseError) -> R {
        try await core.read(body, wrap: { $0 })
    }

    /// Same as the typed `read(_:)` for a body that may throw any error (rethrown unchanged).
    @_disfavoredOverload
    public func read<R: Sendable>(_ body: @escaping @Sendable (ReadOnlyDatabase) throws -> R) async throws -> R {
        try await core.read(body, wrap: { $0 })
    }

    /// Lets the work already submitted finish, then closes every connection and returns. Later
    /// `read`/`write` calls throw `.misuse`, and observations end by throwing that error.
    /// Without `close()`, the connections close in the background once the pool and every
    /// iterator of its observations are gone.
    public func close() async {
        await core.close()
    }

    /// Number of observations being iterated (for tests and diagnostics): an iterator counts from
    /// its creation until its task is cancelled, its sequence ends, or it is dropped.
    public var activeObservationCount: Int { core.observers.count }

    /// An async sequence of `fetch`'s results: the first value at once, then a fresh one after every
    /// committed `write` that changed a table `fetch` read last time (never after a rolled-back one).
    /// Several commits while the consumer is busy give one value, fetched after the last of them.
    /// The sequence ends when the iterating task is cancelled or the iterator is dropped; a
    /// `fetch` error ends it by throwing. Changes made outside this pool's `write` are not seen.
    public func observe<R: Sendable>(_ fetch: @escaping @Sendable (ReadOnlyDatabase) throws -> R) -> DatabaseObservation<R> {
        DatabaseObservation(core: core, fetch: fetch)
    }

    /// The writer connection's own thread as a task executor (see `withWriterExecutor(_:)`).
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    public var writerExecutor: DatabasePoolWriterExecutor { DatabasePoolWriterExecutor(core.writer) }

    /// Runs `operation` with the writer connection's own thread as its task executor: the
    /// `write` calls it makes run their bodies at once, on that thread, with no hand-off — a loop
    /// of small writes runs at the synchronous `Database`'s rate — and each is still its own
    /// transaction, with the same cancellation, rollback and observation as any `write`. The
    /// rest of `operation` (the code between the writes, and its `read`s, which go to the readers
    /// as usual) runs on that thread too, and other tasks' writes wait meanwhile: keep it to a
    /// loop of writes and the work that computes them. The other writers are not starved: after
    /// 1 ms of writes that did not suspend, `operation`'s task yields and goes behind the writes
    /// queued meanwhile. Never blocks Swift's cooperative pool.
    ///
    /// Only code that is not isolated to an actor runs on the writer's thread (`operation` itself
    /// is `@Sendable` and nonisolated); called from an actor, such as the main actor, a `write`
    /// made there hops as usual. After `close()`, `operation` still runs, elsewhere, and its
    /// writes throw `.misuse`.
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    public func withWriterExecutor<T: Sendable, Failure: Error>(_ operation: @Sendable () async throws(Failure) -> T) async throws(Failure) -> T {
        try await withTaskExecutorPreference(writerExecutor, operation: operation)
    }
}

/// The writer connection's thread of a `DatabasePool` as a `TaskExecutor`
/// (`DatabasePool.withWriterExecutor(_:)`): a task that prefers it runs on that thread, in one
/// FIFO with the pool's write jobs, and its `write` calls run their bodies there at once.
/// Executors of the same pool are interchangeable.
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
public final class DatabasePoolWriterExecutor: TaskExecutor {
    let workers: ConnectionWorkers

    init(_ workers: ConnectionWorkers) {
        self.workers = workers
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let poolJob = ExecutorPoolJob(UnownedJob(job), executor: self)
        if !(poolJob.prepare() && workers.enqueue(poolJob)) {
            poolJob.runElsewhere()
        }
    }
}

/// The pool's connections and observers; shared by the pool and its observations' iterators
/// (an observation keeps the connections alive). Stops its threads when the last user goes away.
final class PoolCore: Sendable {
    let writer: ConnectionWorkers
    let readers: ConnectionWorkers
    /// The background checkpoints (`Configuration.Checkpointing.background`), else nil.
    let checkpointer: WALCheckpointer?
    let observers = ObserverRegistry()
    /// How long a caller spins for its job's result before it suspends.
    let spinNanoseconds: UInt64
    /// At most half the CPUs (at least one) spin for results at a time: more would take the CPUs
    /// from the connections' threads doing the work.
    let callerSpinners = SpinnerCount(limit: max(1, ProcessInfo.processInfo.activeProcessorCount / 2))

    init(path: String, configuration: DatabasePool.Configuration, readerCount: Int) throws(DatabaseError) {
        var writerOptions = configuration.options
        writerOptions.walMode = true
        writerOptions.readOnly = false
        var checkpointer: WALCheckpointer?
        if case .background(let pages) = configuration.checkpointing {
            // Its own read-write connection, opened first (it creates the file and sets WAL mode,
            // as the writer would), with the writer's options: its `synchronous` decides the syncs.
            checkpointer = WALCheckpointer(connection: try Database(path: path, options: writerOptions), pages: pages)
        }
        let writerDB: Database
        do throws(DatabaseError) {
            writerDB = try Database(path: path, options: writerOptions, hooks: ConnectionHooks(checkpointer: checkpointer))
            let mode = try writerDB.withStatement("PRAGMA journal_mode") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                return try stmt.text(0)
            }
            guard mode.lowercased() == "wal" else {
                writerDB.close()
                throw DatabaseError(kind: .misuse, message: "DatabasePool needs a file database in WAL mode; '\(path)' has journal_mode \(mode)")
            }
            if case .inCommit(let pages) = configuration.checkpointing {
                // In SQLite's range (an Int32); 0 or less: never.
                try writerDB.execute("PRAGMA wal_autocheckpoint = \(max(0, min(pages, Int(Int32.max))))")
            }
        } catch {
            checkpointer?.stop()
            throw error
        }
        self.checkpointer = checkpointer
        var readerOptions = writerOptions
        readerOptions.readOnly = true
        var readerDBs: [Database] = []
        for _ in 0..<readerCount {
            do throws(DatabaseError) {
                readerDBs.append(try Database(path: path, options: readerOptions, hooks: ConnectionHooks()))
            } catch {
                writerDB.close()
                checkpointer?.stop()
                for db in readerDBs { db.close() }
                throw error
            }
        }
        let spin = UInt64(min(max(0, configuration.spinMicroseconds), 1_000_000)) * 1_000
        spinNanoseconds = spin
        writer = ConnectionWorkers(name: "schemagen.writer", connections: [writerDB], idleSpinNanoseconds: 2 * spin)
        readers = ConnectionWorkers(name: "schemagen.reader", connections: readerDBs, idleSpinNanoseconds: 2 * spin)
    }

    deinit {
        // The checkpointer's connection closes after the checkpoint running, if any, and before
        // the writer's last commits perhaps: a checkpoint they hand over then does nothing (the
        // last connection to close checkpoints the whole WAL anyway).
        writer.stop()
        readers.stop()
        checkpointer?.stop()
    }

    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writer.stop { continuation.resume() }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readers.stop { continuation.resume() }
        }
        if let checkpointer {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                checkpointer.stop { continuation.resume() }
            }
        }
    }

    func write<R: Sendable, E: Error>(_ body: @escaping @Sendable (Database) throws(E) -> R,
                                      wrap: @escaping @Sendable (DatabaseError) -> E) async throws(E) -> R {
        if writer.runsTaskOnThisThread {
            return try await writeInline(body, wrap: wrap)
        }
        return try await submit(to: writer, wrap: wrap) { [observers] db, hooks in
            PoolCore.runWrite(db, hooks, observers, body, wrap: wrap)
        }
    }

    /// A write job's work, on the writer connection's thread.
    static func runWrite<R, E: Error>(_ db: Database, _ hooks: ConnectionHooks, _ observers: ObserverRegistry,
                                      _ body: (Database) throws(E) -> R, wrap: (DatabaseError) -> E) -> Result<R, E> {
        hooks.beginChangeTracking()
        let result = Result { () throws(E) -> R in try db.runTransaction(.immediate, body, wrap: wrap) }
        hooks.endChangeTracking()
        if case .success = result {
            observers.didCommit(hooks)
        }
        return result
    }

    /// `write` from a task the writer's thread is running (`withWriterExecutor`): the body runs
    /// here and now, with the cancellation of any job — refused before it starts, interrupted while
    /// it runs (this job's number on the connection's hooks) — and no job handed over.
    private func writeInline<R: Sendable, E: Error>(_ body: @Sendable (Database) throws(E) -> R,
                                                    wrap: (DatabaseError) -> E) async throws(E) -> R {
        guard let (db, hooks) = writer.inlineConnection() else {
            throw wrap(DatabaseError(kind: .misuse, message: "the database pool is closed"))
        }
        if Task.isCancelled { throw wrap(ConnectionHooks.cancelledError(sql: nil)) }
        let job = hooks.startJob()
        let result = await withTaskCancellationHandler {
            PoolCore.runWrite(db, hooks, observers, body, wrap: wrap)
        } onCancel: {
            hooks.cancel(job: job)
        }
        await yieldOnceSliceUsed()
        return try result.get()
    }

    func read<R: Sendable, E: Error>(_ body: @escaping @Sendable (ReadOnlyDatabase) throws(E) -> R,
                                     wrap: @escaping @Sendable (DatabaseError) -> E) async throws(E) -> R {
        try await submit(to: readers, wrap: wrap) { db, _ in
            Result { () throws(E) -> R in
                try PoolCore.inSnapshot(db, wrap: wrap) { db throws(E) in try body(ReadOnlyDatabase(db)) }
            }
        }
    }

    /// Runs `body` in a read transaction whose snapshot is taken before `body` starts.
    static func inSnapshot<R, E: Error>(_ db: Database, wrap: (DatabaseError) -> E, _ body: (Database) throws(E) -> R) throws(E) -> R {
        try db.runTransaction(.deferred, { db throws(E) in
            // BEGIN DEFERRED takes no snapshot: the first read does. Read now, so the snapshot
            // does not depend on when the body happens to read first.
            do throws(DatabaseError) {
                try db.withStatement("SELECT 1 FROM sqlite_master LIMIT 1") { stmt throws(DatabaseError) in try stmt.run() }
            } catch {
                throw wrap(error)
            }
            return try body(db)
        }, wrap: wrap)
    }

    /// Enqueues `work` on one of `workers`' connections and waits for its result without blocking
    /// the calling thread. When recent jobs of this kind were quick, it first spins for at most
    /// `spinNanoseconds` (a quick job is done by then, and the task goes on without suspending);
    /// then it suspends until the connection's queue resumes it.
    func submit<R: Sendable, E: Error>(to workers: ConnectionWorkers, wrap: @escaping @Sendable (DatabaseError) -> E,
                                       _ work: @escaping @Sendable (Database, ConnectionHooks) -> Result<R, E>) async throws(E) -> R {
        let job = TypedPoolJob<R, E>(work: work, wrap: wrap)
        let spin = spinNanoseconds
        let (result, suspended) = await withTaskCancellationHandler {
            if job.prepare() {
                if !workers.enqueue(job) {
                    job.fail(DatabaseError(kind: .misuse, message: "the database pool is closed"))
                } else if spin > 0 && SpinnerCount.tracksRuns && workers.typicalJobNanoseconds <= spin && callerSpinners.enter() {
                    SpinWait.until(nanoseconds: spin) { job.isFinished }
                    callerSpinners.leave()
                }
            }
            let ready = job.isFinished
            return (await job.result(), !ready)
        } onCancel: {
            job.cancel()
        }
        if suspended {
            callerSpinners.endRun()
        } else {
            await yieldOnceSliceUsed()
        }
        return try result.get()
    }

    /// After a call that returned without suspending: once this thread's run of such calls has
    /// used its time slice, let the tasks waiting for the thread run — on the cooperative pool the
    /// tasks waiting for a cooperative thread, on the writer's executor the writes queued
    /// meanwhile (the result is in hand, so this costs no thread wake-up when none waits).
    private func yieldOnceSliceUsed() async {
        if callerSpinners.runExceedsSlice() {
            await Task.yield()
        }
    }
}

/// One unit of pool work: runs exactly once on a connection's thread, or fails exactly once
/// (cancelled first, or the pool closed). Its outcome goes to the waiting task: taken at once when
/// it is there (`isFinished`, watched by the spinning caller), else through a continuation the
/// connection's thread resumes.
class PoolJob: @unchecked Sendable {
    enum State {
        /// `running`: the connection's hooks and the job's number there (for `cancel(job:)`).
        case created, queued, running(ConnectionHooks, Int), finished, cancelled
    }
    /// Guards `state` and the subclass's outcome.
    let lock = NSLock()
    var state = State.created
    /// 1 once the outcome is set; read without the lock.
    private let finishedFlag = AtomicWord()

    var isFinished: Bool { finishedFlag.load() != 0 }

    /// Under `lock`, when the outcome was set.
    func markFinished() {
        finishedFlag.store(1)
    }

    /// The body, on the connection's thread. Subclass.
    func perform(on db: Database, hooks: ConnectionHooks) {}
    /// Sets the outcome to `error` (the body never ran). Subclass; called without the lock.
    func failed(_ error: DatabaseError) {}

    /// Returns false (after failing the job) when it was cancelled before it was submitted.
    func prepare() -> Bool {
        lock.lock()
        if case .cancelled = state {
            lock.unlock()
            failed(ConnectionHooks.cancelledError(sql: nil))
            return false
        }
        state = .queued
        lock.unlock()
        return true
    }

    /// Any thread. Before the job runs: it fails now and will never run. While it runs: the
    /// connection interrupts its statements. Afterwards: nothing.
    func cancel() {
        lock.lock()
        switch state {
        case .created:
            state = .cancelled
            lock.unlock()
        case .queued:
            state = .cancelled
            lock.unlock()
            failed(ConnectionHooks.cancelledError(sql: nil))
        case .running(let hooks, let number):
            lock.unlock()
            hooks.cancel(job: number)
        case .finished, .cancelled:
            lock.unlock()
        }
    }

    /// Fails a queued job (e.g. the pool is closed).
    func fail(_ error: DatabaseError) {
        lock.lock()
        guard case .queued = state else { lock.unlock(); return }
        state = .finished
        lock.unlock()
        failed(error)
    }

    /// Connection thread: runs the job on `db` unless it was cancelled or failed meanwhile.
    func execute(on db: Database, hooks: ConnectionHooks) {
        lock.lock()
        guard case .queued = state else { lock.unlock(); return }
        state = .running(hooks, hooks.startJob())
        lock.unlock()
        perform(on: db, hooks: hooks)
    }
}

final class TypedPoolJob<R: Sendable, E: Error>: PoolJob, @unchecked Sendable {
    private let work: @Sendable (Database, ConnectionHooks) -> Result<R, E>
    private let wrap: @Sendable (DatabaseError) -> E
    // Guarded by `lock`.
    private var outcome: Result<R, E>?
    private var continuation: UnsafeContinuation<Result<R, E>, Never>?

    init(work: @escaping @Sendable (Database, ConnectionHooks) -> Result<R, E>, wrap: @escaping @Sendable (DatabaseError) -> E) {
        self.work = work
        self.wrap = wrap
    }

    override func perform(on db: Database, hooks: ConnectionHooks) {
        finish(work(db, hooks))
    }

    override func failed(_ error: DatabaseError) {
        finish(.failure(wrap(error)))
    }

    private func finish(_ value: Result<R, E>) {
        lock.lock()
        state = .finished
        outcome = value
        let waiter = continuation
        continuation = nil
        markFinished()
        lock.unlock()
        waiter?.resume(returning: value)
    }

    /// The outcome, if it is there already.
    private func ready() -> Result<R, E>? {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }

    /// Waits for the outcome (without suspending when it is there).
    func result() async -> Result<R, E> {
        if let outcome = ready() { return outcome }
        return await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<R, E>, Never>) in
            lock.lock()
            if let outcome {
                lock.unlock()
                continuation.resume(returning: outcome)
            } else {
                self.continuation = continuation
                lock.unlock()
            }
        }
    }
}

/// A task's job enqueued on the writer's executor: runs the task on the writer's thread until it
/// suspends, marked meanwhile as the thread's running task (`ConnectionWorkers.runsTaskOnThisThread`).
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
final class ExecutorPoolJob: PoolJob, @unchecked Sendable {
    private let job: UnownedJob
    private let executor: DatabasePoolWriterExecutor

    init(_ job: UnownedJob, executor: DatabasePoolWriterExecutor) {
        self.job = job
        self.executor = executor
    }

    override func perform(on db: Database, hooks: ConnectionHooks) {
        executor.workers.runTask { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
    }

    /// The pool is closed (the job was never taken): the task must still run, on some other
    /// thread; its writes there fail as the pool is closed.
    override func failed(_ error: DatabaseError) {
        runElsewhere()
    }

    func runElsewhere() {
        let (job, executor) = (job, executor.asUnownedTaskExecutor())
        DispatchQueue.global().async { job.runSynchronously(on: executor) }
    }
}

/// The connections of one kind (the writer, or the readers), each with its own serial
/// `DispatchQueue`: a connection is only ever used on its queue, by one job at a time. A job goes
/// to an idle connection at once, or waits in one FIFO queue shared by the connections; a connection
/// that finishes a job takes the next waiting one before it becomes idle.
///
/// A connection that runs out of jobs first spins for a moment (at most `idleSpinNanoseconds`, one
/// connection of each kind at a time) watching the FIFO's length, and only then goes idle: a caller
/// that submits its next job soon after the last one returned (a loop of `await pool.write`) finds
/// it awake, without the cost of waking a thread. With no spin this is a plain hand-off to the queue.
final class ConnectionWorkers: @unchecked Sendable {
    private let connections: [(db: Database, hooks: ConnectionHooks, queue: DispatchQueue)]
    /// Guards every `var` below.
    private let lock = NSLock()
    private var idle: [Int]
    private var waiting: [PoolJob] = []
    private var head = 0
    private var stopping = false
    private var open: Int
    /// Connections spinning for the next job (they take queued jobs by themselves).
    private var spinners = 0
    private var whenStopped: [@Sendable () -> Void] = []
    /// `waiting.count - head`, also read without the lock (by a spinning connection).
    private let queued = AtomicWord()
    private let idleSpinNanoseconds: UInt64
    /// A moving average of how long recent jobs ran, in nanoseconds (written by the connections'
    /// queues, read without the lock by callers deciding whether to spin for a result).
    private let recentJobNanoseconds = AtomicWord()
    /// The most one job's time counts for in that average.
    private let jobSampleCap: Int

    init(name: String, connections: [Database], idleSpinNanoseconds: UInt64) {
        self.connections = connections.enumerated().map { index, db in
            (db, db.hooks ?? ConnectionHooks(),
             DispatchQueue(label: connections.count == 1 ? name : "\(name).\(index)", qos: .userInitiated))
        }
        self.idleSpinNanoseconds = idleSpinNanoseconds
        jobSampleCap = Int(clamping: max(idleSpinNanoseconds, 1) * 2)
        idle = Array(connections.indices.reversed())
        open = connections.count
    }

    /// How long recent jobs took (a moving average over about the last eight).
    var typicalJobNanoseconds: UInt64 { UInt64(max(0, recentJobNanoseconds.load())) }

    /// Per thread: the workers whose connection's queue is running a task there (`runTask`), as
    /// an opaque pointer compared by identity; none elsewhere. nil when the key could not be
    /// created (then nothing runs inline).
    private static let runningTaskKey: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    /// True on this connection's thread while it runs a task (a task preferring the writer's
    /// executor): the connection is this thread's alone until the task suspends, so a job may
    /// run here at once (`PoolCore.writeInline`). Meaningful for the writer, which has one connection.
    var runsTaskOnThisThread: Bool {
        guard let key = ConnectionWorkers.runningTaskKey else { return false }
        let running: UnsafeMutableRawPointer? = pthread_getspecific(key)
        return running == Unmanaged.passUnretained(self).toOpaque()
    }

    /// On the connection's queue (inside a job): runs `task` marked as this workers' running task.
    func runTask(_ task: () -> Void) {
        guard let key = ConnectionWorkers.runningTaskKey else { return task() }
        let previous: UnsafeMutableRawPointer? = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(self).toOpaque())
        task()
        pthread_setspecific(key, previous)
    }

    /// When `runsTaskOnThisThread`: the (one) connection, to use now on this thread; nil once the
    /// workers are stopping (the pool is closed).
    func inlineConnection() -> (Database, ConnectionHooks)? {
        lock.lock()
        let stopped = stopping
        lock.unlock()
        guard !stopped, let connection = connections.first else { return nil }
        return (connection.db, connection.hooks)
    }

    /// Under `lock`.
    private func publishQueueLength() {
        queued.store(waiting.count - head)
    }

    /// Returns false when the workers are stopping.
    func enqueue(_ job: PoolJob) -> Bool {
        lock.lock()
        guard !stopping else {
            lock.unlock()
            return false
        }
        // A spinning connection takes the job by itself; else an idle one is started; else it waits.
        let spinnerFree = waiting.count - head < spinners
        guard !spinnerFree, let index = idle.popLast() else {
            waiting.append(job)
            publishQueueLength()
            lock.unlock()
            return true
        }
        lock.unlock()
        connections[index].queue.async { self.serve(index, job) }
        return true
    }

    /// On connection `index`'s queue: runs `job`, then every job that waits (spinning a moment for
    /// one when there is none), then goes idle (or closes, when stopping).
    private func serve(_ index: Int, _ first: PoolJob) {
        let connection = connections[index]
        var job = first
        var maySpin = idleSpinNanoseconds > 0
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            job.execute(on: connection.db, hooks: connection.hooks)
            // Capped at twice the idle spin (4 × the callers' spin): a lone slow job — a WAL
            // checkpoint takes ~10 ms — would otherwise lift the average past the callers' spin for
            // the next ~25 jobs, and each of those callers would suspend and cost a thread wake-up;
            // capped, one slow job moves it by at most an eighth of the cap, while a run of slow
            // jobs still lifts it past the spin within a few jobs.
            let took = min(Int(clamping: DispatchTime.now().uptimeNanoseconds &- start), jobSampleCap)
            // A load and a store, not one atomic update: two reader queues finishing at once may
            // lose one sample, which only delays by a job when callers start or stop spinning.
            let average = recentJobNanoseconds.load()
            recentJobNanoseconds.store(average + (took - average) / 8)
            lock.lock()
            while true {
                if head < waiting.count {
                    job = waiting[head]
                    head += 1
                    if head > 64 && head * 2 > waiting.count {
                        waiting.removeFirst(head)
                        head = 0
                    }
                    publishQueueLength()
                    lock.unlock()
                    maySpin = idleSpinNanoseconds > 0
                    break
                }
                if stopping {
                    lock.unlock()
                    close(index)
                    return
                }
                if maySpin && spinners == 0 {
                    maySpin = false
                    spinners += 1
                    lock.unlock()
                    SpinWait.until(nanoseconds: idleSpinNanoseconds) { queued.load() > 0 }
                    lock.lock()
                    spinners -= 1
                    continue
                }
                idle.append(index)
                lock.unlock()
                return
            }
        }
    }

    /// On connection `index`'s queue.
    private func close(_ index: Int) {
        connections[index].db.close()
        lock.lock()
        open -= 1
        var callbacks: [@Sendable () -> Void] = []
        if open == 0 { swap(&callbacks, &whenStopped) }
        lock.unlock()
        for callback in callbacks { callback() }
    }

    /// The connections finish the queued jobs, close, and then `stopped` is called.
    func stop(_ stopped: (@Sendable () -> Void)? = nil) {
        lock.lock()
        let first = !stopping
        stopping = true
        let done = open == 0
        if let stopped, !done { whenStopped.append(stopped) }
        let idleNow = first ? idle : []
        if first { idle = [] }
        lock.unlock()
        if done { stopped?() }
        for index in idleNow {
            connections[index].queue.async { self.close(index) }
        }
    }
}

/// How many threads spin at a time, at most `limit`; counted without a lock.
final class SpinnerCount: @unchecked Sendable {
    private let count = AtomicWord()
    private let limit: Int

    /// How long the tasks on one thread may go on through pool calls that return without
    /// suspending before a call suspends anyway (a time slice, as a preemptive scheduler's).
    static let maximumRunNanoseconds: UInt64 = 1_000_000

    /// Per thread: the uptime (ns) at which its current run of calls that did not suspend began;
    /// none while it has none. nil when the thread-specific key could not be created (then every
    /// call may suspend, and spinning is off).
    private static let runStartKey: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    init(limit: Int) {
        self.limit = limit
    }

    /// False when the thread-specific key could not be created: then runs cannot be timed, and
    /// callers do not spin (every call suspends, which keeps the cooperative threads fair).
    static var tracksRuns: Bool { runStartKey != nil }

    /// Called after a pool call returned without suspending. True when this thread's run of such
    /// calls has gone on for more than `maximumRunNanoseconds`: the run ends, and the caller yields
    /// its cooperative thread (`Task.yield()`), so a task that loops over quick pool calls still
    /// lets the tasks waiting for a thread run (with one cooperative thread they would otherwise
    /// never run). The first call of a run starts its clock.
    func runExceedsSlice() -> Bool {
        guard let key = SpinnerCount.runStartKey else { return false }
        // A word of nanoseconds (on a 32-bit machine it wraps every 4 s; a difference within that is still right).
        let now = max(1, UInt(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds))
        let start = UInt(bitPattern: pthread_getspecific(key))
        if start == 0 {
            pthread_setspecific(key, UnsafeRawPointer(bitPattern: now))
            return false
        }
        if UInt64(now &- start) > SpinnerCount.maximumRunNanoseconds {
            pthread_setspecific(key, nil)
            return true
        }
        return false
    }

    /// A call suspended (its thread went on to other tasks): the run ends.
    func endRun() {
        guard let key = SpinnerCount.runStartKey else { return }
        pthread_setspecific(key, nil)
    }

    /// True when the caller may spin (then it calls `leave()` after).
    func enter() -> Bool {
        if count.add(1) < limit { return true }
        count.add(-1)
        return false
    }

    func leave() {
        count.add(-1)
    }
}

/// One machine word read and written atomically without a lock (the C shim's `__atomic` builtins:
/// acquire loads, release stores, acquire-release adds). It owns its storage — a word that does
/// not move, which a class's stored property does not promise — and frees it with its owner.
struct AtomicWord: ~Copyable {
    private let word: UnsafeMutablePointer<Int>

    init(_ value: Int = 0) {
        word = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        word.initialize(to: value)
    }

    deinit {
        word.deallocate()
    }

    func load() -> Int { schemagen_atomic_load(word) }

    func store(_ value: Int) { schemagen_atomic_store(word, value) }

    /// Adds `delta` and returns the value before.
    @discardableResult
    func add(_ delta: Int) -> Int { schemagen_atomic_add(word, delta) }
}

/// A bounded busy wait: the CPU's spin hint between checks, the clock read every 32 checks.
enum SpinWait {
    /// Returns as soon as `condition()` holds, or once `nanoseconds` passed without it.
    @inline(__always)
    static func until(nanoseconds: UInt64, _ condition: () -> Bool) {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ nanoseconds
        while !condition() {
            for _ in 0..<32 {
                schemagen_cpu_relax()
                if condition() { return }
            }
            if DispatchTime.now().uptimeNanoseconds >= deadline { return }
        }
    }
}

// MARK: - Observation

/// The observations registered with one pool, told by the writer thread after each commit.
final class ObserverRegistry: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var observers: [ObjectIdentifier: ObservationState] = [:]

    func add(_ state: ObservationState) {
        lock.lock()
        observers[ObjectIdentifier(state)] = state
        lock.unlock()
    }

    func remove(_ state: ObservationState) {
        lock.lock()
        observers[ObjectIdentifier(state)] = nil
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return observers.count
    }

    /// Writer thread, after a write committed: tells every observation the tables it changed
    /// (worked out only when there are observations).
    func didCommit(_ hooks: ConnectionHooks) {
        lock.lock()
        guard !observers.isEmpty else {
            lock.unlock()
            return
        }
        let all = Array(observers.values)
        lock.unlock()
        let tables = hooks.changedTables
        guard !tables.isEmpty else { return }
        for state in all { state.didCommit(tables) }
    }
}

/// One iterator's view of the commits: which tables changed since its last fetch began.
final class ObservationState: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    /// Tables changed by commits told since the current/last fetch began ("*": schema changed).
    private var pending: Set<String> = []
    /// Tables the last fetch read; nil before the first fetch ends.
    private var region: Set<String>?
    private var dirty = false
    private var ended = false
    private var waiter: CheckedContinuation<Bool, Never>?

    private func pendingTouchesRegion() -> Bool {
        guard let region, !pending.isEmpty else { return false }
        return pending.contains("*") || !pending.isDisjoint(with: region)
    }

    /// Writer thread, after a commit.
    func didCommit(_ tables: Set<String>) {
        lock.lock()
        pending.formUnion(tables)
        var resume: CheckedContinuation<Bool, Never>?
        if !dirty && pendingTouchesRegion() {
            dirty = true
            resume = waiter
            waiter = nil
        }
        lock.unlock()
        resume?.resume(returning: true)
    }

    /// Before a fetch takes its snapshot: every commit told before now is in that snapshot.
    func willFetch() {
        lock.lock()
        pending = []
        dirty = false
        lock.unlock()
    }

    /// After a fetch: commits told while it ran may not be in its snapshot; they count if they
    /// touched what it read.
    func didFetch(region: Set<String>) {
        lock.lock()
        self.region = region
        if pendingTouchesRegion() { dirty = true }
        lock.unlock()
    }

    /// Suspends until a commit touched the region (true) or the observation ended (false).
    func waitForChange() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                lock.lock()
                if ended {
                    lock.unlock()
                    continuation.resume(returning: false)
                } else if dirty {
                    lock.unlock()
                    continuation.resume(returning: true)
                } else {
                    waiter = continuation
                    lock.unlock()
                }
            }
        } onCancel: {
            end()
        }
    }

    func end() {
        lock.lock()
        ended = true
        let resume = waiter
        waiter = nil
        lock.unlock()
        resume?.resume(returning: false)
    }

    var isEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ended
    }
}

/// Unregisters its observation when the iterator that owns it goes away.
final class ObservationRegistration: Sendable {
    let state = ObservationState()
    let core: PoolCore

    init(core: PoolCore) {
        self.core = core
        core.observers.add(state)
    }

    deinit {
        state.end()
        core.observers.remove(state)
    }
}

/// The values of a query over a `DatabasePool`, refetched after each commit that changed a table it
/// reads. Made by `DatabasePool.observe(_:)`; see there. Each iterator is an independent observation.
public struct DatabaseObservation<Value: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Value
    let core: PoolCore
    let fetch: @Sendable (ReadOnlyDatabase) throws -> Value

    public func makeAsyncIterator() -> Iterator {
        Iterator(registration: ObservationRegistration(core: core), fetch: fetch)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let registration: ObservationRegistration
        let fetch: @Sendable (ReadOnlyDatabase) throws -> Value
        var started = false
        var finished = false

        /// The next fresh value; nil once the task is cancelled. Throws `fetch`'s error (then ends).
        public mutating func next() async throws -> Value? {
            guard !finished else { return nil }
            if started {
                guard await registration.state.waitForChange() else {
                    finished = true
                    return nil
                }
            }
            started = true
            let state = registration.state
            let fetch = self.fetch
            do {
                return try await registration.core.submit(to: registration.core.readers, wrap: { (error: DatabaseError) -> any Error in error }) { db, hooks in
                    state.willFetch()
                    return Result { () throws -> Value in
                        try PoolCore.inSnapshot(db, wrap: { (error: DatabaseError) -> any Error in error }) { db throws in
                            hooks.beginReadRegion()
                            let value: Value
                            do {
                                value = try fetch(ReadOnlyDatabase(db))
                            } catch {
                                _ = hooks.endReadRegion()
                                throw error
                            }
                            state.didFetch(region: hooks.endReadRegion())
                            return value
                        }
                    }
                }
            } catch {
                finished = true
                if Task.isCancelled || state.isEnded { return nil }
                throw error
            }
        }
    }
}

