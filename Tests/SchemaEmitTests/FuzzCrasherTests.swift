import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaEmit
import SchemagenDriver

/// Replays every input `scripts/fuzz.sh` saved in `Fuzz/crashers/` (a crash, leak, timeout or
/// out-of-memory it found) through the same stages the fuzz target runs (Fuzz/Sources/SchemaFuzz),
/// plus the broken-file corpus and schema.victor. A saved crasher makes this test crash or hang
/// until the bug is fixed; then the file stays as a regression test (rename it to say what it
/// covers). The directory's README explains the workflow.
@Suite struct FuzzCrasherTests {
    static var inputs: [String] {
        let fm = FileManager.default
        var paths: [String] = [repoRoot.appendingPathComponent("schema.victor").path]
        for dir in ["Fuzz/crashers", "Tests/SchemaSyntaxTests/Corpus"] {
            let url = repoRoot.appendingPathComponent(dir)
            let names = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".victor") }.sorted()
            paths += names.map { url.appendingPathComponent($0).path }
        }
        return paths
    }

    @Test func replaysSavedInputsThroughThePipeline() throws {
        #expect(Self.inputs.count >= 2)
        for path in Self.inputs {
            let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
            let file = SourceFile(path: "fuzz.victor", bytes: [UInt8](data))
            let loaded = SchemaLoader.load(file)
            let findings = Linter().lint(loaded.schema, file: file)
            let formatter = TextFormatter(color: false)
            for d in loaded.diagnostics + findings { #expect(formatter.format(d, file: file).contains("fuzz.victor:")) }
            if !loaded.hasErrors {
                #expect(!Generator.outputs(for: loaded.schema).isEmpty)
                #expect(!DocsEmitter.emit(loaded.schema).isEmpty)
            }
        }
    }
}
