import Extrapolation

extension MethodRegistry {
    /// The one registry every entry point uses (configs, the experiment runner, every `gali`
    /// command): the seven baselines plus GALI. Register a method of your own here once, before
    /// anything reads it: `try MethodRegistry.standard.register(MyMethod.self)`.
    public static let standard = MethodRegistry(methods: builtInMethods + [GALIMethod.self])
}

extension MethodSpec {
    /// GALI with `parameters`.
    public static func gali(_ parameters: GALIParameters = GALIParameters()) -> MethodSpec {
        MethodSpec(GALIMethod.self, parameters: parameters.values)
    }
}
