import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemaMigrate

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate databases into a schema.",
        subcommands: [MigrateLegacy.self]
    )
}

struct MigrateLegacy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legacy",
        abstract: "Move a legacy database into the schema's tables, following the schema's `from` mappings (see docs/MIGRATION.md).",
        discussion: """
            Migrates DB in place, in one transaction: creates the schema's tables and sys_legacy_archive, copies \
            every legacy row, checks the row counts per legacy table, records the schema version and, with \
            --drop-legacy, drops the legacy tables (also in attached files). DB is backed up first with VACUUM INTO \
            (DB.before-vN.sqlite, written as .partial and renamed when complete; attached files too with --drop-legacy). On any failure everything \
            is rolled back and the backups of this run are removed.
            SCHEMAGEN_MIGRATE_FAIL_AFTER=N (testing) fails the run after N mappings.
            """
    )
    @Argument(help: "The .victor schema file with the `from` mappings.") var file: String
    @Option(help: "The database to migrate in place (a path or a file: URI).") var database: String?
    @Option(help: "A further legacy database file to read (ATTACHed); repeatable.") var attach: [String] = []
    @Flag(help: "Drop the legacy tables in the same transaction.") var dropLegacy = false
    @Flag(help: "Run the whole migration (every copy and check) on a private copy of the files and print its figures; change no file.") var dryRun = false
    @Flag(help: "Print the migration script instead of running it.") var sql = false
    @Flag(help: "Print the Markdown mapping table (every legacy column and where it goes) instead of running.") var mappingDoc = false
    @Option(help: "With --sql or --mapping-doc: the legacy DDL (.sql) or database to plan against, instead of --database.") var legacy: String?
    @Option(help: "Milliseconds to wait for a lock held by another connection.") var busyTimeout: Int32 = 2000

    func run() throws {
        let loaded = try loadOrExit(file)
        if sql || mappingDoc {
            guard let source = legacy ?? database else { throw fail("error: --sql and --mapping-doc need --legacy LEGACY.sql or --database DB") }
            do {
                let (db, catalog) = try LegacyCatalog.open(legacy: source, excluding: MappingCheck.ownTables(loaded.schema))
                defer { db.close() }
                let plan = MigrationPlan(schema: loaded.schema, catalog: catalog)
                print(mappingDoc ? MappingDoc.markdown(plan) : plan.script(dropLegacy: dropLegacy), terminator: "")
            } catch {
                throw fail((error as? MigrationError)?.description ?? "error: \(error)")
            }
            return
        }
        guard let database else { throw fail("error: --database DB is required (or --sql with --legacy LEGACY.sql)") }
        let failAfter = ProcessInfo.processInfo.environment["SCHEMAGEN_MIGRATE_FAIL_AFTER"].flatMap { Int($0) }
        let options = MigrationOptions(database: database, attach: attach, dropLegacy: dropLegacy, dryRun: dryRun,
                                       busyTimeoutMilliseconds: busyTimeout, failAfterSources: failAfter)
        do {
            let report = try Migrator.run(schema: loaded.schema, file: loaded.file, options: options)
            print(report.summary, terminator: "")
        } catch {
            throw fail(error.description)
        }
    }
}
