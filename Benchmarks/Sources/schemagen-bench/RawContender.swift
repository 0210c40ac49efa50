import CSQLiteBench
import Foundation

// The floor: hand-written Swift on the sqlite3 C API, each statement prepared once per run and
// reused (reset after each use), rows read by column index into a plain struct.

let SQLITE_TRANSIENT_BENCH = unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)

struct RawRow {
    var id: Int64
    var learnerId: String
    var stateKey: String
    var actionKey: String
    var qValue: Double
    var visitCount: Int64
    var updatedAt: Date
}

/// One connection; finalizes its statements and closes on deinit.
final class RawConnection {
    let db: OpaquePointer
    private var statements: [OpaquePointer] = []

    init(path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let handle else {
            sqlite3_close_v2(handle)
            throw BenchError("cannot open \(path)")
        }
        db = handle
        // The pragmas every contender uses.
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
    }

    deinit {
        for s in statements { sqlite3_finalize(s) }
        sqlite3_close_v2(db)
    }

    func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw error(sql) }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw error(sql)
        }
        statements.append(statement)
        return statement
    }

    func error(_ sql: String) -> BenchError {
        BenchError("sqlite error \(sqlite3_extended_errcode(db)): \(String(cString: sqlite3_errmsg(db))) in \(sql)")
    }

    /// Steps a write statement to completion and resets it.
    @inline(__always)
    func run(_ s: OpaquePointer, _ sql: StaticString) throws {
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error("\(sql)") }
    }

    func scalarInt(_ sql: String) throws -> Int64 {
        let s = try prepare(sql)
        defer { sqlite3_reset(s) }
        guard sqlite3_step(s) == SQLITE_ROW else { throw error(sql) }
        return sqlite3_column_int64(s, 0)
    }

    func scalarDouble(_ sql: String) throws -> Double {
        let s = try prepare(sql)
        defer { sqlite3_reset(s) }
        guard sqlite3_step(s) == SQLITE_ROW else { throw error(sql) }
        return sqlite3_column_double(s, 0)
    }
}

// MARK: - Timestamps as `YYYY-MM-DD HH:MM:SS` TEXT (UTC, whole seconds), without Foundation formatters.

/// Days since 1970-01-01 → civil date (H. Hinnant's algorithm).
@inline(__always)
func rawCivil(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

@inline(__always)
func rawDays(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// Binds `date` as TEXT to parameter `index`.
@inline(__always)
func rawBindTimestamp(_ s: OpaquePointer, _ index: Int32, _ date: Date?) {
    guard let date else { sqlite3_bind_null(s, index); return }
    let t = Int64(date.timeIntervalSince1970.rounded(.down))
    var days = t / 86_400
    var sec = t % 86_400
    if sec < 0 { sec += 86_400; days -= 1 }
    let (y, m, d) = rawCivil(days)
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 19) { b in
        func two(_ v: Int64, _ at: Int) { b[at] = CChar(48 + v / 10); b[at + 1] = CChar(48 + v % 10) }
        two(y / 100, 0); two(y % 100, 2); b[4] = 45; two(m, 5); b[7] = 45; two(d, 8); b[10] = 32
        two(sec / 3600, 11); b[13] = 58; two(sec / 60 % 60, 14); b[16] = 58; two(sec % 60, 17)
        sqlite3_bind_text(s, index, b.baseAddress, 19, SQLITE_TRANSIENT_BENCH)
    }
}

/// Reads a `YYYY-MM-DD HH:MM:SS` TEXT column (the epoch for anything shorter).
@inline(__always)
func rawTimestamp(_ s: OpaquePointer, _ column: Int32) -> Date {
    guard let p = sqlite3_column_text(s, column), sqlite3_column_bytes(s, column) >= 19 else { return Date(timeIntervalSince1970: 0) }
    func n(_ at: Int, _ width: Int) -> Int64 {
        var v: Int64 = 0
        for k in 0..<width { v = v * 10 + Int64(p[at + k] &- 48) }
        return v
    }
    let days = rawDays(n(0, 4), n(5, 2), n(8, 2))
    return Date(timeIntervalSince1970: Double(days * 86_400 + n(11, 2) * 3600 + n(14, 2) * 60 + n(17, 2)))
}

@inline(__always)
func rawText(_ s: OpaquePointer, _ column: Int32) -> String {
    guard let p = sqlite3_column_text(s, column) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, column))), as: UTF8.self)
}

