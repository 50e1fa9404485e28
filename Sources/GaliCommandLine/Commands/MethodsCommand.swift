import Extrapolation
import GALI

/// `gali methods`: every registered method with its parameters, defaults and constraints.
enum MethodsCommand: Command {
    static let name = "methods"
    static let summary = "list extrapolation methods, their parameters and constraints"
    static let options: Set<String> = []
    static let flags: Set<String> = []
    static let help = """
    usage: gali methods

    Lists every registered method: name, aliases, what it computes, its length constraint, and
    each parameter with its type, range and default (parameters without a default are required).
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        for descriptor in MethodRegistry.standard.descriptors {
            let aliases = descriptor.aliases.isEmpty ? "" : " (aliases: \(descriptor.aliases.joined(separator: ", ")))"
            output.print(descriptor.name + aliases)
            output.print("  " + descriptor.summary)
            if !descriptor.constraint.isEmpty { output.print("  constraint: " + descriptor.constraint) }
            for parameter in descriptor.parameters {
                let defaultText = parameter.defaultValue.map { "default \($0)" } ?? "required"
                output.print("  --param \(parameter.name)=…  \(parameter.constraintText); \(defaultText). \(parameter.summary)")
            }
            output.print("")
        }
    }
}
