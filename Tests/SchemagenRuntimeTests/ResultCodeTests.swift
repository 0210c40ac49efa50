import CSQLite
import Foundation
import Testing
import SchemagenRuntime

@Suite struct ResultCodeTests {
    func makeDB() throws -> Database {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, parent_id INTEGER REFERENCES parent(id));
            INSERT INTO child (id, name) VALUES (1, 'a');
            """)
        return db
    }

    @Test func namedCodesMatchTheCAPI() {
        #expect(ResultCode.SQLITE_CONSTRAINT.rawValue == SQLITE_CONSTRAINT)
        #expect(ResultCode.SQLITE_CONSTRAINT_UNIQUE.rawValue == 2067)
        #expect(ResultCode.SQLITE_BUSY_SNAPSHOT.rawValue == 517)
        #expect(ResultCode.SQLITE_IOERR_SHORT_READ.rawValue == 522)
        #expect(ResultCode.SQLITE_CONSTRAINT_UNIQUE.primaryResultCode == .SQLITE_CONSTRAINT)
        #expect(ResultCode.SQLITE_CONSTRAINT.isPrimary)
        #expect(!ResultCode.SQLITE_CONSTRAINT_UNIQUE.isPrimary)
        #expect(ResultCode.SQLITE_CONSTRAINT_FOREIGNKEY.description == "SQLITE_CONSTRAINT_FOREIGNKEY")
        #expect(ResultCode(rawValue: 19 | (99 << 8)).name == nil)
        #expect(ResultCode(rawValue: 19 | (99 << 8)).description == "SQLITE code 25363")
        // Integer literals still compare (the API before ResultCode was Int32).
        let code: ResultCode = 19
        #expect(code == .SQLITE_CONSTRAINT)
        let raw: Int32 = 2067
        #expect(DatabaseError.codeName(raw) == "SQLITE_CONSTRAINT_UNIQUE")
        #expect(DatabaseError.codeName(ResultCode.SQLITE_BUSY) == "SQLITE_BUSY")
    }

    @Test func primaryPatternMatchesItsExtendedCodes() {
        func classify(_ code: ResultCode) -> String {
            switch code {
            case .SQLITE_CONSTRAINT_FOREIGNKEY: return "fk"
            case .SQLITE_CONSTRAINT: return "other constraint"
            case .SQLITE_BUSY: return "busy"
            default: return "other"
            }
        }
        #expect(classify(.SQLITE_CONSTRAINT_FOREIGNKEY) == "fk")
        #expect(classify(.SQLITE_CONSTRAINT_UNIQUE) == "other constraint")
        #expect(classify(.SQLITE_CONSTRAINT) == "other constraint")
        #expect(classify(.SQLITE_BUSY_SNAPSHOT) == "busy")
        #expect(classify(.SQLITE_IOERR) == "other")
        // An extended pattern matches only itself.
        #expect(!(ResultCode.SQLITE_CONSTRAINT_UNIQUE ~= ResultCode.SQLITE_CONSTRAINT))
        #expect(!(ResultCode.SQLITE_CONSTRAINT_UNIQUE ~= ResultCode.SQLITE_CONSTRAINT_NOTNULL))
    }

    @Test func catchPatterns() throws {
        let db = try makeDB()
        func insert(_ name: String?, parent: Int64? = nil) throws(DatabaseError) {
            try db.withStatement("INSERT INTO child (name, parent_id) VALUES (?, ?)") { stmt throws(DatabaseError) in
                stmt.bind(name, at: 1)
                stmt.bind(parent, at: 2)
                try stmt.run()
            }
        }
        func outcome(_ body: () throws -> Void) -> String {
            do {
                try body()
                return "ok"
            } catch ResultCode.SQLITE_CONSTRAINT_UNIQUE {
                return "unique"
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                return "constraint \(error.extendedResultCode)"
            } catch ResultCode.SQLITE_ERROR {
                return "error"
            } catch {
                return "something else"
            }
        }
        #expect(outcome { try insert("a") } == "unique")
        #expect(outcome { try insert(nil) } == "constraint SQLITE_CONSTRAINT_NOTNULL")
        #expect(outcome { try insert("b", parent: 42) } == "constraint SQLITE_CONSTRAINT_FOREIGNKEY")
        #expect(outcome { try db.execute("SELEC 1") } == "error")
        #expect(outcome { throw TestFailure(description: "not a database error") } == "something else")
        #expect(outcome { try insert("c") } == "ok")
        // Typed catch: the pattern works on a `DatabaseError` value too.
        do throws(DatabaseError) {
            try insert("a")
            Issue.record("expected a UNIQUE failure")
        } catch {
            #expect(ResultCode.SQLITE_CONSTRAINT ~= error)
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(error.resultCode == 19)
        }
    }
}

@Suite struct TypedTransactionTests {
    func makeDB() throws -> Database {
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        return db
    }

    static func insert(_ db: Database, _ v: Int?) throws(DatabaseError) {
        try db.withStatement("INSERT INTO t (v) VALUES (?)") { stmt throws(DatabaseError) in
            stmt.bind(v, at: 1)
            try stmt.run()
        }
    }

    // These compile only if the typed overload is chosen: they are `throws(DatabaseError)`.
    static func typedCommit(_ db: Database) throws(DatabaseError) -> Int {
        try db.transaction { db throws(DatabaseError) in
            try insert(db, 1)
            try insert(db, 2)
            return try Int(db.count("t"))
        }
    }

    static func typedNonThrowingBody(_ db: Database) throws(DatabaseError) -> Int {
        try db.transaction { _ in 7 }
    }

    static func typedRead(_ db: Database) throws(DatabaseError) -> Int64 {
        try db.readTransaction { db throws(DatabaseError) in try db.count("t") }
    }

    @Test func typedOverloadCommitsAndRollsBack() throws {
        let db = try makeDB()
        #expect(try Self.typedCommit(db) == 2)
        #expect(try Self.typedNonThrowingBody(db) == 7)
        #expect(try Self.typedRead(db) == 2)
        // A DatabaseError thrown by the body rolls back and comes out typed.
        do throws(DatabaseError) {
            try db.transaction { db throws(DatabaseError) in
                try Self.insert(db, 3)
                try Self.insert(db, nil) // NOT NULL
            }
            Issue.record("expected a NOT NULL failure")
        } catch {
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_NOTNULL)
        }
        #expect(try db.count("t") == 2)
        #expect(!db.isInTransaction)
        // Nested typed transactions are savepoints, as with the untyped overload.
        try db.transaction { db throws(DatabaseError) in
            try Self.insert(db, 4)
            _ = try? db.transaction { db throws(DatabaseError) in
                try Self.insert(db, 5)
                throw DatabaseError(kind: .misuse, message: "inner fails")
            }
        }
        #expect(try db.count("t") == 3)
    }

    @Test func untypedOverloadStillRethrowsAnyError() throws {
        let db = try makeDB()
        let error = #expect(throws: TestFailure.self) {
            try db.transaction { db in
                try Self.insert(db, 1)
                throw TestFailure(description: "mine")
            }
        }
        #expect(error?.description == "mine")
        let readError = #expect(throws: TestFailure.self) {
            try db.readTransaction { db in
                _ = try db.count("t")
                throw TestFailure(description: "read")
            }
        }
        #expect(readError?.description == "read")
        #expect(try db.count("t") == 0)
    }

    /// `readTransaction` is `BEGIN DEFERRED`: it takes no write lock, and reads one snapshot.
    @Test func readTransactionIsDeferredAndOneSnapshot() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        var options = Database.Options()
        options.busyTimeoutMilliseconds = 0
        let a = try Database(path: dir.path("rt.db"), options: options)
        let b = try Database(path: dir.path("rt.db"), options: options)
        try a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        try Self.insert(a, 1)
        try a.readTransaction { a throws(DatabaseError) in
            #expect(try a.count("t") == 1)
            // No write lock held: another connection can write meanwhile...
            try Self.insert(b, 2)
            // ...and this transaction still reads its snapshot.
            #expect(try a.count("t") == 1)
        }
        #expect(try a.count("t") == 2)
        // The write transaction (BEGIN IMMEDIATE) does take the write lock.
        try a.transaction { _ throws(DatabaseError) in
            do throws(DatabaseError) {
                try Self.insert(b, 3)
                Issue.record("expected SQLITE_BUSY")
            } catch {
                #expect(error.resultCode == .SQLITE_BUSY)
            }
        }
    }

    @Test func synchronousOption() throws {
        func synchronous(_ value: Database.Synchronous?) throws -> Int64 {
            var options = Database.Options()
            options.synchronous = value
            let db = try Database.inMemory(options: options)
            return try db.withStatement("PRAGMA synchronous") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                return try stmt.int64(0)
            }
        }
        #expect(try synchronous(.off) == 0)
        #expect(try synchronous(.normal) == 1)
        #expect(try synchronous(.full) == 2)
        #expect(try synchronous(.extra) == 3)
        #expect(try synchronous(nil) == 2) // SQLite's default, unchanged
    }
}
