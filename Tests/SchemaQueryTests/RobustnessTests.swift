import Testing
@testable import SchemaQuery

/// Malformed SQL never crashes the analyzer: every prefix of valid queries, random token soups
/// through the structural analysis, deep nesting.
struct RobustnessTests {
    static let corpus = SoundnessTests.queries + [
        "INSERT INTO app_q_value (learner_id, state_key, action_key, q_value, visit_count, last_updated) VALUES (:learner_id, :state_key, :action_key, :q_value, 1, datetime('now')) ON CONFLICT (learner_id, state_key, action_key) DO UPDATE SET q_value = excluded.q_value, visit_count = visit_count + 1 RETURNING *",
        "WITH x(a) AS NOT MATERIALIZED (SELECT id FROM app_post WHERE id IN (:ids)) UPDATE app_post SET title = :t WHERE id IN (SELECT a FROM x) AND score BETWEEN :lo AND :hi LIMIT :n OFFSET :m",
        "SELECT [id], \"title\", `body` FROM app_post p NATURAL JOIN app_comment c WHERE c.flagged IS NOT :f /* as bool? */ ORDER BY 1",
    ]

    @Test func everyPrefixOfValidQueries() throws {
        let analyzer = try makeAnalyzer(views: [ViewDefinition(name: "app_author_post", sql: "SELECT a.id AS author_id, a.name, p.title, p.published FROM app_author a LEFT JOIN app_post p ON p.author_id = a.id")])
        var outcomes = [0, 0]
        for sql in Self.corpus {
            let bytes = Array(sql.utf8)
            for cut in 0...bytes.count {
                let prefix = String(decoding: bytes[0..<cut], as: UTF8.self)
                do { _ = try analyzer.analyze(prefix); outcomes[0] += 1 } catch { outcomes[1] += 1 }
            }
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }

    @Test func randomTokenSoups() throws {
        let vocabulary = ["SELECT", "FROM", "WHERE", "WITH", "RECURSIVE", "AS", "(", ")", ",", ".", "*", "JOIN", "LEFT", "RIGHT", "FULL",
                          "ON", "USING", "NATURAL", "UNION", "ALL", "VALUES", "INSERT", "INTO", "UPDATE", "SET", "DELETE", "RETURNING",
                          "IN", "IS", "NOT", "BETWEEN", "AND", "LIMIT", "OFFSET", "=", "<", "+", ":p", ":q", "1", "'s'", "app_post",
                          "app_author", "id", "title", "p", "count", "max", "CAST", "OVER", "FILTER", "DISTINCT", "/* as text */", "GROUP", "BY"]
        let env = Environment(schema: try testSchema())
        var rng = SplitMix(seed: 12)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 30) + 1
            let sql = (0..<n).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
            let s = StructureAnalyzer(TokenStream(sql), env: env)
            _ = s.selectStatement(0, s.count, parent: nil)
            let t = StructureAnalyzer(TokenStream(sql), env: env)
            _ = t.withClause(0, t.count)
            _ = t.fromClause(0, t.count)
            _ = t.items(0, t.count, sources: [], parent: nil)
        }
    }

    @Test func deepNestingIsRefusedBySQLite() throws {
        let analyzer = try makeAnalyzer()
        let deep = "SELECT " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(throws: QueryError.self) { try analyzer.analyze(deep) }
        let cte = "WITH x AS (" + String(repeating: "(", count: 100_000) + " SELECT 1"
        #expect(throws: QueryError.self) { try analyzer.analyze(cte) }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
