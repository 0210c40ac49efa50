import Foundation
import Testing
import SchemagenRuntime

/// Thread-safe value box for the async tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
    var get: Value { with { $0 } }
}

/// Polls `condition` every 5 ms until it holds (true) or `seconds` pass (false). The bounds are
/// generous: the whole package's tests share two cores, and a test only waits them out when it fails.
func eventually(_ seconds: Double = 60, isolation: isolated (any Actor)? = #isolation, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// A one-shot signal between a pool body (on a connection thread, which may block) and the test
/// (on Swift's cooperative pool, which must not block: it polls).
final class Gate: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let flag = Locked(false)
    func open() { flag.with { $0 = true }; semaphore.signal() }
    var isOpen: Bool { flag.get }
    /// Connection threads only. At most `seconds` (a failing test must not hang).
    func block(_ seconds: Double = 60) -> Bool {
        semaphore.wait(timeout: .now() + seconds) == .success
    }
    /// Test code: suspends, never blocks.
    func opened(_ seconds: Double = 60) async -> Bool { await eventually(seconds) { isOpen } }
}

@Suite struct DatabasePoolTests {
    /// Hand-off spins the tests run with: none (every job suspends its caller and wakes a
    /// connection's thread), the default, and one so long that callers nearly always take their
    /// result while spinning and threads rarely sleep.
    static let spins = [0, DatabasePool.Configuration().spinMicroseconds, 5_000]

    static func makePool(_ dir: TempDirectory, readers: Int = 4, name: String = "pool.db", spin: Int? = nil) throws -> DatabasePool {
        var configuration = DatabasePool.Configuration()
        configuration.readerCount = readers
        if let spin { configuration.spinMicroseconds = spin }
        configuration.options.synchronous = .normal
        let pool = try DatabasePool(path: dir.path(name), configuration: configuration)
        return pool
    }

    static func setUp(_ pool: DatabasePool) async throws {
        try await pool.write { db throws(DatabaseError) in
            try db.execute("""
                CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
                INSERT INTO counter (id, n) VALUES (1, 0);
                CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
                INSERT INTO account (id, balance) VALUES (1, 1000), (2, 0);
                CREATE TABLE other (v INTEGER);
                """)
        }
    }

