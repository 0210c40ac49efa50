import Foundation
import Testing
@testable import SchemagenRuntime

/// What a pool write reports to the observations: the tables its statements changed, from the
/// footprints SQLite's authorizer recorded when each statement was prepared.
@Suite struct ChangeTrackingTests {
    private func connection() throws -> (Database, ConnectionHooks) {
        let hooks = ConnectionHooks()
        let db = try Database(path: ":memory:", options: Database.Options(), hooks: hooks)
        try db.execute("CREATE TABLE a(x INTEGER); CREATE TABLE b(y INTEGER); CREATE VIEW v AS SELECT x FROM a")
        return (db, hooks)
    }

    private enum Table { case a, b }

    /// One cached statement per table.
    private func insert(_ db: Database, into table: Table) throws {
        switch table {
        case .a: try db.withStatement("INSERT INTO a VALUES (1)") { s throws(DatabaseError) in try s.run() }
        case .b: try db.withStatement("INSERT INTO b VALUES (1)") { s throws(DatabaseError) in try s.run() }
        }
    }

    @Test func aWriteReportsEveryTableItChangedOnce() throws {
        let (db, hooks) = try connection()
        defer { db.close() }
        hooks.beginChangeTracking()
        try insert(db, into: .a)
        try insert(db, into: .a)
        try insert(db, into: .b)
        try insert(db, into: .a)
        hooks.endChangeTracking()
        #expect(hooks.changedTables == ["a", "b"])
    }

    @Test func theNextWriteStartsAfresh() throws {
        let (db, hooks) = try connection()
        defer { db.close() }
        hooks.beginChangeTracking()
        try insert(db, into: .a)
        hooks.endChangeTracking()
        hooks.beginChangeTracking()
        try insert(db, into: .b)
        hooks.endChangeTracking()
        #expect(hooks.changedTables == ["b"])
        // The same cached statement as in the first write is recorded again in a later one.
        hooks.beginChangeTracking()
        try insert(db, into: .a)
        hooks.endChangeTracking()
        #expect(hooks.changedTables == ["a"])
    }

    @Test func aStatementThatChangedNoRowAndReadsAreNotReported() throws {
        let (db, hooks) = try connection()
        defer { db.close() }
        hooks.beginChangeTracking()
        try db.withStatement("DELETE FROM b WHERE y = 42") { s throws(DatabaseError) in try s.run() }
        try db.withStatement("SELECT count(*) FROM v") { s throws(DatabaseError) in _ = try s.step() }
        hooks.endChangeTracking()
        #expect(hooks.changedTables.isEmpty)
    }

    @Test func aSchemaChangeReportsTheWildcard() throws {
        let (db, hooks) = try connection()
        defer { db.close() }
        hooks.beginChangeTracking()
        try db.execute("CREATE TABLE c(z INTEGER)")
        hooks.endChangeTracking()
        #expect(hooks.changedTables == ["*", "c"])
    }

    @Test func untrackedStatementsAreNotRecorded() throws {
        let (db, hooks) = try connection()
        defer { db.close() }
        try insert(db, into: .a)
        hooks.beginChangeTracking()
        hooks.endChangeTracking()
        #expect(hooks.changedTables.isEmpty)
    }
}

/// A pool connection's cancellation names the job it is for (`ConnectionHooks.cancel(job:)`).
@Suite struct ConnectionCancellationTests {
    @Test func aCancellationStopsItsJobsStatements() throws {
        let hooks = ConnectionHooks()
        let db = try Database(path: ":memory:", options: Database.Options(), hooks: hooks)
        defer { db.close() }
        let job = hooks.startJob()
        try db.execute("CREATE TABLE t(x INTEGER)")
        hooks.cancel(job: job)
        #expect(hooks.isCancelled)
        #expect(throws: DatabaseError.self) {
            try db.withStatement("INSERT INTO t VALUES (1)") { s throws(DatabaseError) in try s.run() }
        }
    }

    @Test func aCancellationThatArrivesAfterItsJobEndedDoesNotTouchTheNextJob() throws {
        let hooks = ConnectionHooks()
        let db = try Database(path: ":memory:", options: Database.Options(), hooks: hooks)
        defer { db.close() }
        let first = hooks.startJob()
        try db.execute("CREATE TABLE t(x INTEGER)")
        _ = hooks.startJob() // the first job ended; the next one runs
        hooks.cancel(job: first) // the first job's task is cancelled only now
        #expect(!hooks.isCancelled)
        try db.withStatement("INSERT INTO t VALUES (1)") { s throws(DatabaseError) in try s.run() }
        let count = try db.withStatement("SELECT count(*) FROM t") { s throws(DatabaseError) in _ = try s.step(); return try s.int(0) }
        #expect(count == 1)
    }

    @Test func aConnectionOutsideAnyJobIsNeverCancelled() throws {
        let hooks = ConnectionHooks()
        #expect(!hooks.isCancelled)
    }
}
