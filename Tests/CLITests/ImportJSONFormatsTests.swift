import Foundation
import Testing
import TestSupport

/// FreeOTP+ and Proton Authenticator JSON exports (Fixtures/imports/make_freeotp_plus.py, make_proton.py).
@Suite("import: FreeOTP+ and Proton Authenticator")
struct ImportJSONFormatsTests {
    /// FreeOTP+ has no Steam tokens and no notes; secrets are signed bytes (the canonical secrets hold
    /// bytes above 127, written negative).
    @Test func freeOTPPlus() throws {
        try expectCanonicalImport(importFixtures + "freeotp-plus.json", CanonicalOptions(notes: false, accounts: { $0.type != "steam" }))
    }

    /// Proton Authenticator has no HOTP; Steam entries are `steam://SECRET`.
    @Test func protonAuthenticator() throws {
        try expectCanonicalImport(importFixtures + "proton-authenticator.json", CanonicalOptions(accounts: { $0.type != "hotp" }))
    }

    @Test(arguments: [
        ("freeotp-plus-mixed.json", ["entry 2 \"Example (bob)\" (missing secret)", "entry 4 \"Corp VPN (dave)\" (unknown algorithm MD5)"]),
        ("proton-authenticator-mixed.json", ["entry 2 \"bob\" (not a usable otpauth URI)", "entry 4 \"y\" (Hotp)"]),
    ])
    func mixedEntries(file name: String, named: [String]) throws {
        let s = try Session()
        let file = importFixtures + name
        expectFailure(try s.authv("add", file), status: 1, line: cannotCarry(file, named))
        #expect(try s.stored().isEmpty)
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Big Bank (carol)", "GitHub (alice@example.com)"])
    }

    @Test func aPasswordProtectedProtonExportIsNamed() throws {
        let s = try Session()
        let path = try s.file("proton.json", #"{"version": 1, "salt": "c2FsdA==", "content": "Y29udGVudA=="}"#)
        expectFailure(try s.authv("add", path), status: 1,
                      line: "authv: \(path): Proton Authenticator file of a version authv does not read: a password-protected export; export again without a password")
    }
}
