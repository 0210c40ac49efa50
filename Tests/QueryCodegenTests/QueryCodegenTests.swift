import Foundation
import Testing
import SchemagenRuntime
import SchemagenTestSupport

/// The Swift generated from Queries.victor (Generated/Swift/Queries/, compiled into this
/// target), run against real SQLite. Every value is bound to a variable whose Swift type is
/// written out: a wrong inferred type (an optional that should not be, a Double that should be a
/// Date) fails compilation, not just a test.
@Suite struct QueryCodegenTests {
    /// Two authors (one with no post), three posts.
    func seeded() throws -> Database {
        let db = try Database.inMemory()
        try BlogMigrations.migrate(db)
        let ada = try db.appAuthor.insert(AppAuthor(id: nil, name: "Ada", email: "ada@example.com"))
        _ = try db.appAuthor.insert(AppAuthor(id: nil, name: "Bob", email: nil))
        let adaID = try #require(ada.id)
        let first: AppPostDAO.AddPostRow? = try db.appPost.addPostFirst(authorId: adaID, title: "First", score: 2, published: true)
        _ = try db.appPost.addPost(authorId: adaID, title: "Second", score: 0.5, published: false)
        _ = try db.appPost.addPost(authorId: adaID, title: "Third", score: 3, published: true)
        #expect(first?.id == 1)
        return db
    }

    @Test func tableRowStructIsReusedForSelectStar() throws {
        let db = try seeded()
        let posts: [AppPost] = try db.appPost.postsByAuthor(authorId: 1)
        #expect(posts.map(\.title) == ["First", "Second", "Third"])
        let createdAt: Date = posts[0].createdAt
        #expect(abs(createdAt.timeIntervalSinceNow) < 120)
        let none: [AppPost] = try db.appPost.postsByAuthor(authorId: 2)
        #expect(none.isEmpty)
        let first: AppPost? = try db.appPost.postsByAuthorFirst(authorId: 1)
        #expect(first?.title == "First")
        let byEmail: [AppAuthor] = try db.appAuthor.authorsByEmail(email: nil)
        #expect(byEmail.map(\.name) == ["Bob"])
    }

    @Test func joinWithBoolParameterAndLimit() throws {
        let db = try seeded()
        let rows: [AppPostDAO.PublishedTitlesRow] = try db.appPost.publishedTitles(published: true, limit: 10)
        let titles: [String] = rows.map(\.title)
        let authors: [String] = rows.map(\.authorName)
        let dates: [Date] = rows.map(\.createdAt)
        #expect(titles == ["First", "Third"])
        #expect(authors == ["Ada", "Ada"])
        #expect(dates.count == 2)
        #expect(try db.appPost.publishedTitles(published: true, limit: 1).count == 1)
        #expect(try db.appPost.publishedTitles(published: false, limit: 10).map(\.title) == ["Second"])
    }

    @Test func outerJoinSidesAreOptional() throws {
        let db = try seeded()
        let rows: [AppAuthorDAO.AuthorsWithTitlesRow] = try db.appAuthor.authorsWithTitles()
        let titles: [String?] = rows.map(\.title)
        let names: [String] = rows.map(\.name)
        let ids: [Int64] = rows.map(\.id)
        #expect(titles == ["First", "Second", "Third", nil])
        #expect(names == ["Ada", "Ada", "Ada", "Bob"])
        #expect(ids == [1, 1, 1, 2])

        // A WHERE after the join leaves the padded side optional.
        let scored: [AppAuthorDAO.AuthorsWithScoredTitlesRow] = try db.appAuthor.authorsWithScoredTitles(minScore: 1)
        let scoredTitles: [String?] = scored.map(\.title)
        #expect(scoredTitles == ["First", "Third", nil])

        // Inside a CTE and inside a subquery in FROM.
        let cte: [AppAuthorDAO.AuthorsCteRow] = try db.appAuthor.authorsCte()
        let cteTitles: [String?] = cte.map(\.title)
        let cteAuthors: [Int64] = cte.map(\.authorId)
        #expect(cteTitles == ["First", "Second", "Third", nil])
        #expect(cteAuthors == [1, 1, 1, 2])
        let sub: [AppAuthorDAO.AuthorsSubqueryRow] = try db.appAuthor.authorsSubquery()
        let subTitles: [String?] = sub.map(\.title)
        #expect(subTitles == cteTitles)
    }

    @Test func expressionsCastsAnnotationsWindowsAndJSON() throws {
        let db = try seeded()
        let facts: [AppPostDAO.PostFactsRow] = try db.appPost.postFacts()
        let doubled: [Double?] = facts.map(\.doubled)
        let lengths: [Int64] = facts.map(\.titleLength)
        let hasBody: [Bool] = facts.map(\.hasBody)
        let big: [Bool] = facts.map(\.big)
        let ranks: [Int64] = facts.map(\.rank)
        let meta: [JSONValue?] = facts.map(\.meta)
        #expect(doubled == [4, 1, 6])
        #expect(lengths == [5, 6, 5])
        #expect(hasBody == [false, false, false])
        #expect(big == [true, false, true])
        #expect(ranks == [2, 3, 1])
        #expect(meta == [nil, nil, nil])
    }

    @Test func aggregates() throws {
        let db = try seeded()
        let totals: [BlogQueries.PostTotalsRow] = try db.queries.postTotals()
        #expect(totals.count == 1)
        let posts: Int64 = totals[0].posts
        let total: Double? = totals[0].total
        let mean: Double? = totals[0].mean
        let latest: Date? = totals[0].latest
        #expect(posts == 3)
        #expect(total == 5.5)
        #expect(mean.map { abs($0 - 5.5 / 3) < 1e-12 } == true)
        #expect(latest != nil)
        let count: Int64? = try db.queries.numberOfPostsFirst()?.n
        #expect(count == 3)
    }