/// Reads `SELECT id, learner_id, state_key, action_key, q_value, visit_count, updated_at`.
@inline(__always)
func rawReadRow(_ s: OpaquePointer) -> RawRow {
    RawRow(
        id: sqlite3_column_int64(s, 0),
        learnerId: rawText(s, 1),
        stateKey: rawText(s, 2),
        actionKey: rawText(s, 3),
        qValue: sqlite3_column_double(s, 4),
        visitCount: sqlite3_column_int64(s, 5),
        updatedAt: rawTimestamp(s, 6))
}

@inline(__always)
func rawBindText(_ s: OpaquePointer, _ index: Int32, _ v: String) {
    sqlite3_bind_text(s, index, v, -1, SQLITE_TRANSIENT_BENCH)
}

func rawDigest(_ rows: [RawRow]) -> UInt64 {
    var d = Digest()
    for r in rows {
        d.mix(r.id); d.mix(r.learnerId); d.mix(r.stateKey); d.mix(r.actionKey)
        d.mix(r.qValue); d.mix(r.visitCount); d.mix(r.updatedAt)
    }
    return d.value
}

enum RawContender {
    static let select = "SELECT id, learner_id, state_key, action_key, q_value, visit_count, updated_at FROM rl_q_value"
    static let insertSQL = "INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    static let upsertSQL = "INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT(learner_id, state_key, action_key) DO UPDATE SET q_value = excluded.q_value, visit_count = visit_count + 1, updated_at = excluded.updated_at"
    static let getQSQL = "SELECT q_value FROM rl_q_value WHERE learner_id = ?1 AND state_key = ?2 AND action_key = ?3"
    static let updateQSQL = "UPDATE rl_q_value SET q_value = ?4, visit_count = visit_count + 1, updated_at = ?5 WHERE learner_id = ?1 AND state_key = ?2 AND action_key = ?3"

