import Foundation
import AuthvCrypto
import OTP
import Testing
import TestSupport
@testable import Vault

/// The canonical accounts (Fixtures/imports/canonical.json) as import-b's formats can carry them, and what
/// each of those formats must make of its fixture (written by the Fixtures/imports/make_*.py scripts).
enum CanonicalB {
    static let all: [Account] = {
        canonicalAccounts.map { entry in
            Account(type: OTPType(rawValue: entry.type)!, issuer: entry.issuer, name: entry.name,
                    secret: try! Base32.decode(entry.secret), algorithm: HashAlgorithm(name: entry.algorithm)!,
                    digits: entry.digits, period: entry.period ?? 30, counter: entry.counter ?? 0, note: entry.note)
        }
    }()

    static func withoutNotes(_ accounts: [Account]) -> [Account] {
        accounts.map { var a = $0; a.note = ""; return a }
    }

    /// What each fixture holds, as the format's description in docs/formats/ says it carries the set.
    static let expected: [String: (format: any ExportFormat.Type, accounts: [Account])] = {
        let totp = all.filter { $0.type == .totp }
        let totpAndSteam = all.filter { $0.type != .hotp }
        var steam = all.first { $0.type == .steam }!
        steam.note = "Steam revocation code: R12345"
        let authy = withoutNotes(totp.filter { $0.algorithm == .sha1 && $0.period == 30 })
        let duo = withoutNotes(all.filter {
            $0.type != .steam && $0.algorithm == .sha1 && $0.digits == 6 && ($0.type == .hotp || $0.period == 30)
        }).map { var a = $0; a.issuer = ""; return a }
        return [
            "bitwarden.json": (BitwardenJSON.self, all),
            "bitwarden.csv": (BitwardenCSV.self, all),
            "1password.1pux": (OnePassword.self, totp),
            "keepassxc.csv": (KeePassXC.self, totpAndSteam),
            "keepassxc-legacy.csv": (KeePassXC.self, totpAndSteam),
            "steam.maFile": (SteamDesktopAuthenticator.self, [steam]),
            "authy.xml": (Authy.self, authy),
            "authy-encrypted.xml": (Authy.self, authy),
            "freeotp.xml": (FreeOTP.self, withoutNotes(all)),
            "freeotp2-backup.xml": (FreeOTP2.self, withoutNotes(all)),
            "duo.json": (DuoMobile.self, duo),
            "battlenet-bma.xml": (BattleNet.self, [battleNet]),
            "battlenet-messenger.xml": (BattleNet.self, [battleNet]),
        ]
    }()

    /// Fixtures/imports/battlenet.expected: issuer, name, Base32 secret, digits, note.
    static let battleNet: Account = {
        let line = try! String(contentsOfFile: repositoryRoot + "/Fixtures/imports/battlenet.expected", encoding: .utf8)
        let fields = line.trimmingCharacters(in: .newlines).split(separator: "\t").map(String.init)
        return Account(type: .totp, issuer: fields[0], name: fields[1], secret: try! Base32.decode(fields[2]),
                       digits: Int(fields[3])!, note: fields[4])
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Fixtures/imports/" + name)))
    }

    /// Every field that matters, for comparing one account with another and printing the difference.
    static func fields(_ a: Account) -> String {
        "\(a.type) issuer=\(a.issuer) name=\(a.name) secret=\(Base32.encode(a.secret)) \(a.algorithm) digits=\(a.digits) "
            + (a.type == .hotp ? "counter=\(a.counter)" : "period=\(a.period)") + " note=\(a.note.debugDescription)"
    }
}

@Suite("Import formats: Bitwarden, 1Password, KeePassXC, Steam, Authy, FreeOTP, Duo, Battle.net")
struct ImportFormatsBTests {
    @Test(arguments: CanonicalB.expected.keys.sorted())
    func fixtureIsRecognisedAndReadEntryByEntry(_ file: String) throws {
        let (format, expected) = try #require(CanonicalB.expected[file])
        let content = ExportContent(try CanonicalB.bytes(file))
        let detected = try #require(try ExportFormats.detect(content))
        #expect(ObjectIdentifier(detected) == ObjectIdentifier(format), "\(file) detected as \(detected.name)")
        let entries = try format.entries(content) { () throws(FormatError) -> String in
            if file.contains("encrypted") || file.contains("freeotp2") { return "correct horse battery staple" }
            Issue.record("no password is asked for \(file)")
            return ""
        }
        let accounts = entries.compactMap { entry -> Account? in
            if case let .account(account) = entry { return account }
            Issue.record("\(file): \(entry)")
            return nil
        }
        #expect(accounts.count == expected.count, "\(file): \(accounts.count) accounts")
        for (got, want) in zip(accounts.sorted(by: order), expected.sorted(by: order)) {
            #expect(CanonicalB.fields(got) == CanonicalB.fields(want), "\(file)")
        }
    }

