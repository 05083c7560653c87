import Foundation
import Testing
import TestSupport

@Suite("Selecting accounts: ids, empty queries, the lock around remove (issue 10, item 6)")
struct SelectionTests {
    static let noIssuer = "otpauth://totp/lonely?secret=JBSWY3DPEHPK3PXP"
    static let hotp = "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3"

    /// `code ""` used to print the code of the account without an issuer, `remove "" --yes` to remove it.
    @Test(arguments: [["code", ""], ["code", "", "-n"], ["remove", "", "--yes"], ["rename", "", "--issuer", "X"],
                      ["list", ""], ["watch", ""], ["recovery", "list", ""], ["recovery", "use", ""],
                      ["recovery", "add", "", "-"]])
    func anEmptyQueryIsAUsageError(command: [String]) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data((SelectionTests.noIssuer + "\n" + SelectionTests.hotp).utf8)).status == 0)
        let before = try s.stored()
        let result = try s.authv(arguments: command, stdin: Data("ABCD-1234-EFGH\n".utf8))
        expectUsageError(result, command: command[0] == "recovery" ? "recovery \(command[1])" : command[0],
                         line: "Error: The value '' is invalid for '<query>': QUERY is empty: name the account (its name, issuer, account name or id)")
        #expect(try s.stored() == before, "nothing changed")
    }

    /// The ids `list --json` shows, by display name.
    static func ids(_ s: Session) throws -> [String: String] {
        let listed = try s.authv("list", "--json")
        let objects = try #require(try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]])
        return objects.reduce(into: [:]) { $0[$1["name"] as! String] = $1["id"] as? String }
    }

    /// Two accounts with one secret (names differing only in case; the same key typed in twice under
    /// another name) used to share one id, and no query could reach either.
    @Test func eachAccountHasItsOwnIdThatRenamesAndCountersKeep() throws {
        let s = try Session()
        let secret = "JBSWY3DPEHPK3PXP"
        let uris = ["otpauth://totp/GitHub:alice?secret=\(secret)", "otpauth://totp/github:Alice?secret=\(secret)",
                    "otpauth://hotp/Vpn:carol?secret=\(secret)&counter=4", "otpauth://hotp/Vpn:carol2?secret=\(secret)&counter=9"]
        #expect(try s.authv("add", "-", stdin: Data(uris.joined(separator: "\n").utf8)).status == 0)
        let ids = try SelectionTests.ids(s)
        #expect(ids.count == 4)
        #expect(Set(ids.values).count == 4, "every account its own id: \(ids)")
        #expect(ids.values.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isHexDigit) })
        let (upper, lower) = (ids["GitHub (alice)"]!, ids["github (Alice)"]!)
        // A name query matches both; each id selects its one account.
        let both = try s.authv("code", "alice")
        expectFailure(both, status: 1, line: "authv: 'alice' matches 2 accounts: \(try s.namedWithIDs("GitHub (alice)", "github (Alice)")); be more specific")
        let code = try s.authv("code", lower, "--at", "1700000000")
        let expected = Codes.p1At1700000000
        #expect(code.status == 0 && code.stdout == expected + "\n", "\(code.stderr)")
        // rename by id: that one only, and its id stays.
        let renamed = try s.authv("rename", lower, "--account", "alice@work")
        #expect(renamed.status == 0 && renamed.stderr == "renamed: github (Alice) -> github (alice@work)\n", "\(renamed.stderr)")
        // An HOTP code by id moves that account's counter only, and keeps its id.
        let carol = ids["Vpn (carol)"]!
        #expect(try s.authv("code", carol).status == 0)
        let after = try SelectionTests.ids(s)
        #expect(after["github (alice@work)"] == lower && after["GitHub (alice)"] == upper && after["Vpn (carol)"] == carol)
        #expect(try s.storedAccounts().filter { $0.type == .hotp }.map(\.counter).sorted() == [5, 9])
        // The daemon restarted (a new login): the same ids.
        try s.keyring.restartDaemon()
        #expect(try SelectionTests.ids(s) == after)
        // remove by id: that one only.
        let removed = try s.authv("remove", upper, "--yes")
        #expect(removed.status == 0 && removed.stderr == "removed: GitHub (alice)\n", "\(removed.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Vpn (carol)", "Vpn (carol2)", "github (alice@work)"])
    }

    /// Recovery codes kept by an earlier authv, under the fingerprint of type and secret, are still found,
    /// and move to the account's own id.
    @Test(.enabled(if: TestStore.onKeyring, "keyring items written by earlier builds"))
    func recoveryCodesKeptUnderTheOldFingerprintAreFound() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        // The old fingerprint: HMAC-SHA256 keyed "authv account id" of "totp", NUL, the secret; 4 bytes in hex.
        let fingerprint = try run("/usr/bin/python3", ["-c", """
            import hmac, hashlib, base64
            secret = base64.b32decode("JBSWY3DPEHPK3PXP")
            print(hmac.new(b"authv account id", b"totp\\0" + secret, hashlib.sha256).hexdigest()[:8])
            """]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let stored = try run("secret-tool", ["store", "--label=authv recovery codes: Example", "xdg:schema", "io.github.authv.RecoveryCodes",
                                             "account-id", fingerprint],
                             stdin: Data("unused:ABCD-1234 used:EFGH-5678".utf8), environment: s.keyring.environment, replaceEnvironment: true)
        #expect(stored.status == 0, "\(stored.stderr)")
        let listed = try s.authv("recovery", "list", "example")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == "ABCD-1234  unused\nEFGH-5678  used\n")
        let id = try SelectionTests.ids(s)["Example (alice@example.com)"]!
        let byID = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes", "account-id", id],
                           environment: s.keyring.environment, replaceEnvironment: true)
        #expect(byID.stdout.contains("secret = unused:ABCD-1234 used:EFGH-5678"), "kept under the id now: \(byID.stdout)")
        let old = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes", "account-id", fingerprint],
                          environment: s.keyring.environment, replaceEnvironment: true)
        #expect(!old.stdout.contains("secret ="), "no longer under the fingerprint")
    }

    /// `remove` used to take the lock and then wait at its prompt, so a hotkey's HOTP code blocked behind
    /// it. It asks first, then takes the lock (saying who holds it) and checks the account again.
    @Test(.enabled(if: TestStore.onKeyring, "the keyring session's lock path"))
    func removeAsksFirstThenTakesTheLockAndChecksAgain() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data((P1 + "\n" + P2).utf8)).status == 0)
        let holder = try LockHolder(path: s.keyring.folder + "/runtime/authv/lock")
        defer { holder.stop() }
        let t = try TerminalSession("\(authvBinary) remove example; echo status=$?; sleep 60",
                                    environment: s.keyring.environment.merging(["AUTHV_LOCK_WAIT": "30"]) { $1 }, folder: s.folder)
        defer { t.stop() }
        // The question comes while another process holds the lock.
        let (asked, screen) = t.waitFor("Remove Example (alice@example.com)? Its codes will be gone for good. [y/N]")
        #expect(asked, "\(screen)")
        t.send("y", "Enter")
        let (waiting, waitScreen) = t.waitFor("waiting for authv's lock, held by python3 (pid \(holder.process.processIdentifier))")
        #expect(waiting, "\(waitScreen)")
        #expect(try s.storedAccounts().count == 2, "nothing removed while the lock is held")
        holder.stop()
        let (done, doneScreen) = t.waitFor("status=0")
        #expect(done && doneScreen.contains("removed: Example (alice@example.com)"), "\(doneScreen)")
        #expect(try s.storedAccounts().map(\.displayName) == ["GitHub (bob)"])

        // Removed by another authv while the question was open: checked again under the lock.
        let r = try TerminalSession("\(authvBinary) remove github; echo status=$?; sleep 60", environment: s.keyring.environment, folder: s.folder)
        defer { r.stop() }
        #expect(r.waitFor("Remove GitHub (bob)?").0)
        #expect(try s.authv("remove", "github", "--yes").status == 0)
        r.send("y", "Enter")
        let (failed, failScreen) = r.waitFor("status=1")
        #expect(failed && failScreen.contains("authv: GitHub (bob) was removed meanwhile"), "\(failScreen)")
    }
}

