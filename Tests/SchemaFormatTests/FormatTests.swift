import Foundation
import Testing
import SchemaSyntax
@testable import SchemaFormat
import SchemagenDriver
import SchemagenTestSupport

private func format(_ text: String) throws -> String {
    try SchemaFormatter.format(SourceFile(path: "t.victor", text: text))
}

/// Every output the schema file produces (DDL and Swift), or nil when it does not load.
private func outputs(_ text: String, path: String) -> [String]? {
    let pipeline = SchemaPipeline()
    let loaded = pipeline.run(SourceFile(path: path, text: text))
    guard let checked = loaded.checked else { return nil }
    return pipeline.emit(checked).map(\.contents)
}

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every `.victor` of the repository outside the (deliberately broken) parser corpus, `.build`, the
/// fuzzer's working corpus and saved crashers (`Fuzz/.corpus/`, `Fuzz/crashers/`: mutated inputs) and
/// the frozen histories (`*.history/`: sealed copies of released versions, never rewritten).
private func repoSchemaFiles() -> [URL] {
    guard let e = FileManager.default.enumerator(at: repoRoot, includingPropertiesForKeys: nil) else { return [] }
    var files: [URL] = []
    for case let url as URL in e {
        let p = url.path
        if p.contains("/.build") || p.contains("/Corpus/") || p.contains("/.git/") || p.contains(".history/")
            || p.contains("/Fuzz/.corpus/") || p.contains("/Fuzz/crashers/") { continue }
        if url.pathExtension == "victor" { files.append(url) }
    }
    return files.sorted { $0.path < $1.path }
}

@Suite struct FormatSnippetTests {
    @Test func spacingIndentationAndBlankLines() throws {
        let input = """
        schema  s   version 1
        naming {
          max_words:3
            forbidden_suffixes: [ "stats","history" ]
        }
        domain d "D" {

          table d_a {
        id:integer primary key
              name :text?   unique
        `order`: text? = 'x'
        n: integer = -1



        index idx_a_name ( name desc,n )
        }
        table d_b { id: integer primary key }
        }
        """
        let expected = """
        schema s version 1

        naming {
            max_words: 3
            forbidden_suffixes: ["stats", "history"]
        }

        domain d "D" {
            table d_a {
                id: integer primary key
                name: text? unique
                `order`: text? = 'x'
                n: integer = -1

                index idx_a_name (name desc, n)
            }

            table d_b { id: integer primary key }
        }

        """
        #expect(try format(input) == expected)
    }

    @Test func sqlIsKeptByteForByte() throws {
        let input = """
        schema s version 1
        table t {
          a:  integer check(a>0  and  a<10)
           b: text = lower( 'X' )
             c: real = ( 1 +  2 )
          index idx_t_a (a) where   a  >  1
        }
        """
        let expected = """
        schema s version 1

        table t {
            a: integer check (a>0  and  a<10)
            b: text = lower( 'X' )
            c: real = ( 1 +  2 )
            index idx_t_a (a) where a  >  1
        }

        """
        #expect(try format(input) == expected)
    }

    /// Issue 14's constructs: heads and table options re-spaced, every SQL fragment (generated
    /// columns, expression index terms, `when`, virtual table arguments) and a trigger's body with
    /// its braces kept byte for byte, comments in place; formatting twice changes nothing.
    @Test func triggersVirtualTablesAndColumnFormsAreFormatted() throws {
        let input = """
        schema s version 1
        table  t   without  rowid {
          id:integer primary key  not null
          state:  text in ('a','b')  =  'a'   // the set
           low: text?  as (lower( state ))  stored
          price :real  sql "NUMERIC(10,2)"
          parent: integer? references t(id)  on delete cascade   deferrable initially  deferred
          index  idx_t_low (lower( state )  collate  nocase desc, low)
            constraint   t_price  check (price>=0)
        }
        // search
        virtual   table t_fts  using fts5( title,  tokenize='porter' )
        virtual table t_trgm using  fts5(body, tokenize = 'trigram')
        table u strict ,without rowid {
            k: text primary key
        }
        /// Doc comment.
        trigger  t_guard  before  update  of state on t for  each  row when  new.state  <>  old.state {
          SELECT RAISE(ABORT,  'frozen');   -- kept
        }
        """
        let expected = """
        schema s version 1

        table t without rowid {
            id: integer primary key not null
            state: text in ('a', 'b') = 'a' // the set
            low: text? as (lower( state )) stored
            price: real sql "NUMERIC(10,2)"
            parent: integer? references t(id) on delete cascade deferrable initially deferred
            index idx_t_low (lower( state ) collate nocase desc, low)
            constraint t_price check (price>=0)
        }

        // search
        virtual table t_fts using fts5( title,  tokenize='porter' )

        virtual table t_trgm using fts5(body, tokenize = 'trigram')

        table u strict, without rowid {
            k: text primary key
        }

        /// Doc comment.
        trigger t_guard before update of state on t for each row when new.state  <>  old.state {
          SELECT RAISE(ABORT,  'frozen');   -- kept
        }

        """
        let once = try format(input)
        #expect(once == expected)
        #expect(try format(once) == once)
        #expect(outputs(input, path: "t.victor") == outputs(once, path: "t.victor"))
        #expect(outputs(input, path: "t.victor") != nil)
    }

