import Foundation
import PackagePlugin

/// Generates Swift row types and DAOs from the `.victor` files of the target it is applied to.
///
/// One build command per schema file: `schemagen generate <file> --output <work dir> --swift-only`,
/// with the schema and its frozen history (`<stem>.history/*.victor`) as inputs and `Swift/<stem>.swift` as its only output, so an unchanged
/// schema costs nothing on rebuild. Errors (and lint warnings) print as `file:line:col:` diagnostics
/// located in the `.victor` file; on error the command deletes its previous output and fails the build.
@main
struct SchemagenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "schemagen")
        let all = target.sourceFiles(withSuffix: "victor").map(\.url).sorted { $0.path < $1.path }
        // Frozen versions (`<stem>.history/v<N>.victor`, docs/MIGRATION.md) are inputs of their
        // schema's command, not schemas of their own.
        let isFrozen = { (url: URL) in url.deletingLastPathComponent().lastPathComponent.hasSuffix(".history") }
        let schemas = all.filter { !isFrozen($0) }
        let outputDirectory = context.pluginWorkDirectoryURL.appending(path: "schemagen")

        var seen: [String: URL] = [:]
        var commands: [Command] = []
        for schema in schemas {
            let stem = schema.deletingPathExtension().lastPathComponent
            if let other = seen[stem] {
                Diagnostics.error("schema files \(other.path) and \(schema.path) would both generate \(stem).swift; rename one")
                throw SchemagenPluginError.duplicateStem(stem)
            }
            seen[stem] = schema
            let output = outputDirectory.appending(path: "Swift").appending(path: "\(stem).swift")
            commands.append(.buildCommand(
                displayName: "Generating Swift from \(schema.lastPathComponent)",
                executable: tool.url,
                arguments: ["generate", schema.path, "--output", outputDirectory.path, "--swift-only"],
                inputFiles: [schema] + history(of: schema, in: all),
                outputFiles: [output]
            ))
        }
        return commands
    }

    /// The frozen versions of `schema`: the files of `<stem>.history/` beside it (those in the
    /// target, plus any on disk, so a version added or edited re-runs the command).
    func history(of schema: URL, in files: [URL]) -> [URL] {
        let directory = schema.deletingLastPathComponent().appending(path: "\(schema.deletingPathExtension().lastPathComponent).history")
        var found = Set(files.filter { $0.deletingLastPathComponent().standardizedFileURL.path == directory.standardizedFileURL.path }.map(\.path))
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for n in names where n.hasSuffix(".victor") { found.insert(directory.appending(path: n).path) }
        }
        return found.sorted().map { URL(fileURLWithPath: $0) }
    }
}

enum SchemagenPluginError: Error, CustomStringConvertible {
    case duplicateStem(String)
    var description: String {
        switch self {
        case .duplicateStem(let stem): return "two schema files named \(stem).victor in one target"
        }
    }
}
