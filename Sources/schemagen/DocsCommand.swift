import Foundation
import ArgumentParser
import SchemaEmit
import SchemagenDriver

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write Markdown documentation for a schema file: an index and one page per domain, with Mermaid ER diagrams.",
        discussion: """
            Writes README.md (the index, with an ER diagram of every table and foreign key) and one \
            <domain>.md per domain (its ER diagram, then every table: doc comment, columns, \
            constraints, indexes, legacy sources). Pages this command wrote earlier for a domain that \
            no longer exists (recognised by their first line) are removed.
            """
    )
    @Argument(help: "The .victor schema file.") var file: String
    @Option(name: .shortAndLong, help: "The output directory.") var output: String
    @Flag(help: "Write nothing; exit 1 and name each file that would change.") var check = false

    func run() throws {
        let loaded = try loadOrExit(file)
        let files = DocsEmitter.emit(loaded.schema)
        let leftovers = Self.leftoverPages(in: output, keeping: Set(files.map(\.path)))
        if check {
            let stale = SchemagenDriver.Generator.states(of: files, in: output).filter { $0.1 != .unchanged }
            for (f, state) in stale {
                print("\((output as NSString).appendingPathComponent(f.path)): \(state == .created ? "missing" : "out of date")")
            }
            for path in leftovers { print("\((output as NSString).appendingPathComponent(path)): no longer generated") }
            let count = stale.count + leftovers.count
            if count > 0 {
                throw fail("error: \(count) documentation file\(count == 1 ? " is" : "s are") stale; run `schemagen docs \(file) --output \(output)`")
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
        for path in SchemagenDriver.Generator.removeOutputs(leftovers, in: output) { print("removed \(path)") }
    }

    /// `.md` files directly in `directory` that this command generated (their first line is the
    /// generated header) but would not generate now.
    static func leftoverPages(in directory: String, keeping: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".md") && !keeping.contains($0) }.sorted().filter { name in
            guard let handle = FileHandle(forReadingAtPath: (directory as NSString).appendingPathComponent(name)) else { return false }
            defer { try? handle.close() }
            let head = handle.readData(ofLength: DocsEmitter.headerPrefix.utf8.count)
            return head == Data(DocsEmitter.headerPrefix.utf8)
        }
    }
}
