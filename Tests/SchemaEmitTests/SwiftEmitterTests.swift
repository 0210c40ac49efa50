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

    @Test func rowAndDAOShape() throws {
        let swift = SwiftEmitter.emit(try load(sample))
        #expect(swift.contains("public struct Order: Codable, Sendable, Hashable {"))
        #expect(swift.contains("    public var id: Int64?\n"))
        #expect(swift.contains("    public var `default`: Int64\n"))
        #expect(swift.contains("    public var createdAt: Date?\n"))
        #expect(swift.contains("    public var payload: Payload?\n"))
        #expect(swift.contains("case createdAt = \"created_at\""))
        #expect(swift.contains("id: Int64? = nil,"))
        #expect(swift.contains("`default`: Int64 = 3,"))
        #expect(swift.contains("flag: Bool = true,"))
        #expect(swift.contains(#"note: String? = "it's \"x\"","#))
        #expect(swift.contains("createdAt: Date? = nil,"))
        // Database-evaluated default: COALESCE on insert, documented on the property.
        #expect(swift.contains("COALESCE(?6, (datetime('now')))"))
        #expect(swift.contains("nil on insert writes `COALESCE(?, (datetime('now')))`"))
        // Keywords quoted in SQL (escaped inside the Swift literal).
        #expect(swift.contains(#"INSERT INTO \"order\" (id, \"group\", \"default\", flag, note, created_at, payload)"#))
        #expect(swift.contains("public struct OrderDAO: Sendable {"))
        #expect(swift.contains("public var order: OrderDAO { OrderDAO(db: self) }"))
        #expect(swift.contains("public func fetch(id p0: Int64) throws(DatabaseError) -> Order?"))
        #expect(swift.contains("public func fetch(group p0: String) throws(DatabaseError) -> Order?"))
        // Index prefixes: (note) once although two indexes start with it; nullable → IS.
        #expect(swift.components(separatedBy: "public func fetchAll(note p0: String?)").count == 2)
        #expect(swift.contains("public func fetchAll(note p0: String?, flag p1: Bool) throws(DatabaseError) -> [Order]"))
        #expect(swift.contains(#"WHERE note IS ?1 AND flag = ?2 ORDER BY id"#))
        #expect(swift.contains("case primaryKey"))
        #expect(swift.contains("        case group\n"))
        #expect(swift.contains(#"ON CONFLICT(\"group\") DO UPDATE SET \"default\" = excluded.\"default\""#))
        #expect(swift.contains("created_at = COALESCE(?6, \\\"order\\\".created_at)"))
        #expect(swift.contains("public enum ShopDDL {"))
        #expect(!swift.contains("try!"))
    }

    @Test func uniqueKeyCoveredByIndexIsNotFetchedTwice() throws {
        let schema = try load("""
            schema s version 1
            naming { require_domain: false }
            table ui_failed_call {
                id: integer primary key
                tool_name: text
                args_hash: text
                unique (tool_name, args_hash)
                index idx_failed_lookup (tool_name, args_hash)
            }
            """)
        let swift = SwiftEmitter.emit(schema)
        #expect(swift.contains("public func fetch(toolName p0: String, argsHash p1: String) throws(DatabaseError) -> UiFailedCall?"))
        #expect(swift.contains("public func fetchAll(toolName p0: String) throws(DatabaseError) -> [UiFailedCall]"))
        #expect(!swift.contains("fetchAll(toolName p0: String, argsHash"))
    }

    @Test func generatorWritesSwiftBesideDDL() throws {
        let schema = try load(sample, path: "dir/shop.victor")
        #expect(Generator.outputs(for: schema).map(\.path) == ["shop.sql", "Swift/shop.swift"])
        #expect(Generator.outputs(for: schema, kinds: .swift).map(\.path) == ["Swift/shop.swift"])
        #expect(Generator.swiftOutputPath(forSchemaFile: "a/b/learner.victor") == "Swift/learner.swift")
    }
}
