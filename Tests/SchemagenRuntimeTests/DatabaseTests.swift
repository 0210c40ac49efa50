import Foundation
import Testing
import SchemagenRuntime

@Suite struct TransactionTests {
    func makeDB() throws -> Database {
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        return db
    }

    func insert(_ db: Database, _ v: String) throws(DatabaseError) {
        try db.withStatement("INSERT INTO t (v) VALUES (?)") { stmt throws(DatabaseError) in
            stmt.bind(v, at: 1)
            try stmt.run()
        }
    }

    func values(_ db: Database) throws(DatabaseError) -> [String] {
        try db.withStatement("SELECT v FROM t ORDER BY id") { stmt throws(DatabaseError) in
            var out: [String] = []
            while try stmt.step() { out.append(try stmt.text(0)) }
            return out
        }
    }

    @Test func commit() throws {
        let db = try makeDB()
        let result = try db.transaction { db in
            #expect(db.isInTransaction)
            try insert(db, "a")
            try insert(db, "b")
            return 42
        }
        #expect(result == 42)
        #expect(!db.isInTransaction)
        #expect(try values(db) == ["a", "b"])
    }

    @Test func rollbackOnThrowRethrowsUnchanged() throws {
        let db = try makeDB()
        try insert(db, "before")
        let error = #expect(throws: TestFailure.self) {
            try db.transaction { db in
                try insert(db, "x")
                try insert(db, "y")
                throw TestFailure(description: "boom")
            }
        }
        #expect(error?.description == "boom")
        #expect(!db.isInTransaction)
        #expect(try values(db) == ["before"])
    }

    @Test func nestedSavepointRollsBackInnerOnly() throws {
        let db = try makeDB()
        try db.transaction { db in
            try insert(db, "outer1")
            #expect(throws: TestFailure.self) {
                try db.transaction { db in
                    try insert(db, "inner")
                    #expect(try values(db) == ["outer1", "inner"])
                    throw TestFailure(description: "inner fails")
                }
            }
            try db.transaction { db in try insert(db, "inner2") }
            try insert(db, "outer2")
        }
        #expect(try values(db) == ["outer1", "inner2", "outer2"])
        // Outer rollback undoes released savepoints too.
        _ = try? db.transaction { db in
            try db.transaction { db in try insert(db, "gone") }
            throw TestFailure(description: "outer fails")
        }
        #expect(try values(db) == ["outer1", "inner2", "outer2"])
    }

    @Test func databaseErrorInsideTransactionRollsBack() throws {
        let db = try makeDB()
        let error = #expect(throws: DatabaseError.self) {
            try db.transaction { db in
                try insert(db, "ok")
                try db.withStatement("INSERT INTO t (v) VALUES (NULL)") { stmt throws(DatabaseError) in try stmt.run() }
            }
        }
        #expect(error?.constraint == .notNull)
        #expect(try db.count("t") == 0)
    }
}