    @Test func multiLineSQLKeepsItsLines() throws {
        let input = "schema s version 1\n\ntable t {\n  a: integer check (\n      a > 0\n  )\n}\n"
        let expected = "schema s version 1\n\ntable t {\n    a: integer check (\n      a > 0\n  )\n}\n"
        #expect(try format(input) == expected)
    }

    @Test func attributesAndReferences() throws {
        let input = """
        schema s version 1
        @allow(redundant-index,reason:"why")
        table s_a { id: integer primary key }
        table s_b {
          @swift("aRef")   a_id: integer references s_a (id) on delete cascade
          unique ( a_id )
        }
        """
        let expected = """
        schema s version 1

        @allow(redundant-index, reason: "why")
        table s_a { id: integer primary key }

        table s_b {
            @swift("aRef") a_id: integer references s_a(id) on delete cascade
            unique (a_id)
        }

        """
        #expect(try format(input) == expected)
    }
}

@Suite struct FormatCommentTests {
    @Test func everyCommentStaysWhereItBelongs() throws {
        let input = """
        // file header
        // second line

        schema s version 1   // trailing on the header
        /// The table.
        table t {   // after the brace
          /// Doc of id.
          id: integer primary key    // trailing on a column
          /* block */ name: text /* inline */ unique

          // detached, between members

          // leading for n
          n: integer
            // last, before the closing brace
        }   // after the closing brace
        // end of file
        """
        let expected = """
        // file header
        // second line

        schema s version 1 // trailing on the header

        /// The table.
        table t { // after the brace
            /// Doc of id.
            id: integer primary key // trailing on a column
            /* block */ name: text /* inline */ unique

            // detached, between members

            // leading for n
            n: integer
            // last, before the closing brace
        } // after the closing brace
        // end of file

        """
        #expect(try format(input) == expected)
    }

    @Test func commentsInsideLegacyBlocksAndLists() throws {
        let input = """
        schema s version 1
        lint {
           // why
           uncountable_words: ["telemetry"] // trailing
        }
        table t {
          id: integer primary key
          from old where x > 1 {   // filter
             id = id   // same
             // unpivot below
             unpivot (k, v) {
               a as 'A'   // label
             }
             drop y "gone"
          }
        }
        """
        let expected = """
        schema s version 1

        lint {
            // why
            uncountable_words: ["telemetry"] // trailing
        }

        table t {
            id: integer primary key
            from old where x > 1 { // filter
                id = id // same
                // unpivot below
                unpivot (k, v) {
                    a as 'A' // label
                }
                drop y "gone"
            }
        }

        """
        #expect(try format(input) == expected)
    }

    @Test func trailingTriviaIsOnTheToken() throws {
        var lexer = Lexer(file: SourceFile(path: "t", text: "a: integer // x\n\n// y\nb: text"))
        let tokens = lexer.tokenize()
        #expect(tokens[2].trailingComments.map(\.text) == [" x"])
        #expect(tokens[3].leadingComments.map(\.newlinesBefore) == [0, 2])
        #expect(tokens[3].newlinesBefore == 1)
        #expect(tokens[3].trailingComments.isEmpty)
    }
}

