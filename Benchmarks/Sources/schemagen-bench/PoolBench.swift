import Foundation
import GRDB
import SchemagenRuntime

// Issue 16: async access through a pool.
//  * read throughput with 1, 2 and 4 concurrent reader tasks, schemagen's DatabasePool vs GRDB's
//    DatabasePool (both 4 reader connections), on the 100,000-row template: every read is one
//    `await pool.read { … }` (one read transaction) running one statement:
//      - point: the row at the UNIQUE key of lookup j (1 row, 7 columns decoded);
//      - range: 200 consecutive rows by id, (id, q_value, visit_count) summed.
//  * writer throughput: N write transactions of two shapes — each `UPDATE … SET visit_count =
//    visit_count + 1 WHERE id = ?` (the smallest write), and each the generated DAO's `recordVisit`
//    upsert (half new keys, half conflicting) — one after the other or from 4 tasks: the synchronous
//    `Database.transaction`, `await DatabasePool.write`, GRDB's `await DatabasePool.write`; then the
//    latency of each one-task UPDATE (synchronous path and pool), to show where the hand-off costs.
// Every contender: journal_mode=WAL, synchronous=NORMAL. Medians over the rounds.

enum PoolBench {
    static let select = "SELECT id, learner_id, state_key, action_key, q_value, visit_count, updated_at FROM rl_q_value"

    enum ReadKind: String, CaseIterable { case point, range }

    /// `--pool-spin`: the pool's `spinMicroseconds` (nil: its default).
    nonisolated(unsafe) static var poolSpin: Int?

    static func schemagenPool(_ path: String, checkpointInCommit: Bool = false) throws -> SchemagenRuntime.DatabasePool {
        var configuration = SchemagenRuntime.DatabasePool.Configuration()
        configuration.readerCount = 4
        configuration.options.synchronous = .normal
        if let spin = poolSpin { configuration.spinMicroseconds = spin }
        // SQLite's own automatic checkpoint (the synchronous contender's) when asked; else the pool's default (background).
        if checkpointInCommit { configuration.checkpointing = .inCommit(pages: 1000) }
        return try SchemagenRuntime.DatabasePool(path: path, configuration: configuration)
    }

    static func grdbPool(_ path: String) throws -> GRDB.DatabasePool {
        var config = GRDB.Configuration()
        config.maximumReaderCount = 4
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return try GRDB.DatabasePool(path: path, configuration: config)
    }

    /// One read of kind `kind` number `j`; returns a checksum.
    static func schemagenRead(_ pool: SchemagenRuntime.DatabasePool, _ kind: ReadKind, _ j: Int, _ data: BenchData) async throws -> Int {
        switch kind {
        case .point:
            let i = data.lookupRow(j)
            let (l, s, a) = (data.learnerIds[i], data.stateKeys[i], data.actionKeys[i])
            return try await pool.read { db throws(SchemagenRuntime.DatabaseError) in
                try db.withStatement("SELECT id, learner_id, state_key, action_key, q_value, visit_count, updated_at FROM rl_q_value WHERE learner_id = ? AND state_key = ? AND action_key = ?") { st throws(SchemagenRuntime.DatabaseError) in
                    st.bind(l, at: 1)
                    st.bind(s, at: 2)
                    st.bind(a, at: 3)
                    guard try st.step() else { return 0 }
                    let id = try st.int64(0)
                    _ = try st.text(1); _ = try st.text(2); _ = try st.text(3)
                    _ = try st.optionalDouble(4)
                    let visits = try st.optionalInt64(5) ?? 0
                    _ = try st.optionalTimestamp(6)
                    return Int(id) + Int(visits)
                }
            }
        case .range:
            let start = Int64((j &* 7919) % (data.rows - 200) + 1)
            return try await pool.read { db throws(SchemagenRuntime.DatabaseError) in
                try db.withStatement("SELECT id, q_value, visit_count FROM rl_q_value WHERE id >= ? ORDER BY id LIMIT 200") { st throws(SchemagenRuntime.DatabaseError) in
                    st.bind(start, at: 1)
                    var sum = 0
                    while try st.step() {
                        sum += Int(try st.int64(0)) + Int(try st.optionalInt64(2) ?? 0)
                        _ = try st.optionalDouble(1)
                    }
                    return sum
                }
            }
        }
    }

