import Foundation

/// Maps method names and aliases to the types that implement them, and builds methods from
/// string-keyed parameters.
///
/// Applications (configs, the runner, every `gali` command) use one registry,
/// `MethodRegistry.standard` (module `GALI`): the seven baselines plus GALI. A method of your own
/// is registered there once with `register(_:)`. `builtIn` holds the baselines only, for code
/// that uses this module alone. Specs made in code (`.selfExtend(...)`) carry their type and need
/// no registry.
public final class MethodRegistry: @unchecked Sendable {
    /// The seven baselines (the default where only this module is known).
    public static let builtIn = MethodRegistry(methods: builtInMethods)

    /// The seven baselines.
    public static let builtInMethods: [any PositionalExtrapolation.Type] = [
        OriginalMethod.self, LinearInterpolation.self, NTKScaling.self, DynamicNTKScaling.self,
        YaRNScaling.self, SelfExtend.self, ChunkLlama.self,
    ]

    private let lock = NSLock()
    private var types: [String: any PositionalExtrapolation.Type] = [:]
    private var order: [String] = []

    /// An empty registry.
    public init() {}

    /// A registry of `methods` (a type listed twice counts once; a later type claiming a taken
    /// name is left out).
    public convenience init(methods: [any PositionalExtrapolation.Type]) {
        self.init()
        for type in methods { try? register(type) }
    }

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

    /// The type of `spec`: its own when it carries one, else the one registered under its name.
    public func type(of spec: MethodSpec) throws -> any PositionalExtrapolation.Type {
        try spec.type ?? type(named: spec.name)
    }

    /// Builds the method `spec` names for original window `originalWindow`.
    public func make(_ spec: MethodSpec, originalWindow: Int) throws -> any PositionalExtrapolation {
        let type = try type(of: spec)
        guard originalWindow >= 2 else {
            throw ExtrapolationError.invalidConfiguration(method: type.descriptor.name, message: "the original window must be at least 2 tokens, not \(originalWindow)")
        }
        let parameters = try MethodParameters(spec.parameters, for: type.descriptor)
        return try type.init(parameters: parameters, originalWindow: originalWindow)
    }
}
