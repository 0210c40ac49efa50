import Foundation
import Testing
import SchemagenRuntime
import VictorSchema

/// The generated code of the repo's schema in both `DatabasePool` bodies, against a real WAL file:
/// a `write` body's `Database` has the full DAO, a `read` body's `ReadOnlyDatabase` the read DAO
/// (fetches and counts; writing there does not compile, which `ReadDAOCompileTests` proves).
@Suite struct PoolDAOTests {
    /// A pool over a fresh file in its own temporary directory, with the schema created.
    final class Store: Sendable {
        let directory: URL
        let pool: DatabasePool

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("victor-pool-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("victor.sqlite").path
            // Migrate at launch, before the pool opens (docs/CONCURRENCY.md): `migrate` runs its own transactions.
            let launch = try Database(path: path)
            try VictorMigrations.migrate(launch)
            launch.close()
            pool = try DatabasePool(path: path)
        }

        func close() async {
            await pool.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static let when = Date(timeIntervalSince1970: 1_700_000_000)

    /// Generic reading code: one function for both bodies (`Database` and `ReadOnlyDatabase`).
    static func visits(_ db: some DatabaseReading & Sendable, learner: String) throws(DatabaseError) -> Int64 {
        try db.rlQValue.fetchAll(learnerId: learner).reduce(0) { $0 + ($1.visitCount ?? 0) }
    }

    @Test func writeBodyInsertsUpsertsAndFetches() async throws {
        let store = try await Store()
        let pool = store.pool
        let written = try await pool.write { db throws(DatabaseError) -> [RlQValue] in
            let dao: RlQValueDAO = db.rlQValue   // the full DAO
            try db.rlLearner.insert(RlLearner(id: "ql", name: "Q", type: "q_learning"))
            let a = try dao.insert(RlQValue(learnerId: "ql", stateKey: "s", actionKey: "a", visitCount: 1))
            let b = try dao.insert(RlQValue(learnerId: "ql", stateKey: "s", actionKey: "b"))
            // Upsert on the UNIQUE key: the existing row (a's id) gets the new values.
            let upserted = try dao.upsertAndFetch(RlQValue(learnerId: "ql", stateKey: "s", actionKey: "a", qValue: 0.9, visitCount: 2,
                                                           lastUpdated: Self.when), onConflict: .learnerIdStateKeyActionKey)
            #expect(upserted.id == a.id && upserted.qValue == 0.9)
            try dao.upsert(RlQValue(learnerId: "ql", stateKey: "t", actionKey: "a", visitCount: 5), onConflict: .learnerIdStateKeyActionKey)
            // Fetches in the write body see its own uncommitted writes.
            #expect(try dao.fetch(id: a.id ?? -1) == upserted)
            #expect(try dao.count() == 3)
            #expect(try Self.visits(db, learner: "ql") == 7)
            return [upserted, b]
        }
        #expect(written.count == 2)

        // A read body: the read DAO, same rows, from the committed snapshot.
        let (journal, byID, byKey, partition, page, count, visits) = try await pool.read { db throws(DatabaseError) in
            let reads: RlQValueReads<ReadOnlyDatabase> = db.rlQValue
            let journal = try db.withStatement("PRAGMA journal_mode") { s throws(DatabaseError) -> String in
                _ = try s.step()
                return try s.text(0)
            }
            return (journal,
                    try reads.fetch(id: written[0].id ?? -1),
                    try reads.fetch(learnerId: "ql", stateKey: "s", actionKey: "b"),
                    try reads.fetchAll(learnerId: "ql"),
                    try reads.fetchAll(limit: 1, offset: 1),
                    try reads.count(),
                    try Self.visits(db, learner: "ql"))
        }
        #expect(journal == "wal")
        #expect(byID == written[0])
        #expect(byKey == written[1])
        #expect(partition.map(\.actionKey) == ["a", "b", "a"])
        #expect(partition.map(\.stateKey) == ["s", "s", "t"])
        #expect(page == [written[1]])
        #expect(count == 3)
        #expect(visits == 7)
        #expect(try await pool.read { db throws(DatabaseError) in try db.rlLearner.fetch(id: "ql")?.type } == "q_learning")
        await store.close()
    }

    /// A failed write body rolls its DAO writes back; reads see none of them.
    @Test func aThrowingWriteBodyLeavesNothing() async throws {
        let store = try await Store()
        let pool = store.pool
        await #expect(throws: DatabaseError.self) {
            try await pool.write { db throws(DatabaseError) in
                try db.rlQValue.insert(RlQValue(learnerId: "x", stateKey: "s", actionKey: "a"))
                // The same UNIQUE key again: a constraint error, thrown out of the body.
                try db.rlQValue.insert(RlQValue(learnerId: "x", stateKey: "s", actionKey: "a"))
            }
        }
        #expect(try await pool.read { db throws(DatabaseError) in try db.rlQValue.count() } == 0)
        await store.close()
    }

    /// `pool.observe` over a read-DAO fetch: the first value at once, then the fetch's fresh result
    /// after each committed write to `rl_q_value`.
    @Test func observingADAOFetch() async throws {
        let store = try await Store()
        let pool = store.pool
        let observation: DatabaseObservation<[RlQValue]> = pool.observe { db in try db.rlQValue.fetchAll() }
        var values = observation.makeAsyncIterator()
        #expect(try await values.next() == [])

        let row = try await pool.write { db throws(DatabaseError) in
            try db.rlQValue.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a"))
        }
        // `write` returns once the observation was told: the next value has the insert.
        #expect(try await values.next() == [row])

        var changed = row
        changed.visitCount = 4
        try await pool.write { [changed] db throws(DatabaseError) in try db.rlQValue.upsert(changed) }
        #expect(try await values.next()?.map(\.visitCount) == [4])

        // Rolled back: nothing to see; the next value is the following commit's.
        _ = try? await pool.write { db throws(DatabaseError) in
            try db.rlQValue.delete(id: row.id ?? -1)
            throw DatabaseError(kind: .misuse, message: "roll back")
        }
        try await pool.write { db throws(DatabaseError) in
            _ = try db.rlQValue.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "b"))
        }
        #expect(try await values.next()?.map(\.actionKey) == ["a", "b"])
        await store.close()
    }
}
