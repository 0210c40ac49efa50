import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
@testable import SchemaQuery

/// The proposal's learner queries (schema-redesign-proposal.md, "New Learner Interface") against
/// the repository's own schema.victor.
struct ProposalQueryTests {
    static func analyzer() throws -> QueryAnalyzer {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("schema.victor"))
        let (schema, diagnostics) = Resolver.load(SourceFile(path: "schema.victor", bytes: [UInt8](bytes)))
        #expect(!diagnostics.hasErrors)
        return try QueryAnalyzer(schema: schema, ddl: DDLEmitter.emit(schema))
    }

    @Test func learnerQueries() throws {
        let a = try Self.analyzer()
        let get = try a.analyze("SELECT q_value FROM rl_q_value WHERE learner_id = :learner_id AND state_key = :state AND action_key = :action")
        #expect(columns(get) == ["q_value: real?"])
        #expect(parameters(get) == ["learner_id: text", "state: text", "action: text"])
        #expect(get.tablesRead == ["rl_q_value"])

        let update = try a.analyze("""
            INSERT INTO rl_q_value (learner_id, state_key, action_key, q_value, visit_count, last_updated)
            VALUES (:learner_id, :state, :action, :new_q, 1, datetime('now'))
            ON CONFLICT(learner_id, state_key, action_key) DO UPDATE SET
                q_value = excluded.q_value,
                visit_count = visit_count + 1,
                last_updated = excluded.last_updated
            """)
        #expect(parameters(update) == ["learner_id: text", "state: text", "action: text", "new_q: real?"])
        #expect(!update.returnsRows)
        #expect(update.tablesWritten == ["rl_q_value"])

        let record = try a.analyze("""
            INSERT INTO rl_transition (learner_id, from_state, to_state, action, reward, metadata)
            VALUES (:learner_id, :from_state, :to_state, :action, :reward, :metadata)
            """)
        #expect(parameters(record) == ["learner_id: text", "from_state: text?", "to_state: text?", "action: text?", "reward: real?", "metadata: json?"])
    }

    @Test func collateKeepsTheColumn() throws {
        let q = try analyze("SELECT title COLLATE nocase AS t FROM app_post")
        #expect(columns(q) == ["t: text"])
    }
}
