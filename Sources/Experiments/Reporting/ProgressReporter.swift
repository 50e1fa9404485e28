import Foundation

/// A progress line with rate and ETA, redrawn in place on an interactive terminal (at most ten
/// times a second) and silent otherwise, so logs stay clean.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let unit: String
    private let write: (String) -> Void
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drewSomething = false

    /// `write` receives raw text for standard error; nothing is drawn unless `isTerminal`.
    public init(label: String, total: Int, unit: String = "", isTerminal: Bool, write: @escaping (String) -> Void) {
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
        self.write = write
        self.enabled = isTerminal
    }

    /// Reports that `done` of `total` are finished.
    public func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        drewSomething = true
        write("\r" + ProgressReporter.line(label: label, done: done, total: total, unit: unit, elapsed: now.timeIntervalSince(start)) + "\u{1B}[K")
    }

    /// Ends the line (when one was drawn).
    public func finish() {
        if enabled && drewSomething { write("\n") }
    }

    /// The text of a progress line (public for tests).
    public static func line(label: String, done: Int, total: Int, unit: String, elapsed: Double) -> String {
        let fraction = min(max(Double(done) / Double(max(total, 1)), 0), 1)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total)"
        if !unit.isEmpty { text += String(format: " (%.1f %@/s)", rate, unit) }
        if done > 0 && done < total {
            text += " ETA " + duration((elapsed / Double(done)) * Double(total - done))
        } else if done >= total {
            text += " in " + duration(elapsed)
        }
        return text
    }

    /// `1h02m`, `3m05s` or `12s`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
