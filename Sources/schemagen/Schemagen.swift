import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaEmit
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
    if StageTime.enabled { FileHandle.standardError.write(Data(StageTime.line(loaded.stageTimes, path: path).utf8)) }
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
            Writes <stem>.sql and the Swift under Swift/<stem>/ (<Schema>DDL.swift, one <Type>.swift per \
            table, <Schema>Queries.swift when there are views or schema-wide queries), named after the \
            schema file's stem, as one set: the output directory is locked while the files are compared \
            and written, and generated files of this schema that are no longer produced (in Swift/<stem>/, \
            and the single Swift/<stem>.swift of earlier versions) are removed. A file there that schemagen \
            did not write (no generated header) is never overwritten or removed: the run refuses and \
            writes nothing, unless --force.
            --swift-only (what the SchemagenPlugin build plugin runs) writes only the Swift, also runs the \
            lint rules and prints their findings as warnings, and on any schema error deletes this schema's \
            generated Swift so stale generated code can never compile. --shards N (with --swift-only) \
            writes Swift/<stem>/<stem>.swift and <stem>.1.swift … <stem>.N.swift instead, tables hashed \
            by name, so the file names are known before the schema is read (docs/PLUGIN.md).
            """
    )
    @Argument(help: "The .victor schema file.") var file: String
    @Option(name: .shortAndLong, help: "The output directory.") var output: String
    @Flag(help: "Write nothing; exit 1 and name each file that would change, be created or be removed.") var check = false
    @Flag(help: "Write only the Swift output (Swift/<stem>/), lint, and delete that output on failure.") var swiftOnly = false
    @Option(help: "With --swift-only: split the Swift into a schema file and N shard files with fixed names.") var shards: Int?
    @Flag(help: "Overwrite output files that schemagen did not write (files without its generated header).") var force = false

    func validate() throws {
        if let shards {
            guard swiftOnly else { throw ValidationError("--shards needs --swift-only") }
            guard (1...256).contains(shards) else { throw ValidationError("--shards must be between 1 and 256") }
        }
    }

    var layout: SchemagenDriver.Generator.SwiftLayout { shards.map { .shards($0) } ?? .perTable }

    /// Prints each file that differs from what `files` would write, and each stale one; the count.
    func reportStale(_ files: [GeneratedFile]) -> Int {
        let changed = SchemagenDriver.Generator.states(of: files, in: output).filter { $0.1 != .unchanged }
        for (f, state) in changed {
            print("\((output as NSString).appendingPathComponent(f.path)): \(state == .created ? "missing" : "out of date")")
        }
        let extra = SchemagenDriver.Generator.staleSwiftFiles(keeping: files, schemaFile: file, in: output)
        for p in extra { print("\((output as NSString).appendingPathComponent(p)): stale (no longer generated; would be removed)") }
        return changed.count + extra.count
    }

    func run() throws {
        if swiftOnly { return try runSwiftOnly() }
        let pipeline = SchemaPipeline().adding([SchemaPipeline.swiftNames, SchemaPipeline.history])
        let checked = try loadOrExit(file, pipeline: pipeline)
        var times: [StageTime] = []
        let files = StageTime.measure("emit", into: &times) { pipeline.emit(checked) }
        defer { if StageTime.enabled { FileHandle.standardError.write(Data(StageTime.line(times, path: file).utf8)) } }
        if check {
            let stale = reportStale(files)
            if stale > 0 {
                throw fail("error: \(stale) generated file\(stale == 1 ? " is" : "s are") stale; run `schemagen generate \(file) --output \(output)`")
            }
            return
        }
        do {
            let schemaFile = file
            let (states, removed) = try SchemagenDriver.Generator.write(files, to: output, force: force) { dir in
                SchemagenDriver.Generator.staleSwiftFiles(keeping: files, schemaFile: schemaFile, in: dir)
            }
            for (f, state) in states where state != .unchanged {
                print("\(state == .created ? "created" : "updated") \((output as NSString).appendingPathComponent(f.path))")
            }
            for p in removed { print("removed \((output as NSString).appendingPathComponent(p))") }
        } catch {
            throw fail(error.description)
        }
    }

    /// The build plugin's path: quiet on success, located diagnostics on stderr, lint warnings
    /// included, and never a stale output left behind after an error.
    func runSwiftOnly() throws {
        let schemaFile = file
        func failClean() -> ExitCode {
            let generated = SchemagenDriver.Generator.staleSwiftFiles(keeping: [], schemaFile: schemaFile, in: output)
            for path in SchemagenDriver.Generator.removeOutputs(generated, in: output) {
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
        let files = pipeline.emit(checked, kinds: .swift, swiftLayout: layout)
        if check {
            let stale = reportStale(files)
            if stale > 0 { throw fail("error: \(stale) generated file\(stale == 1 ? " is" : "s are") stale") }
            return
        }
        do {
            _ = try SchemagenDriver.Generator.write(files, to: output, force: force) { dir in
                SchemagenDriver.Generator.staleSwiftFiles(keeping: files, schemaFile: schemaFile, in: dir)
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw failClean()
        }
    }
}
