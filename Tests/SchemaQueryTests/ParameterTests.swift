import Testing
import SchemaModel
@testable import SchemaQuery

struct ParameterTests {
    @Test func comparisonsTakeTheColumnsType() throws {
        let q = try analyze("""
            SELECT id FROM app_post
            WHERE author_id = :author_id AND published == :published AND :min_score <= score AND published_at > :since
              AND body IS :body AND seen_at IS NOT :seen AND tags = :tags
            """)
        #expect(parameters(q) == ["author_id: integer", "published: bool", "min_score: real", "since: timestamp?",
                                  "body: text?", "seen: epoch?", "tags: json"])
        #expect(q.parameters.map(\.index) == [1, 2, 3, 4, 5, 6, 7])
        #expect(q.parameters[0].source == .column(ColumnOrigin(table: "app_post", column: "author_id")))
    }

    @Test func orderOfFirstAppearanceAndRepeatedNames() throws {
        let sql = "SELECT id FROM app_post WHERE title = :title OR body = :title OR author_id = :author"
        let q = try analyze(sql)
        #expect(parameters(q) == ["title: text?", "author: integer"])
        #expect(q.parameters[0].offsets == [38, 55])
        #expect(q.parameters[1].index == 2)
    }

    @Test func qualifiedAliasedAndExcluded() throws {
        let q = try analyze("""
            SELECT p.id FROM app_post p JOIN app_author a ON a.id = p.author_id
            WHERE a.is_admin = :admin AND p.title LIKE :pattern AND a.email NOT LIKE :not_pattern
            """)
        #expect(parameters(q) == ["admin: bool", "pattern: text", "not_pattern: text?"])
    }

    @Test func inListsAndBetween() throws {
        let q = try analyze("""
            SELECT id FROM app_post WHERE id IN (:ids) AND author_id NOT IN (:a, :b) AND score BETWEEN :low AND :high
              AND published_at NOT BETWEEN :from_time AND :to_time
            """)
        #expect(parameters(q) == ["ids: [integer]", "a: integer", "b: integer", "low: real", "high: real",
                                  "from_time: timestamp?", "to_time: timestamp?"])
        #expect(q.sql(expandingLists: ["ids": 3]).hasPrefix("SELECT id FROM app_post WHERE id IN (:ids__1, :ids__2, :ids__3) AND"))
        #expect(q.sql(expandingLists: [:]).hasPrefix("SELECT id FROM app_post WHERE id IN () AND"))
    }

    @Test func limitAndOffset() throws {
        let q = try analyze("SELECT id FROM app_post ORDER BY id LIMIT :limit OFFSET :offset")
        #expect(parameters(q) == ["limit: integer (limit)", "offset: integer (limit)"])
        let r = try analyze("SELECT id FROM app_post LIMIT :skip, :count")
        #expect(parameters(r) == ["skip: integer (limit)", "count: integer (limit)"])
    }

    @Test func insertValuesAndSet() throws {
        let q = try analyze("INSERT INTO app_post (author_id, title, body, published, tags, score) VALUES (:author_id, :title, :body, :published, :tags, 0.0)")
        #expect(parameters(q) == ["author_id: integer", "title: text", "body: text?", "published: bool", "tags: json"])
        #expect(q.kind == .insert)
        #expect(!q.isReadOnly)
        #expect(!q.returnsRows)
        #expect(q.tablesWritten == ["app_post"])
        let all = try analyze("INSERT INTO app_comment VALUES (:id, :post_id, :author_id, :text, :flagged)")
        #expect(parameters(all) == ["id: integer", "post_id: integer", "author_id: integer?", "text: text", "flagged: bool?"])
        let u = try analyze("UPDATE app_post SET title = :title, published_at = :at WHERE id = :id")
        #expect(parameters(u) == ["title: text", "at: timestamp?", "id: integer"])
        #expect(u.kind == .update)
        #expect(u.tablesWritten == ["app_post"])
    }

    @Test func annotatedParameters() throws {
        let q = try analyze("SELECT id FROM app_post WHERE score * 2 > :twice /* as real */ AND abs(author_id) = :n /* as integer? */")
        #expect(parameters(q) == ["twice: real", "n: integer?"])
        #expect(q.parameters[0].source == .annotation)
        // An annotation overrides the inference.
        let r = try analyze("SELECT id FROM app_post WHERE published = :flag /* as integer */")
        #expect(parameters(r) == ["flag: integer"])
    }

    @Test func precedenceIsRespected() throws {
        // `score = :p + 1` compares score with (:p + 1): :p's type is not score's.
        let e = failure("SELECT id FROM app_post WHERE score = :p + 1")
        #expect(e?.0.kind == .unknownParameterType)
        #expect(e?.1 == ":p")
        let f = failure("SELECT id FROM app_post WHERE 1 + score = :p")
        #expect(f?.0.kind == .unknownParameterType)
    }

    @Test func throughViewsAndCTEs() throws {
        let views = [ViewDefinition(name: "app_titled", sql: "SELECT id, title, published_at FROM app_post")]
        let q = try analyze("SELECT id FROM app_titled WHERE published_at < :before", views: views)
        #expect(parameters(q) == ["before: timestamp?"])
        let r = try analyze("WITH recent AS (SELECT id, published FROM app_post) SELECT id FROM recent WHERE published = :published")
        #expect(parameters(r) == ["published: bool"])
    }
}

struct MoreParameterTests {
    @Test func optionalFilterIdiom() throws {
        let q = try analyze("SELECT id FROM app_post WHERE (:author IS NULL OR author_id = :author) AND (:after ISNULL OR id > :after)")
        #expect(parameters(q) == ["author: integer?", "after: integer?"])
    }

    @Test func insertSelect() throws {
        let q = try analyze("INSERT INTO app_comment (post_id, text) SELECT :post_id, :text WHERE :post_id > 0")
        #expect(parameters(q) == ["post_id: integer", "text: text"])
    }
}

struct SubqueryParameterTests {
    @Test func parametersComparedWithSubqueryColumns() throws {
        let q = try analyze("SELECT x FROM (SELECT title AS x, published_at AS at FROM app_post) WHERE x = :x AND at < :before")
        #expect(parameters(q) == ["x: text", "before: timestamp?"])
        let w = try analyze("SELECT id FROM app_post WHERE id IN (SELECT post_id FROM app_comment c WHERE c.flagged = :flagged)")
        #expect(parameters(w) == ["flagged: bool?"])
    }
}

struct DistinctFromTests {
    @Test func isDistinctFromIsOptional() throws {
        let q = try analyze("SELECT id FROM app_post WHERE title IS DISTINCT FROM :a AND score IS NOT DISTINCT FROM :b AND :c IS NOT published")
        #expect(parameters(q) == ["a: text?", "b: real?", "c: bool?"])
    }
}

struct RowidParameterTests {
    @Test func rowid() throws {
        let q = try analyze("SELECT title FROM app_post WHERE rowid = :r")
        #expect(parameters(q) == ["r: integer"])
        #expect(QueryAnalyzer.createStatement(for: ViewDefinition(name: "order", sql: "SELECT 1 AS one")) == "CREATE VIEW \"order\" AS SELECT 1 AS one")
    }
}
