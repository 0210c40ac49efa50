import Foundation
import ArgumentParser
import SchemaSyntax
import SchemaFormat
import SchemagenDriver

struct Format: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite schema files in the canonical layout (see docs/LANGUAGE.md, \"Formatting\").",
        discussion: """
            Each file is rewritten in place through a temporary file and rename(2): a symlink is followed \
            (its target is rewritten, the link stays), the file's permissions are kept, and a file already \
            formatted is not touched. A file with syntax errors is refused with its diagnostics and left as \
            it is. --check writes nothing, names each file that would change and exits 1 if any would.
            """
    )
    @Argument(help: "The .victor schema files.") var files: [String]
    @Flag(help: "Write nothing; exit 1 and name each file that is not formatted.") var check = false

    func run() throws {
        var failed = false
        var unformatted = false
        for path in files {
            let file: SourceFile
            do { file = try SchemaLoader.read(path) } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                failed = true
                continue
            }
            let formatted: String
            do { formatted = try SchemaFormatter.format(file) } catch {
                switch error {
                case .syntaxErrors(let diagnostics):
                    report(diagnostics, file: file)
                    FileHandle.standardError.write(Data("\(path): not formatted: the file has syntax errors\n".utf8))
                case .wouldChangeMeaning(let reason):
                    FileHandle.standardError.write(Data("\(path): not formatted: the formatter could not keep its meaning (\(reason)); please report this\n".utf8))
                }
                failed = true
                continue
            }
            if formatted.utf8.elementsEqual(file.bytes) { continue }
            unformatted = true
            if check {
                print("\(path): not formatted")
                continue
            }
            do { try AtomicWriter.write(formatted, to: path) } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                failed = true
                continue
            }
            print("\(path): formatted")
        }
        if failed || (check && unformatted) { throw ExitCode(1) }
    }
}
