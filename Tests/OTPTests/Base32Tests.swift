import AuthvCrypto
import Testing
import TestSupport
@testable import OTP

@Suite("Base32 as people paste it")
struct Base32Tests {
    // formats.md: JBSWY3DPEHPK3PXP is "Hello!" followed by DE AD BE EF.
    static let hello: [UInt8] = Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]

    @Test(arguments: [
        "JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "JBSW Y3DP EHPK 3PXP", "jbsw-y3dp-ehpk-3pxp",
        "JBSWY3DPEHPK3PXP======", "  JBSWY3DPEHPK3PXP  ", "JbSwY3dPeHpK3pXp",
    ].map(MaskedSecret.init))
    func accepted(masked: MaskedSecret) throws {
        #expect(try Base32.decode(masked.text) == SecretBytes(Base32Tests.hello))
    }

    static let rejections: [(String, Base32Error)] = [
        ("JBSWY3DPEHPK3PX1", Base32Error.invalidCharacter("1", position: 16)),
        ("JBSWY3D0EHPK3PXP", .invalidCharacter("0", position: 8)),
        ("JBSW=Y3DPEHPK3PXP", .invalidCharacter("=", position: 5)),
        ("JBSWY3DPEHPK3PX!", .invalidCharacter("!", position: 16)),
        ("JBSWY3DPÉHPK3PXP", .invalidCharacter("É", position: 9)),
        // Positions count Characters, not bytes: "é" written as e + U+0301 is one character (3 bytes), and
        // so is CR LF, and a letter after them is at the next position.
        ("JBSWe\u{301}Y3DP", .invalidCharacter("e\u{301}", position: 5)),
        ("JB\r\nSWY3DP", .invalidCharacter("\r\n", position: 3)),
        ("ÉÉ1", .invalidCharacter("É", position: 1)),
        ("JB S\u{301}W", .invalidCharacter("S\u{301}", position: 4)),
        ("JBSW==\u{301}", .invalidCharacter("=", position: 5)),
        ("", .empty),
        ("   ", .empty),
        ("====", .empty),
        ("A", .invalidLength(1)),
        ("JBSWY3DPE", .invalidLength(9)),
        ("JBSWY3DPEHP", .invalidLength(11)),
        ("JBSWY3DPEHPK3P", .invalidLength(14)),
    ]

    @Test(arguments: Base32Tests.rejections.map { (MaskedSecret($0.0), $0.1) })
    func rejected(masked: MaskedSecret, expected: Base32Error) {
        #expect(throws: expected) { try Base32.decode(masked.text) }
    }

    @Test func errorsNameCharacterAndPosition() {
        #expect(Base32Error.invalidCharacter("1", position: 16).description == "invalid character '1' at position 16 (not Base32)")
    }

    @Test(arguments: 0..<41)
    func roundTrip(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        if length == 0 {
            #expect(Base32.encode(bytes) == "")
        } else {
            let text = Base32.encode(bytes)
            #expect(!text.contains("="))
            #expect(try Base32.decode(text) == SecretBytes(bytes))
        }
    }

    // RFC 4648 section 10 test vectors.
    @Test(arguments: [("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func rfc4648(plain: String, encoded: String) throws {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(try Base32.decode(encoded) == SecretBytes(Array(plain.utf8)))
    }
}
