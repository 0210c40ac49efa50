import Foundation
import Testing
@testable import SchemagenRuntime

/// The pool's fairness rule (docs/CONCURRENCY.md, "The hand-off is cheap"): a thread whose pool
/// calls keep returning without suspending is told to yield once its run is longer than the time
/// slice — not before — and the call after that starts a new run, as does a call that suspended.
@Suite struct PoolFairnessTests {
    @Test func aThreadIsToldToYieldOnceItsTimeSliceIsUsed() throws {
        let spinners = SpinnerCount(limit: 1)
        let slice = SpinnerCount.maximumRunNanoseconds
        #expect(SpinnerCount.tracksRuns)
        spinners.endRun() // whatever an earlier test left on this thread
        let start = DispatchTime.now().uptimeNanoseconds
        var toldAfter: UInt64?
        var calls = 0
        while DispatchTime.now().uptimeNanoseconds &- start < 200 * slice {
            calls += 1
            if spinners.runExceedsSlice() {
                toldAfter = DispatchTime.now().uptimeNanoseconds &- start
                break
            }
        }
        let after = try #require(toldAfter, "never told to yield in \(calls) calls over \(200 * slice / 1_000_000) ms")
        #expect(after >= slice, "told to yield after \(after) ns, within the \(slice) ns slice")
        #expect(calls > 1)
        // That call ended the run: the next ones start a new one, as do the calls after a
        // suspension (`endRun`).
        #expect(!spinners.runExceedsSlice())
        #expect(!spinners.runExceedsSlice())
        spinners.endRun()
        #expect(!spinners.runExceedsSlice())
    }

    @Test func atMostTheLimitSpinAtOnce() {
        let spinners = SpinnerCount(limit: 2)
        #expect(spinners.enter())
        #expect(spinners.enter())
        #expect(!spinners.enter())
        spinners.leave()
        #expect(spinners.enter())
        spinners.leave()
        spinners.leave()
    }

    /// Callers spin for a result only while recent jobs were quick (a moving average of their
    /// times). One slow job — a WAL checkpoint — must not stop them spinning for the jobs after it
    /// (each caller would then suspend and cost a thread wake-up); a run of slow jobs must.
    /// A 5 ms spin keeps the test's margins wide under the thread sanitizer.
    @Test func oneSlowJobDoesNotStopCallersSpinningButARunOfThemDoes() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try DatabasePoolTests.makePool(dir, readers: 1, spin: 5_000)
        let spin = pool.core.spinNanoseconds
        func quickWrites(_ n: Int) async throws {
            for _ in 0..<n { try await pool.write { db throws(DatabaseError) in try db.execute("UPDATE t SET n = n + 1") } }
        }
        func slowWrite(milliseconds: UInt32) async throws {
            try await pool.write { db throws(DatabaseError) in
                usleep(milliseconds * 1_000) // on the writer's own thread, not the cooperative pool
                try db.execute("UPDATE t SET n = n + 1")
            }
        }
        try await pool.write { db throws(DatabaseError) in try db.execute("CREATE TABLE t (n INTEGER NOT NULL); INSERT INTO t VALUES (0)") }
        try await quickWrites(30)
        #expect(pool.core.writer.typicalJobNanoseconds <= spin, "quick jobs: \(pool.core.writer.typicalJobNanoseconds) ns")
        try await slowWrite(milliseconds: 200)
        #expect(pool.core.writer.typicalJobNanoseconds <= spin, "after one 200 ms job: \(pool.core.writer.typicalJobNanoseconds) ns")
        for _ in 0..<6 { try await slowWrite(milliseconds: 30) }
        #expect(pool.core.writer.typicalJobNanoseconds > spin, "after six 30 ms jobs: \(pool.core.writer.typicalJobNanoseconds) ns")
        try await quickWrites(40)
        #expect(pool.core.writer.typicalJobNanoseconds <= spin, "quick again: \(pool.core.writer.typicalJobNanoseconds) ns")
        let n = try await pool.read { db throws(DatabaseError) in
            try db.withStatement("SELECT n FROM t") { s throws(DatabaseError) in _ = try s.step(); return try s.int64(0) }
        }
        #expect(n == 77)
        await pool.close()
    }
}
