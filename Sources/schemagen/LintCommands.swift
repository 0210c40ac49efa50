import Foundation
import ArgumentParser
import SchemagenDriver
import SchemaMigrate
import SchemaSyntax
import SchemaModel

extension LintFormat: ExpressibleByArgument {}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check schema files against the naming principles, integrity and design rules.")
    @Argument(help: "The .victor schema files.") var files: [String]
    @Option(help: "Output format: text, json, sarif or github.") var format: LintFormat = .text
    @Flag(help: "Treat warnings as errors.") var strict = false
    @Flag(help: "Apply the safe fix-its in place, then report what remains.") var fix = false
    @Option(help: "Also check the `from` mappings against legacy tables: a .sql DDL file or a database file.") var legacy: String?

    func run() throws {
        let color = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var checks: [SchemaPipeline.CheckStage] = [SchemaPipeline.history]
        if let path = legacy {
            checks.append(.init("legacy-mapping") { file, schema in MappingCheck.diagnostics(schema: schema, file: file, legacy: path) })
        }
        let result = LintRun.run(paths: files, format: format, strict: strict, fix: fix, color: color, checks: checks)
        if !result.log.isEmpty { FileHandle.standardError.write(Data(result.log.utf8)) }
        FileHandle.standardOutput.write(Data(result.output.utf8))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

struct Rules: ParsableCommand {
    enum Format: String, ExpressibleByArgument { case text, json }
    static let configuration = CommandConfiguration(abstract: "List every lint rule with its id, default severity, category and description.")
    @Option(help: "Output format: text or json.") var format: Format = .text

    func run() throws {
        FileHandle.standardOutput.write(Data(Reporters.rules(json: format == .json).utf8))
    }
}
