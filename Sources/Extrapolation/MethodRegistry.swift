import Foundation

/// Maps method names and aliases to the types that implement them, and builds methods from
/// string-keyed parameters. The built-in baselines are registered in `shared`; other methods
/// (GALI, a user's own) register themselves with `register(_:)`.
public final class MethodRegistry: @unchecked Sendable {
    /// The registry the factory and the command line use.
    public static let shared: MethodRegistry = {
        let registry = MethodRegistry()
        for type in MethodRegistry.builtInMethods { try? registry.register(type) }
        return registry
    }()

    /// The seven baselines.
    public static let builtInMethods: [any PositionalExtrapolation.Type] = [
        OriginalMethod.self, LinearInterpolation.self, NTKScaling.self, DynamicNTKScaling.self,
        YaRNScaling.self, SelfExtend.self, ChunkLlama.self,
    ]

    private let lock = NSLock()
    private var types: [String: any PositionalExtrapolation.Type] = [:]
    private var order: [String] = []

    /// An empty registry (most code uses `shared`).
    public init() {}

    /// Registers `type` under its name and aliases. Registering the same type again does
    /// nothing; a different type claiming a taken name throws `duplicateName`.
    public func register(_ type: any PositionalExtrapolation.Type) throws {
        lock.lock()
        defer { lock.unlock() }
        let descriptor = type.descriptor
        let names = [descriptor.name] + descriptor.aliases
        for name in names {
            if let existing = types[name] {
                if ObjectIdentifier(existing) == ObjectIdentifier(type) { continue }
                throw ExtrapolationError.duplicateName(name)
            }
        }
        if types[descriptor.name] == nil { order.append(descriptor.name) }
        for name in names { types[name] = type }
    }

    /// The type registered under `name` (canonical name or alias).
    public func type(named name: String) throws -> any PositionalExtrapolation.Type {
        lock.lock()
        defer { lock.unlock() }
        guard let type = types[name] else { throw ExtrapolationError.unknownMethod(name: name, known: order) }
        return type
    }

    /// Descriptors of every registered method, in registration order.
    public var descriptors: [MethodDescriptor] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { types[$0]?.descriptor }
    }

    /// Builds the method `spec` names for original window `originalWindow`.
    public func make(_ spec: MethodSpec, originalWindow: Int) throws -> any PositionalExtrapolation {
        let type = try type(named: spec.name)
        guard originalWindow >= 2 else {
            throw ExtrapolationError.invalidConfiguration(method: type.descriptor.name, message: "the original window must be at least 2 tokens, not \(originalWindow)")
        }
        let parameters = try MethodParameters(spec.parameters, for: type.descriptor)
        return try type.init(parameters: parameters, originalWindow: originalWindow)
    }
}
