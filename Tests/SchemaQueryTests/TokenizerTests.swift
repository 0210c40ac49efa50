import Testing
@testable import SchemaQuery
import SchemaSyntax

struct TokenizerTests {
    func kinds(_ sql: String) -> [String] {
        let t = SQLTokenizer(sql)
        return t.tokens().filter { $0.kind != .space }.map { "\($0.kind):\(String(decoding: t.bytes[$0.start..<$0.end], as: UTF8.self))" }
    }

    @Test func quotesStringsBlobsAndComments() {
        #expect(kinds(#"SELECT "a""b", [c d], `e`, 'it''s', x'0A', X'' -- done"#) == [
            "word:SELECT", #"quotedIdentifier:"a""b""#, "symbol:,", "quotedIdentifier:[c d]", "symbol:,", "quotedIdentifier:`e`",
            "symbol:,", "string:'it''s'", "symbol:,", "blob:x'0A'", "symbol:,", "blob:X''", "comment:-- done",
        ])
        #expect(kinds("a/* x */b") == ["word:a", "comment:/* x */", "word:b"])
        #expect(kinds("/* unterminated") == ["comment:/* unterminated"])
        #expect(kinds("'open") == ["illegal:'open"])
    }

    @Test func numbersOperatorsAndParameters() {
        #expect(kinds("1 2.5 .5 1e10 1.5E-3 0x1F 1_000") == ["number:1", "number:2.5", "number:.5", "number:1e10", "number:1.5E-3", "number:0x1F", "number:1_000"])
        #expect(kinds("a<=b||c->>'$' <> d != e == f") == ["word:a", "symbol:<=", "word:b", "symbol:||", "word:c", "symbol:->>", "string:'$'",
                                                         "symbol:<>", "word:d", "symbol:!=", "word:e", "symbol:==", "word:f"])
        #expect(kinds(":a_b ?1 ? @x $y") == ["parameter::a_b", "parameter:?1", "parameter:?", "parameter:@x", "parameter:$y"])
    }

    @Test func offsetsAreUTF8Bytes() {
        let t = SQLTokenizer("SELECT 'é', :p").tokens().filter { $0.kind == .parameter }
        #expect(t.map(\.start) == [13])
    }
}