/// Items half-written when the keyring daemon died hold no valid account: `list` skips them, and
/// `doctor --repair` or `remove ID` removes them, asking first.
@Suite("Items that hold no valid account (issue 10, item 6)", .enabled(if: TestStore.onKeyring, "keyring items written with secret-tool"))
struct UnreadableItemTests {
    /// An item of authv's schema whose secret is no otpauth URI, written with secret-tool.
    func sessionWithHalfWrittenItem() throws -> (Session, String) {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        let stored = try run("secret-tool", ["store", "--label=authv: half", "xdg:schema", "io.github.authv.Account",
                                             "uuid", "0123", "issuer", "half", "account", "written"],
                             stdin: Data("otpauth://totp/Half:writ".utf8), environment: s.keyring.environment, replaceEnvironment: true)
        #expect(stored.status == 0, "\(stored.stderr)")
        let doctor = try s.authv("doctor")
        let line = try #require(doctor.stdout.split(separator: "\n").first { $0.contains("hold no valid otpauth URI") }.map(String.init))
        let id = try #require(line.firstRange(of: #/\[([0-9a-f]{8})\]/#).map { String(line[$0].dropFirst().dropLast()) })
        #expect(line.hasPrefix("FAIL  accounts: 1 item(s) hold no valid otpauth URI: [\(id)] /org/freedesktop/secrets/collection/login/"))
        #expect(line.hasSuffix("; `authv doctor --repair` removes them"))
        return (s, id)
    }

