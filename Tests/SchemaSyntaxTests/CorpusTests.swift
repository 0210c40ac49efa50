import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemagenDriver
import SchemaLint

/// File-based tests: every `Corpus/*.victor` file states the diagnostics it must produce, each in
/// a `// expect: LINE:COLUMN: ID` comment (`ID` from `MessageCatalog`, or a lint rule id). The
/// file must produce exactly those diagnostics — no more (so a follow-on error fails the test),
/// no fewer. To add a case, add a file; nothing to re-record.
struct CorpusTests {
    static let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static var corpusFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".victor") }.sorted()
    }

    struct Expectation: Hashable, CustomStringConvertible {
        var line: Int, column: Int, id: String
        var description: String { "\(line):\(column): \(id)" }
    }

    @Test func corpusIsNotEmpty() {
        #expect(Self.corpusFiles.count >= 14)
    }

    @Test(arguments: corpusFiles)
    func corpusFileReportsExpectedDiagnostics(_ name: String) throws {
        let path = Self.corpusDirectory.appendingPathComponent(name).path
        let file = try SchemaLoader.read(path)
        let text = String(decoding: file.bytes, as: UTF8.self)
        let expected = text.split(separator: "\n").compactMap { line -> Expectation? in
            guard line.hasPrefix("// expect: ") else { return nil }
            let parts = line.dropFirst("// expect: ".count).split(separator: ":", maxSplits: 2)
            guard parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) else { return nil }
            return Expectation(line: l, column: c, id: parts[2].trimmingCharacters(in: .whitespaces))
        }
        #expect(!expected.isEmpty, "\(name) states no expectations")
        for e in expected {
            #expect(MessageCatalog.entry(e.id) != nil || RuleRegistry.all.contains { $0.id == e.id }, "\(name): '\(e.id)' is not a diagnostic id")
        }
        let loaded = SchemaLoader.load(file)
        #expect(loaded.hasErrors)
        let actual = loaded.diagnostics.map { d -> Expectation in
            let (l, c) = file.lineAndColumn(of: d.range.start)
            return Expectation(line: l, column: c, id: d.id)
        }
        #expect(actual.sorted { $0.description < $1.description } == expected.sorted { $0.description < $1.description },
                "\(name):\n\(loaded.diagnostics.map { d in "\(file.lineAndColumn(of: d.range.start)) \(d.id): \(d.message.prefix(120))" }.joined(separator: "\n"))")
        // Every diagnostic renders with its source line and a caret, and the output is bounded.
        let rendered = loaded.diagnostics.map { TextFormatter(color: false).format($0, file: file) }.joined()
        #expect(rendered.contains("^"))
        #expect(rendered.contains("\(path):"))
        #expect(rendered.utf8.count < 200 * 1024)
    }
}
