import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver

/// Inputs that are too large, too deep or not text at all: each must end in located
/// diagnostics, in bounded time, without a crash.
struct BadInputTests {
    func load(_ text: String, path: String = "t.victor") -> LoadedSchema {
        SchemaLoader.load(SourceFile(path: path, text: text))
    }

    func position(_ d: Diagnostic, in text: String) -> (Int, Int) {
        SourceFile(path: "t", text: text).lineAndColumn(of: d.range.start)
    }

    @Test func emptyFileIsAnError() {
        for text in ["", "   \n\n\t\n"] {
            let l = load(text)
            #expect(l.diagnostics.count == 1)
            #expect(l.diagnostics.first?.message.contains("empty schema file") == true)
        }
    }

    @Test func invalidUTF8IsLocated() {
        var bytes = Array("schema s version 1\ndomain app {\n  table app_x { id: integer primary key\n    name: text = '".utf8)
        let badOffset = bytes.count
        bytes += [0xFF, 0xFE]
        bytes += Array("'\n  }\n}\n".utf8)
        let file = SourceFile(path: "bad.victor", bytes: bytes)
        let l = SchemaLoader.load(file)
        let d = l.diagnostics.first { $0.message.contains("not valid UTF-8") }
        #expect(d != nil)
        #expect(d?.range.start == badOffset)
        #expect(file.lineAndColumn(of: badOffset) == (4, 19))
        // Rendering a line with invalid bytes must not crash either.
        #expect(TextFormatter(color: false).format(d ?? l.diagnostics[0], file: file).contains("bad.victor:4:19: error"))
    }

    @Test func deeplyNestedParenthesesInADefault() {
        let depth = 100_000
        let expr = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        let ok = load("schema s version 1\ndomain app {\n  table app_x {\n    id: integer primary key\n    n: integer = \(expr)\n  }\n}\n")
        // schemagen's parser takes it; SQLite's own parser cannot (its DDL would not load), and
        // the SQL check says so once, at the default.
        #expect(ok.diagnostics.map(\.message) == ["SQLite rejects the default of column 'n': parser stack overflow"])
        #expect(ok.diagnostics.first.map { ok.file.lineAndColumn(of: $0.range.start) == (5, 19) } == true)
        // Unbalanced: reported at the opening parenthesis, not a crash or a hang.
        let unbalanced = "schema s version 1\ndomain app {\n  table app_x {\n    id: integer primary key\n    n: integer = " + String(repeating: "(", count: depth) + "1\n  }\n}\n"
        let bad = load(unbalanced)
        #expect(bad.hasErrors)
        let d = bad.diagnostics.first { $0.message.contains("unbalanced '('") }
        #expect(d.map { position($0, in: unbalanced) } ?? (0, 0) == (5, 18))
    }

    /// A hang guard, not a benchmark (the scale figures are in BENCHMARKS.md): the bound is minutes.
    @Test(.timeLimit(.minutes(10))) func tenMegabyteFileParses() {
        var text = "schema big version 1\ndomain app {\n"
        var i = 0
        while text.utf8.count < 10_000_000 {
            text += "  /// Table \(i).\n  table app_t\(i) {\n    id: integer primary key\n    name: text?\n    score: real? = 0.5\n    parent_id: integer? references app_t\(max(0, i - 1))(id)\n    index idx_t\(i)_name (name, score desc)\n  }\n"
            i += 1
        }
        text += "  table app_broken { id: integr primary key }\n}\n"
        let l: LoadedSchema? = load(text)
        #expect(l?.schema.tables.count == i + 1)
        let errors = l?.diagnostics.filter { $0.severity == .error } ?? []
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("did you mean 'integer'") == true)
    }

    @Test func parserRecoversAndReportsEveryError() {
        let text = """
        schema s version 1
        domain app {
          table app_a {
            id: integer primary key
            name text
            age: integr
            score: real = 'high'
            flag: bool = 2
            ref: integer refrences app_b(id)
          }
          tabel app_b { id: integer primary key }
          table app_c {
            id: integer primary key
            index idx_c (missing)
          }
        }
        """
        let l = load(text)
        let messages = l.diagnostics.map { "\(position($0, in: text).0):\(position($0, in: text).1): \($0.message)" }
        let expected = [
            "5:9: expected ':' between column name 'name' and its type",
            "6:10: unknown type 'integr'; did you mean 'integer'?",
            "7:19: default 'high' does not fit column 'score' of type real",
            "8:18: default 2 does not fit column 'flag' of type bool",
            "9:18: unknown column modifier 'refrences'; did you mean 'references'?",
            "11:3: unknown keyword 'tabel'; did you mean 'table'?",
            "14:18: index 'idx_c' names 'missing', which is not a column of 'app_c'",
        ]
        for e in expected {
            #expect(messages.contains { $0.hasPrefix(e) }, "missing \(e) in \(messages)")
        }
        // Fix-its carry the suggested spelling.
        #expect(l.diagnostics.contains { $0.fixIts.first?.replacement == "integer" })
        #expect(l.diagnostics.contains { $0.fixIts.first?.replacement == "table" })
    }

    @Test func garbageBytesNeverCrash() {
        // A deterministic pseudo-random byte soup, including NULs and stray quotes.
        var state: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<50 {
            var bytes: [UInt8] = []
            for _ in 0..<2_000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let alphabet = Array("schema domain table index ( ) { } : ? = ' \" / * @ - 0 1 . \n abc_".utf8) + [0, 0xC3, 0xFF]
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let l = SchemaLoader.load(SourceFile(path: "soup.victor", bytes: bytes))
            #expect(l.hasErrors)
            for d in l.diagnostics {
                #expect(d.range.start >= 0 && d.range.end <= bytes.count)
            }
        }
    }
}
