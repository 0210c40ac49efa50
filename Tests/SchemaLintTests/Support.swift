import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint

/// The directory of this test target, for fixtures loaded by path (no SwiftPM resources).
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let repoRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

func fixturePath(_ name: String) -> String { testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name).path }

/// Resolves and lints source text; the resolver's diagnostics come first.
func lintSource(_ text: String, path: String = "example.victor", strict: Bool = false) -> (resolve: [Diagnostic], lint: [Diagnostic]) {
    let file = SourceFile(path: path, text: text)
    let (schema, diagnostics) = Resolver.load(file)
    if diagnostics.hasErrors { return (diagnostics, []) }
    return (diagnostics, Linter(strict: strict).lint(schema, file: file))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
