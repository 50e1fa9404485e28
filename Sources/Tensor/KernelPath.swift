import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The instruction-set path the kernels run on. The best path the CPU supports is used unless
/// the environment variable `GALI_KERNELS` (`scalar`, `avx2`, `avx512`) or `Kernels.setPath`
/// chooses another supported one.
public enum KernelPath: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// Portable C (also what runs on arm64).
    case scalar = 0
    /// x86-64 AVX2 with FMA and F16C.
    case avx2 = 1
    /// x86-64 AVX-512 (F, BW, VL, DQ) with VNNI integer dot products.
    case avx512 = 2

    /// The name `GALI_KERNELS` accepts for the path.
    public var description: String { String(cString: gk_path_name(rawValue)) }

    /// The path named `name` (`scalar`, `avx2`, `avx512`), or `nil`.
    public init?(name: String) {
        let value = gk_path_from_name(name)
        guard value >= 0, let path = KernelPath(rawValue: value) else { return nil }
        self = path
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { gk_path_supported(rawValue) != 0 }
}

extension Kernels {
    /// Every path this CPU supports, slowest first.
    public static var supportedPaths: [KernelPath] { KernelPath.allCases.filter(\.isSupported) }

    /// The best path this CPU supports.
    public static var bestPath: KernelPath { KernelPath(rawValue: gk_path_best()) ?? .scalar }

    /// The path the kernels use now.
    public static var path: KernelPath { KernelPath(rawValue: gk_path()) ?? .scalar }

    /// Makes all later kernel calls use `path`. Throws when this CPU does not support it.
    /// Not synchronised with kernels running on other threads: set it between computations.
    public static func setPath(_ path: KernelPath) throws {
        guard gk_set_path(path.rawValue) == 0 else {
            throw TensorError.unsupported("this CPU cannot run the \(path) kernels (supported: \(supportedPaths.map(\.description).joined(separator: ", ")))")
        }
    }

    /// Why the `GALI_KERNELS` environment variable is being ignored, or `nil` when it is unset
    /// or in effect.
    public static var environmentPathProblem: String? {
        guard let raw = getenv("GALI_KERNELS") else { return nil }
        let name = String(cString: raw)
        guard let requested = KernelPath(name: name) else {
            return "GALI_KERNELS=\(name) is not one of scalar, avx2, avx512; using \(bestPath)"
        }
        guard requested.isSupported else { return "GALI_KERNELS=\(name) is not supported by this CPU; using \(bestPath)" }
        return nil
    }
}
