import Foundation
import Testing
import CSQLite
@testable import SchemagenRuntime

/// The pool's WAL checkpoints (`DatabasePool.Configuration.checkpointing`): in the background by
/// default, the WAL bounded under a constant stream of writes, nothing lost or torn meanwhile.
@Suite struct CheckpointingTests {
    static let pages = 40
    static let writes = 1_200
    /// One row a write, each with its own ~3 KB blob: every commit appends at least one new page.
    static let blobBytes = 3_000

    static func makePool(_ dir: TempDirectory, _ checkpointing: DatabasePool.Configuration.Checkpointing) async throws -> DatabasePool {
        var configuration = DatabasePool.Configuration()
        configuration.options.synchronous = .normal
        configuration.checkpointing = checkpointing
        let pool = try DatabasePool(path: dir.path("ck.db"), configuration: configuration)
        try await pool.write { db throws(DatabaseError) in
            try db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }
        return pool
    }

    static func insert(_ pool: DatabasePool, _ i: Int) async throws {
        try await pool.write { db throws(DatabaseError) in
            try db.withStatement("INSERT INTO item (id, body) VALUES (?, randomblob(?))") { s throws(DatabaseError) in
                s.bind(Int64(i), at: 1)
                s.bind(Int64(CheckpointingTests.blobBytes), at: 2)
                try s.run()
            }
        }
    }

    /// The WAL's size in pages (frames), from its file: (size - 32-byte header) / (4 KiB page + 24-byte frame header).
    static func walFrames(_ dir: TempDirectory) -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: dir.path("ck.db-wal"))[.size] as? Int) ?? 0
        return max(0, size - 32) / (4096 + 24)
    }

    @Test func backgroundCheckpointsKeepTheWALBoundedAndLoseNothing() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try await Self.makePool(dir, .background(pages: Self.pages))
        let checkpointer = try #require(pool.core.checkpointer)
        var largestWAL = 0
        for i in 1...Self.writes {
            try await Self.insert(pool, i)
            largestWAL = max(largestWAL, Self.walFrames(dir))
        }
        #expect(checkpointer.backgroundCheckpoints > 0)
        // Under a constant stream the WAL only starts over after the writer copied the rest itself.
        #expect(checkpointer.writerCheckpoints > 0)
        // Bounded: 8 × pages and one commit's (at most 4 pages here), however long a background
        // checkpoint takes. Without the writer's part it would hold every write's pages (~3,600).
        #expect(largestWAL <= 8 * Self.pages + 4, "the WAL reached \(largestWAL) pages")
        #expect(largestWAL >= Self.pages)
        await pool.close()
        // Every row, intact, in the file.
        let db = try Database(path: dir.path("ck.db"))
        defer { db.close() }
        let (count, ok) = try db.withStatement("SELECT count(*), sum(length(body) = 3000) FROM item") { s throws(DatabaseError) in
            _ = try s.step()
            return (try s.int64(0), try s.int64(1))
        }
        #expect(count == Int64(Self.writes))
        #expect(ok == Int64(Self.writes))
        let integrity = try db.withStatement("PRAGMA integrity_check") { s throws(DatabaseError) in _ = try s.step(); return try s.text(0) }
        #expect(integrity == "ok")
    }

    /// Readers running through background checkpoints see whole transactions, in commit order.
    @Test func readersDuringBackgroundCheckpointsSeeEveryCommitWhole() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try await Self.makePool(dir, .background(pages: 10))
        try await pool.write { db throws(DatabaseError) in
            try db.execute("CREATE TABLE pair (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL)")
            try db.execute("INSERT INTO pair (id, a, b) VALUES (1, 0, 0)")
        }
        let done = Locked(false)
        let problems = Locked<[String]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 1...600 {
                    // A blob a write as well, so that checkpoints keep happening.
                    try await pool.write { db throws(DatabaseError) in
                        try db.withStatement("UPDATE pair SET a = ?, b = ? WHERE id = 1") { s throws(DatabaseError) in
                            s.bind(Int64(i), at: 1); s.bind(Int64(i), at: 2); try s.run()
                        }
                        try db.withStatement("INSERT INTO item (id, body) VALUES (?, randomblob(3000))") { s throws(DatabaseError) in
                            s.bind(Int64(i), at: 1); try s.run()
                        }
                    }
                }
                done.with { $0 = true }
            }
            for _ in 0..<2 {
                group.addTask {
                    var last: Int64 = 0
                    while !done.get {
                        let (a, b, items) = try await pool.read { db throws(DatabaseError) in
                            let (a, b) = try db.withStatement("SELECT a, b FROM pair WHERE id = 1") { s throws(DatabaseError) in
                                _ = try s.step(); return (try s.int64(0), try s.int64(1))
                            }
                            let items = try db.count("item")
                            return (a, b, items)
                        }
                        if a != b || a != items || a < last { problems.with { $0.append("a \(a) b \(b) items \(items) after \(last)") } }
                        last = a
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(problems.get.isEmpty, "\(problems.get.prefix(5))")
        #expect(try #require(pool.core.checkpointer).backgroundCheckpoints > 0)
        await pool.close()
    }

    /// Any page count is taken: beyond SQLite's own range it means "never in practice", not a trap.
    @Test(arguments: [Int.min, 0, 1, Int(Int32.max), Int.max]) func anyPageCountIsTaken(pages: Int) async throws {
        for checkpointing in [DatabasePool.Configuration.Checkpointing.background(pages: pages), .inCommit(pages: pages)] {
            let dir = try TempDirectory()
            defer { dir.cleanup() }
            let pool = try await Self.makePool(dir, checkpointing)
            for i in 1...20 { try await Self.insert(pool, i) }
            #expect(try await pool.read { db throws(DatabaseError) in try db.count("item") } == 20)
            await pool.close()
        }
    }

    /// `.inCommit` is SQLite's own automatic checkpoint: no checkpointer; with 0 pages, none at all.
    @Test func inCommitLeavesCheckpointsToSQLite() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let pool = try await Self.makePool(dir, .inCommit(pages: Self.pages))
        #expect(pool.core.checkpointer == nil)
        var largestWAL = 0
        for i in 1...300 {
            try await Self.insert(pool, i)
            largestWAL = max(largestWAL, Self.walFrames(dir))
        }
        // The commit that reaches `pages` checkpoints, so the next write starts the WAL over.
        #expect(largestWAL <= Self.pages + 4, "the WAL reached \(largestWAL) pages")
        await pool.close()

        let never = try TempDirectory()
        defer { never.cleanup() }
        let unchecked = try await Self.makePool(never, .inCommit(pages: 0))
        for i in 1...300 { try await Self.insert(unchecked, i) }
        #expect(Self.walFrames(never) >= 300)
        await unchecked.close()
    }
}
