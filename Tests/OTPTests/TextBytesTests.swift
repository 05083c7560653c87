import Testing
@testable import OTP

/// The byte-level text helpers cut where the Character-level operations they replace cut.
@Suite("Text read in its UTF-8 bytes")
struct TextBytesTests {
    /// Pieces that meet at every kind of boundary: each newline `Character.isNewline` knows, CR LF, and
    /// scalars that join a neighbour into one Character (a combining mark, a joiner, a prepended mark).
    static let pieces = ["a", "Z", " ", "\u{e9}", "e\u{301}", "\u{301}", "\u{200d}", "\u{600}", "\u{1f600}",
                         "\n", "\r", "\r\n", "\u{0b}", "\u{0c}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}"]

    /// Strings made of random pieces, the same every run.
    static func samples(_ count: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in (0..<next(12)).map { _ in pieces[next(pieces.count)] }.joined() }
    }

    @Test func linesAreTheCharacterSplit() {
        for text in Self.samples(5000) {
            for omitting in [false, true] {
                let expected = text.split(omittingEmptySubsequences: omitting, whereSeparator: \.isNewline).map(String.init)
                #expect(text.lines(omittingEmpty: omitting).map(String.init) == expected,
                        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test func linesOfEdgeCases() {
        #expect("".lines(omittingEmpty: false) == [""])
        #expect("".lines(omittingEmpty: true) == [])
        #expect("a\r\n\r\nb\n".lines(omittingEmpty: false) == ["a", "", "b", ""])
        #expect("a\r\n\r\nb\n".lines(omittingEmpty: true) == ["a", "b"])
        #expect("a\u{2028}b\u{85}c".lines(omittingEmpty: false) == ["a", "b", "c"])
    }

    @Test func schemePrefixIgnoresCaseOfLettersOnly() {
        #expect("OTPAUTH://x".hasASCIIPrefixIgnoringCase("otpauth://"))
        #expect("otpauth://".hasASCIIPrefixIgnoringCase("otpauth://"))
        #expect(!"otpauth:/".hasASCIIPrefixIgnoringCase("otpauth://"))
        #expect(!"otpauth:\\\\".hasASCIIPrefixIgnoringCase("otpauth://"))
        #expect(!"\u{f6}tpauth://".hasASCIIPrefixIgnoringCase("otpauth://"))
        // Only A-Z fold: '@' (0x40) and '`' (0x60) differ by the same bit but are not letters.
        #expect(!"@".hasASCIIPrefixIgnoringCase("`"))
    }

    @Test func escapeLeavesPrintableASCIIAndEscapesTheRest() {
        #expect(Escape.text("GitHub (alice@example.com) ~") == "GitHub (alice@example.com) ~")
        #expect(Escape.text("a\\b") == "a\\\\b")
        #expect(Escape.text("a\u{7f}b\u{1b}[2J") == "a\\x7fb\\x1b[2J")
        #expect(Escape.text("r\u{e9}sum\u{e9} \u{202e}x") == "r\u{e9}sum\u{e9} \\u202ex")
        #expect(Escape.text("tab\there") == "tab\\x09here")
    }
}
