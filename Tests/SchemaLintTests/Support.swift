import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemagenDriver

/// The directory of this test target, for fixtures loaded by path (no SwiftPM resources).
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let repoRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

func fixturePath(_ name: String) -> String { testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name).path }

/// Runs source text through the pipeline (`lint` level): the parser's and resolver's diagnostics
/// (`resolve`) and the lint stage's (`lint`: rule findings and the `lint` configuration's errors).
func lintSource(_ text: String, path: String = "example.victor", strict: Bool = false) -> (resolve: [Diagnostic], lint: [Diagnostic]) {
    let diagnostics = SchemaPipeline(lint: .full, strict: strict).run(SourceFile(path: path, text: text)).diagnostics
    func isLint(_ d: Diagnostic) -> Bool { d.rule != nil || d.messageID == .unknownLintRule || d.messageID == .invalidLintSetting }
    return (diagnostics.filter { !isLint($0) }, diagnostics.filter(isLint))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
