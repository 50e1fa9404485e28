import Foundation

/// An sRGB colour with components in [0, 1].
public struct RGBColor: Equatable, Sendable {
    /// Red.
    public var red: Double
    /// Green.
    public var green: Double
    /// Blue.
    public var blue: Double

    /// A colour from components in [0, 1] (clamped).
    public init(red: Double, green: Double, blue: Double) {
        self.red = min(max(red, 0), 1)
        self.green = min(max(green, 0), 1)
        self.blue = min(max(blue, 0), 1)
    }

    /// A colour from a `0xRRGGBB` value.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255, blue: Double(hex & 0xFF) / 255)
    }

    /// `#rrggbb`.
    public var hexString: String {
        String(format: "#%02x%02x%02x", byte(red), byte(green), byte(blue))
    }

    /// The 8-bit components.
    var bytes: (UInt8, UInt8, UInt8) { (UInt8(byte(red)), UInt8(byte(green)), UInt8(byte(blue))) }

    /// WCAG relative luminance (linearised sRGB weighted 0.2126/0.7152/0.0722).
    public var relativeLuminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    private func byte(_ component: Double) -> Int { Int((component * 255).rounded()) }
}

/// Maps values in [0, 1] to colours by interpolating between anchor colours.
public struct ColorMap: Equatable, Sendable {
    /// The anchor colours, evenly spaced from 0 to 1.
    public let anchors: [RGBColor]

    /// A map through `anchors` (at least one).
    public init(anchors: [RGBColor]) {
        self.anchors = anchors.isEmpty ? [RGBColor(red: 0, green: 0, blue: 0)] : anchors
    }

    /// Dark violet through blue and teal to yellow; luminance rises steadily, so it reads in grey
    /// too. The default for attention maps and other unbounded values.
    public static let sequential = ColorMap(anchors: [
        RGBColor(hex: 0x2B0F3F), RGBColor(hex: 0x3B2F7A), RGBColor(hex: 0x2F5A96), RGBColor(hex: 0x1F8290),
        RGBColor(hex: 0x2DA67A), RGBColor(hex: 0x8CC653), RGBColor(hex: 0xF5E23A),
    ])

    /// Red through yellow to green, the usual look of needle-in-a-haystack accuracy (0 red, 1 green).
    public static let redYellowGreen = ColorMap(anchors: [
        RGBColor(hex: 0xC8283C), RGBColor(hex: 0xF08C3C), RGBColor(hex: 0xF5DC64), RGBColor(hex: 0xA0D264), RGBColor(hex: 0x2E9E5A),
    ])

    /// Blue through white to red, for signed values around a centre.
    public static let blueWhiteRed = ColorMap(anchors: [
        RGBColor(hex: 0x2F5DA8), RGBColor(hex: 0x9DC3E6), RGBColor(hex: 0xF7F7F7), RGBColor(hex: 0xF4A582), RGBColor(hex: 0xB2182B),
    ])

    /// The colour at `fraction` (clamped to [0, 1]).
    public func color(at fraction: Double) -> RGBColor {
        guard anchors.count > 1 else { return anchors[0] }
        let t = min(max(fraction.isFinite ? fraction : 0, 0), 1) * Double(anchors.count - 1)
        let index = min(Int(t), anchors.count - 2)
        let local = t - Double(index)
        let a = anchors[index]
        let b = anchors[index + 1]
        return RGBColor(red: a.red + (b.red - a.red) * local, green: a.green + (b.green - a.green) * local,
                        blue: a.blue + (b.blue - a.blue) * local)
    }
}

/// The colours of chart series: the Okabe–Ito palette (distinguishable with colour-vision
/// deficiencies), repeated after eight.
enum SeriesPalette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A200"]

    static func color(_ index: Int) -> String { colors[index % colors.count] }
}
