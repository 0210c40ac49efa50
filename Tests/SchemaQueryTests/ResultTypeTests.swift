import Testing
import SchemaModel
@testable import SchemaQuery

struct ResultTypeTests {
    @Test func plainColumnsKeepTheirLogicalTypes() throws {
        let q = try analyze("SELECT id, name, email, is_admin, profile, created_at FROM app_author")
        #expect(columns(q) == ["id: integer", "name: text", "email: text?", "is_admin: bool", "profile: json?", "created_at: timestamp"])
        #expect(q.kind == .select)
        #expect(q.isReadOnly)
        #expect(q.returnsRows)
        #expect(q.tablesRead == ["app_author"])
        #expect(q.tablesWritten == [])
        #expect(q.parameters.isEmpty)
        #expect(q.columns.map(\.origin) == ["id", "name", "email", "is_admin", "profile", "created_at"].map { ColumnOrigin(table: "app_author", column: $0) })
    }

    @Test func aliasesKeepTypes() throws {
        let q = try analyze("SELECT p.title AS heading, p.published_at AS at, p.seen_at seen FROM app_post AS p")
        #expect(columns(q) == ["heading: text", "at: timestamp?", "seen: epoch?"])
    }

    @Test func selectStarIsTheTableRow() throws {
        let q = try analyze("SELECT * FROM app_post ORDER BY id")
        #expect(q.rowTable == "app_post")
        #expect(columns(q) == ["id: integer", "author_id: integer", "title: text", "body: text?", "published: bool",
                               "published_at: timestamp?", "score: real", "tags: json", "seen_at: epoch?"])
        #expect(try analyze("SELECT p.* FROM app_post p JOIN app_author a ON a.id = p.author_id WHERE a.is_admin").rowTable == "app_post")
        // A subset, another order, or the nullable side of a LEFT JOIN is not the table's row.
        #expect(try analyze("SELECT id, title FROM app_post").rowTable == nil)
        #expect(try analyze("SELECT p.* FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id").rowTable == nil)
    }

    @Test func leftJoin() throws {
        let q = try analyze("SELECT a.name, p.title, p.body FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id")
        #expect(columns(q) == ["name: text", "title: text?", "body: text?"])
    }

    @Test func leftJoinWithWhereOnTheRightTable() throws {
        // The WHERE does not make the right side non-NULL (here it even asks for the NULL rows).
        let q = try analyze("SELECT a.name, p.title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id WHERE p.id IS NULL")
        #expect(columns(q) == ["name: text", "title: text?"])
        let r = try analyze("SELECT a.name, p.title FROM app_author a LEFT OUTER JOIN app_post p ON p.author_id = a.id WHERE p.published = 1")
        #expect(columns(r) == ["name: text", "title: text?"])
    }

    @Test func leftJoinInsideACTE() throws {
        let q = try analyze("""
            WITH pairs AS (SELECT a.name AS author, p.title AS title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id)
            SELECT author, title FROM pairs WHERE author <> ''
            """)
        #expect(columns(q) == ["author: text", "title: text?"])
    }

    @Test func leftJoinInsideASubqueryInFrom() throws {
        let q = try analyze("""
            SELECT s.name, s.title FROM (SELECT a.name, p.title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id) AS s
            """)
        #expect(columns(q) == ["name: text", "title: text?"])
        let star = try analyze("SELECT * FROM (SELECT a.id, p.id AS post_id FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id)")
        #expect(columns(star) == ["id: integer", "post_id: integer?"])
    }

    @Test func leftJoinThroughAView() throws {
        let views = [ViewDefinition(name: "app_author_post", sql: "SELECT a.id AS author_id, a.name, p.title, p.published FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id")]
        let q = try analyze("SELECT author_id, name, title, published FROM app_author_post", views: views)
        #expect(columns(q) == ["author_id: integer", "name: text", "title: text?", "published: bool?"])
        #expect(q.tablesRead == ["app_author", "app_post"])
        #expect(q.viewsRead == ["app_author_post"])
        // The view joined again: its own nullable side stays nullable; an inner join adds nothing.
        let r = try analyze("SELECT v.title, c.text FROM app_author_post v JOIN app_comment c ON c.author_id = v.author_id", views: views)
        #expect(columns(r) == ["title: text?", "text: text"])
    }

    @Test func rightJoin() throws {
        let q = try analyze("SELECT a.name, p.title FROM app_author a RIGHT JOIN app_post p ON p.author_id = a.id")
        #expect(columns(q) == ["name: text?", "title: text"])
    }

    @Test func fullJoin() throws {
        let q = try analyze("SELECT a.name, p.title FROM app_author a FULL OUTER JOIN app_post p ON p.author_id = a.id")
        #expect(columns(q) == ["name: text?", "title: text?"])
    }

    @Test func nestedJoins() throws {
        // a LEFT JOIN (p JOIN c): both p and c are on the nullable side.
        let q = try analyze("""
            SELECT a.name, p.title, c.text FROM app_author a
            LEFT JOIN (app_post p JOIN app_comment c ON c.post_id = p.id) ON p.author_id = a.id
            """)
        #expect(columns(q) == ["name: text", "title: text?", "text: text?"])
        // A RIGHT JOIN pads everything before it, including an earlier LEFT JOIN's left side.
        let r = try analyze("""
            SELECT a.name, p.title, c.text FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id
            RIGHT JOIN app_comment c ON c.post_id = p.id
            """)
        #expect(columns(r) == ["name: text?", "title: text?", "text: text"])
    }

    @Test func innerJoinAfterLeftJoin() throws {
        let q = try analyze("""
            SELECT a.name, p.title, c.text FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id
            JOIN app_comment c ON c.post_id = p.id
            """)
        // SQLite keeps the LEFT JOIN's padding (the inner join's ON happens to filter it, but the
        // analysis does not simplify joins): the nullable side stays optional.
        #expect(columns(q) == ["name: text", "title: text?", "text: text"])
    }

    @Test func selfJoinDistinguishesInstances() throws {
        let q = try analyze("SELECT a.name, m.name AS mentor FROM app_author a LEFT JOIN app_author m ON m.id = a.mentor_id")
        #expect(columns(q) == ["name: text", "mentor: text?"])
    }

    @Test func usingAndNaturalColumns() throws {
        let q = try analyze("SELECT id, title FROM app_post LEFT JOIN app_comment USING (id)")
        #expect(columns(q) == ["id: integer", "title: text"])
        let full = try analyze("SELECT id FROM app_post FULL JOIN app_comment USING (id)")
        #expect(columns(full) == ["id: integer?"])
        // `*` lists a USING column once.
        let star = try analyze("SELECT * FROM app_post JOIN (SELECT id, text FROM app_comment) USING (id)")
        #expect(star.columns.map(\.name) == ["id", "author_id", "title", "body", "published", "published_at", "score", "tags", "seen_at", "text"])
        let natural = try analyze("SELECT * FROM app_post NATURAL LEFT JOIN (SELECT id, text FROM app_comment)")
        #expect(natural.columns.suffix(2).map { "\($0.name): \($0.type.name)\($0.isOptional ? "?" : "")" } == ["seen_at: epoch?", "text: text?"])
    }

    @Test func aggregates() throws {
        let q = try analyze("""
            SELECT author_id, count(*) AS n, count(body) AS bodies, sum(score) AS total_score, sum(author_id) AS ids,
                   avg(score) AS mean, min(published_at) AS first, max(title) AS last, total(score) AS t,
                   group_concat(title, ',') AS titles
            FROM app_post GROUP BY author_id
            """)
        #expect(columns(q) == ["author_id: integer", "n: integer", "bodies: integer", "total_score: real?", "ids: integer?",
                               "mean: real?", "first: timestamp?", "last: text?", "t: real", "titles: text?"])
        let unnamed = try analyze("SELECT count(*) FROM app_post")
        #expect(columns(unnamed) == ["count(*): integer"])
        #expect(unnamed.columns[0].source == .function("count"))
    }

    @Test func castsAndLiterals() throws {
        let q = try analyze("""
            SELECT CAST(score AS INTEGER) AS s, CAST(body AS BLOB) AS b, CAST(id AS TEXT) AS t, CAST(score * 2 AS REAL) AS r,
                   1 AS one, 2.5 AS half, 'x' AS letter, x'00' AS byte, TRUE AS yes, -3 AS minus
            FROM app_post
            """)
        #expect(columns(q) == ["s: integer", "b: blob?", "t: text", "r: real?", "one: integer", "half: real", "letter: text",
                               "byte: blob", "yes: bool", "minus: integer"])
    }

    @Test func annotations() throws {
        let q = try analyze("""
            SELECT score * 2 AS doubled /* as real */, body IS NOT NULL AS has_body /* as bool */,
                   json_extract(tags, '$[0]') AS first_tag /* as text? */
            FROM app_post
            """)
        #expect(columns(q) == ["doubled: real", "has_body: bool", "first_tag: text?"])
        #expect(q.columns.map(\.source) == [.annotation, .annotation, .annotation])
        let j = try analyze("SELECT json_extract(tags, '$') AS payload /* as json<Payload>? */, max(published_at, seen_at) AS latest /* as timestamp? */ FROM app_post")
        #expect(j.columns.map(\.type) == [.json(swiftType: "Payload"), .timestamp])
        #expect(j.columns.map(\.swiftType) == ["Payload?", "Date?"])
    }

    @Test func windowFunctions() throws {
        let q = try analyze("""
            SELECT id, row_number() OVER (PARTITION BY author_id ORDER BY id) AS rn, rank() OVER w AS r,
                   sum(score) OVER w AS running, lag(title) OVER w AS previous, percent_rank() OVER w AS pr
            FROM app_post WINDOW w AS (ORDER BY published_at)
            """)
        #expect(columns(q) == ["id: integer", "rn: integer", "r: integer", "running: real?", "previous: text?", "pr: real"])
    }

    @Test func compoundSelects() throws {
        let q = try analyze("SELECT title AS label FROM app_post UNION ALL SELECT name FROM app_author ORDER BY label")
        #expect(columns(q) == ["label: text"])
        let r = try analyze("SELECT title FROM app_post UNION SELECT email FROM app_author")
        #expect(columns(r) == ["title: text?"])
        let e = try analyze("SELECT author_id FROM app_post EXCEPT SELECT id FROM app_author INTERSECT SELECT post_id FROM app_comment")
        #expect(columns(e) == ["author_id: integer"])
    }

    @Test func recursiveCTE() throws {
        let q = try analyze("""
            WITH RECURSIVE chain(id, name, depth) AS (
                SELECT id, name, 0 FROM app_author WHERE mentor_id IS NULL
                UNION ALL
                SELECT a.id, a.name, chain.depth + 1 FROM app_author a JOIN chain ON a.mentor_id = chain.id
            )
            SELECT id, name, depth FROM chain
            """)
        // depth + 1 cannot be typed in the recursive arm: the column keeps the first arm's type but may be NULL.
        #expect(columns(q) == ["id: integer", "name: text", "depth: integer?"])
        let annotated = try analyze("""
            WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 /* as integer */ FROM n WHERE k < 10)
            SELECT k FROM n
            """)
        #expect(columns(annotated) == ["k: integer"])
    }

    @Test func subqueries() throws {
        let q = try analyze("""
            SELECT p.title, (SELECT count(*) FROM app_comment c WHERE c.post_id = p.id) AS comments,
                   (SELECT max(c.flagged) FROM app_comment c WHERE c.post_id = p.id) AS any_flagged
            FROM app_post p WHERE p.author_id IN (SELECT id FROM app_author WHERE is_admin)
            """)
        #expect(columns(q) == ["title: text", "comments: integer", "any_flagged: bool?"])
        #expect(q.tablesRead == ["app_author", "app_comment", "app_post"])
        // A subquery that can find no row is NULL then, whatever its column.
        let r = try analyze("SELECT (SELECT c.text FROM app_comment c WHERE c.post_id = p.id LIMIT 1) AS t, (SELECT count(*) FROM app_comment GROUP BY post_id) AS g FROM app_post p")
        #expect(columns(r) == ["t: text?", "g: integer?"])
    }

    @Test func coalesce() throws {
        let q = try analyze("SELECT coalesce(body, title) AS text, ifnull(body, email) AS maybe FROM app_post JOIN app_author ON app_author.id = author_id")
        #expect(columns(q) == ["text: text", "maybe: text?"])
    }

    @Test func viewsOnViews() throws {
        let views = [
            ViewDefinition(name: "app_post_count", sql: "SELECT author_id, count(*) AS posts, max(published_at) AS latest FROM app_post GROUP BY author_id"),
            ViewDefinition(name: "app_busy_author", sql: "SELECT a.name, c.posts, c.latest FROM app_author a JOIN app_post_count c ON c.author_id = a.id WHERE c.posts > 3"),
        ]
        // Declared out of order: the analyzer creates them in dependency order.
        let analyzer = try makeAnalyzer(views: views.reversed())
        #expect(analyzer.views.map(\.name) == ["app_post_count", "app_busy_author"])
        let q = try analyzer.analyze("SELECT name, posts, latest FROM app_busy_author")
        #expect(columns(q) == ["name: text", "posts: integer", "latest: timestamp?"])
        #expect(analyzer.viewAnalyses["app_post_count"].map(columns) == ["author_id: integer", "posts: integer", "latest: timestamp?"])
    }
}

