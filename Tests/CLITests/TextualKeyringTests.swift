import Foundation
import Testing
import TestSupport

/// A login keyring without a password, as automatic login leaves it: gnome-keyring keeps it as a text key
/// file, and a secret holding a raw newline makes that file unreadable, so that at the daemon's next start
/// the whole collection is gone (every account, every other application's secrets). Every command that
/// writes to the keyring runs here, then the daemon restarts and must find everything again.
@Suite("A keyring kept as a text file survives every writing command", .serialized)
struct TextualKeyringTests {
    /// The lines of the keyring file that a key file reader would refuse (neither `[group]`, `key=value`,
    /// a comment nor empty): one of them is enough for the daemon to drop the collection.
    static func unparsableLines(_ s: Session) throws -> [String] {
        let text = try String(contentsOfFile: s.keyring.loginKeyringFile, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            !(line.isEmpty || line.hasPrefix("#") || (line.hasPrefix("[") && line.hasSuffix("]")) || line.contains("="))
        }
    }

    /// The recovery-code items as secret-tool reads them (independent of authv): their raw secrets.
    static func rawRecoveryItems(_ s: Session) throws -> String {
        try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes"],
                environment: s.keyring.environment, replaceEnvironment: true).stdout
    }

    @Test func everyWritingCommandThenARestart() throws {
        let s = try Session(textual: true)
        #expect(try Self.unparsableLines(s) == [], "the file starts readable")
        let uris = try s.file("uris.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        let added = try s.authv("add", uris)
        try #require(added.status == 0, "\(added.stderr)")
        // Codes with a space inside, as some sites print them.
        let codes = try s.file("codes.txt", "1. 1234 5678\n2. 2345 6789\n3. abcde-12345\n")
        let recovery = try s.authv("recovery", "add", "example", codes)
        #expect(recovery.status == 0, "\(recovery.stderr)")
        let used = try s.authv("recovery", "use", "example")
        #expect(used.status == 0 && used.stdout == "1234 5678\n", "\(used.stderr)")
        #expect(try s.authv("rename", "github", "--account", "robert").status == 0)
        let hotp = try s.authv("code", "corp vpn")
        let hotpCode = Codes.p3Counter5
        #expect(hotp.status == 0 && hotp.stdout == hotpCode + "\n", "\(hotp.stderr)")
        #expect(try s.authv("add", "-", stdin: Data("otpauth://totp/Gone:x?secret=MFRGGZDFMZTWQ2LK&issuer=Gone".utf8)).status == 0)
        #expect(try s.authv("remove", "gone", "--yes").status == 0)
        #expect(try Self.unparsableLines(s) == [], "every line of the keyring file is one a key file reader takes")

        try s.keyring.restartDaemon()

        // The daemon starts with the collection locked; authv unlocks it (no password, no prompt).
        let list = try s.authv("list", "--at", "1700000000")
        #expect(list.status == 0 && list.stderr.isEmpty, "\(list.stderr)")
        #expect(list.stdout == """
            Corp VPN (carol)             -         hotp
            Example (alice@example.com)  \(Codes.p1At1700000000)    10s
            GitHub (robert)              \(Codes.p2At1700000000)  10s

            """)
        let accounts = try s.storedAccounts().map { "\($0.displayName) \($0.counter)" }.sorted()
        #expect(accounts == ["Corp VPN (carol) 6", "Example (alice@example.com) 0", "GitHub (robert) 0"])
        let listed = try s.authv("recovery", "list", "example")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == "1234 5678    used\n2345 6789    unused\nabcde-12345  unused\n")
        #expect(try s.authv("recovery", "use", "example").stdout == "2345 6789\n")
    }

    /// Recovery codes written in the earlier form (a line per code, as authv stored them before) are
    /// rewritten in the one-line form the first time authv reads them, and the keyring file is readable again.
    @Test func codesKeptInTheEarlierFormAreRewritten() throws {
        let s = try Session(textual: true)
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        let listed = try s.authv("list", "--json")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let old = try run("secret-tool", ["store", "--label=authv recovery codes: Example (alice@example.com)",
                                          "xdg:schema", "io.github.authv.RecoveryCodes", "account-id", id],
                          stdin: Data("used 1234 5678\nunused abcde-12345\nunused 98765432\n".utf8),
                          environment: s.keyring.environment, replaceEnvironment: true)
        try #require(old.status == 0, "\(old.stderr)")
        #expect(try !Self.unparsableLines(s).isEmpty, "the earlier form breaks the file (what the rewrite repairs)")

        let read = try s.authv("recovery", "list", "example")
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "1234 5678    used\nabcde-12345  unused\n98765432     unused\n")
        let raw = try Self.rawRecoveryItems(s)
        #expect(raw.contains("secret = used:1234%205678 unused:abcde-12345 unused:98765432\n"), "\(raw)")
        #expect(try Self.unparsableLines(s) == [])

        try s.keyring.restartDaemon()
        #expect(try s.authv("list").stdout.hasPrefix("Example (alice@example.com) "))
        #expect(try s.stored().count == 1)
        #expect(try s.authv("recovery", "use", "example").stdout == "abcde-12345\n")
    }
}