    static func counter(_ db: some DatabaseReading) throws(DatabaseError) -> Int64 {
        try db.withStatement("SELECT n FROM counter WHERE id = 1") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.int64(0)
        }
    }

    static func setCounter(_ db: Database, _ n: Int64) throws(DatabaseError) {
        try db.withStatement("UPDATE counter SET n = ? WHERE id = 1") { stmt throws(DatabaseError) in
            stmt.bind(n, at: 1)
            try stmt.run()
        }
    }

    /// Issue 16: 8 tasks × 1,000 read-increment-write transactions on one counter end at exactly 8,000.
    @Test(arguments: DatabasePoolTests.spins) func concurrentIncrementsAreSerialised(spin: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, spin: spin)
        try await Self.setUp(pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        try await pool.write { db throws(DatabaseError) in
                            let n = try Self.counter(db)
                            try Self.setCounter(db, n + 1)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 8000)
    }

    /// Readers run concurrently with writes and never see a partial transaction: every transfer
    /// moves money between two rows in one transaction; a reader reads both rows with two
    /// statements and must always find the total intact.
    @Test(arguments: DatabasePoolTests.spins) func readersSeeWholeTransactionsOnly(spin: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, spin: spin)
        try await Self.setUp(pool)
        let done = Locked(false)
        let torn = Locked<[String]>([])
        let reads = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<500 {
                    try await pool.write { db throws(DatabaseError) in
                        let amount = Int64(i % 7 + 1)
                        try db.withStatement("UPDATE account SET balance = balance - ? WHERE id = 1") { s throws(DatabaseError) in s.bind(amount, at: 1); try s.run() }
                        try db.withStatement("UPDATE account SET balance = balance + ? WHERE id = 2") { s throws(DatabaseError) in s.bind(amount, at: 1); try s.run() }
                    }
                }
                done.with { $0 = true }
            }
            for _ in 0..<3 {
                group.addTask {
                    while !done.get {
                        let (a, b) = try await pool.read { db throws(DatabaseError) in
                            let a = try db.withStatement("SELECT balance FROM account WHERE id = 1") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
                            let b = try db.withStatement("SELECT balance FROM account WHERE id = 2") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
                            return (a, b)
                        }
                        if a + b != 1000 { torn.with { $0.append("\(a) + \(b)") } }
                        reads.with { $0 += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(torn.get.isEmpty, "torn reads: \(torn.get.prefix(5))")
        #expect(reads.get > 0)
        let total = try await pool.read { db throws(DatabaseError) in
            try db.withStatement("SELECT sum(balance), min(balance) FROM account") { s throws(DatabaseError) in _ = try s.step(); return [try s.int64(0), try s.int64(1)] }
        }
        var moved: Int64 = 0
        for i in 0..<500 { moved += Int64(i % 7 + 1) }
        let expected: [Int64] = [1000, min(1000 - moved, moved)]
        #expect(total == expected)
    }

    /// A read runs while a write is in the middle of its transaction, and sees the last commit.
    @Test func readRunsDuringAWrite() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir)
        try await Self.setUp(pool)
        let inWrite = Gate()
        let finishWrite = Gate()
        let writer = Task {
            try await pool.write { db throws(DatabaseError) in
                try Self.setCounter(db, 99)
                inWrite.open()
                _ = finishWrite.block()
            }
        }
        #expect(await inWrite.opened())
        // The writer thread is parked inside its transaction; a read still completes.
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 0)
        finishWrite.open()
        try await writer.value
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 99)
    }

    /// Reads run at the same time: each of two reads waits for the other to have started.
    @Test func readsRunInParallel() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, readers: 2)
        try await Self.setUp(pool)
        let first = Gate()
        let second = Gate()
        async let a = pool.read { db throws(DatabaseError) in
            first.open()
            let met = second.block(30)
            return (met, try Self.counter(db))
        }
        async let b = pool.read { db throws(DatabaseError) in
            second.open()
            let met = first.block(30)
            return (met, try Self.counter(db))
        }
        let (ra, rb) = try await (a, b)
        #expect(ra.0 && rb.0, "the two reads did not overlap")
        #expect(ra.1 == 0 && rb.1 == 0)
    }

    @Test func aReadBodyCannotWrite() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir)
        try await Self.setUp(pool)
        do throws(DatabaseError) {
            try await pool.read { db throws(DatabaseError) in
                try db.withStatement("UPDATE counter SET n = 5") { s throws(DatabaseError) in try s.run() }
            }
            Issue.record("a write through a reader succeeded")
        } catch {
            #expect(error.resultCode == .SQLITE_READONLY)
            #expect(error.sql == "UPDATE counter SET n = 5")
        }
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 0)
    }

    @Test func aFailingWriteRollsBackAndRethrows() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir)
        try await Self.setUp(pool)
        do throws(DatabaseError) {
            try await pool.write { db throws(DatabaseError) in
                try Self.setCounter(db, 5)
                try db.execute("INSERT INTO counter (id, n) VALUES (1, 0)") // PRIMARY KEY
            }
            Issue.record("expected a constraint failure")
        } catch {
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
        }
        // Untyped overload: any error, unchanged.
        await #expect(throws: TestFailure.self) {
            try await pool.write { db in
                try Self.setCounter(db, 6)
                throw TestFailure(description: "no")
            }
        }
        let v = try await pool.read { db in try Self.counter(db) }
        #expect(v == 0)
    }

    @Test func closeFinishesQueuedWorkThenRefuses() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir)
        try await Self.setUp(pool)
        let write = Task { try await pool.write { db throws(DatabaseError) in try Self.setCounter(db, 7) } }
        try await write.value
        await pool.close()
        do throws(DatabaseError) {
            _ = try await pool.read { db throws(DatabaseError) in try Self.counter(db) }
            Issue.record("a closed pool ran a read")
        } catch {
            #expect(error.kind == .misuse)
        }
        // Every connection is closed: the file can be reopened in rollback-journal mode (needs no other connection).
        let db = try Database(path: dir.path("pool.db"))
        try db.execute("PRAGMA journal_mode = DELETE")
        #expect(try db.withStatement("PRAGMA journal_mode") { s throws(DatabaseError) in _ = try s.step(); return try s.text(0) } == "delete")
        #expect(try Self.counter(db) == 7)
    }

    @Test func inMemoryDatabaseIsRefused() throws {
        let error = #expect(throws: DatabaseError.self) { _ = try DatabasePool(path: ":memory:") }
        #expect(error?.kind == .misuse)
        #expect(error?.message.contains("WAL") == true)
    }

    // MARK: Cancellation

    static let longCount: StaticString = """
        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c
        """

    /// Cancellation interrupts a running statement (a count to 10^9 takes minutes).
    @Test func cancellationStopsALongRead() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir)
        let started = Gate()
        let task = Task {
            try await pool.read { db throws(DatabaseError) in
                started.open()
                return try db.withStatement(Self.longCount) { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
            }
        }
        #expect(await started.opened(300)) // generous: the package's tests share two cores
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        switch result {
        case .success(let n): Issue.record("the read finished: \(n)")
        case .failure(let error):
            let error = try #require(error as? DatabaseError)
            #expect(error.isInterrupted)
            #expect(error.resultCode == .SQLITE_INTERRUPT)
        }
        // Counting to 10^9 takes minutes: a read that was not interrupted finishes (recorded above).
        // The connection is fine afterwards.
        #expect(try await pool.read { db throws(DatabaseError) in
            try db.withStatement("SELECT 41 + 1") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
        } == 42)
    }

    /// A task cancelled before its body starts never runs the body.
    @Test(arguments: DatabasePoolTests.spins) func cancelledBeforeStartDoesNotRun(spin: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, spin: spin)
        try await Self.setUp(pool)
        let ran = Locked(false)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.write { db throws(DatabaseError) in
                ran.with { $0 = true }
                try Self.setCounter(db, 1)
            }
        }
        let result = await task.result
        #expect(throws: DatabaseError.self) { try result.get() }
        #expect((try? result.get()) == nil)
        if case .failure(let error) = result { #expect((error as? DatabaseError)?.isInterrupted == true) }
        #expect(!ran.get)
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 0)
    }

    /// A queued job cancelled while it waits for a busy connection fails at once; the body never runs.
    @Test(arguments: DatabasePoolTests.spins) func cancelledWhileQueuedFailsAtOnce(spin: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, readers: 1, spin: spin)
        try await Self.setUp(pool)
        let busy = Gate()
        let release = Gate()
        let blocker = Task {
            try await pool.read { _ throws(DatabaseError) in
                busy.open()
                _ = release.block()
            }
        }
        #expect(await busy.opened())
        let ran = Locked(false)
        let queued = Task {
            try await pool.read { _ throws(DatabaseError) in ran.with { $0 = true } }
        }
        try await Task.sleep(for: .milliseconds(50))
        queued.cancel()
        let result = await queued.result // returns although the only reader is still busy
        if case .failure(let error) = result {
            #expect((error as? DatabaseError)?.isInterrupted == true)
        } else {
            Issue.record("the queued read was not cancelled")
        }
        release.open()
        try await blocker.value
        #expect(!ran.get)
    }

    /// Cancellation between statements: the body's next statement throws, and the write rolls back.
    @Test(arguments: DatabasePoolTests.spins) func cancellationBetweenStatements(spin: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try Self.makePool(dir, spin: spin)
        try await Self.setUp(pool)
        let firstDone = Gate()
        let cancelled = Gate()
        let task = Task {
            try await pool.write { db throws(DatabaseError) in
                try Self.setCounter(db, 1)
                firstDone.open()
                _ = cancelled.block()
                try Self.setCounter(db, 2) // refused: the task is cancelled
            }
        }
        #expect(await firstDone.opened())
        task.cancel()
        cancelled.open()
        let result = await task.result
        if case .failure(let error) = result {
            let error = try #require(error as? DatabaseError)
            #expect(error.isInterrupted)
            #expect(error.sql == "UPDATE counter SET n = ? WHERE id = 1")
        } else {
            Issue.record("the second statement ran")
        }
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 0)
        // The writer works for the next, uncancelled, task.
        try await pool.write { db throws(DatabaseError) in try Self.setCounter(db, 3) }
        #expect(try await pool.read { db throws(DatabaseError) in try Self.counter(db) } == 3)
    }
}

