import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver

/// Issue 11 item 15: names that would make the generated Swift fail to compile are located errors
/// with a fix-it, and `generate` refuses.
@Suite struct SwiftDiagnosticsTests {
    static func load(_ body: String) -> (SourceFile, Schema) {
        let text = "schema s version 1\nnaming { require_domain: false }\n" + body
        let file = SourceFile(path: "s.victor", bytes: Array(text.utf8))
        let loaded = SchemaLoader.load(file)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return (file, loaded.schema)
    }

    /// Each diagnostic as `line:column: id: message`, with its fix-its applied to the line.
    static func describe(_ body: String) -> [String] {
        let (file, schema) = load(body)
        return SwiftEmitter.identifiedDiagnostics(for: schema).map { id, d in
            let (line, column) = file.lineAndColumn(of: d.range.start)
            let fixes = d.fixIts.map { " fix: \($0.replacement)" }.joined()
            return "\(line):\(column): \(id.rawValue): \(d.message)\(fixes)"
        }
    }

    @Test func collidingTypeNames() {
        #expect(Self.describe("""
            table app_x_y {
                id: integer primary key
            }
            table `app_xY` {
                id: integer primary key
            }
            """) == [
            #"6:7: swift-type-name-collision: table 'app_xY' gets the Swift type name 'AppXY', already used by table 'app_x_y'; name it with @swift("AppXY2") fix: @swift("AppXY2") "#,
        ])
    }

    @Test func aTableNamedLikeTheSchemaEnumOrADAO() {
        #expect(Self.describe("""
            table s_d_d_l {
                id: integer primary key
            }
            table note {
                id: integer primary key
            }
            table note_d_a_o {
                id: integer primary key
            }
            """) == [
            #"3:7: swift-type-name-collision: table 's_d_d_l' gets the Swift type name 'SDDL', already used by the schema enum; name it with @swift("SDDL2") fix: @swift("SDDL2") "#,
            #"9:7: swift-type-name-collision: table 'note_d_a_o' gets the Swift type name 'NoteDAO', already used by table 'note'; name it with @swift("NoteDAO2") fix: @swift("NoteDAO2") "#,
        ])
    }

    /// Each table also declares `<Type>Reads` (its read DAO); the runtime's reader types and the
    /// read DAO's `DB` parameter are names no table can take.
    @Test func aTableNamedLikeAReadDAOOrAReaderType() {
        #expect(Self.describe("""
            table note {
                id: integer primary key
            }
            table note_reads {
                id: integer primary key
            }
            @swift("ReadOnlyDatabase") table a {
                id: integer primary key
            }
            @swift("DB") table b {
                id: integer primary key
            }
            """) == [
            #"6:7: swift-type-name-collision: table 'note_reads' gets the Swift type name 'NoteReads', already used by table 'note'; name it with @swift("NoteReads2") fix: @swift("NoteReads2") "#,
            #"9:34: swift-invalid-type-name: table 'a' gets the Swift type name 'ReadOnlyDatabase', a name the generated code already uses; name it with @swift("ReadOnlyDatabaseRow")"#,
            #"12:20: swift-invalid-type-name: table 'b' gets the Swift type name 'DB', a name the generated code already uses; name it with @swift("DBRow")"#,
        ])
    }

    @Test func collidingPropertyNames() {
        #expect(Self.describe("""
            table t {
                id: integer primary key
                a_b: text
                @swift("aB") other: text
            }
            """) == [
            #"6:18: swift-property-name-collision: column 'other' of table 't' gets the Swift property name 'aB', already used by column 'a_b'; name it with @swift("aB2") fix: @swift("aB2") "#,
        ])
    }

    @Test func namesTheGeneratedCodeUsesThemselves() {
        #expect(Self.describe("""
            @swift("Database")
            table t {
                id: integer primary key
                @swift("Draft") a: text
                @swift("Int64") b: text
                `_`: text?
            }
            """) == [
            #"4:7: swift-invalid-type-name: table 't' gets the Swift type name 'Database', a name the generated code already uses; name it with @swift("DatabaseRow")"#,
            #"6:21: swift-invalid-property-name: column 'a' of table 't' gets the Swift property name 'Draft', a name the generated row type already uses; name it with @swift("DraftValue")"#,
            #"7:21: swift-invalid-property-name: column 'b' of table 't' gets the Swift property name 'Int64', a name the generated row type already uses; name it with @swift("Int64Value")"#,
            #"8:5: swift-invalid-property-name: column '_' of table 't' gets the Swift property name '_', not a Swift identifier; name it with @swift("value") fix: @swift("value") "#,
        ])
    }

    /// The resolver already refuses such a `json<…>` argument; the emitter checks the model again.
    @Test func jsonTypeArgumentMustNameASwiftType() throws {
        var (_, schema) = Self.load("""
            table t {
                id: integer primary key
                a: json<Payload>?
            }
            """)
        #expect(SwiftEmitter.diagnostics(for: schema).isEmpty)
        schema.tables[0].columns[1].type = .json(swiftType: "Foo: Int }\nstruct Injected {")
        #expect(SwiftEmitter.identifiedDiagnostics(for: schema).map(\.id) == [.invalidJSONType])
        schema.tables[0].columns[1].type = .json(swiftType: "Foundation.Data")
        #expect(SwiftEmitter.diagnostics(for: schema).isEmpty)
    }

    /// Issue 14's Swift faces: value-set case names and FTS5 type names that would not compile.
    @Test func valueSetsAndFTSTablesThatWouldNotCompileAreLocated() {
        #expect(Self.describe("""
            table task_item {
                id: integer primary key
                state: text in ('in progress', 'in_progress', 'done')
                mark: text in ('+', '-')
            }
            """) == [
                "5:17: swift-value-set-name: values 'in progress' and 'in_progress' of column 'state' of table 'task_item' get the same Swift case name 'inProgress'",
                "6:16: swift-value-set-name: value '+' of column 'mark' of table 'task_item' gets no Swift case name (it needs a letter or a digit)",
            ])
        #expect(Self.describe("""
            table NoteSearch {
                id: integer primary key
            }
            virtual table note_search using fts5(body)
            """) == [
                "6:15: swift-type-name-collision: virtual table 'note_search' gets the Swift type name 'NoteSearch', already used by table 'NoteSearch'; rename it",
            ])
    }

    @Test func keywordsDigitsSpacesAndUnicodeNeedNoRename() {
        #expect(Self.describe("""
            table default {
                self: integer primary key
                class: text
                Type: integer?
                `1st`: integer
                `two words`: text
                `café`: text
            }
            """) == [])
    }

    @Test func theGeneratorRefusesAndTheCLIReportsTheLocation() throws {
        let (_, schema) = Self.load("""
            table app_x_y {
                id: integer primary key
            }
            table `app_xY` {
                id: integer primary key
            }
            """)
        #expect(Generator.diagnostics(for: schema).count == 1)
        #expect(Generator.diagnostics(for: schema, kinds: .ddl).isEmpty)
    }
}
