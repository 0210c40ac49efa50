import Foundation
import Testing
import SchemagenRuntime
import VictorSchema

/// Round trips through the generated `VictorSchema` code against in-memory and file databases.
enum Store: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, file
    var testDescription: String { rawValue }

    func open() throws -> Database {
        let db: Database
        switch self {
        case .memory:
            db = try Database.inMemory()
        case .file:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("victor-\(UUID().uuidString).sqlite").path
            db = try Database(path: path)
        }
        try VictorMigrations.migrate(db)
        return db
    }
}

private func date(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

@Suite struct VictorRoundTripTests {
    @Test(arguments: Store.allCases)
    func insertReturnsDatabaseFilledValues(store: Store) throws {
        let db = try store.open()
        let learner = try db.rlLearner.insert(RlLearner(id: "ql", name: "Q", type: "q_learning", config: .object(["alpha": .number(0.1)])))
        #expect(learner.createdAt != nil) // COALESCE(?, datetime('now')) applied
        #expect(learner.config == .object(["alpha": .number(0.1)]))
        #expect(learner.updatedAt == nil)

        let q = try db.rlQValue.insert(RlQValue(learnerId: "ql", stateKey: "s", actionKey: "a"))
        #expect(q.id != nil)
        #expect(q.qValue == 0.5)
        #expect(q.visitCount == 0)
        let qid = try #require(q.id)
        #expect(try db.rlQValue.fetch(id: qid) == q)

        // An explicit value wins over the database default.
        let when = date(1_700_000_000)
        let explicit = try db.rlLearner.insert(RlLearner(id: "b", name: "B", type: "bandit", createdAt: when))
        #expect(explicit.createdAt == when)
    }

    @Test(arguments: Store.allCases)
    func boolDateJSONAndNullableMapping(store: Store) throws {
        let db = try store.open()
        try db.rlLearner.insert(RlLearner(id: "l", name: "L", type: "bandit"))
        let meta: JSONValue = .object(["tokens": .int(42), "tags": .array([.string("x"), .null]), "ok": .bool(true)])
        let stamp = date(1_700_000_123.5)
        let o = try db.rlOutcome.insert(RlOutcome(learnerId: "l", success: true, qualityScore: 0.75, metadata: meta, createdAt: stamp))
        #expect(o.vertical == "coding")
        let oid = try #require(o.id)
        let back = try #require(try db.rlOutcome.fetch(id: oid))
        #expect(back.success == true)
        #expect(back.metadata == meta)
        #expect(back.createdAt == stamp)
        #expect(back.provider == nil && back.model == nil)

        let f = try db.uiFailedCall.insert(UiFailedCall(toolName: "grep", argsHash: "h", firstSeen: date(12.25)))
        #expect(f.firstSeen == date(12.25)) // epoch (REAL seconds)
        #expect(f.failureCount == 1)
        #expect(f.lastSeen == nil)

        let falsy = try db.rlOutcome.insert(RlOutcome(learnerId: "l", vertical: nil, success: false))
        #expect(falsy.success == false)
        #expect(falsy.vertical == nil) // a literal default is a Swift default: nil writes NULL
    }

    @Test(arguments: Store.allCases)
    func keyFetchesLimitOffsetCount(store: Store) throws {
        let db = try store.open()
        let dao = db.rlQValue
        let rows = (0..<10).map { RlQValue(learnerId: $0 < 6 ? "a" : "b", stateKey: "s\($0)", actionKey: "x", qValue: Double($0)) }
        let stored = try dao.insert(contentsOf: rows)
        #expect(stored.count == 10)
        #expect(try dao.count() == 10)
        #expect(try dao.fetch(learnerId: "a", stateKey: "s3", actionKey: "x")?.qValue == 3)
        #expect(try dao.fetch(learnerId: "a", stateKey: "nope", actionKey: "x") == nil)
        #expect(try dao.fetchAll(learnerId: "b").map(\.stateKey) == ["s6", "s7", "s8", "s9"])
        #expect(try dao.fetchAll(limit: 3, offset: 2).map(\.stateKey) == ["s2", "s3", "s4"])
        #expect(try dao.fetchAll().count == 10)
        #expect(try dao.fetchAll(limit: 5, offset: 8).count == 2)
        // Without a limit or an offset, the LIMIT-less statement; with either, the paged one.
        #expect(try dao.fetchAll().map(\.stateKey) == (0..<10).map { "s\($0)" })
        #expect(try dao.fetchAll(offset: 7).map(\.stateKey) == ["s7", "s8", "s9"])
        #expect(try dao.fetchAll(limit: 2).map(\.stateKey) == ["s0", "s1"])
        #expect(try dao.fetchAll(limit: 0).isEmpty)

        // Index prefixes: rl_transition (learner_id, created_at).
        let t = db.rlTransition
        try t.insert(RlTransition(learnerId: "a", action: "go", createdAt: date(100)))
        try t.insert(RlTransition(learnerId: "a", action: "stop", createdAt: date(200)))
        #expect(try t.fetchAll(learnerId: "a").count == 2)
        #expect(try t.fetchAll(learnerId: "a", createdAt: date(200)).map(\.action) == ["stop"])

        // A nullable column in a unique key is matched NULL-safely (IS).
        try db.rlParam.insert(RlParam(learnerId: "a", paramKey: "k", paramValue: 1))
        #expect(try db.rlParam.fetch(learnerId: "a", paramKey: "k", context: nil)?.paramValue == 1)
        // Single-column UNIQUE; text primary key.
        try db.agentTeamConfig.insert(AgentTeamConfig(configKey: "c1", formation: "f", roleCounts: "{}"))
        #expect(try db.agentTeamConfig.fetch(configKey: "c1")?.formation == "f")
        try db.sysMetadata.insert(SysMetadata(key: "k", value: "v"))
        #expect(try db.sysMetadata.fetch(key: "k")?.value == "v")
    }

    @Test(arguments: Store.allCases)
    func updateDeleteUpsert(store: Store) throws {
        let db = try store.open()
        let dao = db.rlQValue
        var row = try dao.insert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a"))
        row.qValue = 0.9
        row.lastUpdated = date(1000)
        #expect(try dao.update(row))
        let rowID = try #require(row.id)
        #expect(try dao.fetch(id: rowID) == row)
        #expect(try dao.update(RlQValue(id: 999, learnerId: "x", stateKey: "y", actionKey: "z")) == false)
        #expect(try dao.update(RlQValue(learnerId: "x", stateKey: "y", actionKey: "z")) == false) // nil rowid

        // Upsert on the unique key: the conflict path updates in place and keeps the id.
        let up = try dao.upsertAndFetch(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a", qValue: 0.1, visitCount: 7),
                                onConflict: .learnerIdStateKeyActionKey)
        #expect(up.id == row.id)
        #expect(up.qValue == 0.1 && up.visitCount == 7)
        #expect(try dao.count() == 1)
        // Upsert on the unique key without a conflict inserts.
        let fresh = try dao.upsertAndFetch(RlQValue(learnerId: "l", stateKey: "s2", actionKey: "a"), onConflict: .learnerIdStateKeyActionKey)
        #expect(fresh.id != row.id)
        // Upsert on the primary key.
        var byId = up
        byId.qValue = 0.2
        #expect(try dao.upsertAndFetch(byId).qValue == 0.2)
        #expect(try dao.count() == 2)
        // The conflict path leaves the connection's last-insert rowid as it was.
        #expect(db.lastInsertRowID == fresh.id)

        // `upsert` writes without reading back: both paths.
        try dao.upsert(RlQValue(learnerId: "l", stateKey: "s", actionKey: "a", qValue: 0.3, visitCount: 8), onConflict: .learnerIdStateKeyActionKey)
        #expect(try dao.fetch(learnerId: "l", stateKey: "s", actionKey: "a")?.qValue == 0.3)
        #expect(try dao.fetch(learnerId: "l", stateKey: "s", actionKey: "a")?.id == row.id)
        try dao.upsert(RlQValue(learnerId: "l", stateKey: "s3", actionKey: "a", visitCount: 1), onConflict: .learnerIdStateKeyActionKey)
        #expect(try dao.count() == 3)
        #expect(try dao.delete(learnerId: "l", stateKey: "s3", actionKey: "a"))

        // Database-defaulted columns: nil on upsert/update keeps the stored value.
        let learner = try db.rlLearner.insert(RlLearner(id: "L", name: "n", type: "t"))
        let created = try #require(learner.createdAt)
        let renamed = try db.rlLearner.upsertAndFetch(RlLearner(id: "L", name: "n2", type: "t"))
        #expect(renamed.name == "n2" && renamed.createdAt == created)
        #expect(try db.rlLearner.update(RlLearner(id: "L", name: "n3", type: "t")))
        #expect(try db.rlLearner.fetch(id: "L")?.createdAt == created)

        #expect(try dao.delete(id: rowID))
        #expect(try dao.delete(id: rowID) == false)
        #expect(try dao.delete(learnerId: "l", stateKey: "s2", actionKey: "a"))
        #expect(try dao.count() == 0)

        // A table whose only column besides the key is database-defaulted.
        let v = try db.sysSchemaVersion.upsertAndFetch(SysSchemaVersion(version: 1))
        #expect(v.appliedAt != nil)
        #expect(try db.sysSchemaVersion.upsertAndFetch(SysSchemaVersion(version: 1)).appliedAt == v.appliedAt)
    }

    @Test(arguments: Store.allCases)
    func insertManyIsAtomic(store: Store) throws {
        let db = try store.open()
        let rows = (0..<500).map { RlTransition(learnerId: "l", fromState: "s\($0)", reward: Double($0)) }
        let stored = try db.rlTransition.insert(contentsOf: rows)
        #expect(stored.count == 500)
        #expect(Set(stored.compactMap(\.id)).count == 500)
        #expect(stored.allSatisfy { $0.createdAt != nil })

        let bad = [RlQValue(learnerId: "l", stateKey: "s", actionKey: "a"), RlQValue(learnerId: "l", stateKey: "s", actionKey: "a")]
        let error = #expect(throws: DatabaseError.self) { try db.rlQValue.insert(contentsOf: bad) }
        #expect(error?.constraint == .unique)
        #expect(try db.rlQValue.count() == 0) // rolled back as a whole
        #expect(db.isInTransaction == false)
    }
}
