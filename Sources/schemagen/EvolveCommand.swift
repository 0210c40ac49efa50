import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemaEvolve
import SchemagenDriver
import SchemagenRuntime

struct Evolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evolve a database from one version of a schema file to the next.",
        discussion: """
        Without --database, prints the change as a reviewable SQL script. With --database, backs the
        database up beside itself (VACUUM INTO), checks it has exactly OLD's tables, applies the change
        in one transaction, checks the result against NEW and sets PRAGMA user_version; any failure
        rolls everything back. Typical use: `schemagen evolve <(git show HEAD~1:schema.victor) schema.victor`.
        """
    )
    @Argument(help: "The schema file the database was created from.") var old: String
    @Argument(help: "The edited schema file.") var new: String
    @Option(help: "The database to evolve in place.") var database: String?
    @Flag(help: "Allow steps that drop tables or columns.") var allowDataLoss = false
    @Flag(help: "Skip the backup (not recommended).") var noBackup = false

    func run() throws {
        let before = try loadOrExit(old)
        let after = try loadOrExit(new)
        let plan = SchemaEvolution.plan(from: before.schema, to: after.schema)
        for p in plan.problems { FileHandle.standardError.write(Data("error: \(p)\n".utf8)) }
        guard let database else {
            print(plan.script, terminator: "")
            if !plan.problems.isEmpty { throw ExitCode(1) }
            return
        }
        if !plan.problems.isEmpty { throw ExitCode(1) }
        guard FileManager.default.fileExists(atPath: database) else { throw fail("error: no database at '\(database)'") }
        do {
            let db = try Database(path: database)
            defer { db.close() }
            if let drift = try SchemaEvolution.difference(db, from: before.schema) {
                if !plan.isEmpty, try SchemaEvolution.difference(db, from: after.schema) == nil {
                    print("\(database) is already at version \(after.schema.version)")
                    return
                }
                throw EvolutionError("\(drift); \(database) is not at version \(before.schema.version) of \(before.schema.name)")
            }
            if !noBackup && !plan.isEmpty {
                let backup = database + ".before-v\(after.schema.version).sqlite"
                if FileManager.default.fileExists(atPath: backup) {
                    throw EvolutionError("the backup \(backup) already exists; move it away first")
                }
                try db.execute("VACUUM INTO \(SQLIdentifier.stringLiteral(backup))")
                print("backed up \(database) to \(backup)")
            }
            try SchemaEvolution.apply(plan, from: before.schema, to: after.schema, to: db, allowDataLoss: allowDataLoss)
            print(plan.isEmpty ? "\(database) is already at version \(after.schema.version)"
                               : "evolved \(database) to version \(after.schema.version): \(plan.steps.map(\.summary).joined(separator: "; "))")
        } catch let e as EvolutionError {
            throw fail(e.description)
        } catch let e as DatabaseError {
            throw fail("error: \(e)")
        }
    }
}
