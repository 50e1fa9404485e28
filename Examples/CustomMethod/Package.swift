// swift-tools-version:6.0
import PackageDescription

// An example of a package that adds its own length-extrapolation method to swift-gali.
// Build and run from this directory: swift run -c release custom-method-demo [MODEL]
let package = Package(
    name: "CustomMethod",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-gali", path: "../..")],
    targets: [
        .target(name: "CappedDistanceMethod", dependencies: [.product(name: "Extrapolation", package: "swift-gali")]),
        .executableTarget(name: "custom-method-demo", dependencies: [
            "CappedDistanceMethod",
            .product(name: "Extrapolation", package: "swift-gali"),
            .product(name: "GALI", package: "swift-gali"),
            .product(name: "Transformer", package: "swift-gali"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
