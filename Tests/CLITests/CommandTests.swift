import Foundation
import OTP
import Testing
import TestSupport

@Suite("authv list, code, remove, rename, export")
struct CommandTests {
    static let hotpURI = "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0"
    static let steamURI = "otpauth://steam/Steam:gabe?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK"

    func sessionWithAccounts() throws -> Session {
        let s = try Session()
        let path = try s.file("all.txt", [P1, P2, CommandTests.hotpURI, CommandTests.steamURI].joined(separator: "\n"))
        let added = try s.authv("add", path)
        try #require(added.status == 0, "\(added.stderr)")
        return s
    }

    @Test func listShowsCodesAndSecondsLeft() throws {
        let s = try sessionWithAccounts()
        let result = try s.authv("list", "--at", "1700000000")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let example = try #require(lines.first { $0.hasPrefix("Example (alice@example.com)") })
        #expect(example.contains(Codes.p1At1700000000))
        #expect(example.hasSuffix("10s"))  // 1700000000 is 20 s into its window
        let github = try #require(lines.first { $0.hasPrefix("GitHub (bob)") })
        #expect(github.contains(Codes.p2At1700000000))
        #expect(lines.first { $0.hasPrefix("Steam (gabe)") }?.contains(Codes.steamAt1700000000) == true)
        let hotp = try #require(lines.first { $0.hasPrefix("Ex (bob)") })
        #expect(!hotp.contains("755224"), "HOTP shows no code")
        // Aligned columns: every code starts at the same column.
        let column = example.range(of: Codes.p1At1700000000)!.lowerBound.utf16Offset(in: example)
        #expect(github.range(of: Codes.p2At1700000000)!.lowerBound.utf16Offset(in: github) == column)
        #expect(!result.stdout.contains("\u{1B}"), "no escape codes when standard output is not a terminal")
        // Listing uses no HOTP counter.
        #expect(try s.storedAccounts().first { $0.type == .hotp }?.counter == 0)
    }