    func order(_ a: Account, _ b: Account) -> Bool { (a.issuer, a.name) < (b.issuer, b.name) }

    /// Each mixed fixture: the entry authv cannot carry, by position and name, and the rest read: the
    /// canonical accounts named, as the format carries them (CanonicalB.expected of its plain fixture).
    @Test(arguments: [
        ("bitwarden-mixed.json", 2, "Yandex (ivan)", "yaotp:// is not a kind of one-time password authv knows",
         ["GitHub (alice@example.com)", "Example (bob)"]),
        ("authy-mixed.xml", 2, "Locked (bob)", "missing secret", ["GitHub (alice@example.com)", "Bücherei Zürich (zoë@例え.jp)"]),
        ("freeotp-mixed.xml", 2, "Old (md5)", "unknown algorithm MD5", ["GitHub (alice@example.com)", "Example (bob)", "Big Bank (carol)"]),
        ("duo-mixed.json", 2, "Acme VPN", "a Duo push account (DuoAccount), with no one-time-password secret", ["alice@example.com", "dave", "zoë@例え.jp"]),
    ])
    func mixedFileNamesTheEntryAuthvCannotCarry(_ file: String, position: Int, name: String, reason: String, carried: [String]) throws {
        let content = ExportContent(try CanonicalB.bytes(file))
        let format = try #require(try ExportFormats.detect(content))
        let entries = try format.entries(content) { () throws(FormatError) -> String in "" }
        let unsupported = entries.compactMap { entry -> UnsupportedEntry? in
            if case let .unsupported(u) = entry { return u }
            return nil
        }
        #expect(unsupported.count == 1)
        #expect(unsupported.first?.position == position)
        #expect(unsupported.first?.name == name)
        #expect(unsupported.first?.reason == reason, "\(unsupported)")
        let accounts = entries.compactMap { entry -> Account? in
            if case let .account(a) = entry { return a }
            return nil
        }
        let canonical = try #require(CanonicalB.expected[file.replacingOccurrences(of: "-mixed", with: "")]).accounts
        #expect(accounts == carried.compactMap { name in canonical.first { $0.displayName == name } })
        #expect(accounts.map(\.displayName) == carried)
    }