struct NullSourceTests {
    @Test func bareColumnsOfAnAggregateWithoutGroupBy() throws {
        // One row even from an empty table: `name` is then NULL.
        let q = try analyze("SELECT max(id) AS top, name, count(*) AS n, 1 AS one FROM app_author")
        #expect(columns(q) == ["top: integer?", "name: text?", "n: integer", "one: integer"])
        let grouped = try analyze("SELECT max(id) AS top, name FROM app_author GROUP BY name")
        #expect(columns(grouped) == ["top: integer?", "name: text"])
        let scalar = try analyze("SELECT name, max(id, 10) AS m /* as integer */ FROM app_author")
        #expect(columns(scalar) == ["name: text", "m: integer"])
        // A window function alone does not aggregate; an aggregate inside a subquery does not either.
        let window = try analyze("SELECT name, count(*) OVER () AS n, (SELECT count(*) FROM app_post) AS posts FROM app_author")
        #expect(columns(window) == ["name: text", "n: integer", "posts: integer"])
    }

    @Test func isDistinctFromInTheSelectList() throws {
        let q = try analyze("SELECT email IS DISTINCT FROM name AS differs /* as bool */, name FROM app_author")
        #expect(columns(q) == ["differs: bool", "name: text"])
    }

    @Test func foreignKeyActionsAreWrites() throws {
        let q = try analyze("DELETE FROM app_post WHERE id = :id")
        #expect(q.tablesWritten == ["app_comment", "app_post"])
    }
}

