import Foundation
import GRDB

// GRDB 7.10.0 with a Codable record (`FetchableRecord & MutablePersistableRecord`), the record
// methods (insert/upsert/update use GRDB's internal statement cache) and `db.cachedStatement(sql:)`
// for the hand-written SELECTs, as GRDB's documentation recommends.

struct GRDBQValue: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "rl_q_value"

    var id: Int64?
    var learnerId: String
    var stateKey: String
    var actionKey: String
    var qValue: Double
    var visitCount: Int64
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case learnerId = "learner_id"
        case stateKey = "state_key"
        case actionKey = "action_key"
        case qValue = "q_value"
        case visitCount = "visit_count"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

func grdbDigest(_ rows: [GRDBQValue]) -> UInt64 {
    var d = Digest()
    for r in rows {
        d.mix(r.id ?? -1); d.mix(r.learnerId); d.mix(r.stateKey); d.mix(r.actionKey)
        d.mix(r.qValue); d.mix(r.visitCount); d.mix(r.updatedAt)
    }
    return d.value
}

enum GRDBContender {
    static let select = "SELECT id, learner_id, state_key, action_key, q_value, visit_count, updated_at FROM rl_q_value"

    static func open(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        // GRDB enables foreign keys by default; set the journal mode and synchronous level of every contender.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return try DatabaseQueue(path: path, configuration: config)
    }

    static func prepare(_ workload: Workload, path: String, data: BenchData) throws -> PreparedRun {
        let queue = try open(path)
        switch workload {
        case .insert:
            let rows = (0..<data.rows).map { i in
                GRDBQValue(id: nil, learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i],
                           qValue: BenchData.qValue(i), visitCount: BenchData.visitCount(i), updatedAt: BenchData.updatedAt(i))
            }
            return PreparedRun(queue) {
                let ids = try queue.write { db -> [Int64] in
                    var ids: [Int64] = []
                    ids.reserveCapacity(rows.count)
                    for var row in rows {
                        try row.insert(db)
                        ids.append(row.id ?? -1)
                    }
                    return ids
                }
                return { var d = Digest(); for id in ids { d.mix(id) }; return d.value }
            }
        case .upsert:
            // GRDB's record upsert cannot say `visit_count = visit_count + 1` either: a cached statement.
            return PreparedRun(queue) {
                try queue.write { db in
                    let statement = try db.cachedStatement(sql: RawContender.upsertSQL)
                    for i in 0..<data.rows {
                        try statement.execute(arguments: [data.learnerIds[i], data.stateKeys[i], data.actionKeys[i],
                                                          BenchData.upsertQValue(i), BenchData.upsertUpdatedAt(i)])
                    }
                }
                let n = data.rows
                return { UInt64(n) }
            }
        case .fetchAll:
            return PreparedRun(queue) {
                let rows = try queue.read { db in
                    try GRDBQValue.fetchAll(db.cachedStatement(sql: select + " ORDER BY id"))
                }
                return { grdbDigest(rows) }
            }
        case .lookup:
            // One inDatabase block (no transaction, autocommit per statement as for the other contenders).
            return PreparedRun(queue) {
                let found = try queue.inDatabase { db -> [GRDBQValue] in
                    var found: [GRDBQValue] = []
                    found.reserveCapacity(data.rows)
                    for j in 0..<data.rows {
                        let i = data.lookupRow(j)
                        let statement = try db.cachedStatement(sql: select + " WHERE learner_id = ? AND state_key = ? AND action_key = ?")
                        if let row = try GRDBQValue.fetchOne(statement, arguments: [data.learnerIds[i], data.stateKeys[i], data.actionKeys[i]]) {
                            found.append(row)
                        }
                    }
                    return found
                }
                return { grdbDigest(found) }
            }
        case .learnerLoop:
            return PreparedRun(queue) {
                let value = try queue.inDatabase { db -> UInt64 in
                    var d = Digest()
                    for j in 0..<data.loopIterations {
                        let i = data.loopRow(j)
                        let (learner, state, action) = (data.learnerIds[i], data.stateKeys[i], data.actionKeys[i])
                        let get = try db.cachedStatement(sql: RawContender.getQSQL)
                        guard let q = try Double.fetchOne(get, arguments: [learner, state, action]) else { continue }
                        d.mix(q)
                        let update = try db.cachedStatement(sql: RawContender.updateQSQL)
                        try update.execute(arguments: [learner, state, action,
                                                       q + BenchData.learningRate * (BenchData.reward(j) - q), BenchData.loopTime(j)])
                        d.mix(db.changesCount)
                    }
                    return d.value
                }
                return { value }
            }
        }
    }
}
