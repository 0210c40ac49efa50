import Foundation
import Testing
import SchemagenDriver
import SchemagenRuntime
import SchemagenTestSupport

/// The issue's app-launch scenario across three released versions, run by the generated code
/// itself (`schemagen generate --swift-only`, compiled warning-free with swiftc against the
/// runtime's sources, executed as the app would at launch):
/// v2 renames a column (`shop_order.note` → `remark`) and a table (`shop_item` → `shop_line`);
/// v3 changes the type of `shop_customer.zip` (`@convert`), which rebuilds that parent table with
/// its ON DELETE CASCADE children and its index, adds a table, and carries two data steps. The
/// database also has its own audit table, a trigger on the rebuilt table and a view on it (raw
/// SQL: the language has no triggers), and a schema view.
enum Shop {
    static let v1 = """
        schema shop version 1

        table shop_customer {
            id: integer primary key
            name: text
            zip: text?
            index idx_customer_zip (zip)
        }

        table shop_order {
            id: integer primary key
            customer_id: integer references shop_customer(id) on delete cascade
            note: text?
            index idx_order_customer (customer_id)
        }

        table shop_item {
            id: integer primary key
            order_id: integer references shop_order(id) on delete cascade
            title: text
            price: real?
        }

        view shop_order_count {
            SELECT c.id AS customer_id, count(o.id) AS orders FROM shop_customer c LEFT JOIN shop_order o ON o.customer_id = c.id GROUP BY c.id
        }

        """
    static let v2 = v1.replacingOccurrences(of: "version 1", with: "version 2")
        .replacingOccurrences(of: "    note: text?", with: "    @renamed(from: note)\n    remark: text?")
        .replacingOccurrences(of: "table shop_item {", with: "@renamed(from: shop_item)\ntable shop_line {")
    static let v3 = v2.replacingOccurrences(of: "version 2", with: "version 3")
        .replacingOccurrences(of: "    zip: text?", with: "    @convert(from: text)\n    zip: integer?")
        + """
        table shop_tag {
            id: integer primary key
            customer_id: integer references shop_customer(id) on delete cascade
            label: text
        }

        /// Zips were typed with spaces around them.
        @run(version: 3, before)
        migration trim_zips {
            UPDATE shop_customer SET zip = trim(zip) WHERE zip <> trim(zip);
        }

        /// Every customer who was there before version 3 is tagged.
        @run(version: 3, after)
        migration tag_customers {
            INSERT INTO shop_tag (customer_id, label) SELECT id, 'since v' || 2 FROM shop_customer ORDER BY id;
        }

        """

    /// The launch code of the app: open, migrate, report.
    static let main = #"""
        import Foundation
        import SchemagenRuntime

