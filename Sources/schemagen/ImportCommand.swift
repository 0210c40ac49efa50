import Foundation
import ArgumentParser
import SchemaImport
import SchemagenDriver

/// `schemagen import DB_OR_SQL_FILE [--output FILE]`: an existing database (or a `.sql` script)
/// as a `.victor` file that reproduces it exactly (see docs/LANGUAGE.md, "Importing a database").
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a .victor schema reproducing an existing SQLite database or .sql script.")

    @Argument(help: "A SQLite database file, or a .sql script (loaded into an in-memory database).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the schema (default: standard output).")
    var output: String?

    @Flag(help: "Overwrite an --output file that schemagen import did not write.")
    var force = false

    func run() throws {
        let outputName = output ?? (((input as NSString).lastPathComponent as NSString).deletingPathExtension + ".victor")
        if let output, FileManager.default.fileExists(atPath: output), !force {
            let head = FileManager.default.contents(atPath: output).flatMap { String(data: $0.prefix(200), encoding: .utf8) } ?? ""
            if !head.hasPrefix(VictorWriter.marker) {
                throw fail("error: '\(output)' exists and was not written by schemagen import; pass --force to replace it")
            }
        }
        let result: Importer.Result
        do { result = try Importer.run(path: input, outputName: outputName) } catch { throw fail(error.description) }
        guard let output else {
            FileHandle.standardOutput.write(Data(result.text.utf8))
            return
        }
        do { try AtomicWriter.write(result.text, to: output) } catch { throw fail("error: cannot write '\(output)': \(error)") }
    }
}
