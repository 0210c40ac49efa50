import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint

private func findings(_ source: String, rule: String) -> [Diagnostic] {
    lintSource(source).lint.filter { $0.rule == rule }
}

private func text(_ source: String, _ range: SourceRange) -> String { SourceFile(path: "x", text: source).text(range) }

@Suite("Rule behaviour")
struct RuleBehaviourTests {
    @Test func singularFixItGivesTheSingular() throws {
        let src = "schema s version 1\ndomain app {\n  table app_indices { id: integer primary key }\n  table app_analyses { id: integer primary key }\n  table app_people { id: integer primary key }\n}"
        let f = findings(src, rule: "singular-table-name")
        #expect(f.map { $0.fixIts.first?.replacement } == ["app_index", "app_analysis", "app_person"])
        #expect(f.allSatisfy { $0.severity == .error })
        let fix = try #require(f.first?.fixIts.first)
        #expect(text(src, fix.range) == "app_indices")
    }

    @Test func singularKnowsUncountablesAndSingularWordsEndingInS() {
        for word in ["metadata", "data", "series", "news", "status", "class", "analysis", "alias"] {
            let src = "schema s version 1\ndomain app {\n  table app_\(word) { id: integer primary key }\n}"
            #expect(findings(src, rule: "singular-table-name").isEmpty, "\(word)")
        }
    }

    @Test func uncountableWordsOptionExtendsTheInflector() {
        let base = "domain app {\n  table app_goods { id: integer primary key }\n}"
        #expect(findings("schema s version 1\n" + base, rule: "singular-table-name").count == 1)
        #expect(findings("schema s version 1\nlint { uncountable_words: [\"goods\"] }\n" + base, rule: "singular-table-name").isEmpty)
    }

