import Foundation
import Testing
import SchemagenRuntime

/// `DatabasePool.withWriterExecutor`: a task on the writer connection's own thread, whose writes
/// run their bodies there at once — each still its own transaction, cancellable, observed — without
/// starving the other writers.
@Suite struct WriterExecutorTests {
    /// A pool over a fresh file with `DatabasePoolTests.setUp`'s tables, closed (and its file
    /// removed) after `body`.
    private static func withPool(spin: Int? = nil, _ body: (DatabasePool) async throws -> Void) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir, spin: spin)
        do {
            try await DatabasePoolTests.setUp(pool)
            try await body(pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private static func increment(_ db: Database) throws(DatabaseError) {
        try db.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
    }

    /// The calling thread, as a number.
    private static func threadID() -> UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }

    @Test func writesInsideRunOnTheWritersThreadWithoutAHandOff() async throws {
        try await Self.withPool { pool async throws in
            // Inside: each body runs on its caller's thread, within the calling task itself (no job
            // handed over: a body run as a job of the writer's queue runs outside any task).
            let inside = try await pool.withWriterExecutor { () async throws(DatabaseError) -> [(UInt, UInt, Bool)] in
                var calls: [(UInt, UInt, Bool)] = []
                for _ in 0..<200 {
                    let here = Self.threadID()
                    let (thread, inTask) = try await pool.write { db throws(DatabaseError) in
                        try Self.increment(db)
                        return (Self.threadID(), withUnsafeCurrentTask { $0 != nil })
                    }
                    calls.append((here, thread, inTask))
                }
                return calls
            }
            #expect(inside.allSatisfy { $0.0 == $0.1 }, "\(inside.filter { $0.0 != $0.1 }.count) of 200 writes ran on another thread than their caller")
            #expect(inside.allSatisfy { $0.2 }, "\(inside.filter { !$0.2 }.count) of 200 writes were handed over as jobs")
            // Outside: the caller is on Swift's cooperative pool, the body a job on the writer's thread.
            let here = Self.threadID()
            let (thread, inTask) = try await pool.write { db throws(DatabaseError) in (Self.threadID(), withUnsafeCurrentTask { $0 != nil }) }
            #expect(here != thread)
            #expect(!inTask)
            #expect(try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) } == 200)
        }
    }

    /// The 8 × 1,000 increments of the issue, half of the tasks writing from the writer's thread.
    @Test(arguments: DatabasePoolTests.spins) func mixedTasksStillSerialiseEveryIncrement(spin: Int) async throws {
        try await Self.withPool(spin: spin) { pool async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        @Sendable func increments() async throws(DatabaseError) {
                            for _ in 0..<1000 {
                                try await pool.write { db throws(DatabaseError) in
                                    try DatabasePoolTests.setCounter(db, try DatabasePoolTests.counter(db) + 1)
                                }
                            }
                        }
                        if task % 2 == 0 {
                            try await pool.withWriterExecutor { () async throws(DatabaseError) in try await increments() }
                        } else {
                            try await increments()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) } == 8000)
        }
    }

    /// A task looping over writes on the writer's thread yields it every millisecond: a write
    /// from elsewhere gets its turn while the loop goes on.
    @Test func aLoopOnTheWritersThreadDoesNotStarveOtherWriters() async throws {
        try await Self.withPool { pool async throws in
            let other = Locked(false)
            let started = Gate()
            let loop = Task {
                try await pool.withWriterExecutor { () async throws(DatabaseError) -> (Int, Bool) in
                    let deadline = Date().addingTimeInterval(30)
                    var writes = 0
                    while !other.get && Date() < deadline {
                        try await pool.write { db throws(DatabaseError) in try Self.increment(db) }
                        writes += 1
                        if writes == 100 { started.open() }
                    }
                    return (writes, other.get)
                }
            }
            #expect(await started.opened())
            try await pool.write { db throws(DatabaseError) in
                try db.execute("UPDATE counter SET n = n + 1000000 WHERE id = 1")
            }
            other.with { $0 = true }
            let (writes, sawOther) = try await loop.value
            #expect(sawOther, "the loop ran its 30 s without the other write getting through")
            let n = try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) }
            #expect(n == 1_000_000 + Int64(writes))
        }
    }

    @Test func aCancelledTaskOnTheWritersThreadRunsNoBody() async throws {
        try await Self.withPool { pool async throws in
            let ran = Locked(0)
            // A task of its own: it cancels itself.
            let outcome = await Task { await pool.withWriterExecutor { () async -> String in
                try? await pool.write { db throws(DatabaseError) in try Self.increment(db) } // runs
                withUnsafeCurrentTask { $0?.cancel() }
                do throws(DatabaseError) {
                    try await pool.write { db throws(DatabaseError) in
                        ran.with { $0 += 1 }
                        try Self.increment(db)
                    }
                    return "the write ran"
                } catch {
                    return error.isInterrupted ? "interrupted" : "\(error)"
                }
            } }.value
            #expect(outcome == "interrupted")
            #expect(ran.get == 0)
            #expect(try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) } == 1)
        }
    }

    /// Cancelled while its body runs on the writer's thread: the statement is interrupted, the
    /// transaction rolls back, and the writer goes on.
    @Test func cancellingARunningBodyRollsItBack() async throws {
        try await Self.withPool { pool async throws in
            let running = Gate()
            let task = Task {
                try await pool.withWriterExecutor { () async throws(DatabaseError) in
                    try await pool.write { db throws(DatabaseError) in
                        try Self.increment(db)
                        running.open()
                        // An endless statement: only an interrupt ends it.
                        try db.withStatement(sql: "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r") { s throws(DatabaseError) in
                            _ = try s.step()
                        }
                    }
                }
            }
            #expect(await running.opened())
            task.cancel()
            let result = await task.result
            guard case .failure(let error) = result else {
                Issue.record("the endless write returned")
                return
            }
            #expect((error as? DatabaseError)?.isInterrupted == true)
            #expect(try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) } == 0)
            try await pool.write { db throws(DatabaseError) in try Self.increment(db) }
            #expect(try await pool.read { db throws(DatabaseError) in try DatabasePoolTests.counter(db) } == 1)
        }
    }

    /// Writes from the writer's thread are observed like any others, and a rolled-back one is not.
    @Test func observationSeesTheWritesCommittedThere() async throws {
        try await Self.withPool { pool async throws in
            let seen = Locked<[Int64]>([])
            let observer = Task {
                for try await n in pool.observe({ db in try DatabasePoolTests.counter(db) }) {
                    seen.with { $0.append(n) }
                    if n == 3 { return }
                }
            }
            #expect(await eventually { seen.get == [0] })
            struct Refused: Error {}
            try await pool.withWriterExecutor { () async throws in
                for _ in 0..<3 {
                    try await pool.write { db throws(DatabaseError) in try Self.increment(db) }
                    _ = try? await pool.write { db in
                        try db.execute("UPDATE counter SET n = n + 100 WHERE id = 1")
                        throw Refused()
                    }
                }
            }
            try await observer.value
            let values = seen.get
            #expect(values.first == 0 && values.last == 3)
            #expect(values == values.sorted() && values.allSatisfy { $0 <= 3 }, "\(values)")
        }
    }

    /// After `close()`, the operation still runs (elsewhere) and its writes fail as closed.
    @Test func afterCloseTheOperationRunsAndItsWritesAreRefused() async throws {
        try await Self.withPool { pool async throws in
            await pool.close()
            let outcome = await pool.withWriterExecutor { () async -> String in
                do throws(DatabaseError) {
                    try await pool.write { db throws(DatabaseError) in try Self.increment(db) }
                    return "the write ran"
                } catch {
                    return error.kind == .misuse ? "misuse" : "\(error)"
                }
            }
            #expect(outcome == "misuse")
        }
    }
}