        let path = CommandLine.arguments[1]
        do {
            let db = try Database(path: path)
            try ShopMigrations.migrate(db)
            try ShopMigrations.migrate(db, structureCheck: .always)
            print("ok \(ShopMigrations.version) \(ShopDDL.version)")
            db.close()
        } catch let error as SchemaMigrationError {
            switch error {
            case .databaseIsNewer(let database, let code): print("newer \(database) \(code)")
            case .structureMismatch(let version, let lines): print("mismatch \(version)\n" + lines.joined(separator: "\n"))
            default: print("failed \(error)")
            }
            exit(2)
        } catch {
            print("failed \(error)")
            exit(3)
        }
        """#

    static func v1Database(_ path: String, customers: Int = 0) throws {
        let dir = try Versions.project(frozen: [], current: v1)
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try SchemaMigrator.migrate(db, try Versions.chain(dir)) == .created(version: 1))
        try db.execute("""
            INSERT INTO shop_customer (id, name, zip) VALUES (1, 'Zoë 🐈', '12'), (2, 'max', ' 345 '), (3, '', NULL), (9223372036854775807, 'big', '007');
            INSERT INTO shop_order (id, customer_id, note) VALUES (10, 1, 'first'), (11, 1, NULL), (12, 2, 'a''b\nc'), (13, 9223372036854775807, '');
            INSERT INTO shop_item (id, order_id, title, price) VALUES (100, 10, 'pen', 1.5), (101, 10, 'ink', NULL), (102, 12, '∑', 1.7976931348623157e308), (-9223372036854775808, 13, 'min', -0.0);
            CREATE TABLE app_audit (what TEXT);
            CREATE TRIGGER shop_customer_audit AFTER UPDATE OF name ON shop_customer BEGIN INSERT INTO app_audit VALUES ('renamed ' || new.id); END;
            CREATE VIEW app_customer_names AS SELECT name FROM shop_customer;
            """)
        if customers > 0 {
            try db.execute("WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < \(999 + customers)) INSERT INTO shop_customer (id, name, zip) SELECT i, 'c' || i, ' ' || i || ' ' FROM n")
            try db.execute("INSERT INTO shop_order (customer_id, note) SELECT id, 'bulk' FROM shop_customer WHERE id BETWEEN 1000 AND \(999 + customers)")
        }
    }

    static func run(_ tool: String, _ arguments: [String], in dir: URL) throws -> (status: Int32, output: String) {
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

    /// The generated Swift of `dir/app.victor`, compiled with the runtime's sources into `dir/app`.
    static func buildApp(_ dir: URL) throws -> URL {
        let out = dir.appendingPathComponent("out")
        let g = try SchemagenCLI.run(["generate", dir.appendingPathComponent("app.victor").path, "--output", out.path, "--swift-only"])
        try #require(g.status == 0, "\(g.stderr)")
        // Every Swift file generate wrote (Swift/<stem>/: one per table and the schema's).
        let swiftDir = out.appendingPathComponent("Swift")
        let generated = (FileManager.default.subpaths(atPath: swiftDir.path) ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted().map { swiftDir.appendingPathComponent($0).path }
        try #require(!generated.isEmpty, "generate wrote no Swift under \(swiftDir.path)")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let csqlite = root.appendingPathComponent("Sources/CSQLite").path
        let runtime = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources/SchemagenRuntime").path)
            .filter { $0.hasSuffix(".swift") }.sorted().map { root.appendingPathComponent("Sources/SchemagenRuntime/\($0)").path }
        let lib = dir.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        let r = try run("swiftc", ["-swift-version", "6", "-parse-as-library", "-module-name", "SchemagenRuntime",
                                   "-emit-module", "-emit-module-path", lib.appendingPathComponent("SchemagenRuntime.swiftmodule").path,
                                   "-emit-library", "-static", "-o", lib.appendingPathComponent("libSchemagenRuntime.a").path,
                                   "-I", csqlite] + runtime, in: dir)
        try #require(r.status == 0, "the runtime did not build: \(r.output)")
        let mainFile = dir.appendingPathComponent("main.swift")
        try main.write(to: mainFile, atomically: true, encoding: .utf8)
        let app = dir.appendingPathComponent("app")
        let b = try run("swiftc", ["-swift-version", "6", "-warnings-as-errors", "-I", lib.path, "-I", csqlite,
                                   "-L", lib.path, "-lSchemagenRuntime", "-lsqlite3"] + generated + [mainFile.path, "-o", app.path], in: dir)
        try #require(b.status == 0, "the generated code did not compile warning-free:\n\(b.output)")
        #expect(b.output.isEmpty, "the compiler printed: \(b.output)")
        return app
    }

    static func copy(_ from: String, _ to: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: from + suffix) {
            try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
        }
    }
}

@Suite struct LaunchScenarioTests {
    @Test func threeVersionsMigratedAtLaunchByTheGeneratedCode() throws {
        let dir = try Versions.project(frozen: [Shop.v1, Shop.v2], current: Shop.v3)
        let app = try Shop.buildApp(dir)
        let path = dir.appendingPathComponent("shop.db").path
        try Shop.v1Database(path)
        for name in ["future", "drift"] { try Shop.copy(path, dir.appendingPathComponent("\(name).db").path) }
        let itemsSQL = "SELECT id || '|' || order_id || '|' || quote(title) || '|' || quote(price) || '|' || typeof(price) FROM %@ ORDER BY id"
        let items: [String]
        do { let v1 = try Database(path: path); items = try Versions.strings(v1, itemsSQL.replacingOccurrences(of: "%@", with: "shop_item")); v1.close() }
        #expect(items.count == 4)

        // A v1 database: migrated to 3, every value kept, converted where declared.
        var r = try Shop.run(app.path, [path], in: dir)
        #expect(r.status == 0 && r.output == "ok 3 3\n", "\(r.output)")
        let db = try Database(path: path)
        defer { db.close() }
        #expect(try Versions.int(db, "PRAGMA user_version") == 3)
        #expect(try Versions.strings(db, "SELECT id || '|' || quote(name) || '|' || quote(zip) || '|' || typeof(zip) FROM shop_customer ORDER BY id")
                == ["1|'Zoë 🐈'|12|integer", "2|'max'|345|integer", "3|''|NULL|null", "9223372036854775807|'big'|7|integer"])
        #expect(try Versions.strings(db, "SELECT id || '|' || customer_id || '|' || quote(remark) FROM shop_order ORDER BY id")
                == ["10|1|'first'", "11|1|NULL", "12|2|'a''b\nc'", "13|9223372036854775807|''"])
        #expect(try Versions.strings(db, itemsSQL.replacingOccurrences(of: "%@", with: "shop_line")) == items)
        #expect(try Versions.strings(db, "SELECT customer_id || ':' || label FROM shop_tag ORDER BY customer_id")
                == ["1:since v2", "2:since v2", "3:since v2", "9223372036854775807:since v2"])
        // The index, the cascade, the trigger and both views came through the rebuild.
        #expect(try Versions.strings(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name") == ["idx_customer_zip", "idx_order_customer"])
        #expect(try Versions.strings(db, "SELECT customer_id || '=' || orders FROM shop_order_count ORDER BY customer_id") == ["1=2", "2=1", "3=0", "9223372036854775807=1"])
        #expect(try Versions.int(db, "SELECT count(*) FROM app_customer_names") == 4)
        try db.execute("UPDATE shop_customer SET name = 'Zoe' WHERE id = 1")
        #expect(try Versions.strings(db, "SELECT what FROM app_audit") == ["renamed 1"])
        try db.execute("PRAGMA foreign_keys = ON; DELETE FROM shop_customer WHERE id = 1")
        #expect(try Versions.int(db, "SELECT count(*) FROM shop_order") == 2)
        #expect(try Versions.int(db, "SELECT count(*) FROM shop_line") == 2)
        #expect(try Versions.int(db, "SELECT count(*) FROM shop_tag") == 3)
        #expect(try Versions.strings(db, "PRAGMA integrity_check") == ["ok"])
        // A second launch is a no-op.
        r = try Shop.run(app.path, [path], in: dir)
        #expect(r.output == "ok 3 3\n", "\(r.output)")

        // A new install.
        r = try Shop.run(app.path, [dir.appendingPathComponent("new.db").path], in: dir)
        #expect(r.output == "ok 3 3\n", "\(r.output)")

        // A database from the future: refused, unchanged.
        let future = dir.appendingPathComponent("future.db").path
        do { let f = try Database(path: future); try f.execute("PRAGMA user_version = 9"); f.close() }
        let futureBytes = try Data(contentsOf: URL(fileURLWithPath: future))
        r = try Shop.run(app.path, [future], in: dir)
        #expect(r.status == 2 && r.output == "newer 9 3\n", "\(r.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: future)) == futureBytes)

        // A drifted database: refused with the difference, unchanged.
        let drift = dir.appendingPathComponent("drift.db").path
        do { let d = try Database(path: drift); try d.execute("ALTER TABLE shop_order ADD COLUMN color TEXT; DROP INDEX idx_customer_zip"); d.close() }
        let driftBytes = try Data(contentsOf: URL(fileURLWithPath: drift))
        r = try Shop.run(app.path, [drift], in: dir)
        #expect(r.status == 2, "\(r.output)")
        #expect(r.output.hasPrefix("mismatch 1\n"), "\(r.output)")
        #expect(r.output.contains("unexpected: table shop_order column 3 color TEXT"), "\(r.output)")
        #expect(r.output.contains("missing: table shop_customer index idx_customer_zip (zip BINARY)"), "\(r.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: drift)) == driftBytes)

        // Two processes launching at once on a larger v1 database: one migrates, the other waits
        // and finds it done (or continues from the step the first committed); both succeed.
        let shared = dir.appendingPathComponent("shared.db").path
        try Shop.v1Database(shared, customers: 20_000)
        let results = ResultBox2()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                results.append(try? Shop.run(app.path, [shared], in: dir))
                group.leave()
            }
        }
        group.wait()
        #expect(results.values.count == 2)
        for v in results.values { #expect(v?.status == 0 && v?.output == "ok 3 3\n", "\(v?.output ?? "no result")") }
        let s = try Database(path: shared)
        defer { s.close() }
        #expect(try Versions.int(s, "PRAGMA user_version") == 3)
        #expect(try Versions.int(s, "SELECT count(*) FROM shop_customer WHERE typeof(zip) = 'integer'") == 20_003)
        #expect(try Versions.int(s, "SELECT count(*) FROM shop_tag") == 20_004) // the data step ran once
        #expect(try Versions.int(s, "SELECT count(*) FROM shop_order") == 20_004)
        #expect(try Versions.strings(s, "PRAGMA integrity_check") == ["ok"])
    }

    @Test func verifyPassesForTheScenario() throws {
        let dir = try Versions.project(frozen: [Shop.v1, Shop.v2], current: Shop.v3)
        let r = try SchemagenCLI.run(["migrations", "verify", dir.appendingPathComponent("app.victor").path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok: version 1 → 3: 3 tables, 12 rows kept, every unconverted value identical (outside shop_customer, shop_tag, which data steps write), 2 data steps ran"), "\(r.stdout)")
        #expect(r.stdout.contains("ok: version 2 → 3: 3 tables, 12 rows kept, every unconverted value identical (outside shop_customer, shop_tag, which data steps write), 2 data steps ran"), "\(r.stdout)")
    }
}

final class ResultBox2: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(status: Int32, output: String)?] = []
    func append(_ r: (status: Int32, output: String)?) { lock.lock(); items.append(r); lock.unlock() }
    var values: [(status: Int32, output: String)?] { lock.lock(); defer { lock.unlock() }; return items }
}
