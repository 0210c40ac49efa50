import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemagenRuntime

struct Migrations: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Freeze released schema versions and verify the launch migration chain (docs/MIGRATION.md).",
        subcommands: [MigrationsFreeze.self, MigrationsVerify.self, MigrationsApply.self]
    )
}

struct MigrationsFreeze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Record the schema's current version in its history (<stem>.history/v<N>.victor beside it).",
        discussion: """
            Run it when you release a version. Refuses when that version is already frozen with different \
            content, when it would leave a gap, or when the chain from the previous version cannot be planned. \
            A released version never changes: edit the schema, raise its version, freeze again at the next release.
            """
    )
    @Argument(help: "The .victor schema file.") var file: String

    func run() throws {
        let loaded = try loadOrExit(file)
        let history: SchemaHistory
        do { history = try SchemaHistory.load(forSchemaFile: file) } catch { throw fail(error.description) }
        let version = loaded.schema.version
        let path = (history.directory as NSString).appendingPathComponent(SchemaHistory.fileName(version: version))
        guard let text = String(bytes: loaded.file.bytes, encoding: .utf8) else { throw fail("error: \(file) is not UTF-8") }
        if let frozen = history.versions.first(where: { $0.version == version }) {
            if frozen.text == text {
                print("version \(version) of \(file) is already frozen in \(frozen.path)")
                return
            }
            throw fail("error: version \(version) is already frozen in \(frozen.path) with different content; a released version never changes — raise 'version' in \(file) to \(version + 1) for the next release")
        }
        if let last = history.versions.last {
            if version < last.version { throw fail("error: \(file) says version \(version), older than the last frozen version \(last.version) (\(last.path))") }
            if version != last.version + 1 { throw fail("error: freezing version \(version) would leave a gap after version \(last.version) (\(last.path)); number releases consecutively") }
        }
        let chain = LaunchMigrations.build(loaded.schema, file: loaded.file)
        report(chain.diagnostics, file: loaded.file)
        if chain.diagnostics.hasErrors { throw ExitCode(1) }
        do {
            try FileManager.default.createDirectory(atPath: history.directory, withIntermediateDirectories: true)
            try AtomicWriter.write(SchemaHistory.frozenText(text, version: version, schemaFile: file), to: path)
        } catch {
            throw fail("error: cannot write \(path): \(error)")
        }
        print("froze version \(version) of \(file) in \(path)")
    }
}

struct MigrationsVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the launch migration chain from every frozen version on databases full of rows and check nothing was lost.",
        discussion: """
            For every frozen version: creates a database at that version, fills every table (NULLs, unicode, \
            extremes, foreign keys to real parents), runs the chain the generated code embeds, and checks the result \
            is structurally a fresh database of the current version, every row is there (following renames), every \
            unconverted value is identical, and integrity_check and foreign_key_check are clean.
            """
    )
    @Argument(help: "The .victor schema file.") var file: String
    @Option(help: "Rows written into each table.") var rows = 4

    func run() throws {
        let loaded = try loadOrExit(file)
        let chain = LaunchMigrations.build(loaded.schema, file: loaded.file)
        report(chain.diagnostics, file: loaded.file)
        if chain.diagnostics.hasErrors { throw ExitCode(1) }
        let result = MigrationVerifier.verify(loaded.schema, rowsPerTable: rows)
        for line in result.lines { print("ok: \(line)") }
        if !result.ok {
            for f in result.failures { FileHandle.standardError.write(Data("error: \(f)\n".utf8)) }
            throw ExitCode(1)
        }
        if result.lines.isEmpty { print("\(file) has no frozen versions; nothing to verify") }
    }
}

struct MigrationsApply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Bring a database to the schema's current version exactly as the generated `migrate(db)` does at launch.",
        discussion: """
            Creates DB at the current version when it does not exist; migrates it from any frozen version;             does nothing on a current database. SCHEMAGEN_MIGRATE_PAUSE_MS=N (testing) sleeps N ms inside each             step's transaction, just before its COMMIT.
            """
    )
    @Argument(help: "The .victor schema file.") var file: String
    @Option(help: "The database file.") var database: String
    @Option(help: "Milliseconds to wait for another process's lock.") var busyTimeout: Int32 = 10000

    func run() throws {
        let loaded = try loadOrExit(file)
        let built = LaunchMigrations.build(loaded.schema, file: loaded.file)
        report(built.diagnostics, file: loaded.file)
        guard let chain = built.chain, !built.diagnostics.hasErrors else { throw ExitCode(1) }
        let pause = ProcessInfo.processInfo.environment["SCHEMAGEN_MIGRATE_PAUSE_MS"].flatMap { UInt32($0) }
        do {
            var options = Database.Options()
            options.busyTimeoutMilliseconds = busyTimeout
            let db = try Database(path: database, options: options)
            defer { db.close() }
            let outcome = try SchemaMigrator.migrate(db, LaunchMigrations.runtimeValue(chain, schema: loaded.schema.name)) { from, to in
                if let pause {
                    FileHandle.standardOutput.write(Data("step \(from) -> \(to) ready to commit\n".utf8))
                    usleep(pause * 1000)
                }
            }
            switch outcome {
            case .current: print("\(database) is at version \(chain.version)")
            case .created(let v): print("created \(database) at version \(v)")
            case .migrated(let f, let t): print("migrated \(database) from version \(f) to \(t)")
            }
        } catch {
            throw fail("error: \(error)")
        }
    }
}
