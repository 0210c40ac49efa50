import Foundation
import Testing
import SchemaMigrate
import SchemagenRuntime

/// The legacy migrator uses the one backup scheme of SchemaDatabase: `DB.before-vN.sqlite`, and a
/// backup of that name already there is refused before anything is written.
struct BackupSchemeTests {
    @Test func migrateBacksUpWithTheOneSchemeAndRefusesAnExistingBackup() throws {
        let loaded = try loadSchema()
        let dir = try tempDir("backup-scheme")
        let db = dir.appendingPathComponent("victor.db").path
        try Generator.build(files: [.graph: db], rows: 3)
        let backup = db + ".before-v\(loaded.schema.version).sqlite"
        try Data("the user's own file".utf8).write(to: URL(fileURLWithPath: backup))
        let pristine = FileManager.default.contents(atPath: db)
        #expect(throws: MigrationError.self) {
            try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db))
        }
        #expect(FileManager.default.contents(atPath: db) == pristine)
        #expect(FileManager.default.contents(atPath: backup) == Data("the user's own file".utf8))
        try FileManager.default.removeItem(atPath: backup)
        let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: MigrationOptions(database: db))
        #expect(report.backups == [backup])
        #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))
        let migrated = try openPlain(db)
        #expect(try scalar(migrated, "PRAGMA user_version") == Int64(loaded.schema.version))
        migrated.close()
        let copy = try openPlain(backup)
        #expect(try scalar(copy, "SELECT count(*) FROM rl_outcomes") == 3)
        copy.close()
    }
}
