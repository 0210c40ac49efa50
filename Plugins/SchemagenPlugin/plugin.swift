import Foundation
import PackagePlugin

/// Generates Swift row types and DAOs from the `.victor` files of the target it is applied to.
///
/// One build command per schema file: `schemagen generate <file> --output <work dir> --swift-only`,
/// with the schema as its only input and `Swift/<stem>.swift` as its only output, so an unchanged
/// schema costs nothing on rebuild. Errors (and lint warnings) print as `file:line:col:` diagnostics
/// located in the `.victor` file; on error the command deletes its previous output and fails the build.
@main
struct SchemagenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "schemagen")
        let schemas = target.sourceFiles(withSuffix: "victor").map(\.url).sorted { $0.path < $1.path }
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
                inputFiles: [schema],
                outputFiles: [output]
            ))
        }
        return commands
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
