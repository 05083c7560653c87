import Foundation
import Testing
import TestSupport

/// `authv export --format aegis`: an Aegis vault that Tests/Oracles/aegis_vault.py (written from
/// docs/vault.md, not from authv's codec) opens, that authv adds back whole, and that is read back
/// before authv succeeds.
@Suite("export: Aegis")
struct ExportAegisTests {
    /// A session with three accounts (TOTP, TOTP SHA256 8 digits, HOTP) and recovery codes on one.
    static func filled() throws -> Session {
        let s = try Session()
        let uris = try s.file("accounts.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        try #require(try s.authv("recovery", "add", "example", fixtures + "recovery/github-recovery-codes.txt").status == 0)
        try #require(try s.authv("recovery", "use", "example").status == 0)
        return s
    }

    /// `list --json` at a fixed time, without the ids (they name the keyring's items, not the accounts).
    static func listing(_ s: Session) throws -> [[String: String]] {
        let result = try s.authv("list", "--json", "--at", "1700000000")
        try #require(result.status == 0, "\(result.stderr)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return objects.map { object in
            object.filter { $0.key != "id" }.mapValues { "\($0)" }
        }
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// What the oracle must find: the accounts, with the recovery codes (the first one used).
    static func expected() throws -> [AegisOracle.Account] {
        let codes = try String(contentsOfFile: fixtures + "recovery/expected-github.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        try #require(codes.count > 1)
        return [
            AegisOracle.Account(type: "totp", issuer: "Example", name: "alice@example.com", secret: "JBSWY3DPEHPK3PXP",
                                recovery: codes.enumerated().map { .init(code: $1, used: $0 == 0) }),
            AegisOracle.Account(type: "totp", issuer: "GitHub", name: "bob", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                                algo: "SHA256", digits: 8),
            AegisOracle.Account(type: "hotp", issuer: "Corp VPN", name: "carol", secret: "MFRGGZDFMZTWQ2LK", counter: 5),
        ]
    }

    static func sorted(_ accounts: [AegisOracle.Account]) -> [AegisOracle.Account] {
        accounts.sorted { $0.issuer < $1.issuer }
    }

    @Test func encryptedOpensInTheOracleAndAddsBackWhole() throws {
        let s = try ExportAegisTests.filled()
        let password = try s.file("password", "correct horse battery\n")
        let vault = s.folder + "/backup.json"
        let result = try s.authv("export", "--format", "aegis", "--output", vault, "--password-file", password)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("exported 3 accounts"))
        #expect(try ExportAegisTests.mode(vault) == 0o600)
        let text = try String(contentsOfFile: vault, encoding: .utf8)
        #expect(!text.contains("JBSWY3DPEHPK3PXP"), "the secrets are encrypted")
        #expect(ExportAegisTests.sorted(try AegisOracle.read(vault, passwordFile: password)) == ExportAegisTests.sorted(try ExportAegisTests.expected()))
        // A wrong password does not open it (the oracle's own check of the slot).
        let wrong = try s.file("wrong", "not it\n")
        #expect(throws: AegisOracle.Failed.self) { try AegisOracle.read(vault, passwordFile: wrong) }

        // Added back into a fresh keyring and into a fresh vault, whichever store exported it.
        for store in [TestStore.keyring, .vault] {
            let fresh = try Session(store: store)
            let added = try fresh.authv("add", vault, "--password-file", password)
            #expect(added.status == 0, "\(store): \(added.stderr)")
            #expect(try ExportAegisTests.listing(fresh) == ExportAegisTests.listing(s), "\(store)")
            // The recovery codes arrive as recovery codes, the first one used, in either store.
            let codes = try fresh.authv("recovery", "list", "example")
            let exported = try ExportAegisTests.recoveryListing(s)
            #expect(codes.status == 0 && codes.stdout == exported, "\(store): \(codes.stderr)")
        }
    }

    /// `recovery list example` of the session that exported (the used code marked as used).
    static func recoveryListing(_ s: Session) throws -> String {
        let result = try s.authv("recovery", "list", "example")
        try #require(result.status == 0 && !result.stdout.isEmpty, "\(result.stderr)")
        return result.stdout
    }

    @Test func plainIsJSONAndAddsBackWhole() throws {
        let s = try ExportAegisTests.filled()
        let vault = s.folder + "/plain.json"
        let result = try s.authv("export", "--format", "aegis", "--plain", "--output", vault)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ExportAegisTests.mode(vault) == 0o600)
        let parsed = try run("/usr/bin/python3", ["-c", """
            import json, sys
            v = json.load(open(sys.argv[1]))
            assert v["version"] == 1 and v["header"]["slots"] is None and v["header"]["params"] is None
            for e in v["db"]["entries"]:
                print(e["type"], e["issuer"], e["name"], e["info"]["secret"], e["info"]["algo"], e["info"]["digits"])
            """, vault])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(Set(parsed.stdout.split(separator: "\n").map(String.init)) == [
            "totp Example alice@example.com JBSWY3DPEHPK3PXP SHA1 6", "totp GitHub bob GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ SHA256 8",
            "hotp Corp VPN carol MFRGGZDFMZTWQ2LK SHA1 6",
        ])
        #expect(ExportAegisTests.sorted(try AegisOracle.read(vault)) == ExportAegisTests.sorted(try ExportAegisTests.expected()))
        for store in [TestStore.keyring, .vault] {
            let fresh = try Session(store: store)
            let added = try fresh.authv("add", vault)
            #expect(added.status == 0, "\(store): \(added.stderr)")
            #expect(try ExportAegisTests.listing(fresh) == ExportAegisTests.listing(s), "\(store)")
        }
    }