    @Test func listParameterExpandsAndBinds() throws {
        let db = try seeded()
        let rows: [AppPostDAO.PostsWithIdsRow] = try db.appPost.postsWithIds(ids: [3, 1, 99], minScore: 0)
        #expect(rows.map(\.title) == ["First", "Third"])
        #expect(try db.appPost.postsWithIds(ids: [1, 2, 3], minScore: 1).map(\.id) == [1, 3])
        #expect(try db.appPost.postsWithIds(ids: [], minScore: 0).isEmpty)
        // A value that would be SQL if it were pasted in is still a bound value.
        let many = (1...200).map(Int64.init)
        #expect(try db.appPost.postsWithIds(ids: many, minScore: 0).count == 3)
        let first: AppPostDAO.PostsWithIdsRow? = try db.appPost.postsWithIdsFirst(ids: [2], minScore: 0)
        #expect(first?.title == "Second")
    }

    @Test func writesReturnRowsChanged() throws {
        let db = try seeded()
        let raised: Int = try db.appPost.raiseScores(delta: 1.5, authorId: 1)
        #expect(raised == 3)
        #expect(try db.appPost.postFacts().map(\.doubled) == [7, 4, 9])
        let deleted: Int = try db.appPost.deletePost(id: 2)
        #expect(deleted == 1)
        #expect(try db.appPost.deletePost(id: 2) == 0)
        let added: [AppPostDAO.AddPostRow] = try db.appPost.addPost(authorId: 2, title: "Bob's", score: 1, published: true)
        let id: Int64 = added[0].id
        let createdAt: Date = added[0].createdAt
        #expect(id == 4)
        #expect(abs(createdAt.timeIntervalSinceNow) < 120)
    }

    @Test func upsertWithCustomUpdate() throws {
        let db = try seeded()
        #expect(try db.appCounter.hit(name: "home") == 1)
        try db.appCounter.hit(name: "home")
        try db.appCounter.hit(name: "home")
        try db.appCounter.hit(name: "about")
        let hits: Int64? = try db.appCounter.hitsFirst(name: "home")?.hits
        #expect(hits == 3)
        #expect(try db.appCounter.hitsFirst(name: "about")?.hits == 1)
        #expect(try db.appCounter.hitsFirst(name: "nowhere") == nil)
    }

    @Test func viewsAndQueriesOverViews() throws {
        let db = try seeded()
        let stats: [AppAuthorStats] = try db.appAuthorStats.fetchAll()
        let counts: [Int64] = stats.map(\.posts)
        let latest: [Date?] = stats.map(\.latest)
        #expect(stats.map(\.name) == ["Ada", "Bob"])
        #expect(counts == [3, 0])
        #expect(latest[0] != nil && latest[1] == nil)

        let prolific: [BlogQueries.ProlificAuthorsRow] = try db.queries.prolificAuthors(minPosts: 1)
        let names: [String] = prolific.map(\.name)
        let posts: [Int64] = prolific.map(\.posts)
        #expect(names == ["Ada"])
        #expect(posts == [3])

        // The view's outer join makes the author optional in every query over it.
        let withAuthor: [AppPostWithAuthor] = try db.appPostWithAuthor.fetchAll()
        let viewAuthors: [String?] = withAuthor.map(\.authorName)
        #expect(viewAuthors == ["Ada", "Ada", "Ada"])
        let postAuthors: [BlogQueries.PostAuthorsRow] = try db.queries.postAuthors()
        let queryAuthors: [String?] = postAuthors.map(\.authorName)
        #expect(queryAuthors == viewAuthors)
    }

    @Test func recursiveCTE() throws {
        let db = try seeded()
        let rows: [BlogQueries.CountdownRow] = try db.queries.countdown()
        let xs: [Int64?] = rows.map(\.x)
        #expect(xs == [3, 2, 1])
    }

    @Test func forEachReadsRowByRowWithoutAnArray() throws {
        let db = try seeded()
        var seen: [String] = []
        try db.appPost.postsByAuthor(authorId: 1) { (post: AppPost) in seen.append(post.title) }
        #expect(seen == ["First", "Second", "Third"])
        var ids: [Int64] = []
        try db.appPost.postsWithIds(ids: [1, 3], minScore: 0) { (row: AppPostDAO.PostsWithIdsRow) in ids.append(row.id) }
        #expect(ids == [1, 3])
        // An error thrown by the body ends the iteration and reaches the caller.
        var calls = 0
        #expect(throws: DatabaseError.self) {
            try db.appPost.postsByAuthor(authorId: 1) { _ throws(DatabaseError) in
                calls += 1
                throw DatabaseError(kind: .misuse, message: "stop")
            }
        }
        #expect(calls == 1)
        // The statement is usable again afterwards.
        #expect(try db.appPost.postsByAuthor(authorId: 1).count == 3)
    }

    @Test func schemaSQLHoldsTheViewsAfterTheTables() {
        let sql = BlogDDL.sql
        let view = sql.range(of: "CREATE VIEW app_author_stats")
        let lastTable = sql.range(of: "CREATE TABLE app_counter")
        #expect(view != nil && lastTable != nil)
        if let view, let lastTable { #expect(lastTable.lowerBound < view.lowerBound) }
    }

    /// Generated/Swift/Queries/ is what the current schemagen produces (`--check` writes nothing).
    @Test func generatedSwiftIsUpToDate() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let r = try SchemagenCLI.run([
            "generate", here.appendingPathComponent("Queries.victor").path,
            "--output", here.appendingPathComponent("Generated").path, "--swift-only", "--check",
        ])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
