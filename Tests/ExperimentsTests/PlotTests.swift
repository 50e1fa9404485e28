import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Experiments

/// Parses SVG with Foundation's XMLParser and keeps every element with its attributes and text.
final class SVGTree: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var ancestors: [String]
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var parseError: Error?

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? NSError(domain: "SVGTree", code: 1) }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let ancestors = stack.map { elements[$0].attributes["class"] ?? elements[$0].name }
        elements.append(Element(name: elementName, attributes: attributes, text: "", ancestors: ancestors))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = stack.last { elements[index].text += string }
    }

    func all(_ name: String, inside group: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (group == nil || $0.ancestors.contains(group!)) }
    }

    var texts: [String] { all("text").map(\.text) }
}

final class PlotTests: XCTestCase {
    func chart() -> LineChart {
        let x = [1024.0, 2048, 4096, 8192, 16384]
        var chart = LineChart(series: [LineChart.Series(name: "GALI", x: x, y: [7, 7.1, 7.2, 7.3, 7.4]),
                                       LineChart.Series(name: "NTK <&> \"q\"", x: x, y: [7, 7.2, .nan, 9, 40]),
                                       LineChart.Series(name: "Original", x: x, y: [6.9, 7, 7.1, 1e4, 1e9], dashed: true)],
                              title: "PPL & length", xLabel: "Context length", yLabel: "Perplexity")
        chart.xTickLabels = .thousands
        return chart
    }

    func testLineChartIsWellFormedAndLabelled() throws {
        let tree = SVGTree(chart().svg())
        XCTAssertNil(tree.parseError)
        XCTAssertEqual(tree.elements.first?.name, "svg")
        XCTAssertEqual(tree.all("title").first?.text, "PPL & length")
        XCTAssertEqual(tree.all("g").filter { $0.attributes["class"] == "line" }.count, 3)
        XCTAssertEqual(tree.all("g").compactMap { $0.attributes["data-series"] }, ["GALI", "NTK <&> \"q\"", "Original"])
        let texts = tree.texts
        for expected in ["PPL & length", "Context length", "Perplexity", "GALI", "NTK <&> \"q\"", "Original", "16k", "4k"] {
            XCTAssertTrue(texts.contains(expected), "missing text \(expected) in \(texts)")
        }
        XCTAssertEqual(tree.all("text", inside: "legend").count, 3)
        XCTAssertEqual(tree.all("path", inside: "series").filter { $0.attributes["stroke-dasharray"] != nil }.count, 1)
    }

