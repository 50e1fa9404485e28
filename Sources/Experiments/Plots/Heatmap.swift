import Foundation

/// A heatmap as SVG: a grid of values (e.g. needle accuracy with length on x and depth on y, or
/// an attention map of a thousand tokens per side) with a colour bar, axis labels, optional cell
/// annotations, and missing (NaN) cells drawn hatched grey.
///
/// Row 0 is drawn at the top, as in matrices and needle-test plots. Grids of more than
/// `vectorCellLimit` cells are embedded as one pixel-exact PNG image (each cell one pixel,
/// scaled without smoothing) instead of one rectangle per cell, so a 1000 × 1000 attention map
/// stays around 1.3 MB (a vector grid costs about 80 bytes per cell).
public struct Heatmap: Sendable {
    /// `values[row][column]`; NaN (or a short row) means missing.
    public var values: [[Double]]
    /// Labels of the rows (y axis), top to bottom; may be empty.
    public var rowLabels: [String]
    /// Labels of the columns (x axis), left to right; may be empty.
    public var columnLabels: [String]
    /// The heading above the plot.
    public var title: String?
    /// The x axis label.
    public var xLabel: String?
    /// The y axis label.
    public var yLabel: String?
    /// The colour bar's label.
    public var colorBarLabel: String?
    /// The colours.
    public var colorMap: ColorMap = .sequential
    /// The value range mapped onto the colours (e.g. `0...1` for accuracy); nil uses the finite
    /// minimum and maximum.
    public var range: ClosedRange<Double>?
    /// Print each cell's value: nil decides by cell size (only when cells are big enough).
    public var annotate: Bool?
    /// Decimals of annotations.
    public var annotationDecimals: Int = 2
    /// How colour-bar tick labels are written.
    public var colorBarTickLabels: TickLabelStyle = .automatic
    /// Above this many cells the grid is embedded as an image.
    public var vectorCellLimit: Int = 10_000
    /// Overall size in pixels.
    public var width: Double = 760
    /// Overall size in pixels.
    public var height: Double = 540

    /// A heatmap of `values`.
    public init(values: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [], title: String? = nil,
                xLabel: String? = nil, yLabel: String? = nil, colorBarLabel: String? = nil) {
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorBarLabel = colorBarLabel
    }

    /// A needle-test heatmap: accuracy (0…1, red to green) by context length (x) and depth (y).
    public init(needle grid: NeedleGrid, title: String? = nil) {
        self.init(values: grid.values,
                  rowLabels: grid.depthPercents.map { AxisScale.plainLabel($0, step: $0 == $0.rounded() ? 1 : 0.01) + "%" },
                  columnLabels: grid.contextLengths.map { TickLabelStyle.thousands.label(Double($0), step: 1000) },
                  title: title, xLabel: "Context length (tokens)", yLabel: "Needle depth", colorBarLabel: "Accuracy")
        colorMap = .redYellowGreen
        range = 0...1
    }

    var rowCount: Int { values.count }
    var columnCount: Int { values.map(\.count).max() ?? 0 }

    func value(_ row: Int, _ column: Int) -> Double {
        column < values[row].count ? values[row][column] : .nan
    }

    /// The value range used for colours.
    var colorRange: ClosedRange<Double> {
        if let range, range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound { return range }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        return low < high ? low...high : (low - 0.5)...(high + 0.5)
    }

    /// The colour of `value` (nil for missing values).
    func color(for value: Double) -> RGBColor? {
        guard value.isFinite else { return nil }
        let range = colorRange
        return colorMap.color(at: (value - range.lowerBound) / (range.upperBound - range.lowerBound))
    }

    /// The heatmap as a standalone SVG document.
    public func svg() -> String {
        let rows = rowCount
        let columns = columnCount
        let tickSize = 12.0
        let labelSize = 14.0
        let titleSize = 17.0
        let hasMissing = (0..<rows).contains { r in (0..<columns).contains { !value(r, $0).isFinite } }

        let rowLabelWidth = rowLabels.map { SVGWriter.textWidth($0, size: tickSize) }.max() ?? 0
        let colorRange = self.colorRange
        let barScale = AxisScale(kind: .linear, values: [colorRange.lowerBound, colorRange.upperBound], fixed: colorRange, targetTicks: 6)
        let barTexts = barScale.ticks.map { colorBarTickLabels.label($0, step: barScale.step) }
        let barTextWidth = barTexts.map { SVGWriter.textWidth($0, size: tickSize) }.max() ?? 0
        let barBlock = 18 + 18 + 6 + barTextWidth + (colorBarLabel == nil ? 0 : labelSize + 14)

        let left = 16 + (yLabel == nil ? 0 : labelSize + 10) + rowLabelWidth + 8
        let right = 16 + barBlock
        let top = title == nil ? 16 : titleSize + 26
        let bottom = 12 + tickSize + 10 + (xLabel == nil ? 0 : labelSize + 12) + (hasMissing ? tickSize + 14 : 0)
        let plot = (x: left, y: top, width: max(20, width - left - right), height: max(20, height - top - bottom))
        let cellWidth = columns > 0 ? plot.width / Double(columns) : 0
        let cellHeight = rows > 0 ? plot.height / Double(rows) : 0

        var svg = SVGWriter(width: width, height: height, title: title)
        svg.open("defs")
        svg.open("pattern", ["id": "missing-hatch", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse",
                             "patternTransform": "rotate(45)"])
        svg.element("rect", ["width": "6", "height": "6", "fill": "#dcdcdc"])
        svg.element("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#b4b4b4", "stroke-width": "2"])
        svg.close("pattern")
        svg.open("linearGradient", ["id": "color-bar", "x1": "0", "y1": "1", "x2": "0", "y2": "0"])
        for step in 0...16 {
            let fraction = Double(step) / 16
            svg.element("stop", ["offset": SVGWriter.number(fraction), "stop-color": colorMap.color(at: fraction).hexString])
        }
        svg.close("linearGradient")
        svg.close("defs")

