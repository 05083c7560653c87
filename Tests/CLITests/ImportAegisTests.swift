import Foundation
import Testing
import TestSupport

/// Aegis vaults as imports (Fixtures/imports/make_aegis.py writes them from docs/vault.md), read with the
/// vault codec.
@Suite("import: Aegis")
struct ImportAegisTests {
    /// Content version 1 has no notes.
    @Test(arguments: [1, 2, 3]) func plain(version: Int) throws {
        try expectCanonicalImport(importFixtures + "aegis-v\(version)-plain.json", CanonicalOptions(notes: version >= 2))
    }

    @Test func mOTPAndYandexFailTheAddOrAreSkipped() throws {
        let s = try Session()
        let file = importFixtures + "aegis-mixed.json"
        expectFailure(try s.authv("add", file), status: 1, line: cannotCarry(file, ["entry 2 \"Old VPN (pin)\" (mOTP)", "entry 4 \"Yandex (ivan)\" (Yandex)"]))
        #expect(try s.stored().isEmpty)
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("skipped, not added: \(file): entry 2 \"Old VPN (pin)\" (mOTP)"))
        #expect(result.stderr.contains("skipped, not added: \(file): entry 4 \"Yandex (ivan)\" (Yandex)"))
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Example (bob)", "GitHub (alice@example.com)"])
        // The note with its recovery codes arrives whole.
        #expect(try s.storedAccounts().first { $0.issuer == "GitHub" }?.note == canonicalAccounts[0].note)
    }
}
