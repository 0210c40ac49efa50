import Foundation
import SchemagenRuntime

/// The proposal's `BaseLearner` ("New Learner Interface"), on the code SchemagenPlugin generates
/// from learner.victor: one `learner_id` partition of the shared Q-value and transition tables.
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

    /// `get_q_value`: the stored Q-value, or 0.5 for an unseen state/action.
    public func getQValue(state: String, action: String) throws(DatabaseError) -> Double {
        try db.rlQValue.fetch(learnerId: learnerId, stateKey: state, actionKey: action)?.qValue ?? Self.defaultQValue
    }

    /// `update_q_value`: stores `newQ` and increments `visit_count` (1 for a new pair), atomically:
    /// the read (generated fetch by the UNIQUE key) and the write (generated upsert on that key)
    /// run in one transaction, so concurrent updates through the same `Database` cannot lose a visit.
    @discardableResult
    public func updateQValue(state: String, action: String, newQ: Double, at now: Date = Date()) throws -> RlQValue {
        try db.transaction { db in
            let existing = try db.rlQValue.fetch(learnerId: learnerId, stateKey: state, actionKey: action)
            let row = RlQValue(
                learnerId: learnerId, stateKey: state, actionKey: action,
                qValue: newQ, visitCount: (existing?.visitCount ?? 0) + 1, lastUpdated: now
            )
            return try db.rlQValue.upsertAndFetch(row, onConflict: .learnerIdStateKeyActionKey)
        }
    }

    /// `record_transition`: appends a transition; `metadata` is stored as JSON.
    @discardableResult
    public func recordTransition(from: String, to: String, action: String, reward: Double,
                                 metadata: JSONValue? = nil) throws(DatabaseError) -> RlTransition {
        try db.rlTransition.insert(RlTransition(
            learnerId: learnerId, fromState: from, toState: to, action: action, rewardValue: reward, metadata: metadata
        ))
    }

    /// This learner's transitions, oldest first (generated fetch by the `idx_trans_learner` prefix).
    public func transitions() throws(DatabaseError) -> [RlTransition] {
        try db.rlTransition.fetchAll(learnerId: learnerId)
    }
}
