import Foundation
import SchemagenRuntime

// The generated DAO (Swift/bench.swift, written by SchemagenPlugin from bench.victor), used the
// way application code would use it. Two statements the DAO cannot express yet (the proposal's
// upsert with `visit_count = visit_count + 1`, and `get_q_value` / `update_q_value` of the learner
// loop) are HAND-WRITTEN here through the runtime's `withStatement`: StaticString SQL, bind by
// index, read by index — exactly the code the query declarations (issue 12) generate.

enum GeneratedContender {
    static func open(_ path: String) throws -> Database {
        // Runtime defaults: journal_mode=WAL, foreign_keys=ON. synchronous=NORMAL as for every contender.
        let db = try Database(path: path)
        try db.execute("PRAGMA synchronous = NORMAL")
        return db
    }

    static func digest(_ rows: [RlQValue]) -> UInt64 {
        var d = Digest()
        for r in rows {
            d.mix(r.id ?? -1); d.mix(r.learnerId); d.mix(r.stateKey); d.mix(r.actionKey)
            d.mix(r.qValue); d.mix(r.visitCount); d.mix(r.updatedAt)
        }
        return d.value
    }

    static func prepare(_ workload: Workload, path: String, data: BenchData) throws -> PreparedRun {
        let db = try open(path)
        let dao = db.rlQValue
        switch workload {
        case .insert:
            // The Draft insert: a plain INSERT (no RETURNING), the id from sqlite3_last_insert_rowid.
            let drafts = (0..<data.rows).map { i in
                RlQValue.Draft(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i],
                               qValue: BenchData.qValue(i), visitCount: BenchData.visitCount(i), updatedAt: BenchData.updatedAt(i))
            }
            return PreparedRun(db) {
                let ids = try db.transaction { _ throws(DatabaseError) -> [Int64] in
                    var ids: [Int64] = []
                    ids.reserveCapacity(drafts.count)
                    for draft in drafts { ids.append(try dao.insert(draft)) }
                    return ids
                }
                return { var d = Digest(); for id in ids { d.mix(id) }; return d.value }
            }
        case .upsert:
            let rows = (0..<data.rows).map { i in
                (data.learnerIds[i], data.stateKeys[i], data.actionKeys[i], BenchData.upsertQValue(i), BenchData.upsertUpdatedAt(i))
            }
            return PreparedRun(db) {
                try db.transaction { _ throws(DatabaseError) in
                    for (learner, state, action, q, time) in rows {
                        // HAND-WRITTEN (not expressible by the DAO): the proposal's upsert.
                        try db.withStatement("INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT(learner_id, state_key, action_key) DO UPDATE SET q_value = excluded.q_value, visit_count = visit_count + 1, updated_at = excluded.updated_at") { s throws(DatabaseError) in
                            s.bind(learner, at: 1)
                            s.bind(state, at: 2)
                            s.bind(action, at: 3)
                            s.bind(q, at: 4)
                            s.bindTimestamp(time, at: 5)
                            try s.run()
                        }
                    }
                }
                return { UInt64(rows.count) }
            }
        case .fetchAll:
            return PreparedRun(db) {
                let rows = try dao.fetchAll()
                return { digest(rows) }
            }
        case .lookup:
            return PreparedRun(db) {
                var found: [RlQValue] = []
                found.reserveCapacity(data.rows)
                for j in 0..<data.rows {
                    let i = data.lookupRow(j)
                    if let row = try dao.fetch(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i]) {
                        found.append(row)
                    }
                }
                return { digest(found) }
            }
        case .learnerLoop:
            return PreparedRun(db) {
                var d = Digest()
                for j in 0..<data.loopIterations {
                    let i = data.loopRow(j)
                    let (learner, state, action) = (data.learnerIds[i], data.stateKeys[i], data.actionKeys[i])
                    // get_q_value — HAND-WRITTEN query (issue 12's `query get_q_value`): q_value alone.
                    let q = try db.withStatement("SELECT q_value FROM rl_q_value WHERE learner_id = ?1 AND state_key = ?2 AND action_key = ?3") { s throws(DatabaseError) -> Double? in
                        s.bind(learner, at: 1)
                        s.bind(state, at: 2)
                        s.bind(action, at: 3)
                        return try s.step() ? s.double(0) : nil
                    }
                    guard let q else { continue }
                    d.mix(q)
                    // update_q_value — HAND-WRITTEN.
                    let changed = try db.withStatement("UPDATE rl_q_value SET q_value = ?4, visit_count = visit_count + 1, updated_at = ?5 WHERE learner_id = ?1 AND state_key = ?2 AND action_key = ?3") { s throws(DatabaseError) -> Int in
                        s.bind(learner, at: 1)
                        s.bind(state, at: 2)
                        s.bind(action, at: 3)
                        s.bind(q + BenchData.learningRate * (BenchData.reward(j) - q), at: 4)
                        s.bindTimestamp(BenchData.loopTime(j), at: 5)
                        try s.run()
                        return s.changes
                    }
                    d.mix(changed)
                }
                let value = d.value
                return { value }
            }
        }
    }
}