struct CompoundTests {
    @Test func valuesRowsAreMerged() throws {
        let q = try analyze("VALUES (1, 'a'), (2, 'b')")
        #expect(columns(q) == ["column1: integer", "column2: text"])
        let r = try analyze("VALUES (1, 'a'), (2, NULL)")
        #expect(columns(r) == ["column1: integer", "column2: text?"])
    }

    @Test func armsOfDifferentTypesNeedAnAnnotation() throws {
        let e = failure("SELECT id AS v FROM app_post UNION ALL SELECT title FROM app_post")
        #expect(e?.0.kind == .untypedResultColumn)
        #expect(e?.1 == "id AS v")
        let q = try analyze("SELECT id AS v /* as text */ FROM app_post UNION ALL SELECT title FROM app_post")
        #expect(columns(q) == ["v: text"])
    }
}

struct FunctionTests {
    @Test func scalarFunctionsWithKnownTypes() throws {
        let q = try analyze("""
            SELECT length(title) AS n, length(body) AS m, lower(title) AS low, substr(body, 1, 3) AS head,
                   replace(title, 'a', 'b') AS r, abs(score) AS s, abs(author_id) AS i, round(score, 1) AS rounded,
                   typeof(body) AS kind, hex(body) AS h, json_array(id, title) AS pair, datetime('now') AS now,
                   EXISTS (SELECT 1 FROM app_comment c WHERE c.post_id = app_post.id) AS commented,
                   NOT EXISTS (SELECT 1 FROM app_comment) AS quiet
            FROM app_post
            """)
        #expect(columns(q) == ["n: integer", "m: integer?", "low: text", "head: text?", "r: text", "s: real", "i: integer",
                               "rounded: real", "kind: text", "h: text", "pair: json", "now: timestamp", "commented: bool", "quiet: bool"])
        let g = try analyze("SELECT author_id, json_group_array(title) AS titles FROM app_post GROUP BY author_id")
        #expect(columns(g) == ["author_id: integer", "titles: json"])
    }

    @Test func functionsThatCanReturnNullForValidInputNeedAnAnnotation() {
        #expect(failure("SELECT datetime(published_at, '+1 day') AS later FROM app_post")?.0.kind == .untypedResultColumn)
        #expect(failure("SELECT json_extract(tags, '$[0]') AS first FROM app_post")?.0.kind == .untypedResultColumn)
    }
}

