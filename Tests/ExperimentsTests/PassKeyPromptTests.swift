import Foundation
import XCTest
@testable import Experiments

/// The synthetic pass-key prompt against the reference's `generate_prompt_landmark` output.
final class PassKeyPromptTests: XCTestCase {
    func testSmallPromptIsTheReferenceText() {
        // generate_prompt_landmark-style text with n_garbage = 200, prefix 95, key 31 (CPython).
        let expected = "There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. I will quiz you about the important information there.\nThe grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. The g\nThe pass key is 31. Remember it. 31 is the pass key.\nThe grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. The grass is gr\nWhat is the pass key? The pass key is"
        XCTAssertEqual(PassKeyPrompt.text(prefix: 95, suffix: 105, passKey: "31"), expected)
    }

    func testSeededPromptMatchesTheReferenceDigest() {
        // The reference's first prompt after random.seed(42) with n_garbage = 2600: 2845
        // characters, SHA-256 computed with CPython.
        let trial = PassKeyPrompt.passkeyTrials(nGarbage: 2600, times: 1, seed: 42)[0]
        let text = PassKeyPrompt.text(prefix: trial.prefixCharacters, suffix: 2600 - trial.prefixCharacters, passKey: String(trial.passKey))
        XCTAssertEqual(text.unicodeScalars.count, 2845)
        XCTAssertEqual(SHA256Digest.hex(Array(text.utf8)), "9e09ab93518fb049d3ec485d837a7e07672830f9d7530daed8035d75052cd6d2")
    }

    func testFillerLimitsAndNeedleArithmetic() {
        XCTAssertEqual(PassKeyPrompt.maximumFillerCharacters, 44_999_999)   // len(" ".join([garbage] * 500000))
        XCTAssertEqual(PassKeyPrompt.needleMaximumFillerCharacters, 4_499_999)
        XCTAssertEqual(PassKeyPrompt.needleFillerCharacters(length: 1000), 3072)  // int(3.75 * 1000 // 1024 * 1024)
        XCTAssertEqual(PassKeyPrompt.needleFillerCharacters(length: 16000), 59392)
        XCTAssertEqual(PassKeyPrompt.needleDepths(count: 16).first, 0.0625)
        XCTAssertEqual(PassKeyPrompt.needleDepths(count: 16).last, 1)
        XCTAssertEqual(PassKeyPrompt.needleDepths(count: 2), [0.5, 1])
        XCTAssertEqual(PassKeyPrompt.needlePrefix(depth: 0.0625 * 3, nGarbage: 3072), 576)
    }

    func testTextFillerRepeatsBackToBack() {
        let filler = FillerText.text(Array("abc".unicodeScalars))
        XCTAssertEqual(filler.prefix(7), "abcabca")
        XCTAssertEqual(filler.prefix(0), "")
        XCTAssertEqual(FillerText.sentences.prefix(95).hasSuffix("again. The g"), true)
    }
}

/// A small SHA-256 for test digests (no CryptoKit on Linux).
enum SHA256Digest {
    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        let k: [UInt32] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
            0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
            0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
            0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
            0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
            0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for block in stride(from: 0, to: data.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 64)
            for i in 0..<16 {
                w[i] = (0..<4).reduce(0) { ($0 << 8) | UInt32(data[block + 4 * i + $1]) }
            }
            for i in 16..<64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            h = zip(h, [a, b, c, d, e, f, g, hh]).map { $0 &+ $1 }
        }
        return h.map { String(format: "%08x", $0) }.joined()
    }
}