    @Test func listJSON() throws {
        let s = try sessionWithAccounts()
        let result = try s.authv("list", "--json", "--at", "2026-11-29T13:00:00Z")
        #expect(result.status == 0)
        let objects = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [[String: Any]])
        #expect(objects.count == 4)
        let example = try #require(objects.first { $0["name"] as? String == "Example (alice@example.com)" })
        #expect(example["issuer"] as? String == "Example")
        #expect(example["account"] as? String == "alice@example.com")
        #expect(example["type"] as? String == "totp")
        #expect(example["algorithm"] as? String == "SHA1")
        #expect(example["digits"] as? Int == 6)
        #expect(example["period"] as? Int == 30)
        #expect(example["code"] as? String == Codes.p1At1795957200)
        #expect(example["remaining"] as? Int == 30)  // the first second of a window
        let github = try #require(objects.first { $0["issuer"] as? String == "GitHub" })
        #expect(github["algorithm"] as? String == "SHA256" && github["digits"] as? Int == 8)
        let hotp = try #require(objects.first { $0["type"] as? String == "hotp" })
        #expect(hotp["code"] is NSNull && hotp["remaining"] is NSNull && hotp["period"] is NSNull)
        #expect(hotp["counter"] as? Int == 0)
        let steam = try #require(objects.first { $0["type"] as? String == "steam" })
        #expect(steam["digits"] as? Int == 5)
        #expect((steam["code"] as? String)?.count == 5)
        // Same order as the text listing.
        let text = try s.authv("list", "--at", "2026-11-29T13:00:00Z").stdout.split(separator: "\n")
        #expect(objects.compactMap { $0["name"] as? String }.enumerated().allSatisfy { text[$0.offset].hasPrefix($0.element) })
        // An empty store is an empty array.
        let empty = try Session()
        #expect(try empty.authv("list", "--json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func listQuery() throws {
        let s = try sessionWithAccounts()
        let result = try s.authv("list", "github", "--json")
        let objects = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [[String: Any]])
        #expect(objects.map { $0["name"] as? String } == ["GitHub (bob)"])
        expectFailure(try s.authv("list", "nothing-like-this"), status: 1, line: "authv: no account matches 'nothing-like-this'")
    }

    @Test(arguments: ["1700000000", "2023-11-14T22:13:20Z", "2023-11-14T23:13:20+01:00", "2023-11-14T22:13:20.5Z"])
    func codePrintsTheCodeAndANewline(at: String) throws {
        let s = try sessionWithAccounts()
        let result = try s.authv("code", "example", "--at", at)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Codes.p1At1700000000 + "\n")
        #expect(result.stderr.isEmpty)
        let bare = try s.authv("code", "GitHub (bob)", "--at", at, "-n")
        #expect(bare.stdout == Codes.p2At1700000000)
    }

    @Test(arguments: ["yesterday", "-5", "2026-11-29T13:00:00", "2026-13-01T00:00:00Z"])
    func badTimes(at: String) throws {
        let s = try sessionWithAccounts()
        let why = at == "-5" ? "'-5' is before 1970: authv computes codes from 1970-01-01T00:00:00Z on"
            : "'\(at)' is not a time: give unix seconds (1700000000, 1700000000.5) or ISO 8601 with a zone (2026-11-29T13:00:00Z)"
        expectUsageError(try s.authv("code", "example", "--at", at), command: "code", line: "Error: The value '\(at)' is invalid for '--at <TIME>': \(why)")
    }

    @Test func hotpStoresTheCounterBeforePrinting() throws {
        let s = try sessionWithAccounts()
        // RFC 4226 Appendix D, counters 0, 1, 2.
        #expect(try s.authv("code", "ex (bob)").stdout == "755224\n")
        #expect(try s.authv("code", "ex (bob)").stdout == "287082\n")
        #expect(try s.storedAccounts().first { $0.type == .hotp }?.counter == 2)
        #expect(try s.authv("code", "ex (bob)", "--at", "0").stdout == "359152\n")
        let listed = try JSONSerialization.jsonObject(with: try s.authv("list", "ex (bob)", "--json").stdoutBytes) as? [[String: Any]]
        #expect(listed?.first?["counter"] as? Int == 3)
    }

    @Test func querySelection() throws {
        let s = try Session()
        let path = try s.file("q.txt", """
            otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP
            otpauth://totp/GitHub%20Enterprise:alice?secret=MFRGGZDF
            otpauth://totp/Gitea:carol?secret=GEZDGNBV
            """)
        #expect(try s.authv("add", path).status == 0)
        // An exact issuer match wins over a substring match.
        #expect(try s.authv("code", "GITHUB", "--at", "59").status == 0)
        // Several substring matches: an error naming every match.
        let several = try s.authv("code", "git")
        expectFailure(several, status: 1, line: "authv: 'git' matches 3 accounts: "
                      + "\(try s.namedWithIDs("Gitea (carol)", "GitHub (alice)", "GitHub Enterprise (alice)")); be more specific")
        // An exact account name shared by two accounts is ambiguous too.
        expectFailure(try s.authv("code", "alice"), status: 1,
                      line: "authv: 'alice' matches 2 accounts: \(try s.namedWithIDs("GitHub (alice)", "GitHub Enterprise (alice)")); be more specific")
        #expect(try s.authv("code", "enterprise", "--at", "59").status == 0)
        expectFailure(try s.authv("code", "gitlab"), status: 1, line: "authv: no account matches 'gitlab'")
    }

    @Test func removeAsksUnlessYes() throws {
        let s = try sessionWithAccounts()
        let refused = try s.authv("remove", "github")
        expectFailure(refused, status: 1, line: "authv: not removing GitHub (bob): no terminal to ask on (use --yes)")
        #expect(try s.stored().count == 4)
        let removed = try s.authv("remove", "github", "--yes")
        #expect(removed.status == 0)
        #expect(removed.stdout.isEmpty)
        #expect(removed.stderr.contains("removed: GitHub (bob)"))
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Ex (bob)", "Example (alice@example.com)", "Steam (gabe)"])
        expectFailure(try s.authv("remove", "github", "--yes"), status: 1, line: "authv: no account matches 'github'")
        expectFailure(try s.authv("remove", "e", "--yes"), status: 1, line: "authv: 'e' matches 3 accounts: "
                      + "\(try s.namedWithIDs("Ex (bob)", "Example (alice@example.com)", "Steam (gabe)")); be more specific")
        #expect(try s.stored().count == 3)
    }

    @Test func renameKeepsTheSecret() throws {
        let s = try sessionWithAccounts()
        let result = try s.authv("rename", "github", "--issuer", "GitHub Work", "--account", "bob@work")
        #expect(result.status == 0, "\(result.stderr)")
        let renamed = try #require(try s.storedAccounts().first { $0.issuer == "GitHub Work" })
        #expect(renamed.name == "bob@work")
        #expect(renamed.uri.hasPrefix("otpauth://totp/GitHub%20Work:bob@work?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(try s.stored().count == 4)
        #expect(try s.authv("code", "bob@work", "--at", "59").stdout == Codes.p2At59 + "\n")
        expectUsageError(try s.authv("rename", "github"), command: "rename", line: "Error: give --issuer, --account or both")
    }

    /// An account with every field away from its default, a note with a line break among them.
    static let notedURI = "otpauth://totp/Noted%20Co:dan?secret=GEZDGNBVGY3TQOJQ&issuer=Noted%20Co&algorithm=SHA512&digits=7&period=60"
        + "&note=first%20line%0Asecond%20line"

    /// What `export` writes for sessionWithAccounts() plus notedURI, the HOTP counter at 1: every field of
    /// every account, written out.
    static let exported = """
        otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex&algorithm=SHA1&digits=6&counter=1
        otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30
        otpauth://totp/GitHub:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub&algorithm=SHA256&digits=8&period=30
        otpauth://totp/Noted%20Co:dan?secret=GEZDGNBVGY3TQOJQ&issuer=Noted%20Co&algorithm=SHA512&digits=7&period=60&note=first%20line%0Asecond%20line
        otpauth://steam/Steam:gabe?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Steam&algorithm=SHA1&digits=5&period=30

        """

    /// `list --json --at 1700000000` of those accounts, ids left out: codes from oathtool and the Steam
    /// script (see Codes; Noted Co: `echo GEZDGNBVGY3TQOJQ | oathtool -b --totp=SHA512 -d 7 -s 60 -N @1700000000 -`).
    static let listed: [[String: String]] = [
        ["name": "Ex (bob)", "issuer": "Ex", "account": "bob", "type": "hotp", "algorithm": "SHA1", "digits": "6", "counter": "1",
         "period": "null", "code": "null", "remaining": "null"],
        ["name": "Example (alice@example.com)", "issuer": "Example", "account": "alice@example.com", "type": "totp", "algorithm": "SHA1",
         "digits": "6", "period": "30", "code": Codes.p1At1700000000, "remaining": "10", "offset": "0"],
        ["name": "GitHub (bob)", "issuer": "GitHub", "account": "bob", "type": "totp", "algorithm": "SHA256", "digits": "8", "period": "30",
         "code": Codes.p2At1700000000, "remaining": "10", "offset": "0"],
        ["name": "Noted Co (dan)", "issuer": "Noted Co", "account": "dan", "type": "totp", "algorithm": "SHA512", "digits": "7", "period": "60",
         "code": "9678468", "remaining": "40", "offset": "0"],
        ["name": "Steam (gabe)", "issuer": "Steam", "account": "gabe", "type": "steam", "algorithm": "SHA1", "digits": "5", "period": "30",
         "code": Codes.steamAt1700000000, "remaining": "10", "offset": "0"],
    ]

    /// `list --json` rows as text fields, without the ids (which are the store's own).
    static func rows(_ s: Session, at time: String) throws -> [[String: String]] {
        let listed = try s.authv("list", "--json", "--at", time)
        let objects = try #require(try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]], "\(listed.stderr)")
        return objects.map { object in
            object.filter { $0.key != "id" }.mapValues { $0 is NSNull ? "null" : "\($0)" }
        }
    }

    @Test func exportWritesURIsThatReadBack() throws {
        let s = try sessionWithAccounts()
        #expect(try s.authv("add", "-", stdin: Data(CommandTests.notedURI.utf8)).status == 0)
        #expect(try s.authv("code", "ex (bob)").status == 0)  // counter now 1
        let result = try s.authv("export")
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout == CommandTests.exported)

        // Into a file: 0600, never over an existing file without --force.
        let path = s.folder + "/backup.txt"
        #expect(try s.authv("export", "--output", path).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == CommandTests.exported)
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: path))
        expectFailure(try s.authv("export", "--output", path), status: 1, line: "authv: \(path): already exists (use --force to replace it)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
        #expect(try s.authv("export", "--output", path, "--force").status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == CommandTests.exported)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.folder).filter { $0.hasPrefix(".authv-") }
        #expect(leftovers.isEmpty)

        // Export -> import into another store gives the same accounts, every field of each: what the
        // store holds (read without authv), what list shows (codes at a fixed time), and the HOTP
        // counter going on from where it was (RFC 4226's table, counter 1).
        let other = try Session()
        #expect(try other.authv("add", path).status == 0)
        #expect(try other.stored() == s.stored())
        #expect(try other.stored() == CommandTests.exported.split(separator: "\n").map(String.init).sorted())
        #expect(try CommandTests.rows(other, at: "1700000000") == CommandTests.listed)
        #expect(try other.authv("code", "ex (bob)").stdout == "287082\n")
    }

    @Test func exportAsGoogleAuthenticatorMigration() throws {
        let s = try Session()
        let path = try s.file("a.txt", [P1, P2, P3].joined(separator: "\n"))
        #expect(try s.authv("add", path).status == 0)
        let result = try s.authv("export", "--format", "migration")
        #expect(result.status == 0, "\(result.stderr)")
        let parts = try result.stdout.split(separator: "\n").map { try Migration.decode(String($0)) }
        #expect(Set(try Migration.assemble(parts).map(\.uri)) == Set(try s.storedAccounts().map(\.uri)))
        // A Steam account cannot go into that format: refused, naming it.
        #expect(try s.authv("add", try s.file("s.txt", CommandTests.steamURI)).status == 0)
        expectFailure(try s.authv("export", "--format", "migration"), status: 1, line: "authv: not exported: Google Authenticator exports cannot carry "
                      + "Steam (gabe) (Steam accounts have no place in Google Authenticator exports); use --format uri")
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        for command in [["add"], ["list"], ["code"], ["remove"], ["rename"], ["export"], ["watch"], ["doctor"],
                        ["recovery"], ["recovery", "add"], ["recovery", "list"], ["recovery", "use"]] {
            let result = try run(authvBinary, command + ["--help"])
            #expect(result.status == 0)
            // An example line: "Example" and then the command itself, indented, beyond the USAGE line.
            let example = result.stdout.split(separator: "\n").drop { !$0.contains("Example") }.dropFirst()
            #expect(example.contains { $0.hasPrefix("  authv \(command.joined(separator: " "))") }, "\(command) --help shows an example")
        }
        let completion = try run(authvBinary, ["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("complete"))
    }
}

@Suite("authv without a usable keyring")
struct KeyringStateTests {
    @Test func noSecretServiceSaysWhatToStart() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for command in [["list"], ["code", "x"], ["add", fixtures + "qr/png-rgb.png"], ["export"], ["remove", "x", "--yes"]] {
            let result = try run(authvBinary, command, environment: [
                "PATH": "/usr/bin:/bin", "HOME": folder, "XDG_RUNTIME_DIR": folder,
                "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(folder)/no-bus-here",
            ], replaceEnvironment: true)
            expectFailure(result, status: 1, line: "authv: no Secret Service keyring on the session bus (no D-Bus session bus): start gnome-keyring-daemon or "
                          + "KeePassXC's Secret Service integration, or keep accounts in an encrypted vault file instead: authv vault create")
        }
    }

    @Test(.enabled(if: TestStore.onKeyring, "a test of the keyring itself")) func lockedKeyringSaysToUnlock() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        try s.keyring.lock()
        let locked = "authv: the keyring is locked and was not unlocked: unlock it (for example with your desktop's keyring prompt or seahorse) and try again"
        expectFailure(try s.authv("list"), status: 1, line: locked)
        expectFailure(try s.authv("add", fixtures + "qr/screenshot-1920x1080.png"), status: 1, line: locked)
        expectFailure(try s.authv("code", "example"), status: 1, line: locked)
    }
}
