import Foundation
import Testing
import SchemagenRuntime

/// Queries.victor's generated queries through a `DatabasePool` on a real WAL file: the read-only
/// queries (table, schema-wide, list, views) in `read` bodies, the writing ones in `write` bodies,
/// and `observe` over a generated query refetching after each committed write to a table it reads.
/// (That a writing query does not compile in a read body: `ReadQueryCompileTests`.)
@Suite struct QueryPoolTests {
    final class Store: Sendable {
        let directory: URL
        let pool: DatabasePool

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("blog-pool-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("blog.sqlite").path
            // Migrate at launch, on a plain connection, before the pool opens.
            let launch = try Database(path: path)
            try BlogMigrations.migrate(launch)
            launch.close()
            pool = try DatabasePool(path: path)
        }

        func close() async {
            await pool.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func readBodiesRunTheReadingQueriesWriteBodiesTheWritingOnes() async throws {
        let store = try Store()
        let pool = store.pool
        let ids = try await pool.write { db throws(DatabaseError) -> [Int64] in
            let ada = try db.appAuthor.insert(AppAuthor(id: nil, name: "Ada", email: "ada@example.com"))
            let authorID = ada.id ?? -1
            let a: [AppPostDAO.AddPostRow] = try db.appPost.addPost(authorId: authorID, title: "One", score: 1, published: true)
            let b: AppPostDAO.AddPostRow? = try db.appPost.addPostFirst(authorId: authorID, title: "Two", score: 2, published: false)
            let raised: Int = try db.appPost.raiseScores(delta: 0.5, authorId: authorID)
            #expect(raised == 2)
            // The reading queries work in a write body too (they forward to the read face), and see its writes.
            #expect(try db.queries.numberOfPostsFirst()?.n == 2)
            return a.map(\.id) + [b?.id ?? -1]
        }
        #expect(ids == [1, 2])

        let (byAuthor, published, listed, totals, view, viaView, count) = try await pool.read { db throws(DatabaseError) in
            let byAuthor: [AppPost] = try db.appPost.postsByAuthor(authorId: 1)
            let published: [AppPostDAO.PublishedTitlesRow] = try db.appPost.publishedTitles(published: true, limit: 10)
            let listed: [AppPostDAO.PostsWithIdsRow] = try db.appPost.postsWithIds(ids: [2, 1], minScore: 0)
            let totals: [BlogQueries.PostTotalsRow] = try db.queries.postTotals()
            let view: [AppAuthorStats] = try db.appAuthorStats.fetchAll()
            let viaView: [BlogQueries.ProlificAuthorsRow] = try db.queries.prolificAuthors(minPosts: 2)
            var count = 0
            try db.appPost.postsByAuthor(authorId: 1) { _ in count += 1 }
            return (byAuthor, published, listed, totals, view, viaView, count)
        }
        #expect(byAuthor.map(\.title) == ["One", "Two"])
        #expect(byAuthor.map(\.score) == [1.5, 2.5])
        #expect(published.map(\.title) == ["One"])
        #expect(published.map(\.authorName) == ["Ada"])
        #expect(listed.map(\.id) == [1, 2])
        #expect(totals.map(\.posts) == [2])
        #expect(totals.first?.total == 4)
        #expect(view.map(\.posts) == [2])
        #expect(viaView.map(\.name) == ["Ada"])
        #expect(count == 2)

        // A write body's DML through the pool: deleted, committed, seen by the next read.
        let deleted = try await pool.write { db throws(DatabaseError) in try db.appPost.deletePost(id: 1) }
        #expect(deleted == 1)
        #expect(try await pool.read { db throws(DatabaseError) in try db.queries.numberOfPostsFirst()?.n } == 1)
        await store.close()
    }

    /// `pool.observe { db in try db.queries.postTotals() }`: one call, the first value at once, a fresh
    /// one after each committed write to `app_post`, none after a rollback or a write to another table.
    @Test func observingAGeneratedQuery() async throws {
        let store = try Store()
        let pool = store.pool
        try await pool.write { db throws(DatabaseError) in
            _ = try db.appAuthor.insert(AppAuthor(id: nil, name: "Ada", email: nil))
        }
        var totals = pool.observe { db in try db.queries.postTotals() }.makeAsyncIterator()
        #expect(try await totals.next() == [])

        try await pool.write { db throws(DatabaseError) in
            _ = try db.appPost.addPost(authorId: 1, title: "One", score: 3, published: true)
        }
        let first = try #require(try await totals.next())
        #expect(first.map(\.posts) == [1] && first.map(\.total) == [3])

        // Rolled back: nothing to see. A write to `app_counter` only (not read by the query): nothing either.
        _ = try? await pool.write { db throws(DatabaseError) in
            _ = try db.appPost.addPost(authorId: 1, title: "Gone", score: 100, published: true)
            throw DatabaseError(kind: .misuse, message: "roll back")
        }
        try await pool.write { db throws(DatabaseError) in try db.appCounter.hit(name: "views") }
        try await pool.write { db throws(DatabaseError) in try db.appPost.raiseScores(delta: 1, authorId: 1) }
        // The next value is the UPDATE's: total 4, not the rolled-back insert's 103.
        #expect(try await totals.next()?.map(\.total) == [4])

        // A query over a view observes the view's tables.
        var prolific = pool.observe { db in try db.queries.prolificAuthors(minPosts: 2).map(\.name) }.makeAsyncIterator()
        #expect(try await prolific.next() == [])
        try await pool.write { db throws(DatabaseError) in
            _ = try db.appPost.addPost(authorId: 1, title: "Two", score: 0, published: false)
        }
        #expect(try await prolific.next() == ["Ada"])
        await store.close()
    }

    /// Concurrent readers running a generated query while a writer appends: every read sees a whole
    /// number of committed posts, and the last read sees all of them.
    @Test func concurrentReadersOfAGeneratedQuery() async throws {
        let store = try Store()
        let pool = store.pool
        try await pool.write { db throws(DatabaseError) in
            _ = try db.appAuthor.insert(AppAuthor(id: nil, name: "Ada", email: nil))
        }
        let posts = 50
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            group.addTask {
                for i in 0..<posts {
                    try await pool.write { db throws(DatabaseError) in
                        // Two rows per transaction: a reader must never see an odd count.
                        _ = try db.appPost.addPost(authorId: 1, title: "a\(i)", score: 1, published: true)
                        _ = try db.appPost.addPost(authorId: 1, title: "b\(i)", score: 1, published: true)
                    }
                }
                return []
            }
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int64] = []
                    for _ in 0..<25 {
                        seen.append(try await pool.read { db throws(DatabaseError) in
                            try db.queries.postTotals().first?.posts ?? 0
                        })
                    }
                    return seen
                }
            }
            for try await seen in group {
                #expect(seen.allSatisfy { $0 % 2 == 0 }, "a reader saw part of a transaction: \(seen)")
                #expect(seen == seen.sorted(), "a reader went back in time: \(seen)")
            }
        }
        #expect(try await pool.read { db throws(DatabaseError) in try db.queries.numberOfPostsFirst()?.n } == Int64(2 * posts))
        await store.close()
    }
}
