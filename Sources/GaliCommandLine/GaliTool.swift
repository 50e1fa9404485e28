import Foundation

/// The `gali` command-line tool: dispatches to subcommands and turns errors into messages and
/// exit statuses.
public enum GaliTool {
    /// Every subcommand, in the order `gali --help` lists them.
    public static let commands: [any Command.Type] = CommandList.all

    /// Runs the tool with `arguments` (without the program name); returns the exit status.
    public static func run(_ arguments: [String], output: OutputStreams = .process) -> Int32 {
        guard let first = arguments.first, first != "--help", first != "-h", first != "help" else {
            output.print(usage)
            return arguments.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            output.printError("gali: unknown command \"\(first)\". Run `gali --help` for the list.")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            output.print(command.help)
            return 0
        }
        do {
            let parsed = try ParsedArguments(rest, options: command.options, flagNames: command.flags)
            try command.run(parsed, output: output)
            return 0
        } catch let error as CommandLineError {
            output.printError("gali \(command.name): \(error.message)")
            return 2
        } catch {
            output.printError("gali \(command.name): \(error)")
            return 1
        }
    }

    static var usage: String {
        var lines = ["usage: gali <command> [options]   (gali <command> --help for details)", "", "commands:"]
        let width = commands.map { $0.name.count }.max() ?? 0
        for command in commands {
            lines.append("  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary)
        }
        return lines.joined(separator: "\n")
    }
}
