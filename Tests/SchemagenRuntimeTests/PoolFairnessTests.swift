import Foundation
import Testing
@testable import SchemagenRuntime

/// The pool's fairness rule (docs/CONCURRENCY.md, "The hand-off is cheap"): a thread whose pool
/// calls keep returning without suspending is told to suspend once its run is longer than the time
/// slice — not before — and the call after that starts a new run.
@Suite struct PoolFairnessTests {
    @Test func aThreadIsToldToSuspendOnceItsTimeSliceIsUsed() throws {
        let spinners = SpinnerCount(limit: 1)
        let slice = SpinnerCount.maximumRunNanoseconds
        spinners.endRun() // whatever an earlier test left on this thread
        let start = DispatchTime.now().uptimeNanoseconds
        var refusedAfter: UInt64?
        var calls = 0
        while DispatchTime.now().uptimeNanoseconds &- start < 200 * slice {
            calls += 1
            if !spinners.mayWaitWithoutYielding() {
                refusedAfter = DispatchTime.now().uptimeNanoseconds &- start
                break
            }
        }
        let after = try #require(refusedAfter, "never told to suspend in \(calls) calls over \(200 * slice / 1_000_000) ms")
        #expect(after >= slice, "told to suspend after \(after) ns, within the \(slice) ns slice")
        #expect(calls > 1)
        // The refused call ended the run: the next one may spin again, and so may the calls of a
        // run ended because a job was not done within the spin.
        #expect(spinners.mayWaitWithoutYielding())
        spinners.endRun()
        #expect(spinners.mayWaitWithoutYielding())
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
