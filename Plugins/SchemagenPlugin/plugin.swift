import Foundation
import PackagePlugin

/// Generates Swift row types and DAOs from the `.victor` files of the target it is applied to.
///
/// One build command per schema file: `schemagen generate <file> --output <work dir> --swift-only
/// --shards 8`, with the schema and its frozen history (`<stem>.history/*.victor`) as inputs and a
/// fixed set of outputs known before the schema is read — `Swift/<stem>/<stem>.swift` (the schema
/// enum, migrations, views, schema-wide queries) and `Swift/<stem>/<stem>.1.swift` … `<stem>.8.swift`
/// (the tables, hashed by name) — so the compiler builds them in parallel and recompiles only the
/// shards an edit changed, and an unchanged schema costs nothing on rebuild (docs/PLUGIN.md, "Output
/// layout", argues the choice). Errors (and lint warnings) print as `file:line:col:` diagnostics
/// located in the `.victor` file; on error the command deletes its previous output and fails the build.
@main
struct SchemagenPlugin: BuildToolPlugin {
    /// The number of table shards; must match the paths `Generator.shardPaths(forSchemaFile:count:)` gives.
    static let shards = 8

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "schemagen")
        let all = target.sourceFiles(withSuffix: "victor").map(\.url).sorted { $0.path < $1.path }
        // Frozen versions (`<stem>.history/v<N>.victor`, docs/MIGRATION.md) are inputs of their
        // schema's command, not schemas of their own.
        let isFrozen = { (url: URL) in url.deletingLastPathComponent().lastPathComponent.hasSuffix(".history") }
        let schemas = all.filter { !isFrozen($0) }
        let outputDirectory = context.pluginWorkDirectoryURL.appending(path: "schemagen")

        // Swift rejects two files with one name in a module: every output name must be unique
        // (`a.victor`'s `a.1.swift` and `a.1.victor`'s `a.1.swift` would collide).
        var seen: [String: URL] = [:]
        var commands: [Command] = []
        for schema in schemas {
            let stem = schema.deletingPathExtension().lastPathComponent
            let directory = outputDirectory.appending(path: "Swift").appending(path: stem)
            let outputs = [directory.appending(path: "\(stem).swift")]
                + (1...Self.shards).map { directory.appending(path: "\(stem).\($0).swift") }
            for name in outputs.map(\.lastPathComponent) {
                if let other = seen[name] {
                    Diagnostics.error("schema files \(other.path) and \(schema.path) would both generate \(name); rename one")
                    throw SchemagenPluginError.duplicateStem(stem)
                }
                seen[name] = schema
            }
            commands.append(.buildCommand(
                displayName: "Generating Swift from \(schema.lastPathComponent)",
                executable: tool.url,
                arguments: ["generate", schema.path, "--output", outputDirectory.path, "--swift-only", "--shards", "\(Self.shards)"],
                inputFiles: [schema] + history(of: schema, in: all),
                outputFiles: outputs
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
        case .duplicateStem(let stem): return "two schema files in one target would generate Swift files of one name (\(stem).victor)"
        }
    }
}