    @Test func domainPrefixFixPrependsThePrefix() {
        let src = "schema s version 1\ndomain app {\n  table user_account { id: integer primary key }\n}"
        #expect(findings(src, rule: "domain-prefix").first?.fixIts.first?.replacement == "app_user_account")
        let outside = "schema s version 1\ndomain app {\n  table app_user { id: integer primary key }\n}\ntable app_role { id: integer primary key }"
        let f = findings(outside, rule: "domain-prefix")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("domain app") == true)
    }

    @Test func maxWordsCountsThePrefixAndReadsTheLimit() {
        let src = "schema s version 1\nnaming { max_words: 3 }\ndomain app {\n  table app_a_b { id: integer primary key }\n  table app_a_b_c { id: integer primary key }\n}"
        let f = findings(src, rule: "max-words")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("app_a_b_c") == true)
    }

    @Test func redundantSuffixFixKeepsTwoWords() {
        let src = "schema s version 1\ndomain app {\n  table app_login_history { id: integer primary key }\n}\ntable curriculum_history { id: integer primary key }"
        let f = findings(src, rule: "redundant-suffix")
        #expect(f.count == 2)
        #expect(f[0].fixIts.first?.replacement == "app_login")
        #expect(f[1].fixIts.isEmpty, "one word would be left")
    }

    @Test func snakeCaseFixes() {
        #expect(NameWords.snakeCased("UserName") == "user_name")
        #expect(NameWords.snakeCased("_db_metadata") == "db_metadata")
        #expect(NameWords.snakeCased("HTTPRequestLog") == "http_request_log")
        #expect(NameWords.snakeCased("app__x_") == "app_x")
        #expect(NameWords.isSnakeCase("rl_q_value"))
        #expect(!NameWords.isSnakeCase("_db_metadata"))
        #expect(!NameWords.isSnakeCase("a__b"))
        let src = "schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    displayName: text\n    index IdxName (displayName)\n  }\n}"
        let f = findings(src, rule: "snake-case")
        #expect(f.map { $0.fixIts.first?.replacement } == ["display_name", "idx_name"])
    }

    @Test func redundantIndexNamesWhatCoversIt() throws {
        let src = "schema s version 1\ndomain app {\n  table app_score {\n    id: integer primary key\n    user_id: integer\n    game_id: integer\n    unique (user_id, game_id)\n    index idx_score_user (user_id)\n  }\n}"
        let f = findings(src, rule: "redundant-index")
        #expect(f.count == 1)
        let d = try #require(f.first)
        #expect(d.severity == .warning)
        #expect(d.message.contains("UNIQUE constraint (user_id, game_id)"))
        #expect(text(src, try #require(d.notes.first).range) == "unique (user_id, game_id)")
    }

    @Test func redundantIndexEdgeCases() {
        func count(_ members: String) -> Int {
            findings("schema s version 1\ndomain app {\n  table app_t {\n    id: integer primary key\n    a: integer\n    b: integer\n\(members)\n  }\n}", rule: "redundant-index").count
        }
        // Identical indexes: only the second is reported.
        #expect(count("    index idx_t_a (a)\n    index idx_t_a2 (a)") == 1)
        // A unique index equal to a UNIQUE constraint is redundant; a unique index over a prefix of one is not.
        #expect(count("    unique (a, b)\n    unique index idx_t_ab (a, b)") == 1)
        #expect(count("    unique (a, b)\n    unique index idx_t_a (a)") == 0)
        // A non-unique index equal to a unique index is redundant.
        #expect(count("    unique index idx_t_a (a)\n    index idx_t_a2 (a)") == 1)
        // Partial indexes: covered only by an index with the same condition.
        #expect(count("    index idx_t_ab (a, b)\n    index idx_t_a (a) where b > 0") == 0)
        #expect(count("    index idx_t_ab (a, b) where b > 0\n    index idx_t_a (a)") == 0)
        #expect(count("    index idx_t_ab (a, b) where b > 0\n    index idx_t_a (a) where  b > 0") == 1)
        // The rowid primary key, and sort orders.
        #expect(count("    index idx_t_id (id)") == 1)
        #expect(count("    index idx_t_ab (a, b)\n    index idx_t_ab2 (a desc, b)") == 0)
        #expect(count("    index idx_t_ab (a, b)\n    index idx_t_a (a desc)") == 1)
        #expect(count("    index idx_t_ba (b, a)\n    index idx_t_a (a)") == 0)
    }

    @Test func unindexedForeignKeyAcceptsAnyLeadingKey() {
        let base = "schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    slug: text\n"
        #expect(findings(base + "  }\n}", rule: "unindexed-foreign-key").count == 1)
        #expect(findings(base + "    unique (author_id, slug)\n  }\n}", rule: "unindexed-foreign-key").isEmpty)
        #expect(findings(base + "    index idx_post_author (author_id) where slug is not null\n  }\n}", rule: "unindexed-foreign-key").count == 1)
        let tableLevel = "schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer\n    foreign key (author_id) references app_author(id)\n  }\n}"
        #expect(findings(tableLevel, rule: "unindexed-foreign-key").count == 1)
    }

    @Test func inconsistentReferenceNotesTheReferencingColumn() throws {
        let src = "schema s version 1\ndomain app {\n  table app_author { id: integer primary key }\n  table app_post {\n    id: integer primary key\n    author_id: integer references app_author(id)\n    index idx_post_author (author_id)\n  }\n  table app_note {\n    id: integer primary key\n    author_id: integer\n  }\n  table app_like {\n    id: integer primary key\n    author_id: integer\n  }\n}"
        let f = findings(src, rule: "inconsistent-reference")
        #expect(f.count == 2)
        let note = try #require(f.first?.notes.first)
        #expect(text(src, note.range).hasPrefix("author_id: integer references app_author"))
    }

    @Test func reservedWords() {
        let src = "schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    group: text\n    values: text\n    index idx_order_group (group)\n  }\n}"
        #expect(findings(src, rule: "reserved-word").count == 2)
    }

    @Test func suppressionNeedsTheRightRuleAndScope() {
        let src = "schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    @allow(reserved-word, reason: \"quoted everywhere\")\n    group: text\n    order: text\n  }\n}"
        let f = findings(src, rule: "reserved-word")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("'order'") == true)
        #expect(findings(src, rule: "unused-suppression").isEmpty)
    }

    @Test func unusedSuppressionIsReported() {
        let src = "schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    @allow(reserved-word, reason: \"was a keyword\")\n    grouping: text\n  }\n}"
        let f = findings(src, rule: "unused-suppression")
        #expect(f.count == 1)
        #expect(f.first?.severity == .warning)
        // Turning the suppressed rule off silences it, and so does an @allow(unused-suppression).
        #expect(findings("schema s version 1\nlint { reserved-word: off }\n" + src.dropFirst("schema s version 1\n".count), rule: "unused-suppression").isEmpty)
    }

    @Test func nullableUniqueKey() {
        let src = "schema s version 1\ndomain app {\n  table app_setting {\n    id: integer primary key\n    name: text\n    scope: text?\n    unique (name, scope)\n  }\n}"
        let f = findings(src, rule: "nullable-unique-key")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("scope") == true)
    }

    @Test func indexNamingFix() {
        let src = "schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    name: text\n    index user_name (name)\n  }\n}"
        #expect(findings(src, rule: "index-naming").first?.fixIts.first?.replacement == "idx_user_name")
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test func severityCanBeChangedOrTurnedOff() {
        let body = "domain app {\n  table app_users { id: integer primary key }\n}"
        #expect(lintSource("schema s version 1\n" + body).lint.first { $0.rule == "singular-table-name" }?.severity == .error)
        #expect(lintSource("schema s version 1\nlint { singular-table-name: warning }\n" + body).lint.first { $0.rule == "singular-table-name" }?.severity == .warning)
        #expect(lintSource("schema s version 1\nlint { singular-table-name: off }\n" + body).lint.allSatisfy { $0.rule != "singular-table-name" })
    }

    @Test func strictTurnsWarningsIntoErrors() {
        let src = "schema s version 1\ndomain app {\n  table app_order {\n    id: integer primary key\n    group: text\n  }\n}"
        #expect(lintSource(src).lint.first { $0.rule == "reserved-word" }?.severity == .warning)
        #expect(lintSource(src, strict: true).lint.first { $0.rule == "reserved-word" }?.severity == .error)
    }

    @Test func unknownRuleIsALocatedErrorWithASuggestion() throws {
        let src = "schema s version 1\nlint { singular-table-names: off }\ndomain app {\n  table app_user { id: integer primary key }\n}"
        let d = try #require(lintSource(src).lint.first { $0.severity == .error })
        #expect(d.message.contains("unknown lint rule or option 'singular-table-names'"))
        #expect(d.fixIts.first?.replacement == "singular-table-name")
        #expect(SourceFile(path: "x", text: src).text(d.range) == "singular-table-names")
    }

    @Test func invalidOptionValuesAreLocatedErrors() throws {
        let bad = lintSource("schema s version 1\nlint {\n  max-words: loud\n  uncountable_words: 3\n}\ndomain app {\n  table app_user { id: integer primary key }\n}").lint.filter { $0.severity == .error && $0.rule == nil }
        #expect(bad.count == 2)
        let file = SourceFile(path: "x", text: "schema s version 1\nlint {\n  max-words: loud\n  uncountable_words: 3\n}\n")
        #expect(bad.map { file.text($0.range) } == ["loud", "3"])
        let naming = lintSource("schema s version 1\nnaming { max_words: 0 }\ndomain app {\n  table app_user { id: integer primary key }\n}").resolve
        #expect(naming.hasErrors)
    }

    @Test func allowNeedsAKnownRuleAndAReason() {
        let unknown = lintSource("schema s version 1\ndomain app {\n  @allow(singular-name, reason: \"legacy\")\n  table app_users { id: integer primary key }\n}").lint
        #expect(unknown.contains { $0.severity == .error && $0.rule == nil && $0.message.contains("unknown rule 'singular-name'") })
        let noReason = lintSource("schema s version 1\ndomain app {\n  @allow(singular-table-name)\n  table app_users { id: integer primary key }\n}").resolve
        #expect(noReason.contains { $0.message.contains("needs a reason") })
    }
}