    /// A flipped byte between the write and the read-back: a secret's letter (still valid Base32, so only
    /// the comparison with the accounts sees it), or the middle of an encrypted file. The export fails and
    /// leaves no file; with --force the file it would have replaced stays as it was.
    @Test func aFlippedByteFailsTheExportAndLeavesNoFile() throws {
        let s = try ExportAegisTests.filled()
        let good = s.folder + "/good.json"
        try #require(try s.authv("export", "--format", "aegis", "--plain", "--output", good).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let offset = try #require(bytes.range(of: Data("JBSWY3DPEHPK3PXP".utf8))?.lowerBound)
        let vault = s.folder + "/flipped.json"
        let flipped = try s.authv("export", "--format", "aegis", "--plain", "--output", vault,
                                  extra: ["AUTHV_FAULT": "export-read-back", "AUTHV_FAULT_OFFSET": "\(offset)"])
        expectFailure(flipped, status: 1, line: "authv: \(vault): the export did not read back as written (entry 2 differs from Example (alice@example.com)); nothing was kept")
        #expect(!FileManager.default.fileExists(atPath: vault))

        // Encrypted: a byte in the middle of the Base64 text of "db" (where it lies in a clean export: the
        // layout is the same each time, the bytes are not, salt and nonce being new). The flipped letter is
        // either no Base64 letter any more or another one, which then does not decrypt: one of two lines.
        let password = try s.file("password", "pw\n")
        let clean = s.folder + "/clean.json"
        try #require(try s.authv("export", "--format", "aegis", "--output", clean, "--password-file", password).status == 0)
        let text = try String(contentsOfFile: clean, encoding: .utf8)
        let db = try #require(text.range(of: #""db" *: *""#, options: .regularExpression))
        let dbEnd = try #require(text[db.upperBound...].firstIndex(of: "\""))
        let middle = text.utf8.distance(from: text.startIndex, to: db.upperBound) + text.utf8.distance(from: db.upperBound, to: dbEnd) / 2
        let encrypted = try s.authv("export", "--format", "aegis", "--output", vault, "--password-file", password,
                                    extra: ["AUTHV_FAULT": "export-read-back", "AUTHV_FAULT_OFFSET": "\(middle)"])
        let notBase64 = "authv: \(vault): the export did not read back as written (Aegis vault: db: an encrypted vault's db is not Base64 text); nothing was kept"
        let wrongKey = "authv: \(vault): the export did not read back as written (the Aegis vault is damaged: "
            + "the content does not decrypt under the vault's key (altered, or a different vault)); nothing was kept"
        expectFailure(encrypted, status: 1, line: encrypted.stderr == notBase64 + "\n" ? notBase64 : wrongKey)
        #expect(!FileManager.default.fileExists(atPath: vault))

        let replaced = try s.authv("export", "--format", "aegis", "--plain", "--force", "--output", good,
                                   extra: ["AUTHV_FAULT": "export-read-back"])
        expectFailure(replaced, status: 1, line: "authv: \(good): the export did not read back as written (not a JSON file); nothing was kept")
        #expect(try Data(contentsOf: URL(fileURLWithPath: good)) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.folder).allSatisfy { !$0.hasPrefix(".authv-") })
    }

    @Test func neverOverAFileWithoutForce() throws {
        let s = try ExportAegisTests.filled()
        let existing = try s.file("existing.json", "keep me\n")
        expectFailure(try s.authv("export", "--format", "aegis", "--plain", "--output", existing), status: 1,
                      line: "authv: \(existing): already exists (use --force to replace it)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")
        #expect(try s.authv("export", "--format", "aegis", "--plain", "--force", "--output", existing).status == 0)
        #expect(try AegisOracle.read(existing).count == 3)
        #expect(try ExportAegisTests.mode(existing) == 0o600)
    }

    @Test func passwordsThatCannotBeHad() throws {
        let s = try ExportAegisTests.filled()
        let vault = s.folder + "/v.json"
        expectFailure(try s.authv("export", "--format", "aegis", "--output", vault), status: 1,
                      line: "authv: export --format aegis: give the new password with --password-file PFILE (there is no terminal to ask on), or use --plain")
        let empty = try s.file("empty", "\n")
        expectFailure(try s.authv("export", "--format", "aegis", "--output", vault, "--password-file", empty), status: 1,
                      line: "authv: export --format aegis: the password is empty; nothing was written")
        let missing = s.folder + "/no-such-file"
        expectFailure(try s.authv("export", "--format", "aegis", "--output", vault, "--password-file", missing), status: 1,
                      line: "authv: --password-file: \(missing): no such file")
        expectUsageError(try s.authv("export", "--format", "aegis", "--plain", "--password-file", empty), command: "export",
                         line: "Error: --plain writes no password: leave out --password-file")
        #expect(!FileManager.default.fileExists(atPath: vault))
    }
}
