import Foundation
import Testing
import TestSupport

/// Authenticator Pro / Stratum backups (Fixtures/imports/make_authenticator_pro.py, from
/// docs/formats/authenticator-pro.md); the encrypted ones are in ImportEncryptedTests.
@Suite("import: Authenticator Pro")
struct ImportAuthenticatorProTests {
    /// Authenticator Pro keeps no notes.
    @Test func plain() throws {
        try expectCanonicalImport(importFixtures + "authenticator-pro-plain.json", CanonicalOptions(notes: false))
    }

    @Test func mOTPAndYandexEntries() throws {
        let s = try Session()
        let file = importFixtures + "authenticator-pro-mixed.json"
        expectFailure(try s.authv("add", file), status: 1, line: cannotCarry(file, ["entry 2 \"Old VPN (pin)\" (mOTP)", "entry 4 \"Yandex (ivan)\" (Yandex)"]))
        #expect(try s.stored().isEmpty)
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Example (bob)", "GitHub (alice@example.com)"])
    }
}
