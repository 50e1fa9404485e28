import Foundation

/// A minimal PNG writer for palette images (colour type 3, 8 bits per pixel), used to embed large
/// heatmaps in SVG as one image instead of a million rectangles. Image data is stored with
/// uncompressed deflate blocks, so no compression library is needed.
enum PNGEncoder {
    /// A PNG of `width` × `height` pixels whose `indices` (row-major) point into `palette`;
    /// `transparentIndex`, when given, is fully transparent.
    static func palettePNG(width: Int, height: Int, indices: [UInt8], palette: [(UInt8, UInt8, UInt8)],
                           transparentIndex: UInt8? = nil) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, 3, 0, 0, 0])   // bit depth, palette, deflate, adaptive filters, no interlace
        appendChunk("IHDR", header, to: &png)
        var paletteData = Data()
        for (r, g, b) in palette { paletteData.append(contentsOf: [r, g, b]) }
        appendChunk("PLTE", paletteData, to: &png)
        if let transparentIndex {
            var alpha = Data(repeating: 255, count: Int(transparentIndex) + 1)
            alpha[Int(transparentIndex)] = 0
            appendChunk("tRNS", alpha, to: &png)
        }
        var raw = Data(capacity: (width + 1) * height)
        for row in 0..<height {
            raw.append(0)   // filter: none
            raw.append(contentsOf: indices[(row * width)..<((row + 1) * width)])
        }
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", Data(), to: &png)
        return png
    }

    /// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: Data) -> Data {
        var out = Data([0x78, 0x01])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let isLast = offset + length >= bytes.count
            out.append(isLast ? 1 : 0)
            out.append(UInt8(length & 0xFF))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xFF))
            out.append(UInt8((~length >> 8) & 0xFF))
            out.append(contentsOf: bytes[offset..<(offset + length)])
            offset += length
        } while offset < bytes.count
        out.appendBigEndian(adler32(bytes))
        return out
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    static func crc32(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func appendChunk(_ type: String, _ payload: Data, to png: inout Data) {
        png.appendBigEndian(UInt32(payload.count))
        var typed = Data(type.utf8)
        typed.append(payload)
        png.append(typed)
        png.appendBigEndian(crc32(typed))
    }
}

extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
