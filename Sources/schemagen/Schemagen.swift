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
        version: "0.1.0",
        subcommands: [DDL.self, Generate.self, Lint.self, Rules.self]
    )
}

/// Prints diagnostics to stderr in the swiftc format; colour only on a terminal.
func report(_ diagnostics: [Diagnostic], file: SourceFile) {
    let formatter = TextFormatter(color: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    for d in diagnostics {
        FileHandle.standardError.write(Data(formatter.format(d, file: file).utf8))
    }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    return ExitCode(1)
}

/// Loads a schema, printing its diagnostics; throws exit code 1 when it has errors.
func loadOrExit(_ path: String) throws -> LoadedSchema {
    let loaded: LoadedSchema
    do { loaded = try SchemaLoader.load(path: path) } catch { throw fail(error.description) }
    report(loaded.diagnostics, file: loaded.file)
    if loaded.hasErrors { throw ExitCode(1) }
    return loaded
}

struct DDL: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the SQLite DDL for a schema file.")
    @Argument(help: "The .victor schema file.") var file: String

    func run() throws {
        let loaded = try loadOrExit(file)
        print(SchemagenDriver.Generator.outputs(for: loaded.schema).first { $0.path.hasSuffix(".sql") }?.contents ?? "", terminator: "")
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write every output for a schema file (SQLite DDL, Swift) into a directory.")
    @Argument(help: "The .victor schema file.") var file: String
    @Option(name: .shortAndLong, help: "The output directory.") var output: String
    @Flag(help: "Write nothing; exit 1 and name each file that would change.") var check = false

    func run() throws {
        let loaded = try loadOrExit(file)
        let files = SchemagenDriver.Generator.outputs(for: loaded.schema)
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
            for (f, state) in try SchemagenDriver.Generator.write(files, to: output) where state != .unchanged {
                print("\(state == .created ? "created" : "updated") \((output as NSString).appendingPathComponent(f.path))")
            }
        } catch {
            throw fail(error.description)
        }
    }
}

