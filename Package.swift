// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "schemagen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "schemagen", targets: ["schemagen"]),
        .library(name: "SchemagenRuntime", targets: ["SchemagenRuntime"]),
        .library(name: "SchemagenKit", targets: ["SchemaSyntax", "SchemaModel", "SchemaLint", "SchemaEmit", "SchemagenDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Stage 1: source text -> tokens -> syntax tree, plus the Diagnostic value type.
        .target(name: "SchemaSyntax", swiftSettings: strict),
        // Stage 2: syntax tree -> resolved, type-checked schema model.
        .target(name: "SchemaModel", dependencies: ["SchemaSyntax"], swiftSettings: strict),
        // Stage 3a: lint rules over the model.
        .target(name: "SchemaLint", dependencies: ["SchemaSyntax", "SchemaModel"], swiftSettings: strict),
        // Stage 3b: emitters (SQLite DDL, Swift).
        .target(name: "SchemaEmit", dependencies: ["SchemaSyntax", "SchemaModel"], swiftSettings: strict),
        // The pipeline the CLI and plugins share: load, check, emit, format diagnostics, write atomically.
        .target(name: "SchemagenDriver", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaLint", "SchemaEmit"], swiftSettings: strict),
        // libsqlite3 and the runtime that generated code links.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SchemagenRuntime", dependencies: ["CSQLite"], swiftSettings: strict),
        // The thin CLI.
        .executableTarget(name: "schemagen", dependencies: [
            "SchemagenDriver",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .testTarget(name: "SchemaSyntaxTests", dependencies: ["SchemaSyntax", "SchemaModel", "SchemagenDriver"], swiftSettings: strict),
        .testTarget(name: "SchemaEmitTests", dependencies: ["SchemaEmit", "SchemagenDriver", "SchemagenRuntime"], swiftSettings: strict),
        // Runs the built `schemagen` binary: exit codes, stdout/stderr, files written.
        .testTarget(name: "SchemagenCLITests", dependencies: ["schemagen"], swiftSettings: strict),
        .testTarget(name: "SchemaLintTests", dependencies: ["SchemaLint", "SchemaModel", "SchemagenDriver"], swiftSettings: strict),
        .testTarget(name: "SchemagenRuntimeTests", dependencies: ["SchemagenRuntime"], swiftSettings: strict),
    ]
)