    static func grdbRead(_ pool: GRDB.DatabasePool, _ kind: ReadKind, _ j: Int, _ data: BenchData) async throws -> Int {
        switch kind {
        case .point:
            let i = data.lookupRow(j)
            let arguments: StatementArguments = [data.learnerIds[i], data.stateKeys[i], data.actionKeys[i]]
            return try await pool.read { db in
                let statement = try db.cachedStatement(sql: select + " WHERE learner_id = ? AND state_key = ? AND action_key = ?")
                guard let row = try GRDBQValue.fetchOne(statement, arguments: arguments) else { return 0 }
                return Int(row.id ?? 0) + Int(row.visitCount)
            }
        case .range:
            let start = Int64((j &* 7919) % (data.rows - 200) + 1)
            return try await pool.read { db in
                let statement = try db.cachedStatement(sql: "SELECT id, q_value, visit_count FROM rl_q_value WHERE id >= ? ORDER BY id LIMIT 200")
                var sum = 0
                let rows = try Row.fetchCursor(statement, arguments: [start])
                while let row = try rows.next() {
                    let id: Int64 = row[0]
                    let _: Double? = row[1]
                    let visits: Int64? = row[2]
                    sum += Int(id) + Int(visits ?? 0)
                }
                return sum
            }
        }
    }

