import Foundation
import XCTest
import Transformer
import Tokenizers

/// decode(encode(s)) == s, and the streaming decoder.
final class TokenizerRoundTripTests: XCTestCase {
    func testTrickyAndRandomStringsRoundTrip() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        var texts = TokenizerFixtures.trickyStrings
        var random = TokenizerFixtures.Random(seed: 1234)
        for _ in 0..<2000 { texts.append(TokenizerFixtures.randomText(&random, maxAtoms: 40)) }
        for text in texts {
            for parse in [true, false] {
                let ids = tokenizer.encode(text, addSpecialTokens: true, parseSpecialTokens: parse)
                XCTAssertEqual(try tokenizer.decode(ids), text, text.debugDescription)
                XCTAssertTrue(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
            }
        }
    }

    func testSpecialTokenParsing() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        XCTAssertEqual(tokenizer.encode("<|im_start|>user"), [1, 4093])
        XCTAssertEqual(tokenizer.encode("<|im_end|><|im_end|>"), [2, 2])
        let asText = tokenizer.encode("<|im_start|>user", parseSpecialTokens: false)
        XCTAssertFalse(asText.contains(1))
        XCTAssertEqual(try tokenizer.decode(asText), "<|im_start|>user")
        // Malformed spellings stay text.
        XCTAssertFalse(tokenizer.encode("<|im_start <|im_end| im_end|>").contains { $0 < 17 })
        // Skipping special tokens when decoding.
        XCTAssertEqual(try tokenizer.decode([1, 4093, 198, 19556, 2], skipSpecialTokens: true), "user\nHello")
        XCTAssertEqual(try tokenizer.decode([1, 4093, 198, 19556, 2]), "<|im_start|>user\nHello<|im_end|>")
    }

    func testDecodeRejectsIDsOutsideTheVocabulary() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        XCTAssertThrowsError(try tokenizer.decode([1, 49152])) { error in
            XCTAssertEqual(error as? TokenizerError, .tokenIDOutOfRange(id: 49152, vocabularySize: 49152))
            XCTAssertTrue("\(error)".contains("49152"))
        }
        XCTAssertThrowsError(try tokenizer.decode([-1])) { error in
            XCTAssertEqual(error as? TokenizerError, .tokenIDOutOfRange(id: -1, vocabularySize: 49152))
        }
        var decoder = tokenizer.makeStreamingDecoder()
        XCTAssertThrowsError(try decoder.append(50_000))
    }

    func testStreamingDecoderNeverSplitsACharacter() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        var texts = TokenizerFixtures.trickyStrings
        var random = TokenizerFixtures.Random(seed: 77)
        for _ in 0..<500 { texts.append(TokenizerFixtures.randomText(&random)) }
        for text in texts {
            let ids = tokenizer.encode(text)
            var decoder = tokenizer.makeStreamingDecoder()
            var pieces: [String] = []
            for id in ids { pieces.append(try decoder.append(id)) }
            pieces.append(decoder.finish())
            XCTAssertEqual(pieces.joined(), text)
            if !text.unicodeScalars.contains("\u{FFFD}") {
                XCTAssertFalse(pieces.contains { $0.unicodeScalars.contains("\u{FFFD}") }, text.debugDescription)
            }
        }
    }

    func testStreamingDecoderHoldsBackPartialCharacters() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        // 🌱 is F0 9F 8C B1; SmolLM2 spells " 🌱" as "Ġð" + "Ł" ... see chat_template_cases:
        // tokens "Ġ\u{f0}\u{141}" (space + F0 9F), "\u{12e}" (8C), "\u{b1}" (B1).
        let ids = tokenizer.encode(" 🌱")
        XCTAssertEqual(ids, [15107, 230, 126])
        var decoder = tokenizer.makeStreamingDecoder()
        XCTAssertEqual(try decoder.append(ids[0]), " ")
        XCTAssertTrue(decoder.hasPendingBytes)
        XCTAssertEqual(try decoder.append(ids[1]), "")
        XCTAssertEqual(try decoder.append(ids[2]), "🌱")
        XCTAssertFalse(decoder.hasPendingBytes)
        // An unfinished character is flushed as U+FFFD at the end.
        XCTAssertEqual(try decoder.append(ids[0]), " ")
        XCTAssertEqual(decoder.finish(), "\u{FFFD}")
        // Plain decode of a cut-off character also gives U+FFFD.
        XCTAssertEqual(try tokenizer.decode([ids[0]]), " \u{FFFD}")
        XCTAssertEqual(try tokenizer.decodeBytes([ids[0]]), [0x20, 0xF0, 0x9F])
    }
}