        if let title {
            svg.text(title, x: plot.x + plot.width / 2, y: titleSize + 8, size: titleSize, anchor: "middle", weight: "bold")
        }

        // Cells.
        if rows > 0 && columns > 0 {
            if rows * columns > vectorCellLimit {
                drawRaster(into: &svg, plot: plot)
            } else {
                drawCells(into: &svg, plot: plot, cellWidth: cellWidth, cellHeight: cellHeight)
            }
        } else {
            svg.text("no data", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: labelSize, anchor: "middle", fill: "#888")
        }
        svg.element("rect", ["x": SVGWriter.number(plot.x), "y": SVGWriter.number(plot.y), "width": SVGWriter.number(plot.width),
                             "height": SVGWriter.number(plot.height), "fill": "none", "stroke": "#555", "stroke-width": "1"])

        // Axis labels, thinned so they do not overlap.
        svg.open("g", ["class": "x-labels"])
        if !columnLabels.isEmpty, columns > 0 {
            let widest = columnLabels.map { SVGWriter.textWidth($0, size: tickSize) }.max() ?? 0
            let every = Heatmap.niceStride(Int(((widest + 6) / max(cellWidth, 1e-9)).rounded(.up)))
            for column in Swift.stride(from: 0, to: min(columns, columnLabels.count), by: every) {
                let x = plot.x + (Double(column) + 0.5) * cellWidth
                svg.text(columnLabels[column], x: x, y: plot.y + plot.height + 8 + tickSize, size: tickSize, anchor: "middle", fill: "#333")
            }
        }
        svg.close("g")
        svg.open("g", ["class": "y-labels"])
        if !rowLabels.isEmpty, rows > 0 {
            let every = Heatmap.niceStride(Int(((tickSize + 3) / max(cellHeight, 1e-9)).rounded(.up)))
            for row in Swift.stride(from: 0, to: min(rows, rowLabels.count), by: every) {
                let y = plot.y + (Double(row) + 0.5) * cellHeight
                svg.text(rowLabels[row], x: plot.x - 6, y: y + tickSize * 0.35, size: tickSize, anchor: "end", fill: "#333")
            }
        }
        svg.close("g")
        if let xLabel {
            svg.text(xLabel, x: plot.x + plot.width / 2, y: plot.y + plot.height + 8 + tickSize + 10 + labelSize,
                     size: labelSize, anchor: "middle")
        }
        if let yLabel {
            svg.text(yLabel, x: 16 + labelSize * 0.8, y: plot.y + plot.height / 2, size: labelSize, anchor: "middle", rotate: -90)
        }

        // Colour bar with ticks.
        let barX = plot.x + plot.width + 18
        let barWidth = 18.0
        svg.open("g", ["class": "color-bar"])
        svg.element("rect", ["x": SVGWriter.number(barX), "y": SVGWriter.number(plot.y), "width": SVGWriter.number(barWidth),
                             "height": SVGWriter.number(plot.height), "fill": "url(#color-bar)", "stroke": "#555", "stroke-width": "1"])
        for (tick, text) in zip(barScale.ticks, barTexts) {
            guard let y = barScale.position(tick, from: plot.y + plot.height, to: plot.y) else { continue }
            svg.element("line", ["x1": SVGWriter.number(barX + barWidth), "y1": SVGWriter.number(y),
                                 "x2": SVGWriter.number(barX + barWidth + 5), "y2": SVGWriter.number(y), "stroke": "#555"])
            svg.text(text, x: barX + barWidth + 8, y: y + tickSize * 0.35, size: tickSize, fill: "#333")
        }
        if let colorBarLabel {
            let x = barX + barWidth + 8 + barTextWidth + 10 + labelSize * 0.5
            svg.text(colorBarLabel, x: x, y: plot.y + plot.height / 2, size: labelSize, anchor: "middle", rotate: 90)
        }
        svg.close("g")