@Suite struct ObservationTests {
    static func counterObservation(_ pool: DatabasePool) -> DatabaseObservation<Int64> {
        pool.observe { db throws(DatabaseError) in try DatabasePoolTests.counter(db) }
    }

    /// Every committed change, in order, when the consumer keeps up; a rolled-back write and a
    /// write to a table the query does not read yield nothing.
    @Test func everyCommitInOrderNoneRolledBack() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        try await DatabasePoolTests.setUp(pool)
        var iterator = Self.counterObservation(pool).makeAsyncIterator()
        #expect(try await iterator.next() == 0)
        for i in Int64(1)...50 {
            _ = try? await pool.write { db throws(DatabaseError) in
                try DatabasePoolTests.setCounter(db, -1)
                throw DatabaseError(kind: .misuse, message: "roll back")
            }
            try await pool.write { db throws(DatabaseError) in try db.execute("INSERT INTO other VALUES (1)") }
            try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, i) }
            // `write` returns after the observation was told: the next value is this commit's.
            #expect(try await iterator.next() == i)
        }
    }

    /// Nothing is yielded for a rollback or an unrelated table: the consumer stays suspended until
    /// a relevant commit. Cancelling the consumer ends the sequence and releases the observation.
    @Test func noValueUntilARelevantCommitThenCancellationEnds() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        try await DatabasePoolTests.setUp(pool)
        let seen = Locked<[Int64]>([])
        let observation = pool.observe { db in
            // count(*) reads no column: the authorizer still reports the table.
            try db.withStatement("SELECT count(*) FROM other") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
        }
        let consumer = Task {
            for try await value in observation { seen.with { $0.append(value) } }
            return "ended"
        }
        #expect(await eventually { seen.get == [0] })
        #expect(pool.activeObservationCount == 1)
        _ = try? await pool.write { db throws(DatabaseError) in
            try db.execute("INSERT INTO other VALUES (1), (2)")
            throw DatabaseError(kind: .misuse, message: "roll back")
        }
        try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, 5) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(seen.get == [0])
        try await pool.write { db throws(DatabaseError) in try db.execute("INSERT INTO other VALUES (3)") }
        #expect(await eventually { seen.get == [0, 1] })
        // An UPDATE that matches no row changes nothing: no value.
        try await pool.write { db throws(DatabaseError) in try db.execute("DELETE FROM other WHERE v = 12345") }
        try await Task.sleep(for: .milliseconds(200))
        #expect(seen.get == [0, 1])
        consumer.cancel()
        #expect(try await consumer.value == "ended")
        #expect(await eventually { pool.activeObservationCount == 0 })
    }

    /// A burst of commits while the consumer is slow: values are coalesced, never out of order,
    /// never a rolled-back value, and the last one is the final state.
    @Test func burstsAreCoalescedMonotonicAndEndAtTheFinalValue() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        try await DatabasePoolTests.setUp(pool)
        let final: Int64 = 300
        let consumer = Task {
            var values: [Int64] = []
            for try await value in Self.counterObservation(pool) {
                values.append(value)
                if value == final { break }
                try await Task.sleep(for: .milliseconds(5)) // a slow consumer
            }
            return values
        }
        for i in Int64(1)...final {
            try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, i) }
            if i % 10 == 0 {
                _ = try? await pool.write { db throws(DatabaseError) in
                    try DatabasePoolTests.setCounter(db, -1)
                    throw DatabaseError(kind: .misuse, message: "roll back")
                }
            }
        }
        let values = try await consumer.value
        #expect(values.last == final)
        #expect(!values.contains(-1))
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "\(values)")
        #expect(values.count < Int(final), "no coalescing: \(values.count) values")
        // `break` dropped the iterator: the observation is released.
        #expect(await eventually { pool.activeObservationCount == 0 })
    }

    /// A query over a join and a view: a change in any table it reads triggers it.
    @Test func regionCoversJoinsAndViews() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        try await DatabasePoolTests.setUp(pool)
        try await pool.write { db throws(DatabaseError) in
            try db.execute("CREATE VIEW rich AS SELECT a.id FROM account a JOIN counter c ON a.balance > c.n")
        }
        var iterator = pool.observe { db in
            try db.withStatement("SELECT count(*) FROM rich") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
        }.makeAsyncIterator()
        #expect(try await iterator.next() == 1)
        try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, -5) }
        #expect(try await iterator.next() == 2)
        try await pool.write { db throws(DatabaseError) in try db.execute("UPDATE account SET balance = -10 WHERE id = 2") }
        #expect(try await iterator.next() == 1)
    }

    @Test func aFetchErrorEndsTheSequenceByThrowing() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        var iterator = pool.observe { db in
            try db.withStatement("SELECT n FROM missing_table") { s throws(DatabaseError) in _ = try s.step() }
        }.makeAsyncIterator()
        await #expect(throws: DatabaseError.self) { _ = try await iterator.next() }
        #expect(try await iterator.next() == nil)
    }
}

/// The app example of docs/CONCURRENCY.md: a main-actor model iterating an observation.
@MainActor final class ObservedCounter {
    var values: [Int64] = []

    func observe(_ pool: DatabasePool, until last: Int64) async throws {
        for try await value in ObservationTests.counterObservation(pool) {
            values.append(value)
            if value == last { break }
        }
    }
}

extension ObservationTests {
    @Test @MainActor func mainActorConsumer() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir)
        try await DatabasePoolTests.setUp(pool)
        let model = ObservedCounter()
        let consumer = Task { @MainActor in try await model.observe(pool, until: 2) }
        #expect(await eventually { model.values == [0] })
        try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, 1) }
        #expect(await eventually { model.values == [0, 1] })
        try await pool.write { db throws(DatabaseError) in try DatabasePoolTests.setCounter(db, 2) }
        try await consumer.value
        #expect(model.values == [0, 1, 2])
        #expect(await eventually { pool.activeObservationCount == 0 })
    }
}
