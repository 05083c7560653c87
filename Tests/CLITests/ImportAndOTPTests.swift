import Foundation
import Testing
import TestSupport

/// andOTP backups (Fixtures/imports/make_andotp.py writes them from docs/formats/andotp.md).
@Suite("import: andOTP")
struct ImportAndOTPTests {
    /// andOTP keeps no notes.
    static let noNotes = CanonicalOptions(notes: false)

    @Test func plain() throws {
        try expectCanonicalImport(importFixtures + "andotp-plain.json", ImportAndOTPTests.noNotes)
    }

    /// Nothing identifies an old-format backup: without a way to get a password it is not an image, as any
    /// other binary file.
    @Test func oldFormatWithoutAPasswordIsJustNotAnImage() throws {
        let s = try Session()
        let file = importFixtures + "andotp-old-encrypted.json.aes"
        expectFailure(try s.authv("add", file), status: 1, line: "authv: \(file): not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)")
    }

    @Test func mixedEntries() throws {
        let s = try Session()
        let file = importFixtures + "andotp-mixed.json"
        expectFailure(try s.authv("add", file), status: 1, line: cannotCarry(file, ["entry 2 \"Example (bob)\" (missing secret)",
                                                                          "entry 4 \"Corp VPN (dave)\" (unknown algorithm MD5)"]))
        #expect(try s.stored().isEmpty)
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Big Bank (carol)", "GitHub (alice@example.com)"])
    }
}
