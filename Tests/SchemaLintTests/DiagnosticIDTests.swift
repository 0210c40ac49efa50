import Foundation
import Testing
import SchemaSyntax
import SchemaLint
import SchemagenDriver

/// The diagnostics catalog: every parser, resolver and input message has a stable, documented id.
struct DiagnosticIDTests {
    @Test func idsAreUniqueWellFormedAndDistinctFromRuleIDs() {
        let raw = MessageCatalog.all.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for id in MessageCatalog.all {
            #expect(id.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
            #expect(!id.summary.isEmpty)
            #expect(MessageCatalog.entry(id.rawValue) == id)
        }
        #expect(Set(RuleRegistry.all.map(\.id)).isDisjoint(with: raw))
    }

    @Test func everyIDIsDocumented() throws {
        let doc = try String(contentsOf: repoRoot.appendingPathComponent("docs/LINT.md"), encoding: .utf8)
        for id in MessageCatalog.all {
            #expect(doc.contains("`\(id.rawValue)`"), "docs/LINT.md does not list \(id)")
        }
    }

    /// Every diagnostic of the corpus and of a sample of broken files carries an id.
    @Test func parserAndResolverDiagnosticsCarryIDs() {
        let sources = [
            "schema s version one\n", "table {", "schema s version 1\ndomain app { table app_a { x: strng = 1 } }\n",
            "schema s version 1\n@bogus\ndomain app { table app_a { id: integer primary key\n index i (nope) } }\n",
            "schema s version 1\nnaming { max_words: many\n case: camel }\n", "\u{1}\u{2}",
        ]
        for s in sources {
            for d in SchemaPipeline(lint: .full).run(SourceFile(path: "x.victor", text: s)).diagnostics {
                #expect(d.rule != nil || d.messageID != nil, "\(d.message)")
            }
        }
    }

    /// A fix-it's text sits under the caret: a missing symbol is reported where it goes.
    @Test func fixItTextIsAlignedUnderTheCaret() {
        let text = "schema s version 1\ndomain app {\n  table app_user\n    id: integer primary key\n  }\n}\n"
        let file = SourceFile(path: "x.victor", text: text)
        let d = SchemaPipeline().run(file).diagnostics.first { $0.messageID == .expectedToken }
        guard let d else { Issue.record("no expected-token diagnostic"); return }
        let lines = TextFormatter(color: false).format(d, file: file).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 4)
        guard lines.count >= 4 else { return }
        #expect(lines[1] == "      table app_user")
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let fix = lines[3].firstIndex(of: "{").map { lines[3].distance(from: lines[3].startIndex, to: $0) }
        #expect(caret != nil && caret == fix, "\n\(lines.joined(separator: "\n"))")
    }

    /// One misspelt type is one error, whatever else the column says.
    @Test func misspeltTypeIsExactlyOneError() {
        let text = "schema s version 1\ndomain app {\n  table app_user {\n    id: integer primary key\n    pinned: boolen = false\n    n: intgr primary key autoincrement\n  }\n}\n"
        let ds = SchemaPipeline(lint: .full).run(SourceFile(path: "x.victor", text: text)).diagnostics
        #expect(ds.map(\.id) == ["schema/unknown-type", "schema/unknown-type", "schema/conflicting-primary-key"] || ds.filter { $0.messageID == .unknownType }.count == 2)
        #expect(!ds.contains { $0.messageID == .defaultMismatch || $0.messageID == .invalidAutoincrement })
    }

    /// A table rename is one fix-it carrying the edits of every reference, in backticks when needed.
    @Test func tableRenameCarriesItsReferenceEdits() throws {
        let text = "schema s version 1\ndomain app {\n  table `app_big users` { id: integer primary key }\n  table app_x { id: integer primary key\n    a: integer references `app_big users`(id)\n    b: integer references `app_big users`(id)\n  }\n}\n"
        let file = SourceFile(path: "x.victor", text: text)
        let d = try #require(SchemaPipeline(lint: .full).run(file).diagnostics.first { $0.rule == "singular-table-name" })
        let fix = try #require(d.fixIts.first)
        #expect(fix.edits.count == 3)
        #expect(fix.edits.allSatisfy { $0.replacement == "`app_big user`" })
        #expect(fix.isSafe)
    }
}
