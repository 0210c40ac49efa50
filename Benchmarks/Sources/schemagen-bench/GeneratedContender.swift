import Foundation
import SchemagenRuntime

// The generated DAO (Swift/bench.swift, written by SchemagenPlugin from bench.victor), used the
// way application code would use it.

enum GeneratedContender {
    static func open(_ path: String) throws -> Database {
        // Runtime defaults: journal_mode=WAL, foreign_keys=ON. synchronous=NORMAL as for every contender.
        let db = try Database(path: path)
        try db.execute("PRAGMA synchronous = NORMAL")
        return db
    }

    static func prepare(_ workload: Workload, path: String, data: BenchData) throws -> PreparedRun {
        let db = try open(path)
        let dao = db.rlQValue
        switch workload {
        case .insert:
            let rows = (0..<data.rows).map { i in
                RlQValue(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i],
                         qValue: BenchData.qValue(i), visitCount: BenchData.visitCount(i), lastUpdated: BenchData.lastUpdated(i))
            }
            return PreparedRun(db) {
                let stored = try dao.insert(contentsOf: rows)
                return stored.count
            }
        case .upsert:
            let rows = (0..<data.rows).map { i in
                RlQValue(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i],
                         qValue: BenchData.upsertQValue(i), visitCount: BenchData.upsertVisitCount(i), lastUpdated: BenchData.upsertLastUpdated(i))
            }
            return PreparedRun(db) {
                try db.transaction { _ in
                    for row in rows { try dao.upsert(row, onConflict: .learnerIdStateKeyActionKey) }
                }
                return rows.count
            }
        case .fetchAll:
            return PreparedRun(db) {
                let rows = try dao.fetchAll()
                return rows.reduce(rows.count) { $0 + Int($1.visitCount ?? 0) }
            }
        case .lookup:
            return PreparedRun(db) {
                var checksum = 0
                for j in 0..<data.rows {
                    let i = data.lookupRow(j)
                    if let row = try dao.fetch(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i]) {
                        checksum += 1 + Int(row.visitCount ?? 0)
                    }
                }
                return checksum
            }
        case .learnerLoop:
            return PreparedRun(db) {
                var updated = 0
                for j in 0..<data.loopIterations {
                    let i = data.loopRow(j)
                    // get_q_value
                    guard var row = try dao.fetch(learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i]) else { continue }
                    // update_q_value
                    let q = row.qValue ?? 0.5
                    row.qValue = q + BenchData.learningRate * (BenchData.reward(j) - q)
                    row.visitCount = (row.visitCount ?? 0) + 1
                    row.lastUpdated = BenchData.loopTime(j)
                    if try dao.update(row) { updated += 1 }
                }
                return updated
            }
        }
    }
}