    /// A cut-short file of each format: a typed error (damaged, or not recognised at all), never entries.
    @Test(arguments: CanonicalB.expected.keys.sorted())
    func truncatedFileIsAnError(_ file: String) throws {
        let (format, _) = try #require(CanonicalB.expected[file])
        let whole = try CanonicalB.bytes(file)
        for cut in [whole.count / 2, whole.count * 9 / 10] {
            let content = ExportContent(Array(whole.prefix(cut)))
            let detected: (any ExportFormat.Type)?
            do { detected = try ExportFormats.detect(content) } catch { continue }  // "not an export authv knows"
            if let detected, ObjectIdentifier(detected) == ObjectIdentifier(format) {
                let result = Result { () throws(FormatError) in try format.entries(content) { () throws(FormatError) in "" } }
                switch result {
                case .failure: break
                case let .success(entries):
                    // A CSV cut between records is still CSV: its last entry is then cut or missing, never whole.
                    #expect([ObjectIdentifier(KeePassXC.self), ObjectIdentifier(BitwardenCSV.self)].contains(ObjectIdentifier(format)), "\(file) cut at \(cut) read")
                    #expect(entries.count < CanonicalB.expected[file]!.accounts.count
                            || entries.contains { if case .unsupported = $0 { true } else { false } }, "\(file) cut at \(cut)")
                }
            }
        }
    }

    @Test func battleNetRestoreCodeMatchesWinAuthsDerivation() throws {
        // serial and secret of Aegis's test file (battle_net_authenticator.xml); restore code by Fixtures' Python
        let secret = try #require(Hex.decode("0b0d1bbcc5046102f0cc9eba904d7aae16038c28"))
        #expect(try BattleNet.restoreCode(serial: "US-2211-2050-3346", secret: secret) == restoreCodeByPython("US221120503346", secret))
    }

    func restoreCodeByPython(_ serial: String, _ secret: [UInt8]) throws -> String {
        let script = """
            import hashlib, sys
            d = hashlib.sha1(sys.argv[1].encode() + bytes.fromhex(sys.argv[2])).digest()
            print("".join("0123456789ABCDEFGHJKMNPQRTUVWXYZ"[b & 31] for b in d[-10:]))
            """
        let hex = secret.map { String(format: "%02x", $0) }.joined()
        let result = try run("/usr/bin/python3", ["-c", script, serial, hex])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func battleNetValuesLongerThanTheMaskAreRefused() {
        let tooLong = String(repeating: "00", count: BattleNet.mask.count + 1)
        #expect(throws: FormatError.damaged(format: "Battle.net", "AUTHENTICATOR_DEVICE_SECRET is not the app's masked hex")) {
            try BattleNet.unmask(tooLong, what: "AUTHENTICATOR_DEVICE_SECRET")
        }
    }

    @Test func freeOTPCounterIsTheStoredOnePlusOne() throws {
        let token = FreeOTP.Token(type: "HOTP", algo: "SHA1", digits: 6, period: 30, counter: 0, secret: [72, 101, -34],
                                  issuerExt: "X", issuerAlt: nil, label: "y", labelAlt: nil)
        guard case let .account(account) = FreeOTP.entry(token, id: "X:y", position: 1) else { Issue.record("not read"); return }
        #expect(account.counter == 1)
        #expect(account.secret == [72, 101, 0xDE])
    }

    @Test func authyNamesComeFromTheLabelFirst() {
        func names(_ original: String?, _ issuer: String?, _ name: String?, _ type: String? = "authenticator") -> [String] {
            let token = Authy.Token(decryptedSecret: "A", encryptedSecret: nil, digits: 6, originalName: original,
                                    originalIssuer: issuer, name: name, accountType: type)
            let (i, n) = Authy.names(token)
            return [i, n]
        }
        #expect(names("Deno:Mason", nil, "Deno: Mason") == ["Deno", "Mason"])
        #expect(names("Deno: Mason", "Deno Land", "x") == ["Deno Land", "Mason"])
        #expect(names("mason", nil, "Deno - mason", "deno") == ["Deno", "mason"])
        #expect(names(nil, "GitHub", "GitHub: octo") == ["GitHub", "octo"])
    }

    /// Authy's own tokens (com.authy.storage.tokens.authy.xml): a hex seed, 10-second codes.
    @Test func authyOwnTokens() throws {
        let json = #"[{"secretSeed":"3132333435363738393031323334353637383930","digits":7,"name":"Twitch","accountType":"authy"}]"#
        let xml = "<map><string name=\"com.authy.storage.tokens.authy.key\">\(json.replacingOccurrences(of: "\"", with: "&quot;"))</string></map>"
        let entries = try Authy.entries(ExportContent(Array(xml.utf8))) { () throws(FormatError) in "" }
        guard case let .account(account)? = entries.first, entries.count == 1 else { Issue.record("\(entries)"); return }
        #expect(account.issuer == "Twitch" && account.name == "" && account.digits == 7 && account.period == 10)
        #expect(account.secret == SecretBytes(Array("12345678901234567890".utf8)))
    }

    /// Files of the format that authv does not read, or that lack what it needs: each its own error.
    @Test func formatErrors() throws {
        func read(_ format: any ExportFormat.Type, _ text: String) -> FormatError? {
            let content = ExportContent(Array(text.utf8))
            do { _ = try format.entries(content) { () throws(FormatError) in "" } } catch { return error }
            return nil
        }
        let freeOTP2 = #"<map><string name="masterKey">{&quot;mAlgorithm&quot;:&quot;PBKDF2withHmacSHA512&quot;}</string><string name="tokenOrder">[]</string></map>"#
        #expect(read(FreeOTP.self, freeOTP2) == .unsupportedVersion(format: "FreeOTP", "FreeOTP 2's encrypted token store; authv reads FreeOTP 2's backup (externalBackup.xml) instead"))
        #expect(read(BattleNet.self, #"<map><string name="other">x</string></map>"#) == .malformed(format: "Battle.net", "no authenticator secret"))
        #expect(read(BattleNet.self, #"<map><string name="com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET">zz</string></map>"#)
                == .damaged(format: "Battle.net", "AUTHENTICATOR_DEVICE_SECRET is not the app's masked hex"))
        #expect(read(Authy.self, #"<map><int name="key_version" value="1"/></map>"#)
                == .malformed(format: "Authy", "no com.authy.storage.tokens.authenticator.key value"))
        let maFile = #"{"shared_secret": "not base64!", "account_name": "gabe"}"#
        let steam = try SteamDesktopAuthenticator.entries(ExportContent(Array(maFile.utf8))) { () throws(FormatError) in "" }
        #expect(steam == [.unsupported(UnsupportedEntry(position: 1, name: "Steam (gabe)", reason: "shared_secret is not Base64"))])
    }

    @Test func keePassXCLegacySettings() {
        #expect(KeePassXC.Legacy("30;6").map { [$0.period, $0.digits ?? 0] } == [30, 6])
        #expect(KeePassXC.Legacy("30;S")?.steam == true)
        #expect(KeePassXC.Legacy("30") == nil)
        #expect(KeePassXC.Legacy("a;6") == nil)
    }

    @Test func keePassXCWithoutTheSeedColumnNamesTheEntry() throws {
        let csv = "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\"\n\"Root\",\"Old\",\"bob\",\"\",\"\",\"\",\"30;6\"\n"
        let entries = try KeePassXC.entries(ExportContent(Array(csv.utf8))) { () throws(FormatError) in "" }
        #expect(entries == [.unsupported(UnsupportedEntry(position: 1, name: "Old (bob)",
                                                          reason: "missing secret: the TOTP Seed column is not in this CSV"))])
    }

    @Test func bitwardenEncryptedExportIsNamed() throws {
        let json = #"{"encrypted": true, "passwordProtected": true, "items": [], "data": "2.abc"}"#
        let content = ExportContent(Array(json.utf8))
        #expect(try ExportFormats.detect(content).map(ObjectIdentifier.init) == ObjectIdentifier(BitwardenJSON.self))
        #expect(throws: FormatError.self) { try BitwardenJSON.entries(content) { () throws(FormatError) in "" } }
    }
}