    static func prepare(_ workload: Workload, path: String, data: BenchData) throws -> PreparedRun {
        let c = try RawConnection(path: path)
        switch workload {
        case .insert:
            let begin = try c.prepare("BEGIN IMMEDIATE")
            let commit = try c.prepare("COMMIT")
            let insert = try c.prepare(insertSQL)
            return PreparedRun(c) {
                var ids: [Int64] = []
                ids.reserveCapacity(data.rows)
                try c.run(begin, "BEGIN")
                for i in 0..<data.rows {
                    rawBindText(insert, 1, data.learnerIds[i])
                    rawBindText(insert, 2, data.stateKeys[i])
                    rawBindText(insert, 3, data.actionKeys[i])
                    sqlite3_bind_double(insert, 4, BenchData.qValue(i))
                    sqlite3_bind_int64(insert, 5, BenchData.visitCount(i))
                    rawBindTimestamp(insert, 6, BenchData.updatedAt(i))
                    try c.run(insert, "INSERT")
                    ids.append(sqlite3_last_insert_rowid(c.db))
                }
                try c.run(commit, "COMMIT")
                return { var d = Digest(); for id in ids { d.mix(id) }; return d.value }
            }
        case .upsert:
            let begin = try c.prepare("BEGIN IMMEDIATE")
            let commit = try c.prepare("COMMIT")
            let upsert = try c.prepare(upsertSQL)
            return PreparedRun(c) {
                try c.run(begin, "BEGIN")
                for i in 0..<data.rows {
                    rawBindText(upsert, 1, data.learnerIds[i])
                    rawBindText(upsert, 2, data.stateKeys[i])
                    rawBindText(upsert, 3, data.actionKeys[i])
                    sqlite3_bind_double(upsert, 4, BenchData.upsertQValue(i))
                    rawBindTimestamp(upsert, 5, BenchData.upsertUpdatedAt(i))
                    try c.run(upsert, "UPSERT")
                }
                try c.run(commit, "COMMIT")
                let n = data.rows
                return { UInt64(n) }
            }
        case .fetchAll:
            let all = try c.prepare(select + " ORDER BY id")
            return PreparedRun(c) {
                var rows: [RawRow] = []
                while sqlite3_step(all) == SQLITE_ROW { rows.append(rawReadRow(all)) }
                sqlite3_reset(all)
                return { rawDigest(rows) }
            }
        case .lookup:
            let byKey = try c.prepare(select + " WHERE learner_id = ?1 AND state_key = ?2 AND action_key = ?3")
            return PreparedRun(c) {
                var found: [RawRow] = []
                found.reserveCapacity(data.rows)
                for j in 0..<data.rows {
                    let i = data.lookupRow(j)
                    rawBindText(byKey, 1, data.learnerIds[i])
                    rawBindText(byKey, 2, data.stateKeys[i])
                    rawBindText(byKey, 3, data.actionKeys[i])
                    if sqlite3_step(byKey) == SQLITE_ROW { found.append(rawReadRow(byKey)) }
                    sqlite3_reset(byKey)
                }
                return { rawDigest(found) }
            }
        case .learnerLoop:
            let getQ = try c.prepare(getQSQL)
            let updateQ = try c.prepare(updateQSQL)
            return PreparedRun(c) {
                var d = Digest()
                for j in 0..<data.loopIterations {
                    let i = data.loopRow(j)
                    let (learner, state, action) = (data.learnerIds[i], data.stateKeys[i], data.actionKeys[i])
                    // get_q_value
                    rawBindText(getQ, 1, learner)
                    rawBindText(getQ, 2, state)
                    rawBindText(getQ, 3, action)
                    guard sqlite3_step(getQ) == SQLITE_ROW else { sqlite3_reset(getQ); continue }
                    let q = sqlite3_column_double(getQ, 0)
                    sqlite3_reset(getQ)
                    d.mix(q)
                    // update_q_value
                    rawBindText(updateQ, 1, learner)
                    rawBindText(updateQ, 2, state)
                    rawBindText(updateQ, 3, action)
                    sqlite3_bind_double(updateQ, 4, q + BenchData.learningRate * (BenchData.reward(j) - q))
                    rawBindTimestamp(updateQ, 5, BenchData.loopTime(j))
                    try c.run(updateQ, "UPDATE")
                    d.mix(Int(sqlite3_changes(c.db)))
                }
                let value = d.value
                return { value }
            }
        }
    }

/// Creates a template database holding the rows `i` for which `include(i)` is true.
    static func makeTemplate(path: String, data: BenchData, include: (Int) -> Bool) throws {
        removeDatabase(path)
        let c = try RawConnection(path: path)
        try c.exec(BenchDDL.sql)
        let insert = try c.prepare("INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        try c.exec("BEGIN IMMEDIATE")
        for i in 0..<data.rows where include(i) {
            sqlite3_bind_text(insert, 1, data.learnerIds[i], -1, SQLITE_TRANSIENT_BENCH)
            sqlite3_bind_text(insert, 2, data.stateKeys[i], -1, SQLITE_TRANSIENT_BENCH)
            sqlite3_bind_text(insert, 3, data.actionKeys[i], -1, SQLITE_TRANSIENT_BENCH)
            sqlite3_bind_double(insert, 4, BenchData.qValue(i))
            sqlite3_bind_int64(insert, 5, BenchData.visitCount(i))
            rawBindTimestamp(insert, 6, BenchData.updatedAt(i))
            try c.run(insert, "INSERT")
        }
        try c.exec("COMMIT")
        try c.exec("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// An empty database with the schema and the WAL journal mode.
    static func makeEmpty(path: String) throws {
        removeDatabase(path)
        let c = try RawConnection(path: path)
        try c.exec(BenchDDL.sql)
    }

    /// A digest of the whole table (every column of every row, by id), compared across contenders after each run.
    /// `ignoringRowIDs`: every column but the id, the rows in key order — for runs whose concurrent
    /// writers insert rows in an order (and so with ids) that varies from run to run.
    static func fingerprint(path: String, ignoringRowIDs: Bool = false) throws -> String {
        let c = try RawConnection(path: path)
        let all = try c.prepare(select + (ignoringRowIDs ? " ORDER BY learner_id, state_key, action_key" : " ORDER BY id"))
        var rows: [RawRow] = []
        var texts = Digest()
        while sqlite3_step(all) == SQLITE_ROW {
            var row = rawReadRow(all)
            if ignoringRowIDs { row.id = 0 }
            rows.append(row)
            texts.mix(String(rawText(all, 6).prefix(19))) // the stored timestamp text (GRDB appends .SSS)
        }
        sqlite3_reset(all)
        return "rows=\(rows.count) digest=\(String(rawDigest(rows), radix: 16)) timestamps=\(String(texts.value, radix: 16))"
    }
}
