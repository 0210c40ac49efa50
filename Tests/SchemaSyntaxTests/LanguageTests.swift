import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver

/// What the language can say, and how it lands in the resolved model.
struct LanguageTests {
    static let sample = """
    // A leading comment survives in the tree.
    schema shop version 7

    naming {
        max_words: 4
        forbidden_suffixes: ["stats", "history", "info"]
        require_domain: false
    }

    /// Orders and what is in them.
    domain shop "Shop" {
        /// Customers.
        @swift("Customer")
        table shop_customer {
            /// Primary key.
            id: integer primary key autoincrement
            email: text unique collate nocase
            vip: bool = false
            profile: json<Profile>?
            joined_at: timestamp = datetime('now')
            seen_at: epoch? = 0
            score: real = -1.5 check (score >= -10)
        }

        table shop_line {
            order_id: integer references shop_customer(id) on delete cascade on update restrict
            sku: text
            qty: integer = 1
            note: text? = 'it''s'
            primary key (order_id, sku)
            check (qty > 0)
            unique index idx_line_sku (sku desc, qty asc) where qty > 1
            index idx_line_order (order_id)

            from legacy_lines where deleted = 0 {
                order_id = order_no
                sku = upper(sku_code)
                qty = coalesce(quantity, 1)
                note = 'migrated'
                drop deleted "soft-deleted rows are filtered by the where clause"
                archive (warehouse, shelf)
            }
        }

        table shop_stat {
            id: integer primary key
            name: text
            value: real?
            details: json?
            from legacy_names distinct {
                name = lower(label)
            }
            from legacy_counters {
                unpivot (name, value) {
                    hits as 'hit_count'
                    misses
                }
                pack details (source, host)
            }
        }
    }
    """

    @Test func resolvesEveryConstruct() throws {
        let file = SourceFile(path: "shop.victor", text: Self.sample)
        let loaded = SchemaPipeline().run(file)
        let (schema, diagnostics) = (loaded.schema, loaded.diagnostics)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(schema.name == "shop" && schema.version == 7)
        #expect(schema.naming.maxWords == 4 && schema.naming.forbiddenSuffixes == ["stats", "history", "info"] && !schema.naming.requireDomain)
        #expect(schema.domains.map(\.name) == ["shop"] && schema.domains[0].description == "Shop" && schema.domains[0].doc == "Orders and what is in them.")

        let customer = try #require(schema.table(named: "shop_customer"))
        #expect(customer.doc == "Customers." && customer.swiftName == "Customer" && customer.domain == "shop")
        let id = try #require(customer.column(named: "id"))
        #expect(id.isPrimaryKey && id.isAutoincrement && id.doc == "Primary key." && customer.rowidAlias?.name == "id")
        let email = try #require(customer.column(named: "email"))
        #expect(email.isUnique && email.collation == "NOCASE" && !email.isNullable)
        #expect(customer.column(named: "vip")?.defaultValue == .bool(false))
        #expect(customer.column(named: "profile")?.type == .json(swiftType: "Profile"))
        #expect(customer.column(named: "profile")?.isNullable == true)
        #expect(customer.column(named: "joined_at")?.defaultValue == .expression("datetime('now')"))
        #expect(customer.column(named: "seen_at")?.type == .epoch)
        #expect(customer.column(named: "score")?.defaultValue?.sql == "-1.5")
        #expect(customer.column(named: "score")?.checks == ["score >= -10"])

        let line = try #require(schema.table(named: "shop_line"))
        #expect(line.primaryKey == ["order_id", "sku"] && line.checks == ["qty > 0"])
        #expect(line.foreignKeys.first?.onDelete == .cascade && line.foreignKeys.first?.onUpdate == .restrict)
        #expect(line.column(named: "note")?.defaultValue == .string("it's"))
        let idx = try #require(line.indexes.first)
        #expect(idx.isUnique && idx.columns.map(\.descending) == [true, false] && idx.whereClause == "qty > 1")
        let src = try #require(line.legacySources.first)
        #expect(src.legacyTable == "legacy_lines" && src.whereClause == "deleted = 0")
        #expect(src.assignments.map(\.target) == ["order_id", "sku", "qty", "note"])
        #expect(src.assignments.map(\.expression) == ["order_no", "upper(sku_code)", "coalesce(quantity, 1)", "'migrated'"])
        #expect(src.drops.first?.columns == ["deleted"] && src.archived == ["warehouse", "shelf"])

        let names = try #require(schema.table(named: "shop_stat")?.legacySources.first)
        #expect(names.legacyTable == "legacy_names" && names.isDistinct && names.assignments.map(\.expression) == ["lower(label)"])
        #expect(!names.isArchiveOnly && names.rowFactor == 1)
        let stat = try #require(schema.table(named: "shop_stat")?.legacySources.last)
        #expect(!stat.isDistinct)
        #expect(stat.unpivot?.entries.map(\.key) == ["hit_count", "misses"] && stat.rowFactor == 2)
        #expect(stat.packs.first?.target == "details" && stat.packs.first?.columns == ["source", "host"])
    }

