import Foundation
import Testing
import SchemaSyntax
import SchemaModel
@testable import SchemaEmit
import SchemagenDriver

/// Snippet reference tests (after swift-openapi-generator's SnippetBasedReferenceTests): for each
/// emitter feature a small schema and the exact Swift expected for it, in
/// `Tests/SchemaEmitTests/Snippets/<name>.swift.txt`.
///
/// Re-record after an intended change: `SCHEMAGEN_RECORD=1 swift test --filter SwiftSnippetTests`
/// rewrites every expectation file with the current output; review the diff before committing.
@Suite struct SwiftSnippetTests {
    enum Part {
        case file
        case schemaEnum
        case rowType(String)
        case dao(String)
        case readDAO(String)
    }

    static let snippetsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snippets")

    static func schema(_ body: String) throws -> Schema {
        let text = body.hasPrefix("schema ") ? body : "schema snip version 2\nnaming { require_domain: false }\n" + body
        let loaded = SchemaLoader.load(SourceFile(path: "snip.victor", bytes: Array(text.utf8)))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return loaded.schema
    }

    static func render(_ schema: Schema, _ part: Part) throws -> String {
        func table(_ name: String) throws -> SwiftTable { SwiftTable(try #require(schema.table(named: name))) }
        switch part {
        case .file: return SwiftEmitter.emit(schema)
        case .schemaEnum:
            return SwiftRenderer.render(SchemaEnumTranslator.schemaEnum(schema, typeName: SwiftEmitter.ddlTypeName(for: schema)))
        case .rowType(let name): return SwiftRenderer.render(RowTypeTranslator.rowStruct(try table(name)))
        case .dao(let name): return DAOTranslator.declarations(try table(name)).map(SwiftRenderer.render).joined(separator: "\n")
        case .readDAO(let name): return ReadDAOTranslator.declarations(try table(name)).map(SwiftRenderer.render).joined(separator: "\n")
        }
    }

    /// Compares with the expectation file, or writes it when `SCHEMAGEN_RECORD=1`.
    static func assertSnippet(_ name: String, _ schemaBody: String, _ part: Part,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = try render(try schema(schemaBody), part)
        let url = snippetsDirectory.appendingPathComponent("\(name).swift.txt")
        if ProcessInfo.processInfo.environment["SCHEMAGEN_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: snippetsDirectory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(a, e)).firstIndex { $0 != $1 } ?? min(a.count, e.count)
            Issue.record("""
                \(name): the output differs from Snippets/\(name).swift.txt at line \(line + 1)
                expected: \(line < e.count ? String(e[line]) : "<end>")
                actual:   \(line < a.count ? String(a[line]) : "<end>")
                (SCHEMAGEN_RECORD=1 re-records)
                """, sourceLocation: sourceLocation)
        }
    }

    @Test func wholeFile() throws {
        try Self.assertSnippet("file", """
            table tag {
                id: text primary key
            }
            """, .file)
    }

    @Test func schemaEnumHoldsTheDDLEscaped() throws {
        try Self.assertSnippet("schema-enum", #"""
            table note {
                id: integer primary key
                body: text = 'a "quoted" \ back\slash """ \(x)'
                index idx_note_body (body)
            }
            """#, .schemaEnum)
    }

    @Test func rowTypeWithRowidLiteralAndDatabaseDefaults() throws {
        try Self.assertSnippet("row-defaults", """
            /// A note.
            table note {
                id: integer primary key
                /// The title.
                title: text
                score: real = 0.5
                pinned: bool = false
                body: text? = 'it''s'
                created_at: timestamp = datetime('now')
                payload: json<Payload>?
                seen_at: epoch?
            }
            """, .rowType("note"))
    }

    @Test func linkTableRowTypeHasNoStoredCopy() throws {
        try Self.assertSnippet("row-link-table", """
            table note_tag {
                note_id: integer
                tag_id: text
                primary key (note_id, tag_id)
            }
            """, .rowType("note_tag"))
    }

    @Test func linkTableDAO() throws {
        try Self.assertSnippet("dao-link-table", """
            table note_tag {
                note_id: integer
                tag_id: text
                primary key (note_id, tag_id)
            }
            """, .dao("note_tag"))
    }

    @Test func daoWithKeysIndexesAndNarrowUpdate() throws {
        try Self.assertSnippet("dao-keys", """
            table note {
                id: integer primary key
                slug: text unique
                folder: text?
                title: text
                index idx_note_folder (folder, title)
            }
            """, .dao("note"))
    }

    /// The read DAO: generic over the reader, fetches and count only, reachable on every
    /// `DatabaseReading`; the full DAO of the same table (`dao-keys`) forwards its reads to it.
    @Test func readDAOWithKeysAndIndexPrefixes() throws {
        try Self.assertSnippet("read-dao-keys", """
            table note {
                id: integer primary key
                slug: text unique
                folder: text?
                title: text
                index idx_note_folder (folder, title)
            }
            """, .readDAO("note"))
    }

    @Test func readDAOOfALinkTable() throws {
        try Self.assertSnippet("read-dao-link-table", """
            table note_tag {
                note_id: integer
                tag_id: text
                primary key (note_id, tag_id)
            }
            """, .readDAO("note_tag"))
    }

    @Test func daoReturningForDatabaseDefaults() throws {
        try Self.assertSnippet("dao-returning", """
            table event {
                id: integer primary key
                at: timestamp = datetime('now')
                data: json
            }
            """, .dao("event"))
    }

    @Test func keywordNames() throws {
        try Self.assertSnippet("keywords", """
            table default {
                self: integer primary key
                class: text
                Type: integer?
                init: bool = true
                inout: text unique
            }
            """, .file)
    }

    /// Issue 11 item 4: a bare CR (or any other line terminator) in a doc comment cannot end the
    /// comment line and become code.
    @Test func hostileDocComments() throws {
        try Self.assertSnippet("hostile-doc", "/// Rows.\rstruct Injected {}\n/// CRLF\r\n/// LS\u{2028}struct Injected2 {} */\ntable t {\n    /// col\rstruct Injected3 {}\n    id: integer primary key\n}\n", .rowType("t"))
        let rendered = try Self.render(try Self.schema("/// a\rstruct Injected {}\ntable t {\n    id: integer primary key\n}\n"), .file)
        for line in rendered.split(separator: "\n") where line.contains("Injected") {
            #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("///"))
        }
        #expect(!rendered.contains("\r"))
    }
}
