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
}

