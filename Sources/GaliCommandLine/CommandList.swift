/// The registered subcommands, in the order `gali --help` lists them. Add a command here after
/// writing its file in `Commands/`.
enum CommandList {
    static let all: [any Command.Type] = [
        DemoCommand.self,
        GenerateCommand.self,
        ScoreCommand.self,
        BenchCommand.self,
        CompareCommand.self,
        MethodsCommand.self,
        InfoCommand.self,
        FetchModelCommand.self,
        TokenizeCommand.self,
        DetokenizeCommand.self,
        BenchTokenizerCommand.self,
        BenchKernelsCommand.self,
        RunCommand.self,
        EvalCommand.self,
        CollectCommand.self,
        AnalyzeCommand.self,
    ]
}