        if hasMissing {
            let y = height - 10 - tickSize
            svg.open("g", ["class": "missing-legend"])
            svg.element("rect", ["x": SVGWriter.number(plot.x), "y": SVGWriter.number(y), "width": "14", "height": "14",
                                 "fill": "url(#missing-hatch)", "stroke": "#999"])
            svg.text("no data", x: plot.x + 20, y: y + 11, size: tickSize, fill: "#333")
            svg.close("g")
        }
        return svg.finished()
    }

    /// The smallest of 1, 2, 5, 10, 20, 50, ... at least `minimum`, so labelled rows and columns
    /// fall on round indices.
    static func niceStride(_ minimum: Int) -> Int {
        var stride = 1
        while stride < minimum {
            let digits = String(stride)
            stride = digits.hasPrefix("1") ? stride * 2 : digits.hasPrefix("2") ? stride / 2 * 5 : stride * 2
        }
        return stride
    }

    private func drawCells(into svg: inout SVGWriter, plot: (x: Double, y: Double, width: Double, height: Double),
                           cellWidth: Double, cellHeight: Double) {
        let decimals = max(0, annotationDecimals)
        let sample = String(format: "%.\(decimals)f", -colorRange.upperBound)
        let fontSize = min(12, cellHeight * 0.45)
        let fits = SVGWriter.textWidth(sample, size: fontSize) + 4 <= cellWidth && fontSize >= 7
        let showText = annotate ?? fits
        let gap = cellWidth > 6 && cellHeight > 6 ? 0.5 : 0
        svg.open("g", ["class": "cells", "shape-rendering": gap > 0 ? "auto" : "crispEdges"])
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                let cellValue = value(row, column)
                let x = plot.x + Double(column) * cellWidth
                let y = plot.y + Double(row) * cellHeight
                // Neighbouring cells overlap by a hair when there is no gap, so no seams show.
                let overlap = gap > 0 ? -gap : 0.3
                svg.element("rect", ["x": SVGWriter.number(x + (gap > 0 ? gap : 0)), "y": SVGWriter.number(y + (gap > 0 ? gap : 0)),
                                     "width": SVGWriter.number(cellWidth + overlap), "height": SVGWriter.number(cellHeight + overlap),
                                     "fill": color(for: cellValue)?.hexString ?? "url(#missing-hatch)"])
            }
        }
        svg.close("g")
        guard showText else { return }
        svg.open("g", ["class": "annotations", "font-size": SVGWriter.number(fontSize), "text-anchor": "middle"])
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                let cellValue = value(row, column)
                guard let background = color(for: cellValue) else { continue }
                let ink = background.relativeLuminance > 0.35 ? "#111" : "#fff"
                svg.element("text", ["x": SVGWriter.number(plot.x + (Double(column) + 0.5) * cellWidth),
                                     "y": SVGWriter.number(plot.y + (Double(row) + 0.5) * cellHeight + fontSize * 0.35),
                                     "fill": ink], text: String(format: "%.\(decimals)f", cellValue))
            }
        }
        svg.close("g")
    }

    /// One pixel per cell in a palette PNG: 255 colour levels, index 255 transparent over a hatch.
    private func drawRaster(into svg: inout SVGWriter, plot: (x: Double, y: Double, width: Double, height: Double)) {
        let rows = rowCount
        let columns = columnCount
        let range = colorRange
        let span = range.upperBound - range.lowerBound
        var indices = [UInt8](repeating: 255, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let cellValue = value(row, column)
                guard cellValue.isFinite else { continue }
                let raw = (cellValue - range.lowerBound) / span
                let fraction = raw.isNaN ? 0 : min(max(raw, 0), 1)
                indices[row * columns + column] = UInt8((fraction * 254).rounded())
            }
        }
        var palette = (0..<255).map { colorMap.color(at: Double($0) / 254).bytes }
        palette.append((0xDC, 0xDC, 0xDC))
        let png = PNGEncoder.palettePNG(width: columns, height: rows, indices: indices, palette: palette, transparentIndex: 255)
        let x = SVGWriter.number(plot.x)
        let y = SVGWriter.number(plot.y)
        let width = SVGWriter.number(plot.width)
        let height = SVGWriter.number(plot.height)
        svg.element("rect", ["x": x, "y": y, "width": width, "height": height, "fill": "url(#missing-hatch)"])
        svg.element("image", ["x": x, "y": y, "width": width, "height": height,
                              "preserveAspectRatio": "none", "image-rendering": "pixelated", "style": "image-rendering:pixelated",
                              "href": "data:image/png;base64," + png.base64EncodedString()])
    }
}
