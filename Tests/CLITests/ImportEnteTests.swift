import Foundation
import Testing
import TestSupport

/// Ente Auth exports (Fixtures/imports/make_ente.py writes them with PyNaCl from docs/formats/ente-auth.md).
@Suite("import: Ente Auth")
struct ImportEnteTests {
    /// The plain text export: notes come from the codeDisplay parameter, which plain otpauth reading ignores.
    @Test func plainTextExport() throws {
        try expectCanonicalImport(importFixtures + "ente-plain.txt")
    }

    @Test func mixedLines() throws {
        let s = try Session()
        let file = importFixtures + "ente-mixed.txt"
        expectFailure(try s.authv("add", file), status: 1, line: cannotCarry(file, ["entry 2 \"Example (bob)\" (missing secret)", "entry 4 \"Yandex (ivan)\" (Yandex)"]))
        #expect(try s.stored().isEmpty)
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Big Bank (carol)", "GitHub (alice@example.com)"])
    }
}
