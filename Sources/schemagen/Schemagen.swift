import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemagenDriver

@main
struct Schemagen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemagen",
        abstract: "A schema compiler for Swift and SQLite: .victor schema files to SQLite DDL, Swift row types and DAOs, lint findings and migrations.",
        version: "0.2.0",
        subcommands: [DDL.self, Generate.self, Lint.self, Rules.self, Migrate.self, Evolve.self, Docs.self, Format.self, Migrations.self, Import.self]
    )
}

/// Prints diagnostics to stderr in the swiftc format; colour only on a terminal.
func report(_ diagnostics: [Diagnostic], file: SourceFile) {
    let formatter = TextFormatter(color: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    for d in diagnostics {
        // A diagnostic in another file (a frozen version of the history) names that file, without a snippet.
        if d.file != file.path {
            FileHandle.standardError.write(Data("\(d.file):1:1: \(d.severity.rawValue): \(d.message)\n".utf8))
            continue
        }
        FileHandle.standardError.write(Data(formatter.format(d, file: file).utf8))
    }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    return ExitCode(1)
}

/// Runs a schema file through the pipeline, printing its diagnostics; throws exit code 1 when
/// it has errors. Every command that reads a schema (ddl, generate, evolve, migrate) loads it here.
func loadOrExit(_ path: String, pipeline: SchemaPipeline = SchemaPipeline()) throws -> CheckedSchema {
    let loaded: LoadedSchema
    do { loaded = try pipeline.run(path: path) } catch { throw fail(error.description) }
    report(loaded.diagnostics, file: loaded.file)
    guard let checked = loaded.checked else { throw ExitCode(1) }
    return checked
}

struct DDL: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the SQLite DDL for a schema file.")
    @Argument(help: "The .victor schema file.") var file: String

    func run() throws {
        let pipeline = SchemaPipeline()
        let checked = try loadOrExit(file, pipeline: pipeline)
        print(pipeline.emit(checked, kinds: .ddl).first?.contents ?? "", terminator: "")
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every output for a schema file (SQLite DDL, Swift) into a directory.",
        discussion: """
            Writes <stem>.sql and Swift/<stem>.swift, named after the schema file's stem, as one set (the \
            output directory is locked while they are compared and written). A file there that schemagen \
            did not write (no generated header) is never overwritten: the run refuses and writes nothing, \
            unless --force.
            --swift-only (what the SchemagenPlugin build plugin runs) writes only Swift/<stem>.swift, also \
            runs the lint rules and prints their findings as warnings, and on any schema error deletes \
            Swift/<stem>.swift so stale generated code can never compile.
            """
    )
    @Argument(help: "The .victor schema file.") var file: String
    @Option(name: .shortAndLong, help: "The output directory.") var output: String
    @Flag(help: "Write nothing; exit 1 and name each file that would change.") var check = false
    @Flag(help: "Write only the Swift output (Swift/<stem>.swift), lint, and delete that output on failure.") var swiftOnly = false
    @Flag(help: "Overwrite output files that schemagen did not write (files without its generated header).") var force = false

    func run() throws {
        if swiftOnly { return try runSwiftOnly() }
        let pipeline = SchemaPipeline().adding([SchemaPipeline.swiftNames, SchemaPipeline.history])
        let checked = try loadOrExit(file, pipeline: pipeline)
        let files = pipeline.emit(checked)
        if check {
            let stale = SchemagenDriver.Generator.states(of: files, in: output).filter { $0.1 != .unchanged }
            for (f, state) in stale {
                print("\((output as NSString).appendingPathComponent(f.path)): \(state == .created ? "missing" : "out of date")")
            }
            if !stale.isEmpty {
                throw fail("error: \(stale.count) generated file\(stale.count == 1 ? " is" : "s are") stale; run `schemagen generate \(file) --output \(output)`")
            }
            return
        }
        do {
            for (f, state) in try SchemagenDriver.Generator.write(files, to: output, force: force) where state != .unchanged {
                print("\(state == .created ? "created" : "updated") \((output as NSString).appendingPathComponent(f.path))")
            }
        } catch {
            throw fail(error.description)
        }
    }

    /// The build plugin's path: quiet on success, located diagnostics on stderr, lint warnings
    /// included, and never a stale output left behind after an error.
    func runSwiftOnly() throws {
        let swiftPath = SchemagenDriver.Generator.swiftOutputPath(forSchemaFile: file)
        func failClean() -> ExitCode {
            let removed = SchemagenDriver.Generator.removeOutputs([swiftPath], in: output)
            for path in removed {
                FileHandle.standardError.write(Data("note: removed stale \(path)\n".utf8))
            }
            return ExitCode(1)
        }
        // Lint findings print as warnings located in the schema file and never fail the build
        // (`schemagen lint` and the command plugin are the gate).
        let pipeline = SchemaPipeline(lint: .advisory).adding([SchemaPipeline.swiftNames, SchemaPipeline.history])
        let loaded: LoadedSchema
        do { loaded = try pipeline.run(path: file) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw failClean()
        }
        report(loaded.diagnostics, file: loaded.file)
        guard let checked = loaded.checked else { throw failClean() }
        let files = pipeline.emit(checked, kinds: .swift)
        if check {
            let stale = SchemagenDriver.Generator.states(of: files, in: output).filter { $0.1 != .unchanged }
            if !stale.isEmpty { throw fail("error: \((output as NSString).appendingPathComponent(swiftPath)) is stale") }
            return
        }
        do {
            _ = try SchemagenDriver.Generator.write(files, to: output, force: force)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw failClean()
        }
    }
}
