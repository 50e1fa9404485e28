import Foundation
import Transformer
import ModelFiles

/// The 95% Wilson score interval of a success rate: the range of true rates that the observed
/// `successes` out of `trials` do not rule out. Unlike the plain p̂ ± 1.96·√(p̂(1−p̂)/n) it stays
/// inside [0, 1] and is not empty at 0/n or n/n ("0/3" reads as [0, 0.56], not as "0 exactly").
///
/// `successes` may be fractional: a task scored with partial credit (RULER's string-match-all
/// over several needles) enters as the sum of its per-sample scores.
public struct WilsonInterval: Equatable, Sendable {
    /// The observed rate `successes / trials` (NaN for no trials).
    public let rate: Double
    /// Lower end of the interval (NaN for no trials).
    public let lower: Double
    /// Upper end of the interval (NaN for no trials).
    public let upper: Double
    /// Number of trials.
    public let trials: Int

    /// z for a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// The interval for `successes` out of `trials` at normal quantile `z` (default: 95%).
    public init(successes: Double, trials: Int, z: Double = WilsonInterval.z95) {
        self.trials = trials
        guard trials > 0 else {
            rate = .nan
            lower = .nan
            upper = .nan
            return
        }
        let n = Double(trials)
        let p = min(max(successes / n, 0), 1)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        rate = p
        lower = max(0, center - half)
        upper = min(1, center + half)
    }

    /// The interval of a list of outcomes (true = success).
    public init(outcomes: [Bool]) {
        self.init(successes: Double(outcomes.filter { $0 }.count), trials: outcomes.count)
    }

    /// The interval of per-sample scores in [0, 1] (partial credit allowed).
    public init(scores: [Double]) {
        self.init(successes: scores.reduce(0, +), trials: scores.count)
    }

    /// `[0.23, 0.88] n=5`, the ends in the unit of `scale` (1 for rates, 100 for percentages).
    public func text(scale: Double = 1, decimals: Int = 2) -> String {
        guard trials > 0 else { return "n=0" }
        let format = "%.\(decimals)f"
        return "[" + String(format: format, lower * scale) + ", " + String(format: format, upper * scale) + "] n=\(trials)"
    }

    /// `{"lower": …, "upper": …, "n": …}` for result files.
    public var json: String {
        "{\"lower\": \(JSONText.number(lower)), \"upper\": \(JSONText.number(upper)), \"n\": \(trials)}"
    }
}
