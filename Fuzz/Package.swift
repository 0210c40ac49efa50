// swift-tools-version: 6.0
// The libFuzzer target over the whole pipeline (lexer → parser → resolver → lint → DDL, Swift and
// docs emitters). A separate package so the root's `swift build` never needs `-sanitize=fuzzer`:
// the entry point is `LLVMFuzzerTestOneInput`, and libFuzzer provides `main` only when linked with
// the sanitizer. Build and run it with `scripts/fuzz.sh SECONDS` (see Fuzz/README.md).
import PackageDescription

let package = Package(
    name: "SchemaFuzz",
    dependencies: [.package(name: "schemagen", path: "..")],
    targets: [
        // Declares libFuzzer's `LLVMFuzzerRunDriver`.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "SchemaFuzz",
            dependencies: ["CFuzzDriver", .product(name: "SchemagenKit", package: "schemagen")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
