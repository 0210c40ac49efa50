import Foundation
import Testing
import SchemagenRuntime
import VictorLearner

@Suite struct BaseLearnerTests {
    func learner(_ id: String = "tool_selector") throws -> BaseLearner {
        let db = try Database.inMemory()
        try BaseLearner.prepare(db)
        return BaseLearner(learnerId: id, db: db)
    }

    @Test func unseenStateActionIsOneHalf() throws {
        #expect(try learner().getQValue(state: "s", action: "a") == 0.5)
    }

    @Test func updateUpsertsAndCountsVisits() throws {
        let l = try learner()
        #expect(try l.updateQValue(state: "s", action: "a", newQ: 0.8) == 1)
        let first = try #require(try l.db.rlQValue.fetch(learnerId: "tool_selector", stateKey: "s", actionKey: "a"))
        #expect(first.visitCount == 1)
        #expect(first.lastUpdated.map { abs($0.timeIntervalSinceNow) < 120 } == true)
        #expect(try l.getQValue(state: "s", action: "a") == 0.8)
        try l.updateQValue(state: "s", action: "a", newQ: 0.6)
        let second = try #require(try l.db.rlQValue.fetch(learnerId: "tool_selector", stateKey: "s", actionKey: "a"))
        #expect(second.id == first.id)
        #expect(second.visitCount == 2)
        #expect(try l.getQValue(state: "s", action: "a") == 0.6)
        #expect(try l.db.rlQValue.count() == 1)
        // Another action is another row.
        try l.updateQValue(state: "s", action: "b", newQ: 0.1)
        #expect(try l.db.rlQValue.fetchAll(learnerId: "tool_selector").count == 2)
    }

    @Test func getQValueReadsOnlyTheQValue() throws {
        let l = try learner()
        try l.updateQValue(state: "s", action: "a", newQ: 0.25)
        // The generated row of `get_q_value` has exactly one property, typed as the column.
        let row: RlQValueDAO.GetQValueRow? = try l.db.rlQValue.getQValueFirst(learnerId: "tool_selector", stateKey: "s", actionKey: "a")
        let q: Double? = row?.qValue
        #expect(q == 0.25)
        #expect(row == RlQValueDAO.GetQValueRow(qValue: 0.25))
    }

    @Test func learnersArePartitioned() throws {
        let a = try learner("a")
        let b = BaseLearner(learnerId: "b", db: a.db)
        try a.updateQValue(state: "s", action: "x", newQ: 0.9)
        #expect(try b.getQValue(state: "s", action: "x") == 0.5)
    }

    @Test func recordTransitionStoresJSONMetadata() throws {
        let l = try learner()
        let meta: JSONValue = ["tokens": 120, "tool": "grep", "ok": true]
        try l.recordTransition(from: "idle", to: "search", action: "grep", reward: 1.5, metadata: meta)
        let stored = try l.transitions()
        #expect(stored.count == 1)
        #expect(stored[0].id != nil && stored[0].createdAt != nil)
        #expect(stored[0].metadata == meta)
        #expect(stored[0].action == "grep" && stored[0].rewardValue == 1.5)
        try l.recordTransition(from: "search", to: "idle", action: "stop", reward: 0)
        #expect(try l.transitions().last?.metadata == nil)
        var actions: [String?] = []
        try l.forEachTransition { actions.append($0.action) }
        #expect(actions == ["grep", "stop"])
        // Another learner's transitions are not this one's.
        try BaseLearner(learnerId: "other", db: l.db).recordTransition(from: "a", to: "b", action: "x", reward: 0)
        #expect(try l.transitions().count == 2)
    }

    @Test func fileDatabaseSurvivesReopen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("learner-\(UUID().uuidString).sqlite").path
        do {
            let l = BaseLearner(learnerId: "l", db: try BaseLearner.openDatabase(path: path))
            try l.updateQValue(state: "s", action: "a", newQ: 0.7)
        }
        let l = BaseLearner(learnerId: "l", db: try BaseLearner.openDatabase(path: path))
        #expect(try l.getQValue(state: "s", action: "a") == 0.7)
        #expect(try l.db.rlQValue.fetch(learnerId: "l", stateKey: "s", actionKey: "a")?.visitCount == 1)
    }
}

/// A user's database from version 1 of learner.victor (frozen in learner.history/v1.victor) is
/// brought to version 2 (a column rename and a new column) by the generated code at launch.
@Suite struct LaunchMigrationTests {
    /// The database an install of version 1 left: version 1's DDL, stamped, with rows.
    static let version1 = """
        CREATE TABLE rl_q_value (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL,
            state_key TEXT NOT NULL,
            action_key TEXT NOT NULL,
            q_value REAL DEFAULT 0.5,
            visit_count INTEGER DEFAULT 0,
            last_updated TEXT,
            UNIQUE (learner_id, state_key, action_key)
        );
        CREATE INDEX idx_q_learner ON rl_q_value (learner_id);
        CREATE TABLE rl_transition (
            id INTEGER PRIMARY KEY,
            learner_id TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            "action" TEXT,
            reward REAL,
            metadata TEXT,
            created_at TEXT DEFAULT (datetime('now'))
        );
        CREATE INDEX idx_trans_learner ON rl_transition (learner_id, created_at);
        PRAGMA user_version = 1;
        INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count) VALUES ('l', 's', 'a', 0.75, 3);
        INSERT INTO rl_transition (learner_id, from_state, to_state, "action", reward, created_at) VALUES ('l', 'idle', 'ß✓', 'grep', -2.5, '2026-01-02 03:04:05');
        """

    @Test func aVersion1DatabaseIsMigratedAtLaunchKeepingEveryValue() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("learner-v1-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try Database(path: path)
        try old.execute(Self.version1)
        old.close()

        let l = BaseLearner(learnerId: "l", db: try BaseLearner.openDatabase(path: path))
        #expect(try l.getQValue(state: "s", action: "a") == 0.75)
        let q = try l.db.rlQValue.fetchAll(learnerId: "l")
        #expect(q.count == 1 && q[0].visitCount == 3 && q[0].updatedBy == nil)
        let t = try l.transitions()
        #expect(t.count == 1 && t[0].rewardValue == -2.5 && t[0].toState == "ß✓" && t[0].action == "grep")
        let version = try l.db.withStatement("PRAGMA user_version") { s throws(DatabaseError) -> Int in
            _ = try s.step()
            return try s.int(0)
        }
        #expect(version == LearnerMigrations.version && version == 2)
        // The next launch is a no-op; a database from a newer build is refused.
        try BaseLearner.prepare(l.db)
        try l.db.execute("PRAGMA user_version = 3")
        #expect(throws: SchemaMigrationError.databaseIsNewer(database: 3, code: 2)) { try BaseLearner.prepare(l.db) }
    }
}