@Suite("RFC 4180 CSV")
struct CSVTests {
    @Test(arguments: [
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),                          // RFC 4180 2.1
        ("a,b\r\n1,2", [["a", "b"], ["1", "2"]]),                          // 2.2: the last record may lack its line break
        ("\"a\",\"b\"\n", [["a", "b"]]),                                   // 2.5
        ("\"a,b\",\"c\nd\"\r\n", [["a,b", "c\nd"]]),                       // 2.6: commas and line breaks inside quotes
        ("\"say \"\"hi\"\"\",x\n", [["say \"hi\"", "x"]]),                 // 2.7: a quote written twice
        ("a,,\n", [["a", "", ""]]),
        ("\u{FEFF}a\n", [["a"]]),                                          // a byte-order mark
        ("a\rb\n", [["a\rb"]]),                                            // a lone CR is text
    ])
    func parses(_ text: String, _ records: [[String]]) throws {
        #expect(try CSV.parse(text) == records)
    }

    @Test(arguments: [
        ("\"open\n", CSV.Problem.unterminatedQuote(record: 1)),
        ("\"a\"b\n", CSV.Problem.textAfterQuote(record: 1)),
        ("x\nab\"c\n", CSV.Problem.quoteInField(record: 2)),
    ])
    func refuses(_ text: String, _ problem: CSV.Problem) {
        #expect(throws: problem) { try CSV.parse(text) }
    }

    @Test func boundsAFieldBeforeGrowingIt() {
        let long = String(repeating: "x", count: CSV.maxFieldLength + 1)
        #expect(throws: CSV.Problem.self) { try CSV.parse(long) }
    }
}

@Suite("Android preference XML (libxml2)")
struct AndroidPreferencesTests {
    @Test func readsStringsAndValuesWithEntitiesDecoded() throws {
        let xml = #"<?xml version='1.0' encoding='utf-8' standalone='yes' ?><map><int name="n" value="121" /><string name="s">[{&quot;a&quot;:1}] &amp; ü</string></map>"#
        #expect(try AndroidPreferences.parse(Array(xml.utf8)) == [
            AndroidPreference(kind: "int", name: "n", value: "121"),
            AndroidPreference(kind: "string", name: "s", value: "[{\"a\":1}] & ü"),
        ])
    }

    @Test func refusesADocumentTypeDeclaration() {
        let xml = #"<?xml version="1.0"?><!DOCTYPE map [<!ENTITY x "xx">]><map><string name="a">&x;</string></map>"#
        #expect(throws: AndroidPreferences.Problem.notPreferences("a document type declaration, which preference files never have")) {
            try AndroidPreferences.parse(Array(xml.utf8))
        }
    }

    @Test func refusesBrokenXMLAndOtherRoots() {
        #expect(throws: AndroidPreferences.Problem.self) { try AndroidPreferences.parse(Array("<map><string>".utf8)) }
        #expect(throws: AndroidPreferences.Problem.notPreferences("the root element is not <map>")) {
            try AndroidPreferences.parse(Array("<other/>".utf8))
        }
    }
}

@Suite("Zip members (libarchive)")
struct ZipArchiveTests {
    @Test func readsAMemberAndBoundsIt() throws {
        let zip = try CanonicalB.bytes("1password.1pux")
        #expect(try ZipArchive.names(zip).contains("export.data"))
        let data = try #require(try ZipArchive.read("export.data", from: zip, limit: 1 << 20))
        #expect(data.starts(with: Array(#"{"accounts""#.utf8)))
        #expect(throws: ZipArchive.Problem.tooLarge(member: "export.data", limit: 100)) {
            try ZipArchive.read("export.data", from: zip, limit: 100)
        }
        #expect(try ZipArchive.read("absent", from: zip, limit: 100) == nil)
    }
}
