import Testing
import SchemaModel
@testable import SchemaQuery

struct StatementTests {
    @Test func writesWithReturning() throws {
        let i = try analyze("INSERT INTO app_author (name) VALUES (:name) RETURNING id, created_at, is_admin")
        #expect(columns(i) == ["id: integer", "created_at: timestamp", "is_admin: bool"])
        #expect(parameters(i) == ["name: text"])
        #expect(i.kind == .insert)
        let all = try analyze("INSERT INTO app_author (name) VALUES (:name) RETURNING *")
        #expect(all.rowTable == "app_author")
        let u = try analyze("UPDATE app_post AS p SET score = score + 1 WHERE p.id = :id RETURNING score, body")
        #expect(columns(u) == ["score: real", "body: text?"])
        let d = try analyze("DELETE FROM app_comment WHERE post_id = :post_id RETURNING id, flagged")
        #expect(columns(d) == ["id: integer", "flagged: bool?"])
        #expect(d.kind == .delete)
        #expect(d.tablesWritten == ["app_comment"])
        #expect(!d.isReadOnly)
    }

    @Test func writesWithoutReturning() throws {
        let d = try analyze("DELETE FROM app_comment WHERE flagged IS :flagged")
        #expect(d.columns.isEmpty)
        #expect(!d.returnsRows)
        #expect(parameters(d) == ["flagged: bool?"])
        let w = try analyze("WITH old AS (SELECT id FROM app_post WHERE published_at < :before) DELETE FROM app_comment WHERE post_id IN (SELECT id FROM old)")
        #expect(w.kind == .delete)
        #expect(parameters(w) == ["before: timestamp?"])
        #expect(w.tablesRead.contains("app_post"))
    }

    /// The proposal's `update_q_value`: an UPSERT whose DO UPDATE keeps its own arithmetic.
    @Test func upsertWithCustomUpdate() throws {
        let q = try analyze("""
            INSERT INTO app_q_value (learner_id, state_key, action_key, q_value, visit_count, last_updated)
            VALUES (:learner_id, :state_key, :action_key, :q_value, 1, datetime('now'))
            ON CONFLICT (learner_id, state_key, action_key) DO UPDATE SET
                q_value = excluded.q_value,
                visit_count = visit_count + 1,
                last_updated = excluded.last_updated
            """)
        #expect(parameters(q) == ["learner_id: text", "state_key: text", "action_key: text", "q_value: real?"])
        #expect(q.kind == .insert)
        #expect(!q.returnsRows)
        #expect(q.tablesWritten == ["app_q_value"])
        // get_q_value selects only q_value.
        let g = try analyze("SELECT q_value FROM app_q_value WHERE learner_id = :learner_id AND state_key = :state AND action_key = :action")
        #expect(columns(g) == ["q_value: real?"])
        #expect(parameters(g) == ["learner_id: text", "state: text", "action: text"])
    }

    @Test func upsertSetFromParameter() throws {
        let q = try analyze("""
            INSERT INTO app_q_value (learner_id, state_key, action_key) VALUES (:l, :s, :a)
            ON CONFLICT DO UPDATE SET visit_count = :visits, last_updated = CURRENT_TIMESTAMP WHERE excluded.q_value > :min
            """)
        #expect(parameters(q) == ["l: text", "s: text", "a: text", "visits: integer?", "min: real?"])
    }

    @Test func cascadesAndReadsAreReported() throws {
        let q = try analyze("SELECT c.text FROM app_comment c JOIN app_post p ON p.id = c.post_id")
        #expect(q.tablesRead == ["app_comment", "app_post"])
        #expect(q.tablesWritten == [])
    }

    @Test func valuesAndTrailingSemicolon() throws {
        let q = try analyze("VALUES (1, 'a');")
        #expect(columns(q) == ["column1: integer", "column2: text"])
        // SQLite names an unaliased expression by its text up to the next token, comments included.
        let e = try analyze("SELECT 1 -- one\n, 2.5 /* half */ FROM app_post")
        #expect(columns(e) == ["1 -- one: integer", "2.5 /* half */: real"])
        let c = try analyze("SELECT id FROM app_post; -- the end\n")
        #expect(columns(c) == ["id: integer"])
    }
}

struct TablesReadTests {
    @Test func tablesReadWithoutColumns() throws {
        #expect(try analyze("SELECT count(*) AS n FROM app_post").tablesRead == ["app_post"])
        #expect(try analyze("SELECT 1 AS one FROM app_comment").tablesRead == ["app_comment"])
        #expect(try analyze("SELECT EXISTS (SELECT 1 FROM app_author) AS any /* as bool */").tablesRead == ["app_author"])
        let d = try analyze("DELETE FROM app_q_value")
        #expect(d.tablesWritten == ["app_q_value"])
    }
}
