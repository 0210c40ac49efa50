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
        #expect(stored[0].action == "grep" && stored[0].reward == 1.5)
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
