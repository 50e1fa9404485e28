// swift-tools-version:6.0
import PackageDescription

// The smallest program that uses swift-gali as a library: load a model with a method, score a
// long text, and generate an answer. Run from this directory:
//   swift run -c release quick-start PATH-TO-TEXT [MODEL]
let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-gali", path: "../..")],
    targets: [
        .executableTarget(name: "quick-start", dependencies: [
            .product(name: "GALI", package: "swift-gali"),
            .product(name: "Extrapolation", package: "swift-gali"),
            .product(name: "Transformer", package: "swift-gali"),
            .product(name: "Tokenizers", package: "swift-gali"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
