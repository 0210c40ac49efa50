import Foundation
import SchemagenRuntime

/// `BaseLearner` for async code (a server handler, an app), over a `DatabasePool`: reads run on
/// reader connections in parallel (`pool.read`), writes one at a time (`pool.write`), and the
/// generated queries of learner.victor are called in both — a read body has only the queries that
/// read (`get_q_value`, `learner_transitions`); the upsert and the insert exist only in write
/// bodies (calling them in a read body does not compile).
public struct PooledLearner: Sendable {
    public let learnerId: String
    public let pool: DatabasePool

    public init(learnerId: String, pool: DatabasePool) {
        self.learnerId = learnerId
        self.pool = pool
    }

    /// The launch sequence: migrate on a plain connection first (each migration step is its own
    /// transaction; a `pool.write` body is one), then open the pool on the migrated file.
    public static func openPool(path: String, readers: Int = 4) throws -> DatabasePool {
        let launch = try Database(path: path)
        try LearnerMigrations.migrate(launch)
        launch.close()
        var configuration = DatabasePool.Configuration()
        configuration.readerCount = readers
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// `get_q_value` in a read body: 0.5 for an unseen (or NULL) state/action.
    public func qValue(state: String, action: String) async throws(DatabaseError) -> Double {
        let learnerId = self.learnerId
        let row = try await pool.read { db throws(DatabaseError) in
            try db.rlQValue.getQValueFirst(learnerId: learnerId, stateKey: state, actionKey: action)
        }
        return row?.qValue ?? BaseLearner.defaultQValue
    }

    /// `update_q_value` in a write body (the upsert counting visits); returns the rows written (1).
    @discardableResult
    public func updateQValue(state: String, action: String, newQ: Double) async throws(DatabaseError) -> Int {
        let learnerId = self.learnerId
        return try await pool.write { db throws(DatabaseError) in
            try db.rlQValue.updateQValue(learnerId: learnerId, stateKey: state, actionKey: action, qValue: newQ)
        }
    }

    /// Reads a Q-value and writes it back changed by `delta`, in one write transaction: concurrent
    /// callers never lose an update (the writer is serialised, and the read sees every earlier commit).
    public func adjustQValue(state: String, action: String, by delta: Double) async throws(DatabaseError) {
        let learnerId = self.learnerId
        try await pool.write { db throws(DatabaseError) in
            try PooledLearner.rewriteQValue(db, learnerId: learnerId, state: state, action: action) { $0 + delta }
        }
    }

    /// In a write body: reads the Q-value of `state`/`action` (0.5 when unseen) and writes back
    /// `newValue(q)` with the upsert that counts the visit.
    static func rewriteQValue(_ db: Database, learnerId: String, state: String, action: String,
                              _ newValue: (Double) -> Double) throws(DatabaseError) {
        let q = try db.rlQValue.getQValueFirst(learnerId: learnerId, stateKey: state, actionKey: action)?.qValue
        try db.rlQValue.updateQValue(learnerId: learnerId, stateKey: state, actionKey: action,
                                     qValue: newValue(q ?? BaseLearner.defaultQValue))
    }

    /// One step of an episode: the reward of taking `action` in `state`.
    public struct Step: Sendable {
        public var state: String
        public var action: String
        public var reward: Double
        public init(state: String, action: String, reward: Double) {
            self.state = state
            self.action = action
            self.reward = reward
        }
    }

    /// Learns from a whole episode, one write transaction a step (each reads the Q-value the
    /// previous step wrote), with the loop on the writer connection's own thread
    /// (`withWriterExecutor`): no hand-off between threads per write.
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    public func learn(_ episode: [Step], rate: Double = 0.1) async throws(DatabaseError) {
        let (learnerId, pool) = (self.learnerId, self.pool)
        try await pool.withWriterExecutor { () async throws(DatabaseError) in
            for step in episode {
                try await pool.write { db throws(DatabaseError) in
                    try PooledLearner.rewriteQValue(db, learnerId: learnerId, state: step.state, action: step.action) { q in
                        q + rate * (step.reward - q)
                    }
                }
            }
        }
    }

    /// `record_transition` in a write body.
    public func recordTransition(from: String, to: String, action: String, reward: Double,
                                 metadata: JSONValue? = nil) async throws(DatabaseError) {
        let learnerId = self.learnerId
        try await pool.write { db throws(DatabaseError) in
            try db.rlTransition.recordTransition(learnerId: learnerId, fromState: from, toState: to, action: action,
                                                 rewardValue: reward, metadata: metadata)
        }
    }

    /// This learner's transitions, oldest first (`learner_transitions`), observed: the current list
    /// when iteration starts, then a fresh one after each committed write that changed `rl_transition`.
    public func transitions() -> DatabaseObservation<[RlTransition]> {
        let learnerId = self.learnerId
        return pool.observe { db in try db.rlTransition.learnerTransitions(learnerId: learnerId) }
    }
}
