import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver

/// A schema with every logical type (nullable and not), a link table, keyword and odd names, SQL
/// defaults and hostile doc comments: the Swift generated for it must compile with warnings as
/// errors (Swift 6 mode) and work against real SQLite.
let everyShapeSchema = """
    schema every_shape version 3
    naming { require_domain: false }

    /// Every logical type.\rstruct Injected {}
    /// Second line with */ and a\u{2028}struct Injected2 {}
    table thing {
        id: integer primary key
        i: integer unique
        i_n: integer?
        r: real = 1.5
        big: real = 9007199254740993
        r_n: real?
        t: text = 'it''s "quoted" \\ back \\(x) end'
        t_n: text?
        b: blob
        b_n: blob?
        flag: bool = true
        flag_n: bool?
        ts: timestamp
        ts_n: timestamp?
        ep: epoch
        ep_n: epoch?
        j: json
        j_n: json<Payload>?
        /// SQL-expression default, NOT NULL.
        created_at: timestamp = datetime('now')
        seen: integer = (1 + 2)
        index idx_thing_t (t_n, flag)
    }

    table tag {
        id: text primary key
        label: text
    }

    /// A link table: every column is in the primary key.
    table thing_tag {
        thing_id: integer references thing(id)
        tag_id: text references tag(id)
        primary key (thing_id, tag_id)
    }

    /// Keywords and odd names everywhere.
    table default {
        self: integer primary key
        default: text
        Type: integer
        class: text?
        init: bool = false
        where: text
        inout: integer = 0
        `1st`: integer = 1
        `two words`: text?
        `café`: text?
        let: text unique
        statement: integer?
        row: text?
        index idx_default_where (where, inout)
    }

    /// A link table without a rowid alias and with a timestamp in the key.
    table `self` {
        at: timestamp
        name: text
        primary key (at, name)
    }
    """