struct CaseTests {
    @Test func caseExpressions() throws {
        let q = try analyze("""
            SELECT CASE WHEN published THEN 'yes' ELSE 'no' END AS flag,
                   CASE author_id WHEN 1 THEN title WHEN 2 THEN body ELSE 'other' END AS mixed,
                   CASE WHEN score > 1 THEN score END AS high,
                   CASE WHEN published THEN CASE WHEN score > 0 THEN 1 ELSE 2 END ELSE 3 END AS nested
            FROM app_post
            """)
        #expect(columns(q) == ["flag: text", "mixed: text?", "high: real?", "nested: integer"])
        #expect(failure("SELECT CASE WHEN published THEN 1 ELSE 'no' END AS x FROM app_post")?.0.kind == .untypedResultColumn)
    }
}

struct ComparisonTests {
    @Test func comparisonsAreBools() throws {
        let q = try analyze("""
            SELECT score > 1 AS high, body = title AS same, body IS NULL AS empty, body IS NOT title AS differs,
                   published_at NOTNULL AS dated, title NOT LIKE 'a%' AS not_a, email IS DISTINCT FROM name AS d
            FROM app_post JOIN app_author ON app_author.id = author_id
            """)
        #expect(columns(q) == ["high: bool", "same: bool?", "empty: bool", "differs: bool", "dated: bool", "not_a: bool", "d: bool"])
        // Lower-precedence operators are not comparisons of typed sides: they need an annotation.
        #expect(failure("SELECT published AND body IS NULL AS x FROM app_post")?.0.kind == .untypedResultColumn)
        #expect(failure("SELECT score + 1 > 2 AS x FROM app_post")?.0.kind == .untypedResultColumn)
        #expect(failure("SELECT score > 1 = published AS x FROM app_post")?.0.kind == .untypedResultColumn)
    }
}
