// swift-tools-version:6.0
import PackageDescription

/// swift-gali: length extrapolation for LLaMA-architecture models (GALI and baselines).
///
/// Layers, bottom to top (arrows point down only):
/// CKernels (C, SIMD with runtime CPU dispatch) ← Tensor ← Transformer ← Extrapolation ← GALI
/// ← Experiments ← GaliCommandLine ← gali (executable).
let package = Package(
    name: "swift-gali",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Transformer", targets: ["Transformer"]),
        .library(name: "Extrapolation", targets: ["Extrapolation"]),
        .library(name: "GALI", targets: ["GALI"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "gali", targets: ["gali"]),
    ],
    targets: [
        .target(name: "CKernels"),
        .target(name: "Tensor", dependencies: ["CKernels"]),
        .target(name: "Transformer", dependencies: ["Tensor"]),
        .target(name: "Extrapolation", dependencies: ["Transformer"]),
        .target(name: "GALI", dependencies: ["Extrapolation"]),
        .target(name: "Experiments", dependencies: ["GALI"]),
        .target(name: "GaliCommandLine", dependencies: ["Experiments"],
                resources: [.copy("Resources/fetch-model.sh")]),
        .executableTarget(name: "gali", dependencies: ["GaliCommandLine"]),
        // The example method of Examples/CustomMethod, compiled here too so that a test proves it
        // works through the public API alone.
        .target(name: "CappedDistanceMethod", dependencies: ["Extrapolation"],
                path: "Examples/CustomMethod/Sources/CappedDistanceMethod"),
        // Locates test models and shared data; used by test targets only.
        .target(name: "TestSupport", dependencies: ["Transformer"]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer", "TestSupport"]),
        .testTarget(name: "ExtrapolationTests", dependencies: ["Extrapolation", "TestSupport"]),
        .testTarget(name: "GALITests", dependencies: ["GALI", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(name: "CommandLineTests", dependencies: ["GaliCommandLine", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["GALI", "Experiments", "TestSupport"]),
        // Uses only the public API, the way a user's own package would (also through the `gali` tool).
        .testTarget(name: "CustomMethodTests", dependencies: ["CappedDistanceMethod", "Extrapolation", "GALI", "GaliCommandLine", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