/// Exercises every table of the schema; exits non-zero naming the first failed check.
let everyShapeProbe = #"""
    import Foundation
    import SchemagenRuntime

    public struct Payload: Codable, Sendable, Hashable {
        public var n: Int
        public init(n: Int) { self.n = n }
    }
    // Declaring these proves the hostile doc comments declared nothing of these names.
    struct Injected {}
    struct Injected2 {}
    struct Injected3 {}

    func check(_ ok: Bool, _ what: String, line: Int = #line) {
        if !ok {
            print("FAIL line \(line): \(what)")
            exit(1)
        }
    }

    func main() throws(DatabaseError) {
        let db = try Database.inMemory()
        // The launch call creates the database; a second launch is a no-op.
        do {
            try EveryShapeMigrations.migrate(db)
            try EveryShapeMigrations.migrate(db, structureCheck: .always)
        } catch {
            check(false, "migrate: \(error)")
        }
        check(EveryShapeDDL.version == 3 && EveryShapeMigrations.version == 3, "version")

        let when = Date(timeIntervalSince1970: 1_700_000_000.25)
        // A Draft leaves the NOT NULL SQL-defaulted columns (created_at, seen) to the database.
        let a = try db.thing.insertAndFetch(Thing.Draft(i: 1, b: Data([0, 1, 2]), ts: when, ep: when, j: .object(["k": .string("v")])))
        let recent: Date = a.createdAt
        check(a.id != nil && abs(recent.timeIntervalSinceNow) < 24 * 3600 && a.seen == 3, "database defaults filled in")
        let rowid = try db.thing.insert(Thing.Draft(i: 10, b: Data(), ts: when, ep: when, j: .null, seen: 4))
        check(try db.thing.fetch(id: rowid)?.seen == 4, "write-only insert of a Draft returns the rowid")
        check(try db.thing.delete(id: rowid), "delete")
        check(a.t == "it's \"quoted\" \\ back \\(x) \u{2028} end", "text default survives escaping")
        check(a.r == 1.5 && a.big == 9007199254740992 && a.flag && a.iN == nil && a.jN == nil, "literal defaults")
        let full = Thing(i: 2, iN: -7, r: -0.0, rN: .nan, t: "t", tN: "x\r\ny", b: Data(), bN: Data([255]),
                         flag: false, flagN: true, ts: when, tsN: when, ep: when, epN: when,
                         j: .array([.int(1), .null]), jN: Payload(n: 5), createdAt: when, seen: 1)
        let b = try db.thing.insert(full)
        check(b.rN == nil, "NaN is stored as NULL")
        check(try db.thing.fetch(id: b.id ?? -1) == b, "fetch returns the stored row")
        check(try db.thing.fetch(i: 2)?.jN == Payload(n: 5), "fetch by unique key, typed JSON")
        check(try db.thing.fetchAll(tN: "x\r\ny").count == 1, "index prefix")
        check(try db.thing.fetchAll(tN: "x\r\ny", flag: false).count == 1, "index")
        check(try db.thing.fetchAll(tN: nil).count == 1, "nullable key uses IS")
        var changed = b
        changed.tN = nil
        changed.i = 3
        check(try db.thing.update(changed), "update")
        check(try db.thing.fetch(i: 3)?.tN == nil, "update wrote")
        try db.thing.upsert(Thing(i: 3, r: 9, b: Data(), ts: when, ep: when, j: .null, createdAt: when, seen: 0), onConflict: .i)
        check(try db.thing.fetch(i: 3)?.r == 9, "upsert on a unique key")
        let up = try db.thing.upsertAndFetch(Thing(i: 4, b: Data(), ts: when, ep: when, j: .null, createdAt: when, seen: 0))
        check(up.id != nil && up.i == 4, "upsertAndFetch inserts")
        check(try db.thing.count() == 3, "count")
        check(try db.thing.delete(i: 4), "delete by unique key")

        try db.tag.insert(Tag(id: "t1", label: "one"))
        let link = try db.thingTag.insert(ThingTag(thingId: a.id ?? -1, tagId: "t1"))
        check(try db.thingTag.fetch(thingId: link.thingId, tagId: "t1") == link, "link table fetch")
        try db.thingTag.upsert(link)
        check(try db.thingTag.upsertAndFetch(link) == link, "link table upsert")
        check(try db.thingTag.insert(contentsOf: [ThingTag(thingId: b.id ?? -1, tagId: "t1")]).count == 1, "insert(contentsOf:)")
        check(try db.thingTag.delete(thingId: link.thingId, tagId: "t1"), "link table delete")
        do {
            try db.thingTag.insert(contentsOf: [ThingTag(thingId: 999, tagId: "t1")])
            check(false, "foreign key violation must throw")
        } catch {
            check(error.constraint == .foreignKey, "typed foreign-key error: \(error)")
        }

        let d = try db.defaultTable.insert(Default(default: "d", type: 7, class: "c", where: "w", _1st: 2, twoWords: "2w", café: "é", let: "l"))
        check(d.`self` != nil && d.`init` == false && d.`inout` == 0, "keyword columns")
        check(try db.defaultTable.fetch(self: d.`self` ?? -1) == d, "fetch by a column named self")
        check(try db.defaultTable.fetch(let: "l")?.café == "é", "fetch by a column named let")
        check(try db.defaultTable.fetchAll(where: "w", `inout`: 0).count == 1, "keyword labels")
        var e = d
        e.`class` = nil
        e.`init` = true
        check(try db.defaultTable.update(e), "update keyword columns")
        check(try db.defaultTable.upsertAndFetch(e, onConflict: .let).`init`, "upsert on a keyword key")

        let s = try db.selfRow.insert(SelfRow(at: when, name: "n"))
        check(try db.selfRow.fetch(at: s.at, name: "n") == s, "timestamp key round trip")
        print("ok")
    }

    do {
        try main()
    } catch {
        print("FAIL: \(error)")
        exit(1)
    }
    """#

@Suite struct GeneratedCodeCompileTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func loadEveryShape() throws -> Schema {
        let loaded = SchemaLoader.load(SourceFile(path: "every_shape.victor", bytes: Array(everyShapeSchema.utf8)))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        var schema = loaded.schema
        // Text the schema language cannot carry, set on the model: every kind of line break,
        // NUL and the other control characters.
        // (The language refuses control characters and U+2028 in a string default; the emitter
        // must escape them all the same.)
        if let i = schema.tables.firstIndex(where: { $0.name == "thing" }), let c = schema.tables[i].columns.firstIndex(where: { $0.name == "t" }) {
            schema.tables[i].columns[c].defaultValue = .string("it's \"quoted\" \\ back \\(x) \u{2028} end")
        }
        if let i = schema.tables.firstIndex(where: { $0.name == "tag" }) {
            schema.tables[i].doc = "NUL\u{0}struct Injected3 {}\r\nCRLF\u{85}NEL\u{2029}PS\u{B}VT\u{C}FF\u{1B}ESC */ /* "
            schema.tables[i].columns[1].doc = "label\rstruct Injected {}"
        }
        return schema
    }

    @Test func everyShapeCompilesWarningFreeAndRunsAgainstSQLite() throws {
        let schema = try Self.loadEveryShape()
        #expect(SwiftEmitter.diagnostics(for: schema).map(\.message) == [])
        let dir = try SchemagenTemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let generated = dir.appendingPathComponent("every_shape.swift")
        try SwiftEmitter.emit(schema, migrations: LaunchMigrations.build(schema, file: nil).chain).write(to: generated, atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.swift")
        try everyShapeProbe.write(to: main, atomically: true, encoding: .utf8)

        let (lib, csqlite) = try buildRuntime(in: dir)
        let probe = dir.appendingPathComponent("probe")
        let build = try run("swiftc", ["-swift-version", "6", "-warnings-as-errors", "-I", lib.path, "-I", csqlite,
                                       "-L", lib.path, "-lSchemagenRuntime", "-lsqlite3",
                                       generated.path, main.path, "-o", probe.path], in: dir)
        try #require(build.status == 0, "the generated code did not compile warning-free:\n\(build.output)")
        #expect(build.output.isEmpty, "the compiler printed: \(build.output)")
        let result = try run(probe.path, [], in: dir)
        #expect(result.status == 0)
        #expect(result.output == "ok\n")

        // The same code split into one file per table (`emitFiles`) compiles and runs the same.
        let split = dir.appendingPathComponent("split")
        try FileManager.default.createDirectory(at: split, withIntermediateDirectories: true)
        let files = SwiftEmitter.emitFiles(schema, migrations: LaunchMigrations.build(schema, file: nil).chain)
        #expect(files.map(\.path) == ["EveryShapeDDL.swift", "Thing.swift", "Tag.swift", "ThingTag.swift", "Default.swift", "SelfRow.swift"])
        for f in files { try f.contents.write(to: split.appendingPathComponent(f.path), atomically: true, encoding: .utf8) }
        let splitProbe = dir.appendingPathComponent("split-probe")
        let splitBuild = try run("swiftc", ["-swift-version", "6", "-warnings-as-errors", "-I", lib.path, "-I", csqlite,
                                            "-L", lib.path, "-lSchemagenRuntime", "-lsqlite3"]
                                            + files.map { split.appendingPathComponent($0.path).path }
                                            + [main.path, "-o", splitProbe.path], in: dir)
        try #require(splitBuild.status == 0, "the split generated code did not compile warning-free:\n\(splitBuild.output)")
        let splitResult = try run(splitProbe.path, [], in: dir)
        #expect(splitResult.output == "ok\n")
    }

    /// `emitFiles` holds exactly the declarations of `emit`, each once, in the same order.
    @Test func splitFilesHoldTheSameCode() throws {
        let schema = try Self.loadEveryShape()
        let header = GeneratedHeader.lines(source: "every_shape.victor", comment: "//") + "\nimport Foundation\nimport SchemagenRuntime\n"
        let files = SwiftEmitter.emitFiles(schema, migrations: LaunchMigrations.build(schema, file: nil).chain)
        #expect(files.allSatisfy { $0.contents.hasPrefix(header) })
        let joined = header + files.map { String($0.contents.dropFirst(header.count)) }.joined()
        #expect(joined == SwiftEmitter.emit(schema, migrations: LaunchMigrations.build(schema, file: nil).chain))
    }

    /// The current DDL is in the generated code once: the chain's create statements reference
    /// `<Schema>DDL.sql` (the compile test above proves a fresh database is created from it).
    @Test func theCurrentDDLIsEmittedOnceAndReferencedByTheChain() throws {
        let schema = try Self.loadEveryShape()
        let chain = try #require(LaunchMigrations.build(schema, file: nil).chain)
        let code = SwiftEmitter.emit(schema, migrations: chain)
        #expect(code.contains("createSQL: EveryShapeDDL.sql, steps: ["), "\(code)")
        #expect(code.components(separatedBy: "CREATE TABLE thing (").count - 1 == 1)
        #expect(chain.create == EmbeddedMigrations.creationStatements(schema))
    }

    /// `emit` renders table by table; it is exactly the rendering of the whole code model.
    @Test func streamedEmitEqualsTheRenderedModel() throws {
        let schema = try Self.loadEveryShape()
        #expect(SwiftRenderer.render(SwiftEmitter.file(schema)) == SwiftEmitter.emit(schema))
    }

    @Test func splitFileNamesDifferingOnlyInCaseStayDistinct() throws {
        let loaded = SchemaLoader.load(SourceFile(path: "c.victor", bytes: Array("""
            schema c version 1
            naming { require_domain: false }
            table app_x_y {
                id: integer primary key
            }
            @swift("AppXy") table `app_xY` {
                id: integer primary key
            }
            """.utf8)))
        #expect(SwiftEmitter.emitFiles(loaded.schema).map(\.path) == ["CDDL.swift", "AppXY.swift", "AppXy_2.swift"])
    }

    /// Builds SchemagenRuntime from the package's sources into `dir/lib` (its module and a static
    /// library), for generated code to be compiled against with `-I lib -I csqlite`.
    func buildRuntime(in dir: URL, libraryToo: Bool = true) throws -> (lib: URL, csqlite: String) {
        let root = Self.packageRoot
        let csqlite = root.appendingPathComponent("Sources/CSQLite").path
        let runtimeSources = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources/SchemagenRuntime").path)
            .filter { $0.hasSuffix(".swift") }.sorted().map { root.appendingPathComponent("Sources/SchemagenRuntime/\($0)").path }
        let lib = dir.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        var arguments = ["-swift-version", "6", "-parse-as-library", "-module-name", "SchemagenRuntime",
                         "-emit-module", "-emit-module-path", lib.appendingPathComponent("SchemagenRuntime.swiftmodule").path]
        if libraryToo { arguments += ["-emit-library", "-static", "-o", lib.appendingPathComponent("libSchemagenRuntime.a").path] }
        let runtime = try run("swiftc", arguments + ["-I", csqlite] + runtimeSources, in: dir)
        try #require(runtime.status == 0, "the runtime did not build: \(runtime.output)")
        return (lib, csqlite)
    }

    func run(_ tool: String, _ arguments: [String], in dir: URL) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
        p.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
        p.currentDirectoryURL = dir
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

enum SchemagenTemporaryDirectory {
    static func make() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-compile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
