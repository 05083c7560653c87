import Foundation
import OTP
import Testing
import TestSupport

/// Bitwarden, 1Password, KeePassXC, Steam Desktop Authenticator, Authy, FreeOTP, Duo Mobile and Battle.net
/// files (Fixtures/imports/make_*.py writes them from docs/formats/), imported by the built binary into a
/// fresh keyring and compared entry by entry with the canonical set, as far as each format carries it.
@Suite("import: Bitwarden, 1Password, KeePassXC, Steam, Authy, FreeOTP, Duo, Battle.net")
struct ImportFormatsBTests {
    static let totp: @Sendable (CanonicalAccount) -> Bool = { $0.type == "totp" }
    static let totpAndSteam: @Sendable (CanonicalAccount) -> Bool = { $0.type != "hotp" }

    @Test(arguments: ["bitwarden.json", "bitwarden.csv"])
    func bitwardenCarriesEverything(_ file: String) throws {
        try expectCanonicalImport(importFixtures + file)
    }

    @Test func onePasswordCarriesItsTOTPAccounts() throws {
        try expectCanonicalImport(importFixtures + "1password.1pux", CanonicalOptions(accounts: ImportFormatsBTests.totp))
    }

    @Test(arguments: ["keepassxc.csv", "keepassxc-legacy.csv"])
    func keePassXCCarriesTOTPAndSteam(_ file: String) throws {
        try expectCanonicalImport(importFixtures + file, CanonicalOptions(accounts: ImportFormatsBTests.totpAndSteam))
    }

    /// Authy's third-party tokens are SHA1 over 30 s; no notes.
    @Test func authy() throws {
        try expectCanonicalImport(importFixtures + "authy.xml", CanonicalOptions(notes: false, accounts: {
            $0.type == "totp" && $0.algorithm == "SHA1" && $0.period == 30
        }))
    }

    /// Secrets encrypted with Authy's backup password: the right password, a wrong one, a flipped byte.
    @Test func authyEncrypted() throws {
        let s = try Session()
        let file = importFixtures + "authy-encrypted.xml"
        try expectCanonicalImport(file, arguments: ["--password-file", try s.passwordFile()], CanonicalOptions(notes: false, accounts: {
            $0.type == "totp" && $0.algorithm == "SHA1" && $0.period == 30
        }))
        let wrong = try s.authv("add", "--password-file", try s.passwordFile("Tr0ub4dor&3"), file)
        expectFailure(wrong, status: 1, line: "authv: \(file): wrong password for this Authy file")
        let flipped = importFixtures + "authy-flipped.xml"
        let damaged = try s.authv("add", "--password-file", try s.passwordFile(), flipped)
        expectFailure(damaged, status: 1, line: "authv: \(flipped): damaged Authy file: the secret of entry 2 does not decrypt while the others do (altered?)")
        #expect(try s.stored().isEmpty)
    }

    /// FreeOTP stores HOTP counters one less (the code last shown): the canonical counters must arrive.
    @Test func freeOTP() throws {
        try expectCanonicalImport(importFixtures + "freeotp.xml", CanonicalOptions(notes: false))
    }

    /// FreeOTP 2's encrypted backup: the right password, a wrong one (the master key's GCM tag), a flipped
    /// byte in one secret, a cut-short file; nothing stored on failure.
    @Test func freeOTP2Backup() throws {
        let s = try Session()
        let file = importFixtures + "freeotp2-backup.xml"
        try expectCanonicalImport(file, arguments: ["--password-file", try s.passwordFile()], CanonicalOptions(notes: false))
        expectFailure(try s.authv("add", "--password-file", try s.passwordFile("Tr0ub4dor&3"), file),
                      status: 1, line: "authv: \(file): wrong password for this FreeOTP 2 file")
        let flipped = importFixtures + "freeotp2-flipped.xml"
        expectFailure(try s.authv("add", "--password-file", try s.passwordFile(), flipped),
                      status: 1, line: "authv: \(flipped): damaged FreeOTP 2 file: the secret of entry 3 does not decrypt (altered or cut short)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let cut = s.folder + "/cut-freeotp2.xml"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        expectFailure(try s.authv("add", "--password-file", try s.passwordFile(), cut), status: 1,
                      line: "authv: \(cut): damaged FreeOTP 2 file: cut short at byte 2710")  // where the record that runs past the end starts
        #expect(try s.stored().isEmpty)
    }

