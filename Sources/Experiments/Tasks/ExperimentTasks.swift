/// The registered tasks: a config's `task` picks one of these by name. Adding a task is one new
/// file with its `ExperimentTask` type plus one line here.
public enum ExperimentTasks {
    /// Every task, in the order help texts list them.
    public static let all: [any ExperimentTask.Type] = [
        PerplexityTask.self,
        PassKeyTask.self,
        NeedleTask.self,
        LongBenchTask.self,
        LEvalTask.self,
        RulerTask.self,
    ]
}
