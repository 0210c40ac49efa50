import Testing
import CSQLite
import SchemaModel
@testable import SchemaQuery

/// Runs analysed queries on a database with rows chosen to produce every NULL an outer join,
/// an empty aggregate or a nullable column can: a column inferred non-optional must never be
/// NULL, and every value must have the storage class of its inferred type.
struct SoundnessTests {
    static let rows = """
        INSERT INTO app_author (id, name, email, is_admin, profile, created_at, mentor_id) VALUES
            (1, 'ann', NULL, 1, NULL, '2024-01-01 00:00:00', NULL),
            (2, 'bob', 'bob@example.com', 0, '{"a":1}', '2024-01-02 00:00:00', 1),
            (3, 'cy', NULL, 0, NULL, '2024-01-03 00:00:00', 2);
        INSERT INTO app_post (id, author_id, title, body, published, published_at, score, tags, seen_at) VALUES
            (10, 1, 'first', NULL, 1, '2024-02-01 10:00:00', 1.5, '[]', NULL),
            (11, 1, 'second', 'text', 0, NULL, 2.0, '["x"]', 1700000000.5),
            (12, 2, 'third', NULL, 1, NULL, 0.0, '[]', NULL);
        INSERT INTO app_comment (id, post_id, author_id, text, flagged) VALUES
            (100, 10, 2, 'nice', NULL), (101, 10, NULL, 'anon', 1), (102, 12, 3, 'ok', 0);
        """

    static let queries = [
        "SELECT * FROM app_author",
        "SELECT a.name, p.title, p.body FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id",
        "SELECT a.name, p.title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id WHERE p.id IS NULL",
        "WITH pairs AS (SELECT a.name AS author, p.title AS title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id) SELECT author, title FROM pairs",
        "SELECT s.name, s.title FROM (SELECT a.name, p.title FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id) AS s",
        "SELECT author_id, name, title, published FROM app_author_post",
        "SELECT a.name, p.title FROM app_author a RIGHT JOIN app_post p ON p.author_id = a.id",
        "SELECT a.name, c.text FROM app_comment c LEFT JOIN app_author a ON a.id = c.author_id",
        "SELECT a.name, c.text FROM app_author a RIGHT JOIN app_comment c ON a.id = c.author_id",
        "SELECT a.name, p.title FROM app_author a FULL JOIN app_post p ON p.author_id = a.id",
        "SELECT a.name, p.title, c.text FROM app_author a LEFT JOIN (app_post p JOIN app_comment c ON c.post_id = p.id) ON p.author_id = a.id",
        "SELECT a.name, p.title, c.text FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id RIGHT JOIN app_comment c ON c.post_id = p.id",
        "SELECT a.name, m.name AS mentor FROM app_author a LEFT JOIN app_author m ON m.id = a.mentor_id",
        "SELECT id FROM app_post FULL JOIN app_comment USING (id)",
        "SELECT max(id) AS top, name, count(*) AS n FROM app_author WHERE id > 100",
        "SELECT author_id, count(*) AS n, sum(score) AS s, avg(score) AS m, min(published_at) AS f, total(score) AS t FROM app_post GROUP BY author_id",
        "SELECT p.title, (SELECT max(c.flagged) FROM app_comment c WHERE c.post_id = p.id) AS any_flagged FROM app_post p",
        "SELECT p.title, (SELECT count(*) FROM app_comment c WHERE c.post_id = p.id) AS n, (SELECT c.text FROM app_comment c WHERE c.post_id = p.id LIMIT 1) AS t FROM app_post p",
        "SELECT title AS label FROM app_post UNION SELECT email FROM app_author",
        "WITH RECURSIVE chain(id, name, depth) AS (SELECT id, name, 0 FROM app_author WHERE mentor_id IS NULL UNION ALL SELECT a.id, a.name, chain.depth + 1 FROM app_author a JOIN chain ON a.mentor_id = chain.id) SELECT id, name, depth FROM chain",
        "SELECT id, row_number() OVER (ORDER BY id) AS rn, lag(title) OVER (ORDER BY id) AS previous FROM app_post",
        "SELECT coalesce(body, title) AS text, CAST(score AS INTEGER) AS s, CAST(body AS TEXT) AS b FROM app_post",
        "SELECT v.title, c.text FROM app_author_post v LEFT JOIN app_comment c ON c.author_id = v.author_id",
        "SELECT length(body) AS m, lower(title) AS low, substr(body, 1, 3) AS head, abs(score) AS s, typeof(body) AS kind, hex(body) AS h, datetime('now') AS now, EXISTS (SELECT 1 FROM app_comment c WHERE c.post_id = app_post.id) AS commented FROM app_post",
        "SELECT a.name, length(p.title) AS n, json_group_array(p.title) AS titles FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id GROUP BY a.id",
        "SELECT json_group_array(title) AS titles, count(*) AS n FROM app_post WHERE id < 0",
        "SELECT p.score > 1 AS high, p.body = p.title AS same, p.body IS NULL AS empty, a.email IS NOT a.name AS differs, p.title NOT LIKE 'a%' AS not_a FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id",
        "SELECT CASE WHEN published THEN 'yes' ELSE 'no' END AS flag, CASE author_id WHEN 1 THEN title WHEN 2 THEN body ELSE 'other' END AS mixed, CASE WHEN score > 1 THEN score END AS high FROM app_post",
    ]

    func storageClassFits(_ t: Int32, _ type: LogicalType) -> Bool {
        switch type {
        case .integer, .bool: return t == SQLITE_INTEGER
        case .real, .epoch: return t == SQLITE_FLOAT || t == SQLITE_INTEGER
        case .text, .json, .timestamp: return t == SQLITE_TEXT
        case .blob: return t == SQLITE_BLOB
        }
    }

    @Test(arguments: queries) func neverNullWhereInferredNonOptional(_ sql: String) throws {
        let views = [ViewDefinition(name: "app_author_post", sql: "SELECT a.id AS author_id, a.name, p.title, p.published FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id")]
        let analyzer = try makeAnalyzer(views: views)
        #expect(sqlite3_exec(analyzer.db, Self.rows, nil, nil, nil) == SQLITE_OK)
        let q = try analyzer.analyze(sql)
        var stmt: OpaquePointer?
        #expect(sqlite3_prepare_v2(analyzer.db, sql, -1, &stmt, nil) == SQLITE_OK)
        defer { sqlite3_finalize(stmt) }
        var rows = 0
        while sqlite3_step(stmt) == SQLITE_ROW {
            rows += 1
            for (i, c) in q.columns.enumerated() {
                let t = sqlite3_column_type(stmt, Int32(i))
                if t == SQLITE_NULL {
                    #expect(c.isOptional, "\(c.name) is NULL in row \(rows) but inferred non-optional")
                } else {
                    #expect(storageClassFits(t, c.type), "\(c.name): storage class \(t) for \(c.type.name)")
                }
            }
        }
        #expect(rows > 0)
    }
}

struct PlatformTests {
    /// Result types rest on SQLite's column metadata (`sqlite3_column_table_name`, `…_origin_name`).
    @Test func systemSQLiteHasColumnMetadata() {
        #expect(sqlite3_compileoption_used("ENABLE_COLUMN_METADATA") == 1)
        #expect(sqlite3_libversion_number() >= 3_039_000) // RIGHT/FULL JOIN; sqlite3_error_offset is 3.38
    }
}
