import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemaEvolve
import SchemaDatabase
import SchemagenDriver
import SchemagenRuntime

struct Evolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evolve a database from one version of a schema file to the next.",
        discussion: """
        Without --database, prints the change as a reviewable SQL script. With --database, first checks
        everything that can refuse the change without writing anything (the database is exactly OLD's
        tables, the recorded version, data loss, every stored value a type conversion touches), then
        backs the database up beside itself (written under a temporary name, renamed when complete),
        applies the change in one transaction, checks the result against NEW and sets PRAGMA
        user_version. Any refusal or failure leaves the database and its directory as they were.
        The journal mode is never changed. Typical use: `schemagen evolve <(git show HEAD~1:schema.victor) schema.victor`.
        """
    )
    @Argument(help: "The schema file the database was created from.") var old: String
    @Argument(help: "The edited schema file.") var new: String
    @Option(help: "The database to evolve in place.") var database: String?
    @Flag(help: "Allow steps that drop tables, columns or an AUTOINCREMENT counter.") var allowDataLoss = false
    @Flag(help: "Skip the backup (not recommended).") var noBackup = false

    func run() throws {
        let before = try loadOrExit(old)
        let after = try loadOrExit(new)
        let plan = SchemaEvolution.plan(from: before.schema, to: after.schema)
        guard let database else {
            for p in plan.problems { FileHandle.standardError.write(Data("error: \(p)\n".utf8)) }
            print(plan.script, terminator: "")
            if !plan.problems.isEmpty { throw ExitCode(1) }
            return
        }
        var backup: String?
        do {
            let db = try ToolDatabase.open(existing: database)
            defer { db.close() }
            // Already evolved: the database has NEW's structure and records NEW's version (or none).
            let recorded = try SchemaVersion.read(db)
            if recorded == after.schema.version || (recorded == 0 && !plan.isEmpty),
               try SchemaEvolution.differences(db, from: after.schema).isEmpty {
                print("\(database) is already at version \(after.schema.version)")
                return
            }
            // Everything that can refuse, before anything is written.
            let check = try SchemaEvolution.check(plan, from: before.schema, to: after.schema, in: db, allowDataLoss: allowDataLoss)
            if !noBackup && !plan.isEmpty {
                let path = Backup.path(for: database, version: after.schema.version)
                try Backup.checkAvailable(path)
                try Backup.write(db, to: path)
                backup = path
                print("backed up \(database) to \(path)")
            }
            for note in check.notes { print("note: \(note)") }
            try SchemaEvolution.apply(plan, to: after.schema, in: db, checked: check)
            print(plan.isEmpty ? "recorded version \(after.schema.version) in \(database) (the structure is unchanged)"
                               : "evolved \(database) to version \(after.schema.version): \(plan.steps.map(\.summary).joined(separator: "; "))")
        } catch {
            // A failed run leaves no backup behind.
            if let backup { Backup.remove(backup) }
            throw fail(error.description)
        }
    }
}
