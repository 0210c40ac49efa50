import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint

@Suite("Rule examples")
struct RuleExampleTests {
    @Test("every rule has a unique id, a summary and examples of both kinds")
    func registryIsComplete() {
        let ids = RuleRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for r in RuleRegistry.all {
            #expect(!r.summary.isEmpty, "\(r.id)")
            #expect(!r.triggeringExamples.isEmpty, "\(r.id) has no triggering example")
            #expect(!r.nonTriggeringExamples.isEmpty, "\(r.id) has no non-triggering example")
            #expect(NameWords.isSnakeCase(r.id.replacingOccurrences(of: "-", with: "_")), "\(r.id)")
        }
        for id in ["domain-prefix", "singular-table-name", "max-words", "redundant-suffix", "snake-case", "redundant-index",
                   "unindexed-foreign-key", "inconsistent-reference", "reserved-word", "unused-suppression",
                   "nullable-unique-key", "index-naming"] {
            #expect(RuleRegistry.rule(id) != nil, "missing rule \(id)")
        }
    }

    @Test("triggering examples trigger the rule", arguments: RuleRegistry.all.map(\.id))
    func triggering(_ id: String) throws {
        let rule = try #require(RuleRegistry.rule(id))
        for example in rule.triggeringExamples {
            let (resolve, lint) = lintSource(example.source)
            #expect(!resolve.hasErrors, "\(id): example does not resolve: \(resolve.map(\.message))\n\(example.source)")
            #expect(lint.contains { $0.rule == id }, "\(id) did not fire on:\n\(example.source)")
        }
    }

    @Test("non-triggering examples do not trigger the rule", arguments: RuleRegistry.all.map(\.id))
    func nonTriggering(_ id: String) throws {
        let rule = try #require(RuleRegistry.rule(id))
        for example in rule.nonTriggeringExamples {
            let (resolve, lint) = lintSource(example.source)
            #expect(!resolve.hasErrors, "\(id): example does not resolve: \(resolve.map(\.message))\n\(example.source)")
            let hits = lint.filter { $0.rule == id }
            #expect(hits.isEmpty, "\(id) fired on:\n\(example.source)\n\(hits.map(\.message))")
        }
    }

    @Test("non-triggering examples are clean of every error rule", arguments: RuleRegistry.all.map(\.id))
    func nonTriggeringAreClean(_ id: String) throws {
        let rule = try #require(RuleRegistry.rule(id))
        for example in rule.nonTriggeringExamples {
            let (_, lint) = lintSource(example.source)
            #expect(!lint.hasErrors, "\(id): example has errors: \(lint.map { "\($0.rule ?? "-"): \($0.message)" })")
        }
    }
}
