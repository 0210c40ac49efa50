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
        .plugin(name: "SchemagenPlugin", targets: ["SchemagenPlugin"]),
        .plugin(name: "SchemagenCommand", targets: ["SchemagenCommand"]),
        .library(name: "SchemagenKit", targets: ["SchemaSyntax", "SchemaModel", "SchemaLint", "SchemaEmit", "SchemagenDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Stage 1: source text -> tokens -> syntax tree, plus the Diagnostic value type.
        .target(name: "SchemaSyntax", swiftSettings: strict),
        // Stage 2: syntax tree -> resolved, type-checked schema model.
        .target(name: "SchemaModel", dependencies: ["SchemaSyntax", "SchemaSQL"], swiftSettings: strict),
        // The typed SQL model: tables, columns, constraints, indexes, views, triggers as values; one renderer, one quoting.
        .target(name: "SchemaSQL", swiftSettings: strict),
        // `schemagen format`: the canonical layout of a .victor file.
        .target(name: "SchemaFormat", dependencies: ["SchemaSyntax"], swiftSettings: strict),
        // Stage 3a: lint rules over the model.
        .target(name: "SchemaLint", dependencies: ["SchemaSyntax", "SchemaModel"], swiftSettings: strict),
        // Stage 3b: emitters (SQLite DDL, Swift).
        .target(name: "SchemaEmit", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaSQL", "SchemaQuery"], swiftSettings: strict),
        // The pipeline the CLI and plugins share: load, check, emit, format diagnostics, write atomically.
        .target(name: "SchemagenDriver", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaLint", "SchemaEmit", "SchemaCheck", "SchemaQuery", "SchemaSQL", "SchemaEvolve", "SchemaDatabase", "SchemagenRuntime"], swiftSettings: strict),
        // libsqlite3 and the runtime that generated code links.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SchemagenRuntime", dependencies: ["CSQLite"], swiftSettings: strict),
        // Every SQL fragment of a schema file verified by SQLite itself (probe statements, the emitted DDL as a whole).
        .target(name: "SchemaCheck", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaEmit", "CSQLite"], swiftSettings: strict),
        // Legacy migration: `from` mappings checked against a legacy database and executed in one transaction.
        .target(name: "SchemaMigrate", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaEmit", "SchemaSQL", "SchemaDatabase", "SchemagenRuntime"], swiftSettings: strict),
        // The one database layer of the tools: open without touching the journal mode, introspect into
        // the SQL model, back up, the version stamp, the foreign-key check, column usage, one error type.
        .target(name: "SchemaDatabase", dependencies: ["SchemaSQL", "SchemagenRuntime", "CSQLite"], swiftSettings: strict),
        // Evolving a database from one version of a schema file to the next.
        .target(name: "SchemaEvolve", dependencies: ["SchemaModel", "SchemaEmit", "SchemaSQL", "SchemaDatabase", "SchemagenRuntime"], swiftSettings: strict),
        // Queries and views checked by SQLite against the schema: parameters, result types, nullability.
        .target(name: "SchemaQuery", dependencies: ["SchemaModel", "SchemaSyntax", "CSQLite"], swiftSettings: strict),
        // `schemagen import`: a database or .sql script → a .victor file that reproduces it exactly.
        .target(name: "SchemaImport", dependencies: ["SchemaSyntax", "SchemaSQL", "SchemaDatabase", "SchemaEmit", "SchemagenDriver", "SchemagenRuntime", "CSQLite"], swiftSettings: strict),
        // The thin CLI.
        .executableTarget(name: "schemagen", dependencies: [
            "SchemagenDriver",
            "SchemaMigrate",
            "SchemaEvolve",
            "SchemaDatabase",
            "SchemaFormat",
            "SchemaImport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // Build-time Swift generation for the .victor files of the target it is applied to.
        .plugin(name: "SchemagenPlugin", capability: .buildTool(), dependencies: ["schemagen"]),
        // `swift package --allow-writing-to-package-directory schemagen`: regenerate Generated/ and lint.
        .plugin(
            name: "SchemagenCommand",
            capability: .command(
                intent: .custom(verb: "schemagen", description: "Regenerate Generated/ from the package's .victor files and lint them."),
                permissions: [.writeToPackageDirectory(reason: "Writes the generated SQL and Swift into Generated/.")]
            ),
            dependencies: ["schemagen"]
        ),
        // The Swift generated from schema.victor (`schemagen generate schema.victor --output Generated`):
        // every build proves the generated code compiles.
        .target(name: "VictorSchema", dependencies: ["SchemagenRuntime"], path: "Generated/Swift", swiftSettings: strict),
        .testTarget(name: "VictorSchemaTests", dependencies: ["VictorSchema", "SchemagenRuntime", "SchemagenTestSupport"], exclude: ["Keywords.victor"], swiftSettings: strict),
        .testTarget(name: "SchemaSyntaxTests", dependencies: ["SchemaSyntax", "SchemaModel", "SchemaLint", "SchemagenDriver"], exclude: ["Corpus"], swiftSettings: strict),
        .testTarget(name: "SchemaEmitTests", dependencies: ["SchemaEmit", "SchemagenDriver", "SchemagenRuntime", "SchemaSQL", "SchemaDatabase"],
                    exclude: ["Snippets"], swiftSettings: strict),
        // Runs the built `schemagen` binary for the test targets that check the CLI.
        .target(name: "SchemagenTestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        // Runs the built `schemagen` binary: exit codes, stdout/stderr, files written.
        .testTarget(name: "SchemagenCLITests", dependencies: ["schemagen", "SchemagenTestSupport"], swiftSettings: strict),
        .testTarget(name: "SchemaLintTests", dependencies: ["SchemaLint", "SchemaModel", "SchemagenDriver"], exclude: ["Fixtures"], swiftSettings: strict),
        // Legacy migration on real-shaped data (fixtures: the legacy DDL).
        .testTarget(name: "SchemaMigrateTests", dependencies: ["SchemaMigrate", "SchemagenDriver", "VictorSchema", "SchemagenRuntime", "schemagen", "SchemagenTestSupport"],
                    exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "SchemaEvolveTests", dependencies: ["SchemaEvolve", "SchemaEmit", "SchemaModel", "SchemaSyntax", "SchemaSQL", "SchemaDatabase", "SchemagenRuntime", "schemagen", "SchemagenTestSupport"], swiftSettings: strict),
        .testTarget(name: "SchemaCheckTests", dependencies: ["SchemaCheck", "SchemagenDriver", "SchemaEmit", "SchemaModel", "SchemaSyntax", "SchemagenRuntime", "schemagen", "SchemagenTestSupport"], swiftSettings: strict),
        // The SQL model round-tripped through SQLite: render → execute → introspect → equal.
        .testTarget(name: "SchemaFormatTests", dependencies: ["SchemaFormat", "SchemaSyntax", "SchemagenDriver", "SchemaEmit", "schemagen", "SchemagenTestSupport"], swiftSettings: strict),
        .testTarget(name: "SchemaDatabaseTests", dependencies: ["SchemaDatabase", "SchemaSQL", "SchemagenRuntime"], swiftSettings: strict),
        // `schemagen import` over a corpus of real-world-style schemas, from .sql and from live databases.
        .testTarget(name: "SchemaImportTests", dependencies: ["SchemaImport", "SchemagenDriver", "SchemaEmit", "SchemaSQL", "SchemaDatabase", "SchemaSyntax", "SchemagenRuntime", "schemagen", "SchemagenTestSupport"],
                    exclude: ["ImportCorpus"], swiftSettings: strict),
        // Launch migrations: frozen history, the chain in generated code, the runtime migrator, crash and concurrency.
        .testTarget(name: "LaunchMigrationTests", dependencies: ["SchemagenDriver", "SchemaEvolve", "SchemaModel", "SchemaSyntax", "SchemagenRuntime", "schemagen", "SchemagenTestSupport"], swiftSettings: strict),
        .testTarget(name: "SchemagenRuntimeTests", dependencies: ["SchemagenRuntime"], swiftSettings: strict),
        // Queries and views end to end: Tests/QueryCodegenTests/Queries.victor's generated Swift compiled here and run against SQLite.
        .testTarget(name: "QueryCodegenTests", dependencies: ["SchemagenRuntime", "SchemagenTestSupport", "SchemagenDriver", "SchemaQuery"],
                    exclude: ["Queries.victor"], swiftSettings: strict),
        // Issue 14's constructs with a Swift face: Tests/LanguageCodegenTests/Language.victor's generated Swift compiled here and run against SQLite.
        .testTarget(name: "LanguageCodegenTests", dependencies: ["SchemagenRuntime"], exclude: ["Language.victor"], swiftSettings: strict),
        .testTarget(name: "SchemaQueryTests", dependencies: ["SchemaQuery", "SchemaModel", "SchemaSyntax", "SchemaEmit", "CSQLite"], swiftSettings: strict),
    ]
)