    func testLineChartGapsAndClipping() throws {
        var chart = chart()
        chart.yRange = 6...10
        let tree = SVGTree(chart.svg())
        XCTAssertNil(tree.parseError)
        let viewBox = try XCTUnwrap(tree.elements.first?.attributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
        let paths = tree.all("path", inside: "series").compactMap { $0.attributes["d"] }
        XCTAssertEqual(paths.count, 3)
        // NTK has a NaN: its line restarts with a second move-to.
        XCTAssertEqual(paths[1].filter { $0 == "M" }.count, 2)
        // Values far above the range are clipped at the plot edge, never drawn far outside.
        for path in paths {
            let numbers = path.split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
            XCTAssertFalse(numbers.isEmpty)
            for value in numbers { XCTAssertTrue(value >= 0 && value <= max(viewBox[2], viewBox[3]), "\(value) in \(path)") }
        }
        // Original's last two points (1e4, 1e9) are out of range: only three markers remain.
        let originalMarkers = tree.elements.filter { $0.ancestors.last == "line" && $0.name == "polygon" && $0.attributes["fill"] == SeriesPalette.color(2) }
        XCTAssertEqual(originalMarkers.count, 3)
    }

    func testLineChartLogAxis() throws {
        var chart = chart()
        chart.yAxis = .logarithmic
        let tree = SVGTree(chart.svg())
        XCTAssertNil(tree.parseError)
        let yTicks = tree.all("text", inside: "y-ticks").map(\.text)
        XCTAssertEqual(yTicks, ["1", "100", "1e4", "1e6", "1e8"])   // ten decades: every other one
    }

    func testLineChartWithoutData() {
        let tree = SVGTree(LineChart(series: [LineChart.Series(name: "x", x: [1, 2], y: [.nan, .infinity])]).svg())
        XCTAssertNil(tree.parseError)
        XCTAssertTrue(tree.texts.contains("no data"))
        XCTAssertNil(SVGTree(LineChart(series: []).svg()).parseError)
    }

    func testHeatmapCellsMissingAndAnnotations() throws {
        var heatmap = Heatmap(values: [[0, 0.5, 1], [0.25, .nan], [1, 1, 0.75]], rowLabels: ["0%", "50%", "100%"],
                              columnLabels: ["4k", "8k", "16k"], title: "Needle <test>", xLabel: "Length", yLabel: "Depth",
                              colorBarLabel: "Accuracy")
        heatmap.range = 0...1
        let tree = SVGTree(heatmap.svg())
        XCTAssertNil(tree.parseError)
        let cells = tree.all("rect", inside: "cells")
        XCTAssertEqual(cells.count, 9)                                            // the short row is padded
        XCTAssertEqual(cells.filter { $0.attributes["fill"] == "url(#missing-hatch)" }.count, 2)
        XCTAssertEqual(cells[0].attributes["fill"], ColorMap.sequential.color(at: 0).hexString)
        XCTAssertEqual(cells[2].attributes["fill"], ColorMap.sequential.color(at: 1).hexString)
        XCTAssertEqual(tree.all("text", inside: "annotations").map(\.text), ["0.00", "0.50", "1.00", "0.25", "1.00", "1.00", "0.75"])
        for label in ["Needle <test>", "Length", "Depth", "Accuracy", "4k", "16k", "0%", "100%", "no data"] {
            XCTAssertTrue(tree.texts.contains(label), label)
        }
        XCTAssertEqual(tree.all("text", inside: "color-bar").map(\.text), ["0", "0.2", "0.4", "0.6", "0.8", "1", "Accuracy"])
    }

    func testColorBarIsMonotone() throws {
        let tree = SVGTree(Heatmap(values: [[1, 2], [3, 4]]).svg())
        XCTAssertNil(tree.parseError)
        let stops = tree.all("stop")
        XCTAssertEqual(stops.count, 17)
        let offsets = stops.compactMap { $0.attributes["offset"].flatMap(Double.init) }
        XCTAssertEqual(offsets, offsets.sorted())
        let luminances = stops.compactMap { stop -> Double? in
            guard let hex = stop.attributes["stop-color"], let value = UInt32(hex.dropFirst(), radix: 16) else { return nil }
            return RGBColor(hex: value).relativeLuminance
        }
        XCTAssertEqual(luminances.count, 17)
        for (a, b) in zip(luminances, luminances.dropFirst()) { XCTAssertLessThan(a, b) }
        XCTAssertTrue(tree.all("text", inside: "annotations").count == 4)
    }

    func testColorMaps() {
        let samples = (0...200).map { ColorMap.sequential.color(at: Double($0) / 200).relativeLuminance }
        for (a, b) in zip(samples, samples.dropFirst()) { XCTAssertLessThan(a, b) }
        XCTAssertEqual(ColorMap.sequential.color(at: -1), ColorMap.sequential.color(at: 0))
        XCTAssertEqual(ColorMap.sequential.color(at: 7), ColorMap.sequential.color(at: 1))
        XCTAssertEqual(ColorMap.sequential.color(at: .nan), ColorMap.sequential.color(at: 0))
        // Red for 0, green for 1, yellow-ish in the middle.
        let low = ColorMap.redYellowGreen.color(at: 0)
        let high = ColorMap.redYellowGreen.color(at: 1)
        let middle = ColorMap.redYellowGreen.color(at: 0.5)
        XCTAssertGreaterThan(low.red, low.green)
        XCTAssertGreaterThan(high.green, high.red)
        XCTAssertGreaterThan(middle.red + middle.green, 1.5)
        XCTAssertEqual(RGBColor(hex: 0x0072B2).hexString, "#0072b2")
        XCTAssertEqual(ColorMap(anchors: []).color(at: 0.5), RGBColor(red: 0, green: 0, blue: 0))
    }

    func testLargeHeatmapEmbedsAnImage() throws {
        let n = 300
        let values = (0..<n).map { i in (0..<n).map { j in j > i ? Double.nan : Double(i + j) } }
        let heatmap = Heatmap(values: values, rowLabels: (0..<n).map(String.init), columnLabels: (0..<n).map(String.init))
        let svg = heatmap.svg()
        let tree = SVGTree(svg)
        XCTAssertNil(tree.parseError)
        XCTAssertTrue(tree.all("rect", inside: "cells").isEmpty)
        let image = try XCTUnwrap(tree.all("image").first)
        let href = try XCTUnwrap(image.attributes["href"])
        XCTAssertTrue(href.hasPrefix("data:image/png;base64,"))
        let png = try XCTUnwrap(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count))))
        let decoded = try decodePalettePNG(png)
        XCTAssertEqual(decoded.width, n)
        XCTAssertEqual(decoded.height, n)
        XCTAssertEqual(decoded.pixels[0 * n + 1], 255)          // above the diagonal: missing, transparent
        XCTAssertEqual(decoded.pixels[0], 0)                     // minimum
        XCTAssertEqual(decoded.pixels[(n - 1) * n + n - 1], 254) // maximum
        // Labels are thinned to round indices.
        let xLabels = tree.all("text", inside: "x-labels").map(\.text)
        XCTAssertEqual(xLabels.first, "0")
        XCTAssertLessThan(xLabels.count, 30)
        XCTAssertTrue(xLabels.allSatisfy { (Int($0) ?? 1) % 10 == 0 }, "\(xLabels)")
    }

    func testExtremeValuesStayWellFormed() {
        var chart = LineChart(series: [LineChart.Series(name: "wide", x: [-1e308, 1e308], y: [-1e308, 1e308])])
        XCTAssertNil(SVGTree(chart.svg()).parseError)
        chart.yRange = -Double.infinity...Double.infinity
        chart.xRange = 0...Double.infinity
        chart.yAxis = .logarithmic
        XCTAssertNil(SVGTree(chart.svg()).parseError)
        var heatmap = Heatmap(values: [[-1e308, 1e308], [0, .infinity]])
        XCTAssertNil(SVGTree(heatmap.svg()).parseError)
        heatmap.range = 0...Double.infinity
        heatmap.vectorCellLimit = 1
        XCTAssertNil(SVGTree(heatmap.svg()).parseError)
        heatmap.values = [[1, 1], [1, 1]]
        heatmap.range = nil
        XCTAssertNil(SVGTree(heatmap.svg()).parseError)
    }

    func testEmptyHeatmap() {
        let tree = SVGTree(Heatmap(values: []).svg())
        XCTAssertNil(tree.parseError)
        XCTAssertTrue(tree.texts.contains("no data"))
    }

    func testNeedleHeatmap() {
        let grid = KeyRetrieval.needleGrid([NeedleResult(contextLength: 4000, depthPercent: 6.25, accuracy: 1),
                                            NeedleResult(contextLength: 16000, depthPercent: 100, accuracy: 0)])
        let heatmap = Heatmap(needle: grid, title: "Needle")
        XCTAssertEqual(heatmap.columnLabels, ["4k", "16k"])
        XCTAssertEqual(heatmap.rowLabels, ["6.25%", "100%"])
        XCTAssertEqual(heatmap.range, 0...1)
        XCTAssertEqual(heatmap.colorMap, .redYellowGreen)
        let tree = SVGTree(heatmap.svg())
        XCTAssertNil(tree.parseError)
        XCTAssertEqual(tree.all("rect", inside: "cells").filter { $0.attributes["fill"] == "url(#missing-hatch)" }.count, 2)
    }

    func testAxisScales() {
        let linear = AxisScale(kind: .linear, values: [1024, 32768])
        XCTAssertEqual(linear.ticks, [0, 5000, 10000, 15000, 20000, 25000, 30000, 35000])
        assertClose(AxisScale(kind: .linear, values: [0.13, 0.87]).ticks, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        assertClose(AxisScale(kind: .linear, values: [5, 5]).ticks, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6])
        assertClose(AxisScale(kind: .linear, values: [], fixed: 0...1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1])
        let log = AxisScale(kind: .logarithmic, values: [6.9, 1e9, -1, 0])
        XCTAssertEqual(log.lower, 1)
        XCTAssertEqual(log.upper, 1e9)
        XCTAssertEqual(AxisScale(kind: .logarithmic, values: [6, 12]).ticks, [5, 7, 10, 20])
        XCTAssertNil(log.position(0, from: 0, to: 100))
        XCTAssertEqual(log.position(1e9, from: 0, to: 100), 100)
        XCTAssertEqual(AxisScale.plainLabel(0.30000000000000004, step: 0.1), "0.3")
        XCTAssertEqual(AxisScale.plainLabel(1e6, step: 1, exponentFrom: 1e4), "1e6")
        XCTAssertEqual(TickLabelStyle.thousands.label(16384, step: 5000), "16k")
        XCTAssertEqual(TickLabelStyle.thousands.label(4096, step: 1024), "4k")
        XCTAssertEqual(TickLabelStyle.thousands.label(4096, step: 100), "4.1k")
        XCTAssertEqual(TickLabelStyle.thousands.label(500, step: 100), "500")
        // Close ticks above 10k keep their decimal: 11,520 and 12,160 must not both read "12k".
        XCTAssertEqual(TickLabelStyle.thousands.label(11_520, step: 640), "11.5k")
        XCTAssertEqual(TickLabelStyle.thousands.label(12_160, step: 640), "12.2k")
        XCTAssertEqual(TickLabelStyle.percent.label(0.25, step: 0.05), "25%")
        XCTAssertEqual(TickLabelStyle.custom { "<\($0)>" }.label(2, step: 1), "<2.0>")
        XCTAssertEqual(Heatmap.niceStride(0), 1)
        XCTAssertEqual(Heatmap.niceStride(3), 5)
        XCTAssertEqual(Heatmap.niceStride(37), 50)
    }

    func assertClose(_ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(actual)", file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-9, "\(actual)", file: file, line: line) }
    }

    func testSegmentClipping() throws {
        let bounds = (minX: 0.0, minY: 0.0, maxX: 10.0, maxY: 10.0)
        let inside = try XCTUnwrap(LineChart.clip((1, 1), (9, 9), to: bounds))
        XCTAssertTrue(inside.0 == (1, 1) && inside.1 == (9, 9))
        let crossing = try XCTUnwrap(LineChart.clip((5, 5), (5, -1e12), to: bounds))
        XCTAssertTrue(crossing.0 == (5, 5))
        XCTAssertEqual(crossing.1.0, 5)
        XCTAssertEqual(crossing.1.1, 0, accuracy: 1e-9)
        let diagonal = try XCTUnwrap(LineChart.clip((-5, 5), (15, 5), to: bounds))
        XCTAssertTrue(diagonal.0 == (0, 5) && diagonal.1 == (10, 5))
        XCTAssertNil(LineChart.clip((20, 20), (30, 30), to: bounds))
    }

    func testEscaping() {
        XCTAssertEqual(SVGWriter.escaped("a<b>&\"c'\u{01}\n"), "a&lt;b&gt;&amp;&quot;c&apos; ")
        XCTAssertEqual(SVGWriter.number(1.005), "1")
        XCTAssertEqual(SVGWriter.number(2.5), "2.5")
        XCTAssertEqual(SVGWriter.number(.nan), "0")
    }

    func testPNGChecksums() {
        XCTAssertEqual(PNGEncoder.crc32(Data("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        let big = Data(repeating: 7, count: 70_000)
        let stored = PNGEncoder.zlibStored(big)
        XCTAssertEqual(try inflateStored(stored), big)
        XCTAssertEqual(try inflateStored(PNGEncoder.zlibStored(Data())), Data())
    }

    // MARK: Decoding twins

    /// Reads a zlib stream of stored deflate blocks and checks its Adler-32.
    func inflateStored(_ data: Data) throws -> Data {
        let bytes = [UInt8](data)
        XCTAssertEqual(Array(bytes.prefix(2)), [0x78, 0x01])
        var offset = 2
        var out = [UInt8]()
        while true {
            let final = bytes[offset] & 1
            XCTAssertEqual(bytes[offset] >> 1, 0)   // block type 0: stored
            let length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8
            let complement = Int(bytes[offset + 3]) | Int(bytes[offset + 4]) << 8
            XCTAssertEqual(length ^ 0xFFFF, complement)
            out += bytes[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            if final == 1 { break }
        }
        let adler = bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        XCTAssertEqual(adler, PNGEncoder.adler32(out))
        XCTAssertEqual(offset + 4, bytes.count)
        return Data(out)
    }

    /// Walks the chunks of a palette PNG, checking CRCs, and returns the pixel indices.
    func decodePalettePNG(_ png: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let bytes = [UInt8](png)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8
        var width = 0
        var height = 0
        var idat = Data()
        var types: [String] = []
        while offset < bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            types.append(type)
            let body = Data(bytes[(offset + 4)..<(offset + 8 + length)])
            XCTAssertEqual(UInt32(u32(offset + 8 + length)), PNGEncoder.crc32(body), type)
            if type == "IHDR" {
                width = u32(offset + 8)
                height = u32(offset + 12)
                XCTAssertEqual(Array(bytes[(offset + 16)..<(offset + 21)]), [8, 3, 0, 0, 0])
            }
            if type == "IDAT" { idat.append(Data(bytes[(offset + 8)..<(offset + 8 + length)])) }
            offset += 12 + length
        }
        XCTAssertEqual(types, ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"])
        let raw = [UInt8](try inflateStored(idat))
        XCTAssertEqual(raw.count, (width + 1) * height)
        var pixels: [UInt8] = []
        for row in 0..<height {
            XCTAssertEqual(raw[row * (width + 1)], 0)
            pixels += raw[(row * (width + 1) + 1)..<((row + 1) * (width + 1))]
        }
        return (width, height, pixels)
    }
}
