import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemagenDriver

@Suite("Real schema files")
struct SchemaFileTests {
    @Test("schema.victor reports exactly the proposal's five real defects")
    func repoSchema() throws {
        let path = repoRoot.appendingPathComponent("schema.victor").path
        let file = try SchemaLoader.read(path)
        let diagnostics = LintRun.diagnostics(for: file, strict: false)
        #expect(!diagnostics.hasErrors, "\(diagnostics.filter { $0.severity == .error }.map(\.message))")
        let found = diagnostics.map { d -> String in
            let (line, _) = file.lineAndColumn(of: d.range.start)
            return "\(d.severity.rawValue) \(d.rule ?? "-") \(file.lineText(line).trimmingCharacters(in: .whitespaces))"
        }
        #expect(found.sorted() == [
            "warning redundant-index index idx_failed_lookup (tool_name, args_hash)",
            "warning redundant-index index idx_q_learner (learner_id)",
            "warning unindexed-foreign-key pattern_id: text references rl_pattern(id)",
            "warning unindexed-foreign-key stage_id: integer? references agent_curriculum_stage(id)",
            "warning unindexed-foreign-key style_id: text? references agent_prompt_style(id)",
        ])
        let run = LintRun.run(paths: [path], format: .text, strict: false, fix: false)
        #expect(run.exitCode == 0)
        #expect(LintRun.run(paths: [path], format: .text, strict: true, fix: false).exitCode == 1)
    }

    /// The proposal's 39 legacy table names, and the rules that catch each (checked by hand:
    /// see docs/LINT.md for the reasoning per column).
    static let legacyExpectations: [(String, Set<String>)] = [
        ("rl_outcomes", ["singular-table-name"]),
        ("rl_telemetry", []),
        ("mode_transition_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("model_selector_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("tool_selector_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("cache_eviction_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("workflow_q_values", ["domain-prefix", "singular-table-name"]),
        ("mode_transition_history", ["domain-prefix", "redundant-suffix"]),
        ("grounding_threshold_history", ["domain-prefix", "redundant-suffix"]),
        ("quality_weight_history", ["domain-prefix", "redundant-suffix"]),
        ("prompt_template_history", ["domain-prefix", "redundant-suffix"]),
        ("cache_eviction_history", ["domain-prefix", "redundant-suffix"]),
        ("curriculum_history", ["domain-prefix", "redundant-suffix"]),
        ("continuation_patience_stats", ["domain-prefix", "redundant-suffix", "singular-table-name"]),
        ("continuation_prompts_stats", ["domain-prefix", "redundant-suffix", "singular-table-name"]),
        ("semantic_threshold_stats", ["domain-prefix", "redundant-suffix", "singular-table-name"]),
        ("grounding_threshold_params", ["domain-prefix", "singular-table-name"]),
        ("grounding_threshold_stats", ["domain-prefix", "redundant-suffix", "singular-table-name"]),
        ("quality_weights", ["domain-prefix", "singular-table-name"]),
        ("model_selector_state", ["domain-prefix"]),
        ("cross_vertical_patterns", ["domain-prefix", "singular-table-name"]),
        ("cross_vertical_applications", ["domain-prefix", "singular-table-name"]),
        ("mode_transition_task_stats", ["domain-prefix", "max-words", "redundant-suffix", "singular-table-name"]),
        ("model_selector_task_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("tool_selector_task_q_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("cache_eviction_tool_values", ["domain-prefix", "max-words", "singular-table-name"]),
        ("tool_selector_outcomes", ["domain-prefix", "singular-table-name"]),
        ("team_composition_stats", ["domain-prefix", "redundant-suffix", "singular-table-name"]),
        ("team_execution_history", ["domain-prefix", "redundant-suffix"]),
        ("workflow_executions", ["domain-prefix", "singular-table-name"]),
        ("prompt_template_styles", ["domain-prefix", "singular-table-name"]),
        ("prompt_template_elements", ["domain-prefix", "singular-table-name"]),
        ("curriculum_stages", ["domain-prefix", "singular-table-name"]),
        ("curriculum_metrics", ["domain-prefix", "singular-table-name"]),
        ("policy_checkpoints", ["domain-prefix", "singular-table-name"]),
        ("sessions", ["domain-prefix", "singular-table-name"]),
        ("failed_signatures", ["domain-prefix", "singular-table-name"]),
        ("_db_metadata", ["domain-prefix", "snake-case"]),
        ("schema_version", ["domain-prefix"]),
    ]

    @Test("which rules catch each of the 39 legacy table names")
    func legacyNames() throws {
        let file = try SchemaLoader.read(fixturePath("legacy-names.victor"))
        let loaded = SchemaPipeline().run(file)
        let (schema, resolve) = (loaded.schema, loaded.diagnostics)
        #expect(!resolve.hasErrors)
        #expect(schema.tables.count == 39)
        #expect(Self.legacyExpectations.count == 39)
        let diagnostics = Linter().lint(schema, file: file)
        var byTable: [String: Set<String>] = [:]
        for t in schema.tables { byTable[t.name] = [] }
        for d in diagnostics {
            let table = try #require(schema.tables.first { $0.range.start <= d.range.start && d.range.end <= $0.range.end }, "\(d.message)")
            byTable[table.name, default: []].insert(try #require(d.rule))
        }
        #expect(Set(byTable.keys) == Set(Self.legacyExpectations.map(\.0)))
        for (name, rules) in Self.legacyExpectations {
            #expect(byTable[name] == rules, "\(name)")
        }
    }
}