@Suite struct ConstraintTests {
    func makeDB() throws -> Database {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              age INTEGER CHECK (age >= 0),
              parent_id INTEGER REFERENCES parent(id)
            );
            INSERT INTO parent (id) VALUES (1);
            INSERT INTO child (id, name, age, parent_id) VALUES (1, 'a', 1, 1);
            """)
        return db
    }

    static let insertSQL: StaticString = "INSERT INTO child (id, name, age, parent_id) VALUES (?, ?, ?, ?)"

    func attempt(_ db: Database, id: Int64, name: String?, age: Int64, parent: Int64?) -> DatabaseError? {
        do throws(DatabaseError) {
            try db.withStatement(Self.insertSQL) { stmt throws(DatabaseError) in
                stmt.bind(id, at: 1)
                stmt.bind(name, at: 2)
                stmt.bind(age, at: 3)
                stmt.bind(parent, at: 4)
                try stmt.run()
            }
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (Int64(2), String?.none, Int64(1), Int64?.some(1), DatabaseError.ConstraintKind.notNull, "NOT NULL"),
        (2, "a", 1, 1, .unique, "UNIQUE"),
        (1, "b", 1, 1, .primaryKey, "UNIQUE constraint failed: child.id"),
        (2, "b", 1, 99, .foreignKey, "FOREIGN KEY"),
        (2, "b", -5, 1, .check, "CHECK"),
    ])
    func violation(id: Int64, name: String?, age: Int64, parent: Int64?, kind: DatabaseError.ConstraintKind, text: String) throws {
        let db = try makeDB()
        let error = try #require(attempt(db, id: id, name: name, age: age, parent: parent))
        #expect(error.kind == .sqlite)
        #expect(error.resultCode == 19)
        #expect(error.isConstraintViolation)
        #expect(error.constraint == kind)
        #expect(error.message.contains(text))
        #expect(error.sql == "INSERT INTO child (id, name, age, parent_id) VALUES (?, ?, ?, ?)")
        #expect(error.description.contains("SQLite error 19 (SQLITE_CONSTRAINT_"))
        #expect(error.description.contains("— while executing: INSERT INTO child"))
        // Nothing changed, and the cached statement is still usable afterwards.
        #expect(try db.count("child") == 1)
        #expect(attempt(db, id: 2, name: "ok", age: 3, parent: 1) == nil)
        #expect(try db.count("child") == 2)
    }

    @Test func descriptionFormat() throws {
        let db = try makeDB()
        let error = try #require(attempt(db, id: 2, name: "a", age: 1, parent: 1))
        #expect(error.extendedResultCode == 2067)
        #expect(error.description == "SQLite error 19 (SQLITE_CONSTRAINT_UNIQUE): UNIQUE constraint failed: child.name — while executing: INSERT INTO child (id, name, age, parent_id) VALUES (?, ?, ?, ?)")
    }

    @Test func foreignKeysCanBeDisabled() throws {
        var options = Database.Options()
        options.foreignKeys = false
        let db = try Database.inMemory(options: options)
        try db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id)); INSERT INTO c VALUES (5)")
        #expect(try db.count("c") == 1)
    }

    @Test func executeErrorsCarryFailingStatement() throws {
        let db = try makeDB()
        let error = #expect(throws: DatabaseError.self) {
            try db.execute("INSERT INTO parent (id) VALUES (2); INSERT INTO child (id, name) VALUES (1, 'dup'); INSERT INTO parent (id) VALUES (3)")
        }
        #expect(error?.constraint == .primaryKey)
        #expect(error?.sql == "INSERT INTO child (id, name) VALUES (1, 'dup')")
        let syntax = #expect(throws: DatabaseError.self) { try db.execute("SELEC 1") }
        #expect(syntax?.resultCode == 1)
        #expect(syntax?.sql == "SELEC 1")
    }
}

@Suite struct StatementBehaviourTests {
    @Test func wrongStorageClassThrowsTypeMismatch() throws {
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE n (amount INTEGER); INSERT INTO n VALUES ('abc')")
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT amount FROM n") { stmt throws(DatabaseError) in
                #expect(try stmt.step())
                _ = try stmt.int64(0)
            }
        }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message.contains("amount") == true)
        #expect(error?.message.contains("expected INTEGER") == true)
        #expect(error?.message.contains("found TEXT") == true)
        #expect(error?.sql == "SELECT amount FROM n")
        // Other mismatches.
        try db.withStatement("SELECT 1, 'x', x'00', 2.5") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            #expect(throws: DatabaseError.self) { _ = try stmt.text(0) }
            #expect(throws: DatabaseError.self) { _ = try stmt.double(1) }
            #expect(throws: DatabaseError.self) { _ = try stmt.text(2) }
            #expect(throws: DatabaseError.self) { _ = try stmt.blob(1) }
            #expect(throws: DatabaseError.self) { _ = try stmt.bool(3) }
            #expect(throws: DatabaseError.self) { _ = try stmt.epoch(1) }
            #expect(throws: DatabaseError.self) { _ = try stmt.optionalInt64(1) }
            // Bad index and reading without a row are misuse, not crashes.
            do throws(DatabaseError) { _ = try stmt.int64(4); Issue.record("expected error") } catch { #expect(error.kind == .misuse) }
            do throws(DatabaseError) { _ = try stmt.int64(-1); Issue.record("expected error") } catch { #expect(error.kind == .misuse) }
            #expect(try stmt.step() == false)
            do throws(DatabaseError) { _ = try stmt.int64(0); Issue.record("expected error") } catch { #expect(error.kind == .misuse) }
        }
    }

    @Test func bindFailureIsReportedByStep() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
                stmt.bind(Int64(1), at: 2) // out of range: only ?1 exists
                _ = try stmt.step()
            }
        }
        #expect(error?.resultCode == 25) // SQLITE_RANGE
        // The pending error is cleared: the cached statement works next time.
        let v = try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
            stmt.bind(Int64(7), at: 1)
            _ = try stmt.step()
            return try stmt.int64(0)
        }
        #expect(v == 7)
    }

    @Test func bindingsAreClearedBetweenUses() throws {
        let db = try Database.inMemory()
        try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
            stmt.bind("leftover", at: 1)
            _ = try stmt.step()
        }
        let isNull = try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return stmt.isNull(0)
        }
        #expect(isNull)
    }

    @Test func statementCaching() throws {
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE t (v INTEGER)")
        let base = db.cachedStatementCount
        func insert(_ v: Int) throws(DatabaseError) {
            try db.withStatement("INSERT INTO t (v) VALUES (?)") { stmt throws(DatabaseError) in
                stmt.bind(v, at: 1)
                try stmt.run()
            }
        }
        try insert(1)
        #expect(db.cachedStatementCount == base + 1)
        try insert(2)
        try insert(3)
        #expect(db.cachedStatementCount == base + 1) // same literal reused
        for _ in 0..<3 {
            try db.withStatement(sql: "SELECT count(*) FROM t") { stmt throws(DatabaseError) in _ = try stmt.step() }
        }
        #expect(db.cachedStatementCount == base + 2) // dynamic SQL cached by string
        #expect(try db.count("t") == 3)
        // A throwing body still resets the statement: the next use starts fresh.
        _ = try? db.withStatement("SELECT v FROM t ORDER BY v") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            throw DatabaseError(kind: .misuse, message: "stop mid-iteration")
        }
        let first = try db.withStatement("SELECT v FROM t ORDER BY v") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.int64(0)
        }
        #expect(first == 1)
        // Re-entrant use of the same SQL gets a separate statement.
        let pairs = try db.withStatement("SELECT v FROM t ORDER BY v") { outer throws(DatabaseError) in
            var n = 0
            while try outer.step() {
                n += try db.withStatement("SELECT v FROM t ORDER BY v") { inner throws(DatabaseError) in
                    var m = 0
                    while try inner.step() { m += 1 }
                    return m
                }
            }
            return n
        }
        #expect(pairs == 9)
    }

    @Test func multipleStatementsAreRejected() throws {
        let db = try Database.inMemory()
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT 1; SELECT 2") { stmt throws(DatabaseError) in _ = try stmt.step() }
        }
        #expect(error?.kind == .misuse)
        // Trailing semicolon, whitespace and comments are fine.
        let v = try db.withStatement("SELECT 5; -- trailing comment\n ") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.int64(0)
        }
        #expect(v == 5)
    }

    @Test func keywordIdentifiers() throws {
        let db = try Database.inMemory()
        try db.execute(#"CREATE TABLE "order" ("group" TEXT NOT NULL, "select" INTEGER, "from" REAL)"#)
        try db.withStatement(#"INSERT INTO "order" ("group", "select", "from") VALUES (?, ?, ?)"#) { stmt throws(DatabaseError) in
            stmt.bind("g1", at: 1)
            stmt.bind(3, at: 2)
            stmt.bind(1.5, at: 3)
            try stmt.run()
        }
        let row = try db.withStatement(#"SELECT "group", "select", "from" FROM "order" WHERE "group" = ?"#) { stmt throws(DatabaseError) in
            stmt.bind("g1", at: 1)
            #expect(try stmt.step())
            #expect(stmt.columnName(0) == "group")
            return (try stmt.text(0), try stmt.int64(1), try stmt.double(2))
        }
        #expect(row.0 == "g1" && row.1 == 3 && row.2 == 1.5)
    }

    @Test func lastInsertRowIDAndChanges() throws {
        let db = try Database.inMemory()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t (v) VALUES (1), (2), (3)")
        #expect(db.lastInsertRowID == 3)
        try db.execute("UPDATE t SET v = v + 1 WHERE v >= 2")
        #expect(db.changes == 2)
        let id = try db.withStatement("INSERT INTO t (v) VALUES (9)") { stmt throws(DatabaseError) in
            try stmt.run()
            return stmt.lastInsertRowID
        }
        #expect(id == 4)
    }

    @Test func closeIsIdempotentAndLaterUseIsMisuse() throws {
        let db = try Database.inMemory()
        try db.withStatement("SELECT 1") { stmt throws(DatabaseError) in _ = try stmt.step() }
        db.close()
        db.close()
        #expect(db.cachedStatementCount == 0)
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT 1") { stmt throws(DatabaseError) in _ = try stmt.step() }
        }
        #expect(error?.kind == .misuse)
        #expect(throws: DatabaseError.self) { try db.execute("SELECT 1") }
        #expect(throws: DatabaseError.self) { try db.transaction { _ in } }
    }
}

@Suite struct FileDatabaseTests {
    @Test func concurrentTransactionsOnSharedConnection() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let db = try Database(path: dir.path("shared.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, thread INTEGER NOT NULL, n INTEGER NOT NULL)")
        let errors = ErrorBox()
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            let worker = Thread {
                defer { group.leave() }
                for n in 0..<200 {
                    do {
                        try db.transaction { db in
                            try db.withStatement("INSERT INTO t (thread, n) VALUES (?, ?)") { stmt throws(DatabaseError) in
                                stmt.bind(thread, at: 1)
                                stmt.bind(n, at: 2)
                                try stmt.run()
                            }
                            // A read inside the same transaction sees our own write.
                            let mine = try db.withStatement("SELECT count(*) FROM t WHERE thread = ?") { stmt throws(DatabaseError) in
                                stmt.bind(thread, at: 1)
                                _ = try stmt.step()
                                return try stmt.int64(0)
                            }
                            if mine != Int64(n + 1) { throw TestFailure(description: "thread \(thread) saw \(mine) rows, expected \(n + 1)") }
                        }
                    } catch {
                        errors.add(error)
                    }
                }
            }
            worker.start()
        }
        group.wait()
        #expect(errors.all.isEmpty, "\(errors.all.prefix(3))")
        #expect(try db.count("t") == 1600)
        let perThread = try db.withStatement("SELECT count(DISTINCT thread), min(c), max(c) FROM (SELECT thread, count(*) AS c FROM t GROUP BY thread)") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return [try stmt.int64(0), try stmt.int64(1), try stmt.int64(2)]
        }
        #expect(perThread == [8, 200, 200])
    }

    @Test func twoConnectionsOnOneFileInWAL() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let path = dir.path("wal.db")
        let writer = try Database(path: path)
        let reader = try Database(path: path)
        let mode = try writer.withStatement("PRAGMA journal_mode") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.text(0)
        }
        #expect(mode == "wal")
        try writer.execute("CREATE TABLE t (v INTEGER)")
        try writer.transaction { db in
            try db.execute("INSERT INTO t VALUES (1), (2)")
            // The reader is not blocked by the open write transaction and sees the last commit.
            #expect(try reader.count("t") == 0)
        }
        #expect(try reader.count("t") == 2)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))

        var ro = Database.Options()
        ro.readOnly = true
        let readOnly = try Database(path: path, options: ro)
        #expect(try readOnly.count("t") == 2)
        let error = #expect(throws: DatabaseError.self) { try readOnly.execute("INSERT INTO t VALUES (3)") }
        #expect(error?.resultCode == 8) // SQLITE_READONLY
        #expect(try readOnly.transaction { db in try db.count("t") } == 2)
    }

    @Test func inMemoryIsNotWAL() throws {
        let db = try Database.inMemory()
        let mode = try db.withStatement("PRAGMA journal_mode") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.text(0)
        }
        #expect(mode == "memory")
        let fk = try db.withStatement("PRAGMA foreign_keys") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.bool(0)
        }
        #expect(fk)
    }

    @Test func openingGarbageFileThrows() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let path = dir.path("garbage.db")
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DatabaseError.self) { _ = try Database(path: path) }
        #expect(error?.resultCode == 26) // SQLITE_NOTADB
        #expect(error?.message.contains(path) == true)
    }

    @Test func openingMissingDirectoryThrows() throws {
        let error = #expect(throws: DatabaseError.self) {
            _ = try Database(path: "/nonexistent-dir-\(UUID().uuidString)/x.db")
        }
        #expect(error?.resultCode == 14) // SQLITE_CANTOPEN
        #expect(error?.message.contains("nonexistent-dir") == true)
    }

    @Test func dataPersistsAcrossReopen() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let path = dir.path("persist.db")
        do {
            let db = try Database(path: path)
            try db.execute("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')")
            db.close()
        }
        let db = try Database(path: path)
        let v = try db.withStatement("SELECT v FROM t") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.text(0)
        }
        #expect(v == "kept")
    }
}
