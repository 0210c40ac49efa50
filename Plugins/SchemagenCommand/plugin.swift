import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory schemagen [FILE.victor …]`
///
/// For every `.victor` file at the package root (or the files given), runs `schemagen lint`
/// (printing its findings) and `schemagen generate <file> --output Generated`. Fails when any
/// schema has errors (lint warnings alone do not fail).
///
/// `swift package --allow-writing-to-package-directory schemagen format [--check] [FILE.victor …]`
/// runs `schemagen format` on the same files instead (`--check` writes nothing and fails when a
/// file is not formatted).
///
/// `swift package --allow-writing-to-package-directory schemagen docs [--check] [--output DIR] [FILE.victor …]`
/// runs `schemagen docs` (Markdown pages with Mermaid ER diagrams) on the same files into `DIR`
/// (default `docs/schema`; with several files, one `DIR/<stem>` each). `--check` writes nothing
/// and fails when a page is stale.
@main
struct SchemagenCommand: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "schemagen")
        let root = context.package.directoryURL
        let formatting = arguments.first == "format"
        let documenting = arguments.first == "docs"
        var docsOutput = "docs/schema"
        var rest = arguments
        if documenting, let i = rest.firstIndex(of: "--output") ?? rest.firstIndex(of: "-o") {
            guard i + 1 < rest.count else {
                Diagnostics.error("schemagen docs: --output needs a directory")
                throw SchemagenCommandError.failed(["docs"])
            }
            docsOutput = rest[i + 1]
            rest.removeSubrange(i...(i + 1))
        }
        var files = rest.filter { $0.hasSuffix(".victor") }.map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appending(path: path)
        }
        if files.isEmpty {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
            files = names.filter { $0.hasSuffix(".victor") }.sorted().map { root.appending(path: $0) }
        }
        if files.isEmpty {
            Diagnostics.warning("no .victor files at \(root.path)")
            return
        }
        if formatting {
            let check = arguments.contains("--check")
            if try run(tool.url, ["format"] + (check ? ["--check"] : []) + files.map(\.path)) != 0 {
                Diagnostics.error(check ? "schemagen format: some files are not formatted" : "schemagen format failed")
                throw SchemagenCommandError.failed(["format"])
            }
            return
        }
        if documenting {
            let check = rest.contains("--check")
            let base = docsOutput.hasPrefix("/") ? URL(fileURLWithPath: docsOutput) : root.appending(path: docsOutput)
            var failures: [String] = []
            for file in files {
                let directory = files.count == 1 ? base : base.appending(path: file.deletingPathExtension().lastPathComponent)
                if try run(tool.url, ["docs", file.path, "--output", directory.path] + (check ? ["--check"] : [])) != 0 {
                    failures.append("docs \(file.lastPathComponent)")
                }
            }
            if !failures.isEmpty {
                Diagnostics.error(check ? "schemagen docs: documentation is stale (\(failures.joined(separator: ", ")))"
                                        : "schemagen failed: \(failures.joined(separator: ", "))")
                throw SchemagenCommandError.failed(failures)
            }
            return
        }
        let output = root.appending(path: "Generated")
        var failures: [String] = []
        for file in files {
            if try run(tool.url, ["lint", file.path]) != 0 { failures.append("lint \(file.lastPathComponent)") }
            if try run(tool.url, ["generate", file.path, "--output", output.path]) != 0 {
                failures.append("generate \(file.lastPathComponent)")
            }
        }
        if !failures.isEmpty {
            Diagnostics.error("schemagen failed: \(failures.joined(separator: ", "))")
            throw SchemagenCommandError.failed(failures)
        }
    }

    /// Runs the tool with inherited stdout/stderr; returns its exit status.
    func run(_ executable: URL, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

enum SchemagenCommandError: Error, CustomStringConvertible {
    case failed([String])
    var description: String {
        switch self {
        case .failed(let steps): return "schemagen failed: \(steps.joined(separator: ", "))"
        }
    }
}