    @Test func steamDesktopAuthenticatorKeepsTheRevocationCodeInTheNote() throws {
        let s = try Session()
        let result = try s.authv("add", importFixtures + "steam.maFile")
        #expect(result.status == 0, "\(result.stderr)")
        let canonical = try #require(canonicalAccounts.first { $0.type == "steam" })
        let stored = try s.storedAccounts()
        #expect(stored.count == 1)
        #expect(stored.first?.type == .steam)
        #expect(stored.first?.issuer == "Steam" && stored.first?.name == canonical.name)
        #expect(stored.first?.secret == (try Base32.decode(canonical.secret)))
        #expect(stored.first?.note == "Steam revocation code: R12345")
    }

    /// Duo keeps one name and no issuer; SHA1, 6 digits, 30 s, HOTP counters as stored.
    @Test func duoMobile() throws {
        let s = try Session()
        let result = try s.authv("add", importFixtures + "duo.json")
        #expect(result.status == 0, "\(result.stderr)")
        let expected = canonicalAccounts.filter {
            $0.type != "steam" && $0.algorithm == "SHA1" && $0.digits == 6 && ($0.type == "hotp" || $0.period == 30)
        }
        let stored = try s.storedAccounts()
        #expect(stored.count == expected.count)
        for account in expected {
            let kept = try #require(stored.first { $0.name == account.name }, "\(account.name)")
            #expect(kept.issuer == "")
            #expect(kept.type.rawValue == account.type)
            #expect(kept.secret == (try Base32.decode(account.secret)))
            #expect(kept.type != .hotp || kept.counter == account.counter)
        }
    }

    /// Both Battle.net files make the one authenticator of battlenet.expected; its codes are RFC 4226's
    /// key at 8 digits, checked with oathtool.
    @Test(arguments: ["battlenet-bma.xml", "battlenet-messenger.xml"])
    func battleNet(_ file: String) throws {
        let s = try Session()
        let result = try s.authv("add", importFixtures + file)
        #expect(result.status == 0, "\(result.stderr)")
        let line = try String(contentsOfFile: importFixtures + "battlenet.expected", encoding: .utf8)
        let fields = line.trimmingCharacters(in: .newlines).split(separator: "\t").map(String.init)
        let stored = try s.storedAccounts()
        #expect(stored.count == 1)
        let account = try #require(stored.first)
        #expect([account.issuer, account.name, Base32.encode(account.secret), String(account.digits), account.note] == fields)
        #expect(account.type == .totp && account.algorithm == .sha1 && account.period == 30)
        let code = try s.authv("code", "Battle.net", "--at", "1234567890")
        let oath = try run("oathtool", ["--totp", "-d", "8", "-N", "@1234567890", "3132333435363738393031323334353637383930"])
        #expect(code.stdout == oath.stdout && !code.stdout.isEmpty, "\(code.stderr)")
    }

