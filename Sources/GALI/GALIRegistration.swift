import Extrapolation

extension GALIMethod {
    /// Registers GALI (`gali`, alias `dpi`) in `registry`, as any plugin method would.
    /// Registering twice is harmless.
    public static func register(in registry: MethodRegistry = .shared) {
        try? registry.register(GALIMethod.self)
    }
}

extension MethodSpec {
    /// GALI with `parameters` (registering GALI in the shared registry on first use).
    public static func gali(_ parameters: GALIParameters = GALIParameters()) -> MethodSpec {
        GALIMethod.register()
        return MethodSpec(name: GALIMethod.descriptor.name, parameters: parameters.values)
    }
}
