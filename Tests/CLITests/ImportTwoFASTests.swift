import Foundation
import OTP
import Testing
import TestSupport

/// 2FAS backups (Fixtures/imports/make_2fas.py writes them from docs/formats/2fas.md).
@Suite("import: 2FAS")
struct ImportTwoFASTests {
    /// 2FAS keeps no notes.
    static let noNotes = CanonicalOptions(notes: false)

    @Test func plainSchema4() throws {
        try expectCanonicalImport(importFixtures + "2fas-v4-plain.2fas", ImportTwoFASTests.noNotes)
    }

    @Test func plainSchema3() throws {
        try expectCanonicalImport(importFixtures + "2fas-v3-plain.2fas", ImportTwoFASTests.noNotes)
    }

    /// Schemas 1 and 2 have no token type: every service is TOTP.
    @Test(arguments: [1, 2]) func plainOldSchemas(version: Int) throws {
        try expectCanonicalImport(importFixtures + "2fas-v\(version)-plain.2fas",
                                  CanonicalOptions(notes: false, accounts: { $0.type == "totp" }))
    }

    @Test func aTruncatedPlainFileIsDamaged() throws {
        let s = try Session()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: importFixtures + "2fas-v4-plain.2fas"))
        let path = s.folder + "/cut.2fas"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        expectFailure(try s.authv("add", path), status: 1, line: "authv: \(path): damaged 2FAS file: not valid JSON (cut short?)")
        #expect(try s.stored().isEmpty)
    }

    /// Without a terminal and without --password-file, an encrypted file is refused, saying how to give it.
    @Test func anEncryptedFileWithoutAPasswordSource() throws {
        let s = try Session()
        let result = try s.authv("add", importFixtures + "2fas-v4-encrypted.2fas")
        expectFailure(result, status: 1, line: "authv: \(importFixtures)2fas-v4-encrypted.2fas: the 2FAS file is encrypted: "
                      + "give its password with --password-file PFILE (there is no terminal to ask on)")
        #expect(try s.stored().isEmpty)
    }

    @Test func unsupportedEntriesFailTheAddNamingEach() throws {
        let s = try Session()
        let file = importFixtures + "2fas-mixed.2fas"
        let result = try s.authv("add", file)
        expectFailure(result, status: 1, line: cannotCarry(file, ["entry 2 \"Nosecret (bob)\" (missing secret)", "entry 4 \"Oldhash (dave)\" (unknown algorithm MD5)"]))
        #expect(try s.stored().isEmpty)
    }

    @Test func skipUnsupportedAddsTheRestAndNamesEachSkipped() throws {
        let s = try Session()
        let file = importFixtures + "2fas-mixed.2fas"
        let result = try s.authv("add", "--skip-unsupported", file)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("skipped, not added: \(file): entry 2 \"Nosecret (bob)\" (missing secret)"), "\(result.stderr)")
        #expect(lines.contains("skipped, not added: \(file): entry 4 \"Oldhash (dave)\" (unknown algorithm MD5)"), "\(result.stderr)")
        #expect(lines.filter { $0.hasPrefix("added: ") }.count == 2)
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Big Bank (carol)", "GitHub (alice@example.com)"])
        // Again: the two are already stored, the two others skipped again; entries = 0 + 2 + 2.
        let again = try s.authv("add", "--skip-unsupported", file)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.split(separator: "\n").filter { $0.hasPrefix("already stored") }.count == 2)
        #expect(try s.storedAccounts().count == 2)
    }
}
