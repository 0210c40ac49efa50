import Foundation
import Testing
import SchemagenRuntime

/// The launch migrator on hand-written chains (the generated chains are tested in LaunchMigrationTests).
@Suite struct SchemaMigratorTests {
    static let v1 = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x')"
    static let v2 = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x', b INTEGER);\nCREATE INDEX t_b ON t (b DESC)"

    static func structure(_ sql: String) throws -> String {
        let db = try Database.inMemory()
        defer { db.close() }
        try db.execute(sql)
        return try SchemaStructure.describe(db).joined(separator: "\n")
    }

    static func chain(step: String = "ALTER TABLE t ADD COLUMN b INTEGER; CREATE INDEX t_b ON t (b DESC)") throws -> SchemaMigration {
        SchemaMigration(schema: "s", version: 2, createSQL: v2,
                        steps: [.init(from: 1, to: 2, sql: step, rebuilds: false)],
                        versions: [.init(1, structure: try structure(v1)), .init(2, structure: try structure(v2))])
    }

    static func version(_ db: Database) throws -> Int {
        try db.withStatement("PRAGMA user_version") { s throws(DatabaseError) -> Int in
            _ = try s.step()
            return try s.int(0)
        }
    }

    @Test func aFreshAndAnAlteredDatabaseDescribeTheSame() throws {
        let db = try Database.inMemory()
        try db.execute(Self.v1 + "; ALTER TABLE t ADD COLUMN b INTEGER; CREATE INDEX t_b ON t (b DESC)")
        #expect(try SchemaStructure.describe(db).joined(separator: "\n") == Self.structure(Self.v2))
        #expect(try Self.structure(Self.v2).contains("table t index t_b (b DESC BINARY)"))
        #expect(try Self.structure(Self.v1).contains("table t column 1 a TEXT not null default 'x'"))
    }

    @Test func createsStampsAndIsThenANoOp() throws {
        let db = try Database.inMemory()
        #expect(try SchemaMigrator.migrate(db, Self.chain()) == .created(version: 2))
        #expect(try Self.version(db) == 2)
        #expect(try SchemaMigrator.migrate(db, Self.chain()) == .current)
        #expect(try SchemaMigrator.migrate(db, Self.chain(), structureCheck: .always) == .current)
    }

    @Test func migratesAndAdoptsAnUnstampedDatabase() throws {
        let stamped = try Database.inMemory()
        try stamped.execute(Self.v1 + "; INSERT INTO t (a) VALUES ('kept'); PRAGMA user_version = 1")
        #expect(try SchemaMigrator.migrate(stamped, Self.chain()) == .migrated(from: 1, to: 2))
        #expect(try stamped.withStatement("SELECT a FROM t") { s throws(DatabaseError) -> String in _ = try s.step(); return try s.text(0) } == "kept")
        // Made by an old `create(in:)`: tables, user_version 0 — recognised as version 1 by its structure.
        let unstamped = try Database.inMemory()
        try unstamped.execute(Self.v1)
        #expect(try SchemaMigrator.migrate(unstamped, Self.chain()) == .migrated(from: 0, to: 2))
        #expect(try Self.version(unstamped) == 2)
    }

    @Test func aFailingStepRollsBackToTheLastVersion() throws {
        let db = try Database.inMemory()
        try db.execute(Self.v1 + "; PRAGMA user_version = 1")
        #expect {
            try SchemaMigrator.migrate(db, Self.chain(step: "ALTER TABLE t ADD COLUMN b INTEGER; CREATE INDEX t_b ON nope (b)"))
        } throws: { error in
            guard case .stepFailed(1, 2, let e)? = error as? SchemaMigrationError else { return false }
            return e.message.contains("no such table") && e.sql?.contains("nope") == true
        }
        #expect(try Self.version(db) == 1)
        #expect(try SchemaStructure.describe(db).joined(separator: "\n") == Self.structure(Self.v1))
        // Foreign keys are back on after a failed run.
        #expect(try db.withStatement("PRAGMA foreign_keys") { s throws(DatabaseError) -> Int in _ = try s.step(); return try s.int(0) } == 1)
    }

    @Test func anUnknownVersionIsRefused() throws {
        let db = try Database.inMemory()
        try db.execute(Self.v1 + "; PRAGMA user_version = -1")
        #expect(throws: SchemaMigrationError.unknownVersion(database: -1, known: [1, 2])) { try SchemaMigrator.migrate(db, Self.chain()) }
    }

    @Test func insideATransactionItRefusesToMigrate() throws {
        let db = try Database.inMemory()
        try db.execute(Self.v1 + "; PRAGMA user_version = 1")
        try db.execute("BEGIN")
        #expect {
            try SchemaMigrator.migrate(db, Self.chain())
        } throws: { error in
            guard case .stepFailed(1, 2, let e)? = error as? SchemaMigrationError else { return false }
            return e.kind == .misuse && e.message.contains("outside a transaction")
        }
        try db.execute("ROLLBACK")
        #expect(try SchemaMigrator.migrate(db, Self.chain()) == .migrated(from: 1, to: 2))
    }
}
