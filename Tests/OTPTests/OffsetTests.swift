import Testing
import OTP

/// authv's own `offset` URI parameter: a verifier whose clock runs ahead or behind.
@Suite("Per-account clock offset")
struct OffsetTests {
    static let base = "otpauth://totp/Ex:alice?secret=JBSWY3DPEHPK3PXP&issuer=Ex"

    @Test func offsetShiftsTheTimeOfCodesAndWindows() throws {
        var account = try Account(uri: OffsetTests.base)
        let plain = account
        account.offset = 30
        #expect(try account.code(at: 1_700_000_000) == (try plain.code(at: 1_700_000_030)))
        #expect(account.secondsLeft(at: 1_700_000_000) == plain.secondsLeft(at: 1_700_000_030))
        account.offset = -45
        #expect(try account.code(at: 1_700_000_000) == (try plain.code(at: 1_699_999_955)))
        // Never before 1970.
        #expect(try account.code(at: 10) == (try plain.code(at: 0)))
    }

    @Test func offsetRoundTripsThroughTheURI() throws {
        var account = try Account(uri: OffsetTests.base)
        #expect(!account.uri.contains("offset"), "no parameter when there is no offset")
        account.offset = -3600
        #expect(account.uri.hasSuffix("&offset=-3600"))
        #expect(try Account(uri: account.uri) == account)
        #expect(try Account(uri: OffsetTests.base + "&offset=%2B20").offset == 20)
        let steam = try Account(uri: "otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP&offset=30")
        #expect(steam.offset == 30)
    }

    @Test(arguments: ["abc", "", "1.5", "86401", "-86401", "-9223372036854775808", "99999999999999999999"])
    func badOffsetsAreRefused(value: String) {
        #expect(throws: URIError.self) { try Account(uri: OffsetTests.base + "&offset=" + value) }
    }

    @Test func hotpTakesNoOffset() {
        #expect(throws: URIError.invalidParameter("offset", reason: "HOTP codes do not depend on the clock")) {
            try Account(uri: "otpauth://hotp/Ex:bob?secret=JBSWY3DPEHPK3PXP&counter=1&offset=30")
        }
    }
}
