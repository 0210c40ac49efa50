import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver

/// File-based tests: every `Corpus/*.victor` file states the diagnostics it must produce in
/// `// expect: LINE:COLUMN: message` comments. To add a case, add a file; nothing to re-record.
struct CorpusTests {
    static let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static var corpusFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".victor") }.sorted()
    }

    @Test func corpusIsNotEmpty() {
        #expect(Self.corpusFiles.count >= 8)
    }

    @Test(arguments: corpusFiles)
    func corpusFileReportsExpectedDiagnostics(_ name: String) throws {
        let path = Self.corpusDirectory.appendingPathComponent(name).path
        let file = try SchemaLoader.read(path)
        let text = String(decoding: file.bytes, as: UTF8.self)
        let expectations = text.split(separator: "\n").compactMap { line -> (Int, Int, String)? in
            guard line.hasPrefix("// expect: ") else { return nil }
            let rest = line.dropFirst("// expect: ".count)
            let parts = rest.split(separator: ":", maxSplits: 2)
            guard parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) else { return nil }
            return (l, c, parts[2].trimmingCharacters(in: .whitespaces))
        }
        #expect(!expectations.isEmpty, "\(name) states no expectations")
        let loaded = SchemaLoader.load(file)
        #expect(loaded.hasErrors)
        let actual = loaded.diagnostics.map { d -> (Int, Int, String) in
            let (l, c) = file.lineAndColumn(of: d.range.start)
            return (l, c, d.message)
        }
        for (l, c, message) in expectations {
            #expect(actual.contains { $0.0 == l && $0.1 == c && $0.2.contains(message) },
                    "\(name): expected \(l):\(c): \(message)\nactual:\n\(actual.map { "\($0.0):\($0.1): \($0.2)" }.joined(separator: "\n"))")
        }
        // Every diagnostic renders with its source line and a caret.
        let rendered = loaded.diagnostics.map { TextFormatter(color: false).format($0, file: file) }.joined()
        #expect(rendered.contains("^"))
        #expect(rendered.contains("\(path):"))
    }
}
