import Foundation
import Observation
import Testing
import SchemagenRuntime
import VictorLearner

/// The consumer package through a `DatabasePool`, with async/await: migrated at launch, reads and
/// writes of the generated queries, an observed query, concurrent readers and writers.
@Suite struct PooledLearnerTests {
    /// A migrated pool over a fresh file; `close()` removes it.
    final class Store: Sendable {
        let directory: URL
        let pool: DatabasePool

        init(readers: Int = 4) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("learner-pool-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try PooledLearner.openPool(path: directory.appendingPathComponent("learner.sqlite").path, readers: readers)
        }

        func close() async {
            await pool.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// An episode learned from the writer's thread, while another learner writes through the
    /// usual hand-off: every step of both is in the file, each step saw the one before it.
    @Test @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func anEpisodeLearnedOnTheWritersThread() async throws {
        let store = try Store()
        let learner = PooledLearner(learnerId: "tool_selector", pool: store.pool)
        let other = PooledLearner(learnerId: "model_router", pool: store.pool)
        let pairs = [("s0", "a0"), ("s0", "a1"), ("s1", "a0")]
        let episode = (0..<300).map { i in
            PooledLearner.Step(state: pairs[i % 3].0, action: pairs[i % 3].1, reward: Double(i % 5) / 4)
        }
        async let background: Void = {
            for i in 0..<100 { try await other.updateQValue(state: "s", action: "a", newQ: Double(i)) }
        }()
        try await learner.learn(episode, rate: 0.5)
        try await background
        // The same steps computed here, one after the other.
        var expected: [String: Double] = [:]
        for step in episode {
            let q = expected[step.state + "/" + step.action] ?? 0.5
            expected[step.state + "/" + step.action] = q + 0.5 * (step.reward - q)
        }
        let rows = try await store.pool.read { db throws(DatabaseError) in try db.rlQValue.fetchAll(learnerId: "tool_selector") }
        #expect(rows.count == 3)
        for row in rows {
            #expect(row.qValue == expected[row.stateKey + "/" + row.actionKey], "\(row.stateKey)/\(row.actionKey)")
            #expect(row.visitCount == 100)
        }
        let others = try await store.pool.read { db throws(DatabaseError) in try db.rlQValue.fetchAll(learnerId: "model_router") }
        #expect(others.map(\.visitCount) == [100])
        #expect(others.map(\.qValue) == [99])
        await store.close()
    }

    @Test func aWriteCommitsAndTheNextReadSeesIt() async throws {
        let store = try Store()
        let learner = PooledLearner(learnerId: "tool_selector", pool: store.pool)
        #expect(try await learner.qValue(state: "s", action: "a") == 0.5)
        #expect(try await learner.updateQValue(state: "s", action: "a", newQ: 0.8) == 1)
        #expect(try await learner.qValue(state: "s", action: "a") == 0.8)
        try await learner.updateQValue(state: "s", action: "a", newQ: 0.6)
        // The upsert counted both visits, in one row.
        let rows = try await store.pool.read { db throws(DatabaseError) in try db.rlQValue.fetchAll(learnerId: "tool_selector") }
        #expect(rows.map(\.visitCount) == [2])
        #expect(rows.map(\.qValue) == [0.6])
        // The migration ran at launch: the file is at the schema's version, in WAL mode.
        let (version, journal) = try await store.pool.read { db throws(DatabaseError) in
            (try db.withStatement("PRAGMA user_version") { s throws(DatabaseError) in _ = try s.step(); return try s.int(0) },
             try db.withStatement("PRAGMA journal_mode") { s throws(DatabaseError) in _ = try s.step(); return try s.text(0) })
        }
        #expect(version == LearnerMigrations.version)
        #expect(journal == "wal")
        await store.close()
    }

    /// The observed query yields the current list, then the new value after each committed write
    /// to `rl_transition`; nothing for a rolled-back write or a write to another table.
    @Test func theObservedQueryYieldsEachCommittedChange() async throws {
        let store = try Store()
        let learner = PooledLearner(learnerId: "l", pool: store.pool)
        var transitions = learner.transitions().makeAsyncIterator()
        #expect(try await transitions.next() == [])

        try await learner.recordTransition(from: "idle", to: "search", action: "grep", reward: 1.5, metadata: ["tokens": 120])
        let first = try #require(try await transitions.next())
        #expect(first.map(\.action) == ["grep"])
        #expect(first.first?.metadata == ["tokens": 120])

        // Rolled back: never seen. A write to `rl_q_value` only: not a table the query reads. So the
        // next value is the next commit to `rl_transition`'s.
        _ = try? await store.pool.write { db throws(DatabaseError) in
            try db.rlTransition.recordTransition(learnerId: "l", fromState: "x", toState: "y", action: "rolled-back",
                                                 rewardValue: 0, metadata: nil)
            throw DatabaseError(kind: .misuse, message: "roll back")
        }
        try await learner.updateQValue(state: "s", action: "a", newQ: 0.1)   // rl_q_value only: not observed
        try await learner.recordTransition(from: "search", to: "idle", action: "stop", reward: 0)
        #expect(try await transitions.next()?.map(\.action) == ["grep", "stop"])
        await store.close()
    }

    /// 8 tasks × 50 read-modify-write transactions on one Q-value through the pool end at exactly
    /// 400 increments, while 4 readers read it concurrently and never see it go back.
    @Test func concurrentWritersLoseNoUpdateAndReadersSeeCommittedValues() async throws {
        let store = try Store()
        let learner = PooledLearner(learnerId: "l", pool: store.pool)
        try await learner.updateQValue(state: "s", action: "a", newQ: 0)
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 { try await learner.adjustQValue(state: "s", action: "a", by: 1) }
                    return []
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Double] = []
                    for _ in 0..<40 { seen.append(try await learner.qValue(state: "s", action: "a")) }
                    return seen
                }
            }
            for try await seen in group {
                #expect(seen == seen.sorted(), "a reader went back in time: \(seen)")
                #expect(seen.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 400 })
            }
        }
        #expect(try await learner.qValue(state: "s", action: "a") == 400)
        let visits = try await store.pool.read { db throws(DatabaseError) in
            try db.rlQValue.fetch(learnerId: "l", stateKey: "s", actionKey: "a")?.visitCount
        }
        #expect(visits == 401)
        await store.close()
    }

    /// docs/CONCURRENCY.md's handler bodies, as written there (without the web framework).
    @Test func theHandlerExampleOfTheDocs() async throws {
        let store = try Store()
        let pool = store.pool
        #expect(try await DocsExamples.putQValue(pool: pool, learner: "ql", state: "s", action: "a", q: 0.75) == 1)
        #expect(try await DocsExamples.getQValue(pool: pool, learner: "ql", state: "s", action: "a") == 0.75)
        #expect(try await DocsExamples.getQValue(pool: pool, learner: "ql", state: "s", action: "b") == 0.5)
        await store.close()
    }

    /// docs/CONCURRENCY.md's observed list, as written there: the model follows the database.
    @available(macOS 14, iOS 17, *)
    @Test func theObservedListExampleOfTheDocs() async throws {
        let store = try Store()
        let list = await TransitionList(learnerId: "l")
        let observing = Task { await list.observe(store.pool) }
        try await store.pool.write { db throws(DatabaseError) in
            try db.rlTransition.recordTransition(learnerId: "l", fromState: "a", toState: "b", action: "go", rewardValue: 1, metadata: nil)
        }
        // The list is updated on the main actor once the commit has been observed.
        var actions: [String?] = []
        for _ in 0..<500 {
            actions = await list.transitions.map(\.action)
            if actions == ["go"] { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(actions == ["go"])
        observing.cancel()
        await observing.value
        #expect(store.pool.activeObservationCount == 0)
        await store.close()
    }
}

// MARK: The examples of docs/CONCURRENCY.md (keep them identical)

enum DocsExamples {
    // GET /learners/:learner/q?state=…&action=…
    static func getQValue(pool: DatabasePool, learner: String, state: String, action: String) async throws -> Double {
        // A reader connection, in parallel with other requests and with writes; only reading queries here.
        let row = try await pool.read { db throws(DatabaseError) in
            try db.rlQValue.getQValueFirst(learnerId: learner, stateKey: state, actionKey: action)
        }
        return row?.qValue ?? 0.5
    }

    // PUT /learners/:learner/q?state=…&action=…  (body: the new Q-value)
    static func putQValue(pool: DatabasePool, learner: String, state: String, action: String, q: Double) async throws -> Int {
        // The writer: the upsert query exists only in write bodies.
        try await pool.write { db throws(DatabaseError) in
            try db.rlQValue.updateQValue(learnerId: learner, stateKey: state, actionKey: action, qValue: q)
        }
    }
}

@available(macOS 14, iOS 17, *)
@MainActor @Observable final class TransitionList {
    let learnerId: String
    var transitions: [RlTransition] = []

    init(learnerId: String) { self.learnerId = learnerId }

    /// Call from `.task { await list.observe(pool) }`: SwiftUI cancels the task when the view goes
    /// away, which ends the observation.
    func observe(_ pool: DatabasePool) async {
        let learnerId = self.learnerId
        let values = pool.observe { db in try db.rlTransition.learnerTransitions(learnerId: learnerId) }
        do {
            for try await value in values { transitions = value }   // the current list at once, then after each change
        } catch {
            // a fetch error ends the observation
        }
    }
}
