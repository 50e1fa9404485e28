/// The registered subcommands. Add a command here after writing its file in `Commands/`.
enum CommandList {
    static let all: [any Command.Type] = [
        BenchKernelsCommand.self,
    ]
}