@Suite struct FormatPropertyTests {
    @Test func theFormatterPrintsDataStepsAndDropsAndKeepsTheirComments() throws {
        let messy = """
            // header comment
            @dropped( app_old,version: 2,  reason: "gone" )
            schema  app version 2
            table app_owner {
              id: integer primary key
            }
            /// doc of the step
            @run(version:2,  before)   // why before
            migration   fill {
               -- SQL comments and layout are kept
                 UPDATE app_owner SET id = id ;
            }
            """
        let out = try format(messy)
        #expect(out == """
            // header comment
            @dropped(app_old, version: 2, reason: "gone")
            schema app version 2

            table app_owner {
                id: integer primary key
            }

            /// doc of the step
            @run(version: 2, before) // why before
            migration fill {
               -- SQL comments and layout are kept
                 UPDATE app_owner SET id = id ;
            }

            """, "\(out)")
        #expect(try format(out) == out)
    }

    @Test func refusesSyntaxErrors() throws {
        #expect(throws: FormatError.self) { try format("schema s version 1\ntable t {\n  id integer\n}\n") }
        do {
            _ = try format("schema s version 1\ntable t {\n  id integer\n}\n")
        } catch let error as FormatError {
            guard case .syntaxErrors(let d) = error else { Issue.record("expected syntax errors"); return }
            #expect(d.first?.range.start == 33)
        }
    }

    @Test(arguments: repoSchemaFiles())
    func repositoryFilesKeepTheirMeaningAndAreIdempotent(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let once = try format(text)
        let twice = try format(once)
        #expect(once == twice, "not idempotent: \(url.path)")
        let before = outputs(text, path: url.lastPathComponent)
        let after = outputs(once, path: url.lastPathComponent)
        #expect(before != nil)
        #expect(before == after, "outputs differ after formatting \(url.path)")
    }

    @Test func repositoryFilesAreFormatted() throws {
        for url in repoSchemaFiles() {
            let file = try SchemaLoader.read(url.path)
            #expect(try SchemaFormatter.isFormatted(file), "\(url.path) is not formatted: run schemagen format")
        }
    }
}

@Suite struct FormatCLITests {
    @Test func checkWriteAndRefusal() throws {
        let dir = try SchemagenCLI.temporaryDirectory("format")
        let messy = dir.appendingPathComponent("messy.victor")
        let clean = dir.appendingPathComponent("clean.victor")
        let broken = dir.appendingPathComponent("broken.victor")
        let messyText = "schema s version 1\ntable t {\n  id:integer primary key\n}\n"
        try messyText.write(to: messy, atomically: true, encoding: .utf8)
        try "schema s version 1\n\ntable t {\n    id: integer primary key\n}\n".write(to: clean, atomically: true, encoding: .utf8)
        let brokenText = "schema s version 1\ntable t {\n  id integer\n"
        try brokenText.write(to: broken, atomically: true, encoding: .utf8)
        chmod(messy.path, 0o640)

        var r = try SchemagenCLI.run(["format", "--check", messy.path, clean.path])
        #expect(r.status == 1)
        #expect(r.stdout == "\(messy.path): not formatted\n")
        #expect(try String(contentsOf: messy, encoding: .utf8) == messyText)

        r = try SchemagenCLI.run(["format", "--check", clean.path])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)

        // Through a symlink: the target is rewritten, the link stays, permissions are kept.
        let link = dir.appendingPathComponent("link.victor")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: messy)
        r = try SchemagenCLI.run(["format", link.path])
        #expect(r.status == 0)
        #expect(try String(contentsOf: messy, encoding: .utf8) == "schema s version 1\n\ntable t {\n    id: integer primary key\n}\n")
        #expect((try FileManager.default.attributesOfItem(atPath: link.path)[.type] as? FileAttributeType) == .typeSymbolicLink)
        #expect((try FileManager.default.attributesOfItem(atPath: messy.path)[.posixPermissions] as? Int) == 0o640)

        r = try SchemagenCLI.run(["format", broken.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("broken.victor:3:5: error:"))
        #expect(try String(contentsOf: broken, encoding: .utf8) == brokenText)
        r = try SchemagenCLI.run(["format", "--check", broken.path])
        #expect(r.status == 1)
    }
}

/// What the formatter does with declarations it does not know (kinds other parts of the language
/// add): simulated by hiding nodes from it, so their tokens are not described by the tree.
@Suite struct FormatUnknownSyntaxTests {
    @Test func unknownDeclarationsAreCopiedVerbatim() {
        let text = "schema s version 1\ntable t {\n  id:integer primary key\n    mystery   x(a,b)  ( keep\n   this )\n  n :text\n}\n  other  thing {  as  is }\n"
        let file = SourceFile(path: "t.victor", text: text)
        let (tree, _) = Parser.parse(file)
        // The parser describes the header and the table with its `id` and `n` columns; the
        // `mystery` member and the `other` declaration are unknown to the tree.
        #expect(tree.items.count == 2)
        var lexer = Lexer(file: file)
        var printer = Printer(file: file, tokens: lexer.tokenize())
        printer.classify(tree)
        let out = printer.print()
        #expect(out == "schema s version 1\n\ntable t {\n    id: integer primary key\n    mystery   x(a,b)  ( keep\n   this )\n    n: text\n}\n\nother  thing {  as  is }\n")
    }
}