    /// `total` reads split over `tasks` concurrent tasks; returns (seconds, checksum).
    static func runReads(tasks: Int, total: Int, _ read: @escaping @Sendable (Int) async throws -> Int) async throws -> (Double, Int) {
        let t0 = now()
        let checksum = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    var sum = 0
                    var j = t
                    while j < total {
                        sum &+= try await read(j)
                        j += tasks
                    }
                    return sum
                }
            }
            var sum = 0
            for try await part in group { sum &+= part }
            return sum
        }
        return (Double(now() - t0) / 1e9, checksum)
    }

    static func run(options: Options, directory: String) async throws {
        poolSpin = options.poolSpin
        print("schemagen DatabasePool spinMicroseconds: \(options.poolSpin ?? SchemagenRuntime.DatabasePool.Configuration().spinMicroseconds)")
        let data = BenchData(rows: 100_000, loopIterations: 0)
        let template = (directory as NSString).appendingPathComponent("pool-template.sqlite")
        try RawContender.makeTemplate(path: template, data: data, include: { _ in true })
        let work = (directory as NSString).appendingPathComponent("pool-run.sqlite")
        let readsPerRun = [ReadKind.point: 40_000, .range: 10_000]
        print("\nPool reads: \(readsPerRun[.point]!) point reads / \(readsPerRun[.range]!) range reads (200 rows) per run, split over N concurrent tasks;")
        print("each read is one `await pool.read`. 4 reader connections per pool. \(options.rounds) rounds, median reads/second.\n")
        print([pad("reads", 8), pad("tasks", 6, left: true), pad("schemagen", 14, left: true), pad("GRDB", 14, left: true), pad("sg/GRDB", 9, left: true)].joined(separator: " "))
        for kind in ReadKind.allCases where !options.only.contains("poolwrites") {
            let total = readsPerRun[kind]!
            for tasks in [1, 2, 4] {
                var ours: [Double] = [], theirs: [Double] = []
                var reference: Int?
                for round in 0..<options.rounds {
                    removeDatabase(work)
                    try FileManager.default.copyItem(atPath: template, toPath: work)
                    for contender in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                        let seconds: Double, checksum: Int
                        if contender == 0 {
                            let pool = try schemagenPool(work)
                            _ = try await schemagenRead(pool, kind, 0, data) // warm: open the connection's cache
                            (seconds, checksum) = try await runReads(tasks: tasks, total: total) { j in try await schemagenRead(pool, kind, j, data) }
                            ours.append(Double(total) / seconds)
                            await pool.close()
                        } else {
                            let pool = try grdbPool(work)
                            _ = try await grdbRead(pool, kind, 0, data)
                            (seconds, checksum) = try await runReads(tasks: tasks, total: total) { j in try await grdbRead(pool, kind, j, data) }
                            theirs.append(Double(total) / seconds)
                            try pool.close()
                        }
                        if let reference, reference != checksum { throw BenchError("pool \(kind) reads disagree: \(checksum) vs \(reference)") }
                        reference = checksum
                    }
                }
                let (o, t) = (median(ours), median(theirs))
                print([pad(kind.rawValue, 8), pad("\(tasks)", 6, left: true), pad(fmt(o, 0), 14, left: true), pad(fmt(t, 0), 14, left: true), pad(fmt(o / t, 2) + "x", 9, left: true)].joined(separator: " "))
            }
        }

        let writes = 20_000
        for shape in WriteShape.allCases where options.writeShapes?.contains(shape.rawValue) ?? true {
            try await writerThroughput(shape, options: options, data: data, template: template, work: work, writes: writes)
        }
        if options.writers == nil || options.writers?.contains(0) == true || options.writers?.contains(1) == true,
           options.writeShapes?.contains(WriteShape.update.rawValue) ?? true {
            try await writeLatencies(options: options, data: data, template: template, work: work, writes: writes)
        }
        removeDatabase(work)
        removeDatabase(template)
    }

    /// The write transactions of the writer benchmark.
    enum WriteShape: String, CaseIterable {
        /// `UPDATE … SET visit_count = visit_count + 1 WHERE id = ?`: the smallest write there is, so
        /// the hand-off's cost shows at its largest.
        case update
        /// The generated DAO's `record_visit` upsert (the table: every column NOT NULL, a UNIQUE key
        /// of three text columns, an SQL-expression default), half of them new keys, half conflicting:
        /// a row-level write as an app makes it. GRDB runs the same SQL as a cached statement.
        case recordVisit = "record_visit"

        var title: String {
            switch self {
            case .update: "each one `UPDATE … visit_count + 1 WHERE id = ?`"
            case .recordVisit: "each one generated `recordVisit` upsert (half new keys, half conflicting)"
            }
        }
    }

    /// The keys of write `j` of the `record_visit` shape: an even `j` conflicts with template row
    /// `j * 5 % rows`; an odd `j` is a new key. Every write has its own key, so the file after the
    /// run is the same whatever order concurrent tasks' writes commit in.
    static func visitKey(_ j: Int, _ data: BenchData) -> (String, String, String, Double, Date) {
        let i = j * 5 % data.rows
        let state = j % 2 == 0 ? data.stateKeys[i] : "new-state-\(j)"
        return (data.learnerIds[i], state, data.actionKeys[i], BenchData.upsertQValue(i), BenchData.upsertUpdatedAt(j))
    }

    static let updateSQL: StaticString = "UPDATE rl_q_value SET visit_count = visit_count + 1 WHERE id = ?"
    /// The same, as GRDB takes it (made once, not per write).
    static let updateSQLText = "\(updateSQL)"

    /// Write `j` of a shape, its values worked out before the transaction (so a body captures only them).
    enum WriteOp: Sendable {
        case update(id: Int64)
        case visit(learnerId: String, stateKey: String, actionKey: String, qValue: Double, updatedAt: Date)

        init(_ shape: WriteShape, _ j: Int, _ data: BenchData) {
            switch shape {
            case .update:
                self = .update(id: Int64(j % data.rows + 1))
            case .recordVisit:
                let (l, s, a, q, t) = PoolBench.visitKey(j, data)
                self = .visit(learnerId: l, stateKey: s, actionKey: a, qValue: q, updatedAt: t)
            }
        }

        /// The transaction's body, on any schemagen connection (synchronous, pool, writer's executor).
        func apply(_ db: SchemagenRuntime.Database) throws(SchemagenRuntime.DatabaseError) {
            switch self {
            case .update(let id):
                try db.withStatement(PoolBench.updateSQL) { st throws(SchemagenRuntime.DatabaseError) in st.bind(id, at: 1); try st.run() }
            case .visit(let l, let s, let a, let q, let t):
                _ = try db.rlQValue.recordVisit(learnerId: l, stateKey: s, actionKey: a, qValue: q, updatedAt: t)
            }
        }
    }

    /// Write `j` of `shape` through `await pool.write` (plain, or from a task on the writer's executor).
    static func poolWrite(_ pool: SchemagenRuntime.DatabasePool, _ shape: WriteShape, _ j: Int, _ data: BenchData) async throws(SchemagenRuntime.DatabaseError) {
        let op = WriteOp(shape, j, data)
        try await pool.write { db throws(SchemagenRuntime.DatabaseError) in try op.apply(db) }
    }

    /// Writer throughput of one shape: `writes` transactions through the synchronous path, the pool
    /// (1 and 4 tasks) and GRDB's pool (1 and 4 tasks), the contenders rotating within each round and
    /// the file after every run compared with the first.
    static func writerThroughput(_ shape: WriteShape, options: Options, data: BenchData, template: String, work: String, writes: Int) async throws {
        print("\nWriter (\(shape.rawValue)): \(writes) write transactions, \(shape.title), submitted one after the other")
        print("(1 task) or by 4 concurrent tasks (the pools serialise them). Median transactions/second.\n")
        var results: [String: [Double]] = [:]
        var writeFingerprint: String?
        let names = ["sync Database.transaction, 1 thread", "await DatabasePool.write, 1 task", "GRDB await DatabasePool.write, 1 task",
                     "await DatabasePool.write, 4 tasks", "GRDB await DatabasePool.write, 4 tasks",
                     "pool.write in withWriterExecutor, 1 task", "pool.write in withWriterExecutor, 4 tasks",
                     "await DatabasePool.write, 1 task, .inCommit"]
        for round in 0..<options.rounds {
            for k in 0..<names.count {
                let contender = (k + round) % names.count
                if let chosen = options.writers, !chosen.contains(contender) { continue }
                removeDatabase(work)
                try FileManager.default.copyItem(atPath: template, toPath: work)
                let seconds: Double
                let tasks = names[contender].hasSuffix("4 tasks") ? 4 : 1
                switch contender {
                case 0:
                    var o = SchemagenRuntime.Database.Options()
                    o.synchronous = .normal
                    let db = try SchemagenRuntime.Database(path: work, options: o)
                    let t0 = now()
                    for j in 0..<writes {
                        let op = WriteOp(shape, j, data)
                        try db.transaction { db throws(SchemagenRuntime.DatabaseError) in try op.apply(db) }
                    }
                    seconds = Double(now() - t0) / 1e9
                    db.close()
                case 1, 3, 7:
                    // 7: checkpoints in the commit (SQLite's own, as the synchronous contender's).
                    let pool = try schemagenPool(work, checkpointInCommit: contender == 7)
                    (seconds, _) = try await runReads(tasks: tasks, total: writes) { j in
                        try await poolWrite(pool, shape, j, data)
                        return 0
                    }
                    await pool.close()
                case 5, 6:
                    // Each task's whole loop runs on the writer's thread (one `withWriterExecutor`
                    // around it, as an application would write it): its writes run their bodies at once.
                    let pool = try schemagenPool(work)
                    let t0 = now()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for t in 0..<tasks {
                            group.addTask {
                                try await pool.withWriterExecutor { () async throws(SchemagenRuntime.DatabaseError) in
                                    var j = t
                                    while j < writes {
                                        try await poolWrite(pool, shape, j, data)
                                        j += tasks
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    seconds = Double(now() - t0) / 1e9
                    await pool.close()
                default:
                    let pool = try grdbPool(work)
                    (seconds, _) = try await runReads(tasks: tasks, total: writes) { j in
                        switch shape {
                        case .update:
                            let id = Int64(j % data.rows + 1)
                            try await pool.write { db in
                                try db.cachedStatement(sql: updateSQLText).execute(arguments: [id])
                            }
                        case .recordVisit:
                            let (l, s, a, q, t) = visitKey(j, data)
                            try await pool.write { db in
                                try db.cachedStatement(sql: RawContender.upsertSQL).execute(arguments: [l, s, a, q, t])
                            }
                        }
                        return 0
                    }
                    try pool.close()
                }
                results[names[contender], default: []].append(Double(writes) / seconds)
                // record_visit's new keys get their ids in commit order, which 4 tasks vary.
                let fingerprint = try RawContender.fingerprint(path: work, ignoringRowIDs: shape == .recordVisit)
                if let reference = writeFingerprint, reference != fingerprint { throw BenchError("writer runs disagree: \(fingerprint) vs \(reference)") }
                writeFingerprint = fingerprint
            }
        }
        let sync = median(results[names[0]] ?? [])
        for name in names where results[name] != nil {
            let rate = median(results[name] ?? [])
            // Beside the ratio of the medians, the median of each round's ratio: a round runs the
            // contenders one after the other, so its ratio is not moved by the host's drift between rounds.
            let syncRounds = results[names[0]] ?? []
            let paired = zip(results[name] ?? [], syncRounds).map { $0 / $1 }
            let ratio = name == names[0] || syncRounds.isEmpty ? "" : " (" + fmt(rate / sync, 2) + "x sync; per round " + fmt(median(paired), 2) + "x, " + fmt(paired.min() ?? 0, 2) + "-" + fmt(paired.max() ?? 0, 2) + ")"
            print([pad(name, 40), pad(fmt(rate, 0), 12, left: true)].joined(separator: " ") + ratio)
        }
    }

    /// Where the pool's one-task writes lose against the synchronous path: the same 20,000 writes,
    /// each one timed (two clock reads a write, for both), in rounds alternating the two; the
    /// percentiles over all rounds, and the share of the total time spent in writes over 50 µs
    /// (checkpoints, thread wake-ups).
    static func writeLatencies(options: Options, data: BenchData, template: String, work: String, writes: Int) async throws {
        var samples: [[UInt64]] = [[], []]
        var reference: String?
        for round in 0..<options.rounds {
            for contender in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                removeDatabase(work)
                try FileManager.default.copyItem(atPath: template, toPath: work)
                var latencies: [UInt64] = []
                latencies.reserveCapacity(writes)
                if contender == 0 {
                    var o = SchemagenRuntime.Database.Options()
                    o.synchronous = .normal
                    let db = try SchemagenRuntime.Database(path: work, options: o)
                    for j in 0..<writes {
                        let op = WriteOp(.update, j, data)
                        let t0 = now()
                        try db.transaction { db throws(SchemagenRuntime.DatabaseError) in try op.apply(db) }
                        latencies.append(now() - t0)
                    }
                    db.close()
                } else {
                    let pool = try schemagenPool(work)
                    for j in 0..<writes {
                        let op = WriteOp(.update, j, data)
                        let t0 = now()
                        try await pool.write { db throws(SchemagenRuntime.DatabaseError) in try op.apply(db) }
                        latencies.append(now() - t0)
                    }
                    await pool.close()
                }
                samples[contender] += latencies
                let fingerprint = try RawContender.fingerprint(path: work)
                if let reference, reference != fingerprint { throw BenchError("timed writer runs disagree: \(fingerprint) vs \(reference)") }
                reference = fingerprint
            }
        }
        print("\nOne write at a time, each timed (\(writes) writes x \(options.rounds) rounds): latency in µs.\n")
        print([pad("", 40), pad("p10", 7, left: true), pad("p50", 7, left: true), pad("p90", 7, left: true), pad("p99", 7, left: true),
               pad("max", 9, left: true), pad(">50µs", 7, left: true), pad("their time", 11, left: true)].joined(separator: " "))
        for (contender, name) in [(0, "sync Database.transaction"), (1, "await DatabasePool.write")] {
            let sorted = samples[contender].sorted()
            guard !sorted.isEmpty else { continue }
            func µs(_ q: Int) -> String { fmt(Double(sorted[min(sorted.count - 1, sorted.count * q / 100)]) / 1000, 1) }
            let slow = sorted.filter { $0 > 50_000 }
            let share = Double(slow.reduce(0, +)) / Double(sorted.reduce(0, +))
            print([pad(name, 40), pad(µs(10), 7, left: true), pad(µs(50), 7, left: true), pad(µs(90), 7, left: true), pad(µs(99), 7, left: true),
                   pad(fmt(Double(sorted[sorted.count - 1]) / 1000, 0), 9, left: true), pad("\(slow.count)", 7, left: true),
                   pad(fmt(share * 100, 1) + " %", 11, left: true)].joined(separator: " "))
        }
    }
}