    func items(_ s: Session) throws -> Int {
        try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.Account"], environment: s.keyring.environment,
                replaceEnvironment: true).stdout.split(separator: "\n").filter { $0.hasPrefix("secret = ") }.count
    }

    @Test func doctorRepairRemovesItAfterAsking() throws {
        let (s, id) = try sessionWithHalfWrittenItem()
        // No terminal to ask on and no --yes: nothing removed.
        let refused = try s.authv("doctor", "--repair")
        expectFailure(refused, status: 1, line: "authv: doctor --repair asks on the terminal before it removes anything: without one, add --yes")
        #expect(try items(s) == 2)
        // On a terminal: asked, and "n" keeps it.
        let t = try TerminalSession("\(authvBinary) doctor --repair; echo status=$?; sleep 60", environment: s.keyring.environment, folder: s.folder)
        defer { t.stop() }
        #expect(t.waitFor("Remove keyring item [\(id)] (/org/freedesktop/secrets/collection/login/").0)
        t.send("n", "Enter")
        #expect(t.waitFor("accounts: 0 of 1 item(s) that held no valid otpauth URI removed").0)
        #expect(try items(s) == 2)
        // --yes for scripts.
        let repaired = try s.authv("doctor", "--repair", "--yes")
        #expect(repaired.stdout.contains("ok    accounts: 1 of 1 item(s) that held no valid otpauth URI removed\n"), "\(repaired.stdout)")
        #expect(repaired.stderr.hasPrefix("removed: item [\(id)] (/org/freedesktop/secrets/collection/login/"), "\(repaired.stderr)")
        #expect(try items(s) == 1)
        let listed = try s.authv("list")
        #expect(listed.status == 0 && listed.stderr.isEmpty, "no more warning: \(listed.stderr)")
        #expect(try s.storedAccounts().map(\.displayName) == ["Example (alice@example.com)"])
    }

    @Test func removeByIdRemovesIt() throws {
        let (s, id) = try sessionWithHalfWrittenItem()
        let warned = try s.authv("list")
        #expect(warned.stderr.hasPrefix("warning: keyring item [\(id)] (/org/freedesktop/secrets/collection/login/"), "\(warned.stderr)")
        #expect(warned.stderr.hasSuffix(") holds no valid otpauth URI; skipped (`authv doctor --repair` removes it)\n"))
        let unasked = try s.authv("remove", id)
        #expect(unasked.status == 1 && unasked.stderr == "authv: not removing item [\(id)]: no terminal to ask on (use --yes)\n")
        #expect(try items(s) == 2)
        let removed = try s.authv("remove", id, "--yes")
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stderr.hasPrefix("removed: item [\(id)] (/org/freedesktop/secrets/collection/login/"))
        #expect(try items(s) == 1)
        #expect(try s.storedAccounts().map(\.displayName) == ["Example (alice@example.com)"])
    }
}
