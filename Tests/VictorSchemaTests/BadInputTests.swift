import Foundation
import Testing
import SchemagenRuntime
import VictorSchema

@Suite struct BadInputTests {
    @Test func uniqueViolationIsTypedAndLeavesTheDatabaseUnchanged() throws {
        let db = try Store.memory.open()
        try db.rlQValue.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a", qValue: 0.3))
        let error = #expect(throws: DatabaseError.self) {
            try db.rlQValue.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a", qValue: 0.9))
        }
        #expect(error?.constraint == .unique)
        #expect(error?.message.contains("rl_q_value.learner_id") == true)
        #expect(try db.rlQValue.count() == 1)
        #expect(try db.rlQValue.fetch(learnerId: "l", stateKey: "s", actionKey: "a")?.qValue == 0.3)
    }

    @Test func primaryKeyViolation() throws {
        let db = try Store.memory.open()
        try db.rlLearner.insert(RlLearner(id: "x", name: "a", type: "t"))
        let error = #expect(throws: DatabaseError.self) { try db.rlLearner.insert(RlLearner(id: "x", name: "b", type: "t")) }
        #expect(error?.constraint == .primaryKey)
        #expect(try db.rlLearner.fetch(id: "x")?.name == "a")
    }

    @Test func foreignKeyViolation() throws {
        let db = try Store.memory.open()
        let error = #expect(throws: DatabaseError.self) { try db.rlOutcome.insert(RlOutcome(learnerId: "nobody")) }
        #expect(error?.constraint == .foreignKey)
        #expect(error?.message.contains("FOREIGN KEY") == true)
        #expect(try db.rlOutcome.count() == 0)
    }

    /// Non-null columns are non-optional in Swift, so the DAOs cannot write NULL into the schema's
    /// NOT NULL columns; a database whose table drifted (NOT NULL added elsewhere) still reports it typed.
    @Test func notNullViolationOnADriftedTable() throws {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE rl_q_value (id INTEGER PRIMARY KEY, learner_id TEXT NOT NULL, state_key TEXT NOT NULL,
              action_key TEXT NOT NULL, q_value REAL NOT NULL, visit_count INTEGER, last_updated TEXT)
            """)
        let error = #expect(throws: DatabaseError.self) {
            try db.rlQValue.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a", qValue: nil))
        }
        #expect(error?.constraint == .notNull)
        #expect(error?.message.contains("rl_q_value.q_value") == true)
        #expect(try db.rlQValue.count() == 0)
    }

    @Test func wrongStorageClassThrowsOnRead() throws {
        let db = try Store.memory.open()
        // Another program writes a TEXT into the REAL column and 7 into a bool column.
        try db.execute("INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value) VALUES ('l', 's', 'a', 'high')")
        let error = #expect(throws: DatabaseError.self) { try db.rlQValue.fetchAll() }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message.contains("q_value") == true)

        try db.execute("INSERT INTO rl_learner (id, name, type) VALUES ('l', 'n', 't')")
        try db.execute("INSERT INTO rl_outcome (learner_id, success) VALUES ('l', 7)")
        let boolError = #expect(throws: DatabaseError.self) { try db.rlOutcome.fetchAll() }
        #expect(boolError?.kind == .typeMismatch)

        try db.execute("INSERT INTO rl_transition (learner_id, created_at) VALUES ('l', 'yesterday')")
        let dateError = #expect(throws: DatabaseError.self) { try db.rlTransition.fetchAll(learnerId: "l") }
        #expect(dateError?.kind == .decoding)

        try db.execute("INSERT INTO rl_metric (metric_type, metadata) VALUES ('m', '{not json')")
        let jsonError = #expect(throws: DatabaseError.self) { try db.rlMetric.fetchAll() }
        #expect(jsonError?.kind == .decoding)
    }

    @Test func keywordNamedTableAndColumnsWorkEndToEnd() throws {
        let db = try Database.inMemory()
        try KeywordsMigrations.migrate(db)
        let o = try db.order.insertAndFetch(Order.Draft(group: "g1", where: "here"))
        #expect(o.default == 3 && o.select == true && abs(o.placedAt.timeIntervalSinceNow) < 24 * 3600)
        #expect(try db.order.fetch(group: "g1") == o)
        #expect(try db.order.fetchAll(where: "here").count == 1)
        #expect(try db.order.fetchAll(where: "here", default: 3).count == 1)
        #expect(try db.order.fetchAll(where: nil).isEmpty)
        var changed = o
        changed.default = 5
        changed.select = false
        #expect(try db.order.update(changed))
        let up = try db.order.upsertAndFetch(Order(group: "g1", default: 9, placedAt: o.placedAt), onConflict: .group)
        #expect(up.id == o.id && up.default == 9 && up.placedAt == o.placedAt)
        let check = #expect(throws: DatabaseError.self) { try db.order.insert(Order.Draft(group: "g2", default: -1)) }
        #expect(check?.constraint == .check)
        #expect(try db.order.count() == 1)
        #expect(try db.order.delete(group: "g1"))
        #expect(try db.order.count() == 0)
    }
}
