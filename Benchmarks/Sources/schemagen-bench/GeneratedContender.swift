import Foundation
import SchemagenRuntime

// The generated code (written by SchemagenPlugin from bench.victor), used the way application code
// would use it: the table DAO for (a), (c), (d), and the table's generated queries for the
// proposal's upsert (`record_visit`, with `visit_count = visit_count + 1`) and the learner loop's
// `get_q_value` (q_value alone) / `update_q_value`. Nothing here is hand-written SQL.

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
                        try dao.recordVisit(learnerId: learner, stateKey: state, actionKey: action, qValue: q, updatedAt: time)
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
                    // get_q_value: q_value alone, the first (only) row.
                    guard let q = try dao.getQValueFirst(learnerId: learner, stateKey: state, actionKey: action)?.qValue else { continue }
                    d.mix(q)
                    let changed = try dao.updateQValue(qValue: q + BenchData.learningRate * (BenchData.reward(j) - q), updatedAt: BenchData.loopTime(j),
                                                       learnerId: learner, stateKey: state, actionKey: action)
                    d.mix(changed)
                }
                let value = d.value
                return { value }
            }
        }
    }
}