    @Test func commentsSurviveInTheSyntaxTree() {
        let file = SourceFile(path: "shop.victor", text: Self.sample)
        let (tree, _) = Parser.parse(file)
        guard case .schema(let header)? = tree.items.first else { Issue.record("no header"); return }
        #expect(header.leadingComments.map(\.text) == [" A leading comment survives in the tree."])
        #expect(header.leadingComments.first?.kind == .line)
        guard case .domain(let domain)? = tree.items.last else { Issue.record("no domain"); return }
        #expect(domain.leadingComments.first?.kind == .doc)
        #expect(domain.tables[0].leadingComments.docText == "Customers.")
        // Every comment's range points at its text in the file.
        for c in domain.leadingComments + domain.tables[0].leadingComments {
            #expect(file.text(c.range).hasPrefix("//"))
        }
    }

    @Test func semanticErrorsAreLocated() {
        let text = """
        schema s version 1
        domain app {
          table app_a {
            id: integer primary key
            n: integer = 'x'
            t: text = 3
            o: text = null
            big: integer = 99999999999999999999
            d: bool = true
            x: text? not null
            unique (nope)
          }
        }
        """
        let file = SourceFile(path: "t.victor", text: text)
        let diagnostics = SchemaPipeline().run(file).diagnostics
        let found = diagnostics.map { d -> String in let (l, c) = file.lineAndColumn(of: d.range.start); return "\(l):\(c): \(d.message)" }
        for e in ["5:18: default 'x' does not fit column 'n' of type integer",
                  "6:15: default 3 does not fit column 't' of type text",
                  "7:15: default null on non-optional column 'o'",
                  "8:20: default 99999999999999999999 is out of range",
                  "10:14: column 'x' is optional ('?') but also 'not null'",
                  "11:13: the key names 'nope', which is not a column of 'app_a'"] {
            #expect(found.contains { $0.hasPrefix(e) }, "missing \(e) in \(found)")
        }
        #expect(!found.contains { $0.hasPrefix("9:") })
    }

    @Test func missingHeaderHasAFixIt() {
        let d = SchemaPipeline().run(SourceFile(path: "dir/my-app.victor", text: "domain app { table app_a { id: integer primary key } }")).diagnostics
        #expect(d.count == 1)
        #expect(d.first?.fixIts.first?.replacement == "schema my_app version 1\n\n")
    }

    @Test func settingsAreValidated() {
        let text = "schema s version 1\nnaming {\n  max_word: 3\n  max_words: 0\n  require_domain: maybe\n}\n"
        let file = SourceFile(path: "t.victor", text: text)
        let d = SchemaPipeline().run(file).diagnostics
        #expect(d.contains { $0.message == "unknown naming rule 'max_word'; did you mean 'max_words'?" && file.lineAndColumn(of: $0.range.start) == (3, 3) })
        #expect(d.contains { $0.message.contains("'max_words' must be a positive integer") })
        #expect(d.contains { $0.message.contains("expected true or false") })
    }
}
