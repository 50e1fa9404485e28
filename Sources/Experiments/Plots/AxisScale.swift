import Foundation

/// How an axis maps data to position.
public enum AxisKind: Equatable, Sendable {
    /// Evenly spaced values.
    case linear
    /// Evenly spaced powers of ten (non-positive values cannot be shown).
    case logarithmic
}

/// How tick labels are written.
public enum TickLabelStyle: Sendable {
    /// Plain numbers with as many decimals as the tick spacing needs.
    case automatic
    /// Thousands with a `k` (`16000` → `16k`; `4096` → `4k`, or `4.1k` when ticks are closer than
    /// 1000, so that neighbouring labels never read alike), for context lengths.
    case thousands
    /// Fractions as percent (`0.25` → `25%`).
    case percent
    /// Your own text for each tick value.
    case custom(@Sendable (Double) -> String)

    func label(_ value: Double, step: Double, exponentFrom: Double = 1e7) -> String {
        switch self {
        case .automatic:
            return AxisScale.plainLabel(value, step: step, exponentFrom: exponentFrom)
        case .thousands:
            if abs(value) < 1000 { return AxisScale.plainLabel(value, step: step) }
            return AxisScale.plainLabel(value / 1000, step: max(step / 1000, 0.1)) + "k"
        case .percent:
            return AxisScale.plainLabel(value * 100, step: step * 100) + "%"
        case .custom(let format):
            return format(value)
        }
    }
}

/// A data range mapped onto a pixel range, with "nice" tick values.
struct AxisScale {
    let kind: AxisKind
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// The spacing of linear ticks (1 for logarithmic axes), for label precision.
    let step: Double

    /// Where automatic labels switch to exponent form (`1e6`): on log axes reaching a million,
    /// from 10⁴ on so that neighbouring ticks look alike.
    var exponentFrom: Double {
        kind == .logarithmic && (ticks.last ?? 0) >= 1e6 ? 1e4 : 1e7
    }

    /// A scale covering `values` (only finite ones, and only positive ones on a log axis), widened
    /// to tick boundaries unless `fixed` is given.
    init(kind: AxisKind, values: [Double], fixed: ClosedRange<Double>? = nil, targetTicks: Int = 6) {
        self.kind = kind
        let fixed = fixed.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        switch kind {
        case .linear:
            var low = fixed?.lowerBound ?? usable.min() ?? 0
            var high = fixed?.upperBound ?? usable.max() ?? 1
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
            let step = AxisScale.niceStep((high - low) / Double(max(targetTicks - 1, 1)))
            if fixed == nil {
                low = (low / step).rounded(.down) * step
                high = (high / step).rounded(.up) * step
            }
            // Ticks as integer multiples of the step, so errors do not accumulate.
            let first = (low / step - 1e-9).rounded(.up)
            let last = (high / step + 1e-9).rounded(.down)
            let ticks: [Double]
            if first.isFinite, last.isFinite, first <= last, last - first <= 1000 {
                ticks = Swift.stride(from: first, through: last, by: 1).map { $0 * step }
            } else {
                ticks = [low, high].filter(\.isFinite)   // a range too wide for decimal ticks
            }
            (lower, upper, self.ticks, self.step) = (low, high, ticks, step)
        case .logarithmic:
            let positiveFixed = fixed.flatMap { $0.lowerBound > 0 ? $0 : nil }
            var low = positiveFixed?.lowerBound ?? usable.min() ?? 1
            var high = positiveFixed?.upperBound ?? usable.max() ?? 10
            if low == high {
                low /= 10
                high *= 10
            }
            if positiveFixed == nil {
                if log10(high / low) < 2.5 {
                    // A few decades at most: widen only to the neighbouring 1-2-5 values.
                    low = AxisScale.niceBelow(low)
                    high = AxisScale.niceAbove(high)
                } else {
                    low = pow(10, log10(low).rounded(.down))
                    high = pow(10, log10(high).rounded(.up))
                }
            }
            // Keep clear of overflow and subnormals.
            high = min(high, 1e308)
            low = max(low, 1e-300)
            if low >= high { low = high / 10 }
            let firstDecade = Int(log10(low).rounded(.down))
            let lastDecade = Int(log10(high).rounded(.up))
            let decades = lastDecade - firstDecade
            let multipliers: [Double] = log10(high / low) < 1.2 ? [1, 2, 3, 5, 7] : decades <= 2 ? [1, 2, 5] : decades <= 3 ? [1, 3] : [1]
            let stride = max(1, Int((Double(decades) / 8).rounded(.up)))
            var ticks: [Double] = []
            for decade in Swift.stride(from: firstDecade, through: lastDecade, by: stride) {
                for multiplier in multipliers {
                    let value = multiplier * pow(10, Double(decade))
                    if value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9) { ticks.append(value) }
                }
            }
            (lower, upper, self.ticks, self.step) = (low, high, ticks, 1)
        }
    }

    /// The position of `value` between `start` (at `lower`) and `end` (at `upper`); nil for values
    /// a log axis cannot show.
    func position(_ value: Double, from start: Double, to end: Double) -> Double? {
        guard value.isFinite else { return nil }
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            fraction = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return start + fraction * (end - start)
    }

    /// The largest 1, 2 or 5 times a power of ten not above `value` (> 0).
    static func niceBelow(_ value: Double) -> Double {
        let magnitude = pow(10, log10(value).rounded(.down))
        return [5.0, 2, 1].map { $0 * magnitude }.first { $0 <= value * (1 + 1e-12) } ?? magnitude
    }

    /// The smallest 1, 2 or 5 times a power of ten not below `value` (> 0).
    static func niceAbove(_ value: Double) -> Double {
        let magnitude = pow(10, log10(value).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= value * (1 - 1e-12) } ?? 10 * magnitude
    }

    /// 1, 2 or 5 times a power of ten, near `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let residual = rough / magnitude
        let factor: Double = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10
        return factor * magnitude
    }

    /// `value` with the decimals `step` needs (none for whole steps), exponent form (`1e6`) from
    /// `exponentFrom` up and for tiny magnitudes.
    static func plainLabel(_ value: Double, step: Double, exponentFrom: Double = 1e7) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= exponentFrom || magnitude < 1e-4 {
            var text = String(format: "%.3g", value)
            text = text.replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
                .replacingOccurrences(of: "e-0", with: "e-")
            return text
        }
        let decimals = step > 0 && step < 1 ? min(6, Int((-log10(step)).rounded(.up))) : 0
        let effective = magnitude < 1 && decimals == 0 ? 2 : decimals
        var text = String(format: "%.\(effective)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
