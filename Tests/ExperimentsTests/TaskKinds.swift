@testable import Experiments

/// The registered tasks' kinds, by the names the tests use.
extension ExperimentTaskKind {
    static let pg19 = ExperimentTaskKind(PerplexityTask.self)
    static let passkey = ExperimentTaskKind(PassKeyTask.self)
    static let needle = ExperimentTaskKind(NeedleTask.self)
    static let longbench = ExperimentTaskKind(LongBenchTask.self)
    static let leval = ExperimentTaskKind(LEvalTask.self)
    static let ruler = ExperimentTaskKind(RulerTask.self)
}
