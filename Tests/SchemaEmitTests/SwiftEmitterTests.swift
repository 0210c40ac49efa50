import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver

private func load(_ text: String, path: String = "test.victor") throws -> Schema {
    let loaded = SchemaLoader.load(SourceFile(path: path, bytes: Array(text.utf8)))
    if loaded.hasErrors { Issue.record("schema errors: \(loaded.diagnostics.map(\.message))") }
    return loaded.schema
}

private let sample = """
    schema shop version 2
    naming { require_domain: false }
    /// Orders.
    table order {
        id: integer primary key
        group: text unique
        default: integer = 3
        flag: bool = true
        note: text? = 'it''s "x"'
        created_at: timestamp? = datetime('now')
        payload: json<Payload>?
        index idx_order_note (note, flag)
        index idx_order_note_only (note)
    }
    @swift("Thing")
    table date {
        @swift("identifier") id: integer primary key
    }
    """

@Suite struct SwiftNamingTests {
    @Test func typeNames() {
        #expect(SwiftNaming.upperCamel("rl_q_value") == "RlQValue")
        #expect(SwiftNaming.upperCamel("ui_session") == "UiSession")
        #expect(SwiftNaming.lowerCamel("learner_id") == "learnerId")
        // PascalCase, camelCase, acronyms, spaces and quotes keep their word boundaries.
        #expect(SwiftNaming.lowerCamel("ArtistId") == "artistId")
        #expect(SwiftNaming.lowerCamel("artistId") == "artistId")
        #expect(SwiftNaming.lowerCamel("TrackID") == "trackID")
        #expect(SwiftNaming.lowerCamel("HTTPServerURL") == "httpServerURL")
        #expect(SwiftNaming.lowerCamel("file entry") == "fileEntry")
        #expect(SwiftNaming.lowerCamel("it's \"quoted\"") == "itSQuoted")
        #expect(SwiftNaming.lowerCamel("NAME") == "name")
        #expect(SwiftNaming.lowerCamel("2fa_code") == "2faCode")
        #expect(SwiftNaming.upperCamel("InvoiceLine") == "InvoiceLine")
        #expect(SwiftNaming.upperCamel("saved searches") == "SavedSearches")
        #expect(SwiftNaming.upperCamel("shop_order") == "ShopOrder")
        #expect(SwiftNaming.escaped("default") == "`default`")
        #expect(SwiftNaming.escaped("group") == "group")
        #expect(SwiftNaming.stringLiteral("a\"b\\c\n") == #""a\"b\\c\n""#)
    }

    @Test func namesFromSchema() throws {
        let schema = try load(sample)
        #expect(schema.tables.map(SwiftNaming.typeName(for:)) == ["Order", "Thing"])
        #expect(schema.tables.map(SwiftNaming.daoPropertyName(for:)) == ["order", "thing"])
        let order = try #require(schema.table(named: "order"))
        #expect(order.columns.map(SwiftNaming.propertyName(for:)) == ["id", "group", "default", "flag", "note", "createdAt", "payload"])
        #expect(SwiftNaming.propertyName(for: try #require(schema.table(named: "date")?.columns.first)) == "identifier")
    }
}

@Suite struct SwiftEmitterTests {
    @Test func deterministicWithHeaderAndNoPaths() throws {
        let a = SwiftEmitter.emit(try load(sample, path: "/some/where/shop.victor"))
        let b = SwiftEmitter.emit(try load(sample, path: "/elsewhere/shop.victor"))
        #expect(a == b)
        #expect(a.hasPrefix(GeneratedHeader.lines(source: "shop.victor", comment: "//")))
        #expect(!a.contains("/some/where"))
    }

    /// The whole output for a schema mixing keywords, literal and SQL defaults, typed JSON, a
    /// unique key, overlapping index prefixes and `@swift` names, exactly (see SwiftSnippetTests).
    @Test func rowAndDAOShape() throws {
        try SwiftSnippetTests.assertSnippet("shop", sample, .file)
    }

    /// A unique key that an index also covers gets one `fetch`, and the index's shorter prefix a `fetchAll`.
    @Test func uniqueKeyCoveredByIndexIsNotFetchedTwice() throws {
        try SwiftSnippetTests.assertSnippet("unique-covered-by-index", """
            table ui_failed_call {
                id: integer primary key
                tool_name: text
                args_hash: text
                unique (tool_name, args_hash)
                index idx_failed_lookup (tool_name, args_hash)
            }
            """, .dao("ui_failed_call"))
    }

    @Test func everyCharacterOfATextDefaultIsEscapedInTheLiteral() throws {
        let schema = try load("""
            schema s version 1
            naming { require_domain: false }
            table t {
                id: integer primary key
                note: text = 'a"b\\c'
            }
            """)
        #expect(SwiftEmitter.emit(schema).contains(#"note: String = "a\"b\\c"\#n"#))
        #expect(!SwiftEmitter.emit(schema).contains("try!"))
    }

    @Test func generatorWritesSwiftBesideDDL() throws {
        let schema = try load(sample, path: "dir/shop.victor")
        #expect(Generator.outputs(for: schema).map(\.path) == ["shop.sql", "Swift/shop.swift"])
        #expect(Generator.outputs(for: schema, kinds: .swift).map(\.path) == ["Swift/shop.swift"])
        #expect(Generator.swiftOutputPath(forSchemaFile: "a/b/learner.victor") == "Swift/learner.swift")
    }
}
