// swift-tools-version: 6.0
import PackageDescription

// An example consumer of schemagen: the SchemagenPlugin build plugin turns
// Sources/VictorLearner/learner.victor into row structs and DAOs at build time.
let package = Package(
    name: "VictorLearner",
    platforms: [.macOS(.v13)],
    dependencies: [
        // `name:` pins the identity used below, whatever the checkout directory is called.
        .package(name: "schemagen", path: "../.."),
    ],
    targets: [
        .target(
            name: "VictorLearner",
            dependencies: [.product(name: "SchemagenRuntime", package: "schemagen")],
            plugins: [.plugin(name: "SchemagenPlugin", package: "schemagen")]
        ),
        .testTarget(name: "VictorLearnerTests", dependencies: ["VictorLearner"]),
    ]
)
