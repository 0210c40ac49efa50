import Foundation
import SchemagenRuntime

/// The proposal's `BaseLearner` ("New Learner Interface"), on the queries SchemagenPlugin generates
/// from learner.victor (checked by SQLite at build time): one `learner_id` partition of the shared
/// Q-value and transition tables.
public struct BaseLearner: Sendable {
    /// The Q-value of a state/action pair never updated.
    public static let defaultQValue = 0.5

    public let learnerId: String
    public let db: Database

    public init(learnerId: String, db: Database) {
        self.learnerId = learnerId
        self.db = db
    }

    /// Opens (or creates) a database and brings it to the current schema version.
    public static func openDatabase(path: String) throws -> Database {
        let db = try Database(path: path)
        try prepare(db)
        return db
    }

    /// The one launch call: creates the learner tables in a new database, migrates an older one
    /// from any released version, and is a no-op on a current one (docs/MIGRATION.md).
    public static func prepare(_ db: Database) throws(SchemaMigrationError) {
        try LearnerMigrations.migrate(db)
    }

    /// `get_q_value`: the stored Q-value, or 0.5 for an unseen state/action (or a NULL one). The
    /// generated query (learner.victor, `query get_q_value`) reads only `q_value`.
    public func getQValue(state: String, action: String) throws(DatabaseError) -> Double {
        let row = try db.rlQValue.getQValueFirst(learnerId: learnerId, stateKey: state, actionKey: action)
        return row?.qValue ?? Self.defaultQValue
    }

    /// `update_q_value`: the proposal's upsert (`query update_q_value`), one statement:
    /// `visit_count = visit_count + 1` runs in SQLite, so concurrent updates cannot lose a visit.
    /// Returns the number of rows written (1).
    @discardableResult
    public func updateQValue(state: String, action: String, newQ: Double) throws(DatabaseError) -> Int {
        try db.rlQValue.updateQValue(learnerId: learnerId, stateKey: state, actionKey: action, qValue: newQ)
    }

    /// `record_transition`: appends a transition (`query record_transition`); `metadata` is stored
    /// as JSON and `created_at` filled in by the database.
    public func recordTransition(from: String, to: String, action: String, reward: Double,
                                 metadata: JSONValue? = nil) throws(DatabaseError) {
        try db.rlTransition.recordTransition(learnerId: learnerId, fromState: from, toState: to, action: action,
                                             rewardValue: reward, metadata: metadata)
    }

    /// This learner's transitions, oldest first (`query learner_transitions`).
    public func transitions() throws(DatabaseError) -> [RlTransition] {
        try db.rlTransition.learnerTransitions(learnerId: learnerId)
    }

    /// Calls `body` with each of this learner's transitions, oldest first, without collecting them.
    public func forEachTransition(_ body: (RlTransition) throws(DatabaseError) -> Void) throws(DatabaseError) {
        try db.rlTransition.learnerTransitions(learnerId: learnerId, forEach: body)
    }
}
