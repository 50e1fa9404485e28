import Foundation

/// A line chart as SVG: several series against a shared x axis (e.g. perplexity of each method
/// against context length), with ticks, grid, optional logarithmic axes, a legend, a title and
/// axis labels.
///
/// Non-finite y values (and non-positive ones on a log axis) leave a gap in their line. Values
/// outside a fixed `yRange` are clipped at the plot's edge.
public struct LineChart: Sendable {
    /// One named line.
    public struct Series: Sendable {
        /// The legend text.
        public var name: String
        /// The points in drawing order.
        public var points: [(x: Double, y: Double)]
        /// `#rrggbb`; nil picks the next palette colour.
        public var color: String?
        /// Draw a dashed line (e.g. for a baseline).
        public var dashed: Bool
        /// An uncertainty band (e.g. a 95% interval) drawn translucent behind the line, from
        /// `lower` to `upper` at each `x`, ascending in x; empty for none.
        public var band: [(x: Double, lower: Double, upper: Double)] = []

        /// A series.
        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }

        /// A series with one y value per x value.
        public init(name: String, x: [Double], y: [Double], color: String? = nil, dashed: Bool = false) {
            self.init(name: name, points: Array(zip(x, y)).map { (x: $0.0, y: $0.1) }, color: color, dashed: dashed)
        }
    }

    /// The lines.
    public var series: [Series]
    /// The heading above the plot.
    public var title: String?
    /// The x axis label.
    public var xLabel: String?
    /// The y axis label.
    public var yLabel: String?
    /// Linear or logarithmic x axis.
    public var xAxis: AxisKind = .linear
    /// Linear or logarithmic y axis.
    public var yAxis: AxisKind = .linear
    /// A fixed y range (e.g. to keep exploding perplexities from flattening the rest).
    public var yRange: ClosedRange<Double>?
    /// A fixed x range.
    public var xRange: ClosedRange<Double>?
    /// How x tick labels are written.
    public var xTickLabels: TickLabelStyle = .automatic
    /// How y tick labels are written.
    public var yTickLabels: TickLabelStyle = .automatic
    /// Draw point markers when a series has at most this many points.
    public var markerLimit: Int = 40
    /// Overall size in pixels.
    public var width: Double = 760
    /// Overall size in pixels.
    public var height: Double = 460

    /// A chart of `series`.
    public init(series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The SVG path of a band: along the upper ends left to right, back along the lower ends
    /// (nil when fewer than two of its points can be placed).
    func bandOutline(_ band: [(x: Double, lower: Double, upper: Double)], xScale: AxisScale, yScale: AxisScale,
                     plot: (x: Double, y: Double, width: Double, height: Double)) -> String? {
        let placed = band.compactMap { point -> (x: Double, lower: Double, upper: Double)? in
            guard let x = xScale.position(point.x, from: plot.x, to: plot.x + plot.width),
                  let lower = yScale.position(point.lower, from: plot.y + plot.height, to: plot.y),
                  let upper = yScale.position(point.upper, from: plot.y + plot.height, to: plot.y) else { return nil }
            return (x, lower, upper)
        }
        guard placed.count >= 2 else { return nil }
        let upper = placed.map { "\(SVGWriter.number($0.x)) \(SVGWriter.number($0.upper))" }
        let lower = placed.reversed().map { "\(SVGWriter.number($0.x)) \(SVGWriter.number($0.lower))" }
        return "M" + (upper + lower).joined(separator: " L") + " Z"
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.filter { $0.x.isFinite }.map(\.y) }
        let xScale = AxisScale(kind: xAxis, values: xs, fixed: xRange, targetTicks: 7)
        let yScale = AxisScale(kind: yAxis, values: ys, fixed: yRange, targetTicks: 6)
        let tickSize = 12.0
        let labelSize = 14.0
        let titleSize = 17.0
        let legendSize = 13.0

        let yTickTexts = yScale.ticks.map { yTickLabels.label($0, step: yScale.step, exponentFrom: yScale.exponentFrom) }
        let yTickWidth = yTickTexts.map { SVGWriter.textWidth($0, size: tickSize) }.max() ?? 0
        let legendNames = series.map(\.name)
        let legendWidth = series.isEmpty ? 0 : (legendNames.map { SVGWriter.textWidth($0, size: legendSize) }.max() ?? 0) + 52

        let left = 18 + (yLabel == nil ? 0 : labelSize + 10) + yTickWidth + 8
        let right = 20 + legendWidth
        let top = (title == nil ? 16 : titleSize + 26)
        let bottom = 12 + tickSize + 10 + (xLabel == nil ? 0 : labelSize + 12)
        let plot = (x: left, y: top, width: max(40, width - left - right), height: max(40, height - top - bottom))

        var svg = SVGWriter(width: width, height: height, title: title)
        svg.open("defs")
        svg.open("clipPath", ["id": "plot-area"])
        svg.element("rect", ["x": SVGWriter.number(plot.x), "y": SVGWriter.number(plot.y),
                             "width": SVGWriter.number(plot.width), "height": SVGWriter.number(plot.height)])
        svg.close("clipPath")
        svg.close("defs")

        if let title {
            svg.text(title, x: plot.x + plot.width / 2, y: titleSize + 8, size: titleSize, anchor: "middle", weight: "bold")
        }

        // Grid and ticks.
        svg.open("g", ["class": "grid", "stroke": "#e3e3e3", "stroke-width": "1"])
        for tick in xScale.ticks {
            guard let x = xScale.position(tick, from: plot.x, to: plot.x + plot.width) else { continue }
            svg.element("line", ["x1": SVGWriter.number(x), "y1": SVGWriter.number(plot.y),
                                 "x2": SVGWriter.number(x), "y2": SVGWriter.number(plot.y + plot.height)])
        }
        for tick in yScale.ticks {
            guard let y = yScale.position(tick, from: plot.y + plot.height, to: plot.y) else { continue }
            svg.element("line", ["x1": SVGWriter.number(plot.x), "y1": SVGWriter.number(y),
                                 "x2": SVGWriter.number(plot.x + plot.width), "y2": SVGWriter.number(y)])
        }
        svg.close("g")

        svg.open("g", ["class": "x-ticks"])
        for tick in xScale.ticks {
            guard let x = xScale.position(tick, from: plot.x, to: plot.x + plot.width) else { continue }
            svg.element("line", ["x1": SVGWriter.number(x), "y1": SVGWriter.number(plot.y + plot.height),
                                 "x2": SVGWriter.number(x), "y2": SVGWriter.number(plot.y + plot.height + 5), "stroke": "#555"])
            svg.text(xTickLabels.label(tick, step: xScale.step, exponentFrom: xScale.exponentFrom), x: x, y: plot.y + plot.height + 8 + tickSize,
                     size: tickSize, anchor: "middle", fill: "#333")
        }
        svg.close("g")
        svg.open("g", ["class": "y-ticks"])
        for (tick, text) in zip(yScale.ticks, yTickTexts) {
            guard let y = yScale.position(tick, from: plot.y + plot.height, to: plot.y) else { continue }
            svg.element("line", ["x1": SVGWriter.number(plot.x - 5), "y1": SVGWriter.number(y),
                                 "x2": SVGWriter.number(plot.x), "y2": SVGWriter.number(y), "stroke": "#555"])
            svg.text(text, x: plot.x - 8, y: y + tickSize * 0.35, size: tickSize, anchor: "end", fill: "#333")
        }
        svg.close("g")

        if let xLabel {
            svg.text(xLabel, x: plot.x + plot.width / 2, y: height - 12, size: labelSize, anchor: "middle")
        }
        if let yLabel {
            let x = 18 + labelSize * 0.8
            svg.text(yLabel, x: x, y: plot.y + plot.height / 2, size: labelSize, anchor: "middle", rotate: -90)
        }

        // Lines and markers.
        svg.open("g", ["class": "series", "clip-path": "url(#plot-area)"])
        for (index, line) in series.enumerated() {
            let color = line.color ?? SeriesPalette.color(index)
            // Pixel positions (nil breaks the line), then each segment clipped to the plot so that
            // far-off values neither distort the visible part nor reach the renderer as huge numbers.
            let pixels = line.points.map { point -> (Double, Double)? in
                guard let x = xScale.position(point.x, from: plot.x, to: plot.x + plot.width),
                      let y = yScale.position(point.y, from: plot.y + plot.height, to: plot.y) else { return nil }
                return (x, y)
            }
            let bounds = (minX: plot.x - 1, minY: plot.y - 1, maxX: plot.x + plot.width + 1, maxY: plot.y + plot.height + 1)
            var path = ""
            var pen: (Double, Double)?
            for index in pixels.indices.dropFirst() {
                guard let start = pixels[index - 1], let end = pixels[index],
                      let segment = LineChart.clip(start, end, to: bounds) else {
                    pen = nil
                    continue
                }
                let continues = pen.map { $0 == segment.0 } ?? false
                if !continues {
                    path += (path.isEmpty ? "M" : " M") + "\(SVGWriter.number(segment.0.0)) \(SVGWriter.number(segment.0.1))"
                }
                path += " L\(SVGWriter.number(segment.1.0)) \(SVGWriter.number(segment.1.1))"
                pen = segment.1 == end ? end : nil
            }
            let markers = pixels.compactMap { $0 }.filter {
                $0.0 >= bounds.minX && $0.0 <= bounds.maxX && $0.1 >= bounds.minY && $0.1 <= bounds.maxY
            }
            svg.open("g", ["class": "line", "data-series": line.name])
            if let outline = bandOutline(line.band, xScale: xScale, yScale: yScale, plot: plot) {
                svg.element("path", ["class": "band", "d": outline, "fill": color, "fill-opacity": "0.15", "stroke": "none"])
            }
            if !path.isEmpty {
                if line.dashed {
                    svg.element("path", ["d": path, "fill": "none", "stroke": color, "stroke-width": "2.2",
                                         "stroke-linejoin": "round", "stroke-dasharray": "7 4"])
                } else {
                    svg.element("path", ["d": path, "fill": "none", "stroke": color, "stroke-width": "2.2", "stroke-linejoin": "round"])
                }
            }
            if line.points.count <= markerLimit {
                for (x, y) in markers { LineChart.marker(index, x: x, y: y, color: color, into: &svg) }
            }
            svg.close("g")
        }
        svg.close("g")

        svg.element("rect", ["x": SVGWriter.number(plot.x), "y": SVGWriter.number(plot.y), "width": SVGWriter.number(plot.width),
                             "height": SVGWriter.number(plot.height), "fill": "none", "stroke": "#555", "stroke-width": "1"])
        if xs.allSatisfy({ !$0.isFinite }) || ys.allSatisfy({ !$0.isFinite }) {
            svg.text("no data", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: labelSize, anchor: "middle", fill: "#888")
        }

        // Legend to the right of the plot.
        if !series.isEmpty {
            let legendX = plot.x + plot.width + 16
            let rowHeight = legendSize + 9
            let boxHeight = Double(series.count) * rowHeight + 10
            svg.open("g", ["class": "legend"])
            svg.element("rect", ["x": SVGWriter.number(legendX), "y": SVGWriter.number(plot.y), "width": SVGWriter.number(legendWidth - 4),
                                 "height": SVGWriter.number(boxHeight), "fill": "white", "stroke": "#ccc", "rx": "3"])
            for (index, line) in series.enumerated() {
                let color = line.color ?? SeriesPalette.color(index)
                let y = plot.y + 5 + rowHeight * (Double(index) + 0.5)
                if line.dashed {
                    svg.element("line", ["x1": SVGWriter.number(legendX + 8), "y1": SVGWriter.number(y), "x2": SVGWriter.number(legendX + 34),
                                         "y2": SVGWriter.number(y), "stroke": color, "stroke-width": "2.2", "stroke-dasharray": "7 4"])
                } else {
                    svg.element("line", ["x1": SVGWriter.number(legendX + 8), "y1": SVGWriter.number(y), "x2": SVGWriter.number(legendX + 34),
                                         "y2": SVGWriter.number(y), "stroke": color, "stroke-width": "2.2"])
                }
                LineChart.marker(index, x: legendX + 21, y: y, color: color, into: &svg)
                svg.text(line.name, x: legendX + 42, y: y + legendSize * 0.35, size: legendSize)
            }
            svg.close("g")
        }
        return svg.finished()
    }

    /// The part of the segment from `p0` to `p1` inside `bounds` (Liang–Barsky), nil when none.
    static func clip(_ p0: (Double, Double), _ p1: (Double, Double),
                     to bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> ((Double, Double), (Double, Double))? {
        let dx = p1.0 - p0.0
        let dy = p1.1 - p0.1
        var t0 = 0.0
        var t1 = 1.0
        for (p, q) in [(-dx, p0.0 - bounds.minX), (dx, bounds.maxX - p0.0), (-dy, p0.1 - bounds.minY), (dy, bounds.maxY - p0.1)] {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let r = q / p
            if p < 0 {
                if r > t1 { return nil }
                t0 = max(t0, r)
            } else {
                if r < t0 { return nil }
                t1 = min(t1, r)
            }
        }
        let start = t0 == 0 ? p0 : (p0.0 + t0 * dx, p0.1 + t0 * dy)
        let end = t1 == 1 ? p1 : (p0.0 + t1 * dx, p0.1 + t1 * dy)
        return (start, end)
    }

    /// Circle, square, triangle, diamond, repeating: series stay apart in grey print.
    private static func marker(_ index: Int, x: Double, y: Double, color: String, into svg: inout SVGWriter) {
        let r = 3.6
        switch index % 4 {
        case 0:
            svg.element("circle", ["cx": SVGWriter.number(x), "cy": SVGWriter.number(y), "r": SVGWriter.number(r),
                                   "fill": color, "stroke": "white", "stroke-width": "1"])
        case 1:
            svg.element("rect", ["x": SVGWriter.number(x - r), "y": SVGWriter.number(y - r), "width": SVGWriter.number(2 * r),
                                 "height": SVGWriter.number(2 * r), "fill": color, "stroke": "white", "stroke-width": "1"])
        case 2:
            let points = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
            svg.element("polygon", ["points": points.map { "\(SVGWriter.number($0.0)),\(SVGWriter.number($0.1))" }.joined(separator: " "),
                                    "fill": color, "stroke": "white", "stroke-width": "1"])
        default:
            let points = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
            svg.element("polygon", ["points": points.map { "\(SVGWriter.number($0.0)),\(SVGWriter.number($0.1))" }.joined(separator: " "),
                                    "fill": color, "stroke": "white", "stroke-width": "1"])
        }
    }
}
