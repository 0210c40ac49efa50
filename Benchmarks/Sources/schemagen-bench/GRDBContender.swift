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
    var qValue: Double?
    var visitCount: Int64?
    var lastUpdated: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case learnerId = "learner_id"
        case stateKey = "state_key"
        case actionKey = "action_key"
        case qValue = "q_value"
        case visitCount = "visit_count"
        case lastUpdated = "last_updated"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

enum GRDBContender {
    static let select = "SELECT id, learner_id, state_key, action_key, q_value, visit_count, last_updated FROM rl_q_value"

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
                           qValue: BenchData.qValue(i), visitCount: BenchData.visitCount(i), lastUpdated: BenchData.lastUpdated(i))
            }
            return PreparedRun(queue) {
                let stored = try queue.write { db -> [GRDBQValue] in
                    var stored: [GRDBQValue] = []
                    stored.reserveCapacity(rows.count)
                    for var row in rows {
                        try row.insert(db)
                        stored.append(row)
                    }
                    return stored
                }
                return stored.count
            }
        case .upsert:
            let rows = (0..<data.rows).map { i in
                GRDBQValue(id: nil, learnerId: data.learnerIds[i], stateKey: data.stateKeys[i], actionKey: data.actionKeys[i],
                           qValue: BenchData.upsertQValue(i), visitCount: BenchData.upsertVisitCount(i), lastUpdated: BenchData.upsertLastUpdated(i))
            }
            return PreparedRun(queue) {
                try queue.write { db in
                    for var row in rows { try row.upsert(db) }
                }
                return rows.count
            }
        case .fetchAll:
            return PreparedRun(queue) {
                let rows = try queue.read { db in
                    try GRDBQValue.fetchAll(db.cachedStatement(sql: select + " ORDER BY id"))
                }
                return rows.reduce(rows.count) { $0 + Int($1.visitCount ?? 0) }
            }
        case .lookup:
            // One inDatabase block (no transaction, autocommit per statement as for the other contenders).
            return PreparedRun(queue) {
                try queue.inDatabase { db in
                    var checksum = 0
                    for j in 0..<data.rows {
                        let i = data.lookupRow(j)
                        let statement = try db.cachedStatement(sql: select + " WHERE learner_id = ? AND state_key = ? AND action_key = ?")
                        if let row = try GRDBQValue.fetchOne(statement, arguments: [data.learnerIds[i], data.stateKeys[i], data.actionKeys[i]]) {
                            checksum += 1 + Int(row.visitCount ?? 0)
                        }
                    }
                    return checksum
                }
            }
        case .learnerLoop:
            return PreparedRun(queue) {
                try queue.inDatabase { db in
                    var updated = 0
                    for j in 0..<data.loopIterations {
                        let i = data.loopRow(j)
                        // get_q_value
                        let statement = try db.cachedStatement(sql: select + " WHERE learner_id = ? AND state_key = ? AND action_key = ?")
                        guard var row = try GRDBQValue.fetchOne(statement, arguments: [data.learnerIds[i], data.stateKeys[i], data.actionKeys[i]]) else { continue }
                        // update_q_value
                        let q = row.qValue ?? 0.5
                        row.qValue = q + BenchData.learningRate * (BenchData.reward(j) - q)
                        row.visitCount = (row.visitCount ?? 0) + 1
                        row.lastUpdated = BenchData.loopTime(j)
                        try row.update(db)
                        updated += 1
                    }
                    return updated
                }
            }
        }
    }
}
