// swift-tools-version: 6.0
import PackageDescription

// Benchmarks for schemagen (issue #6). A separate package so the main package and its CI never
// build GRDB. Run from the repository root:
//
//     swift run -c release --package-path Benchmarks
//
// The generated DAO comes from Sources/schemagen-bench/bench.victor through the SchemagenPlugin
// build plugin, exactly as a consumer package would use it.
let package = Package(
    name: "SchemagenBenchmarks",
    platforms: [.macOS(.v15)], // DatabasePool.withWriterExecutor (task executors) in PoolBench
    dependencies: [
        .package(name: "schemagen", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // The root package does not export its CSQLite module as a product: declare our own.
        .systemLibrary(name: "CSQLiteBench", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "schemagen-bench",
            dependencies: [
                "CSQLiteBench",
                .product(name: "SchemagenRuntime", package: "schemagen"),
                .product(name: "SchemagenKit", package: "schemagen"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            plugins: [.plugin(name: "SchemagenPlugin", package: "schemagen")]
        ),
    ]
)
