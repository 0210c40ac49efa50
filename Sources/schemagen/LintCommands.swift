import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemagenDriver

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check schema files against the naming principles and integrity rules.")
    @Argument(help: "The .victor schema files.") var files: [String]
    @Flag(help: "Treat warnings as errors.") var strict = false

    func run() throws {
        var failed = false
        for path in files {
            let file: SourceFile
            do { file = try SchemaLoader.read(path) } catch { FileHandle.standardError.write(Data((error.description + "\n").utf8)); failed = true; continue }
            let (schema, diagnostics) = Resolver.load(file)
            var all = diagnostics
            if !diagnostics.hasErrors { all += Linter(strict: strict).lint(schema, file: file) }
            report(all, file: file)
            if all.hasErrors { failed = true }
        }
        if failed { throw ExitCode(1) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every lint rule with its id, default severity and description.")
    func run() throws {
        for r in RuleRegistry.all {
            print("\(r.id.padding(toLength: 26, withPad: " ", startingAt: 0)) \(r.defaultSeverity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.summary)")
        }
    }
}