    /// A cut-short file of each format: one line naming the file, nothing stored.
    @Test func truncatedFilesAreOneLineErrorsAndStoreNothing() throws {
        let s = try Session()
        let cuts: [(String, String)] = [
            ("bitwarden.json", "damaged Bitwarden file: not valid JSON (cut short?)"),
            ("1password.1pux", "damaged 1Password file: the zip archive is cut short or damaged (libarchive: Unrecognized archive format)"),
            ("steam.maFile", "damaged Steam Desktop Authenticator file: not valid JSON (cut short?)"),
            ("authy.xml", "damaged Authy file: not well-formed XML (Premature end of data in tag string line 4)"),
            ("freeotp.xml", "damaged FreeOTP file: not well-formed XML (Premature end of data in tag string line 8)"),
            ("duo.json", "damaged Duo Mobile file: not valid JSON (cut short?)"),
            ("battlenet-bma.xml", "damaged Battle.net file: not well-formed XML (Premature end of data in tag map line 2)"),
            ("battlenet-messenger.xml", "damaged Battle.net file: not well-formed XML (Premature end of data in tag map line 2)"),
            ("bitwarden.csv", "damaged Bitwarden CSV file: record 2: a quoted field is not closed (the file is cut short?)"),
            ("keepassxc.csv", "damaged KeePassXC CSV file: record 2: a quoted field is not closed (the file is cut short?)"),
        ]
        for (name, message) in cuts {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: importFixtures + name))
            let path = s.folder + "/cut-" + name
            // the CSVs are cut inside a quoted note (the first record holding a line break in quotes)
            let cut = name.hasSuffix(".csv") ? try csvCutInsideQuotes(bytes) : bytes.count * 2 / 3
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            let result = try s.authv("add", path)
            expectFailure(result, status: 1, line: "authv: \(path): \(message)")
        }
        #expect(try s.stored().isEmpty)
    }

    /// Where a cut falls inside the first quoted field that holds a line break.
    func csvCutInsideQuotes(_ bytes: Data) throws -> Int {
        let text = Array(bytes)
        var quoted = false
        for (index, byte) in text.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted && byte == UInt8(ascii: "\n") { return index + 1 }
        }
        throw CancellationError()
    }

    /// A file that mixes entries authv can carry with one it cannot: without --skip-unsupported nothing is
    /// added and the entry is named by position and name; with it, the rest is added and the entry named.
    @Test(arguments: [
        ("bitwarden-mixed.json", "entry 2 \"Yandex (ivan)\" (yaotp:// is not a kind of one-time password authv knows)",
         ["GitHub (alice@example.com)", "Example (bob)"]),
        ("authy-mixed.xml", "entry 2 \"Locked (bob)\" (missing secret)", ["GitHub (alice@example.com)", "Bücherei Zürich (zoë@例え.jp)"]),
        ("freeotp-mixed.xml", "entry 2 \"Old (md5)\" (unknown algorithm MD5)", ["GitHub (alice@example.com)", "Example (bob)", "Big Bank (carol)"]),
        ("duo-mixed.json", "entry 2 \"Acme VPN\" (a Duo push account (DuoAccount), with no one-time-password secret)",
         ["alice@example.com", "dave", "zoë@例え.jp"]),
    ])
    func mixedFiles(_ name: String, _ named: String, _ added: [String]) throws {
        let s = try Session()
        let file = importFixtures + name
        let refused = try s.authv("add", file)
        expectFailure(refused, status: 1, line: cannotCarry(file, [named]))
        #expect(try s.stored().isEmpty)

        let skipped = try s.authv("add", "--skip-unsupported", file)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr == added.map { "added: \($0)\n" }.joined() + "skipped, not added: \(file): \(named)\n", "\(skipped.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == added.sorted())
    }

    /// libxml2 and libarchive are opened when a file needs them, never by `code` or `list` (the dynamic
    /// loader's own report, LD_DEBUG=files, says what a process loads).
    @Test func xmlAndZipLibrariesAreLoadedOnlyByTheImportsThatNeedThem() throws {
        let s = try Session()
        #expect(try s.authv("add", importFixtures + "steam.maFile").status == 0)
        let debug = ["LD_DEBUG": "files"]
        func loads(_ result: RunResult) -> [String] {
            ["libxml2.so", "libarchive.so"].filter { result.stderr.contains("file=\($0)") }
        }
        #expect(loads(try s.authv("list", extra: debug)) == [])
        #expect(loads(try s.authv("code", "Steam", extra: debug)) == [])
        #expect(loads(try s.authv("add", "--dry-run", importFixtures + "authy.xml", extra: debug)) == ["libxml2.so"])
        #expect(loads(try s.authv("add", "--dry-run", importFixtures + "1password.1pux", extra: debug)).contains("libarchive.so"))
    }
}
