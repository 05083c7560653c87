import Foundation
import Testing
import TestSupport

/// An SNTP server on 127.0.0.1 (a random port), written from RFC 5905 in Python: it runs `authv doctor`
/// with `AUTHV_NTP_SERVER` pointing at itself, answers each request as `behaviour` says, and exits
/// with doctor's status, doctor's output on its standard output. On standard error it says what it
/// received (`request ok` for a well-formed client request).
private let sntpServer = #"""
import os, socket, struct, subprocess, sys, threading, time

behaviour, authv = sys.argv[1], sys.argv[2:]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
EPOCH = 2208988800

def ntp(seconds):
    return int((seconds + EPOCH) * 2**32) & (2**64 - 1)

def serve():
    while True:
        data, peer = sock.recvfrom(4096)
        ok = len(data) == 48 and data[0] & 7 == 3 and (data[0] >> 3) & 7 == 4
        print("request ok" if ok else "request bad %r" % data, file=sys.stderr, flush=True)
        if behaviour == "silent":
            continue
        origin = data[40:48]
        leap, version, mode, stratum, refid = 0, 4, 4, 2, b"\x7f\x00\x00\x01"
        shift = float(behaviour.split(":")[1]) if behaviour.startswith("offset:") else 0.0
        if behaviour == "mode3": mode = 3
        if behaviour == "kod": stratum, refid = 0, b"RATE"
        if behaviour == "unsynchronised": leap = 3
        if behaviour == "origin": origin = b"\x00\x00\x00\x00\x00\x00\x00\x2a"
        now = ntp(time.time() + shift)
        reply = struct.pack("!BBbbII4sQ8sQQ", leap << 6 | version << 3 | mode, stratum, 6, -20, 0, 0, refid,
                            now, origin, now, now)
        if behaviour == "truncated": reply = reply[:20]
        if behaviour == "empty": reply = b""
        if behaviour == "long": reply = reply + bytes(2000)
        sock.sendto(reply, peer)

threading.Thread(target=serve, daemon=True).start()
env = dict(os.environ, AUTHV_NTP_SERVER="127.0.0.1:%d" % port)
done = subprocess.run(authv, env=env, stdout=subprocess.PIPE)
sys.stdout.buffer.write(done.stdout)
sys.exit(done.returncode if done.returncode >= 0 else 128 - done.returncode)
"""#

@Suite("authv doctor: the clock's offset, the keyring's storage, vanished accounts")
struct DoctorTests {
    /// Runs `authv doctor` against the test's SNTP server behaving as `behaviour`.
    func doctor(_ s: Session, against behaviour: String) throws -> RunResult {
        let script = try s.file("sntp-server.py", sntpServer)
        // The time service's view is pinned, so that only the measured offset decides.
        let environment = s.environment.merging(["AUTHV_CLOCK_STATUS": "synchronised"]) { $1 }
        return try run("/usr/bin/python3", [script, behaviour, authvBinary, "doctor"], environment: environment,
                       replaceEnvironment: true)
    }

    /// The offset `doctor` printed on its clock line, signed (positive: the clock is slow).
    func measured(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains(" clock: ") }) else { return nil }
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "clock:"), index + 3 < words.count, let value = Double(words[index + 1]) else { return nil }
        return words[index + 3].hasPrefix("slow") ? value : -value
    }

    @Test func aClock42SecondsSlowFails() throws {
        let s = try Session()
        let result = try doctor(s, against: "offset:42")
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("request ok"), "a client-mode version-4 request: \(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains(" clock: ") })
        #expect(line.hasPrefix("FAIL  clock: 42 s slow (SNTP, 127.0.0.1:"), "\(line)")
        #expect(line.contains("1 to 2 windows of 30 s behind") && line.contains("timedatectl set-ntp true"), "\(line)")
        // Ahead: the other way round.
        let ahead = try doctor(s, against: "offset:-95")
        #expect(ahead.status == 1)
        #expect(ahead.stdout.contains("FAIL  clock: 95 s fast") && ahead.stdout.contains("3 to 4 windows of 30 s ahead"), "\(ahead.stdout)")
    }

    @Test func aClockWithinAWindowIsFine() throws {
        let s = try Session()
        let result = try doctor(s, against: "offset:-0.4")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains(" clock: ") })
        #expect(line.hasPrefix("ok    clock: 0.") && line.contains(" s fast (SNTP, 127.0.0.1:"), "\(line)")
        let offset = try #require(measured(result.stdout))
        #expect(abs(offset + 0.4) < 0.1, "measured \(offset) s against -0.4 s")
        // 14 s is still within the limit, 16 s beyond it.
        #expect(try doctor(s, against: "offset:14").stdout.contains("ok    clock: 14 s slow"))
        #expect(try doctor(s, against: "offset:16").stdout.contains("FAIL  clock: 16 s slow"))
    }

    @Test func noAnswerIsAQuestionMark() throws {
        let s = try Session()
        let result = try doctor(s, against: "silent")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("request ok"))
        #expect(result.stdout.contains("?     clock: cannot measure the offset, no time server answered (127.0.0.1:"), "\(result.stdout)")
        #expect(result.stdout.contains(": no answer)"))
    }

    @Test(arguments: [
        ("truncated", "truncated (20 bytes"), ("empty", "truncated (0 bytes"), ("long", "too long (2048 bytes"),
        ("mode3", "not a server's reply (mode 3"), ("kod", "kiss-of-death RATE"),
        ("unsynchronised", "not synchronised itself"), ("origin", "originate timestamp differs"),
    ])
    func badRepliesAreRefused(behaviour: String, reason: String) throws {
        let s = try Session()
        let result = try doctor(s, against: behaviour)
        #expect(result.status == 0, "no crash, no failure: \(result.status) \(result.stdout)\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains(" clock: ") })
        #expect(line.hasPrefix("?     clock: cannot measure the offset"), "\(line)")
        #expect(line.contains("reply refused, ") && line.contains(reason), "\(line)")
    }

    @Test func noAnsweringTimeServerIsAQuestionMarkSoon() throws {
        // The session's AUTHV_NTP_SERVER is a port on this machine where nothing listens (tests send no
        // traffic off the machine, so the default servers are not asked here; TimeServers' own tests read
        // the configuration files).
        let s = try Session()
        let start = Date()
        let result = try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "synchronised"])
        #expect(Date().timeIntervalSince(start) < 20, "doctor waited \(Date().timeIntervalSince(start)) s")
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("?     clock: ") }, "\(result.stdout)")
        // A bad AUTHV_NTP_SERVER is said so.
        let bad = try s.authv("doctor", extra: ["AUTHV_NTP_SERVER": "host:99999"])
        #expect(bad.status == 1 && bad.stdout.contains("FAIL  clock offset: AUTHV_NTP_SERVER 'host:99999' is not HOST[:PORT]"), "\(bad.stdout)")
    }

    @Test func theKernelFlagAloneIsNeverAFailure() throws {
        // No time service answers here (no timedatectl, chronyc or ntpstat on this PATH): only the kernel's
        // flag, which may say unsynchronised, and a measurement that shows the clock right.
        let s = try Session()
        let bin = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: bin) }
        let script = try s.file("sntp-server.py", sntpServer)
        var environment = s.environment
        environment["PATH"] = bin
        let result = try run("/usr/bin/python3", [script, "offset:0.2", authvBinary, "doctor"], environment: environment,
                             replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("ok    clock: 0."), "\(result.stdout)")
        #expect(result.stdout.contains("clock sync: ") && !result.stdout.contains("FAIL"), "\(result.stdout)")
        // A time service that says "not synchronised" fails only when no measurement shows the clock right.
        let said = try run("/usr/bin/python3", [script, "offset:0.2", authvBinary, "doctor"],
                           environment: environment.merging(["AUTHV_CLOCK_STATUS": "unsynchronised"]) { $1 }, replaceEnvironment: true)
        #expect(said.status == 0 && said.stdout.contains("?     clock sync: not synchronised"), "\(said.stdout)")
        let silent = try run("/usr/bin/python3", [script, "silent", authvBinary, "doctor"],
                             environment: environment.merging(["AUTHV_CLOCK_STATUS": "unsynchronised"]) { $1 }, replaceEnvironment: true)
        #expect(silent.status == 1 && silent.stdout.contains("FAIL  clock sync: not synchronised"), "\(silent.stdout)")
    }

    // MARK: vanished accounts

    /// Removes authv's items whose issuer attribute is `issuer` with secret-tool, behind authv's back.
    func removeBehindAuthvsBack(_ s: Session, issuer: String) throws {
        let result = try run("secret-tool", ["clear", "xdg:schema", "io.github.authv.Account", "issuer", issuer],
                             environment: s.keyring.environment, replaceEnvironment: true)
        try #require(result.status == 0, "secret-tool clear: \(result.stderr)")
    }

    @Test(.enabled(if: TestStore.onKeyring, "a test of the keyring itself")) func accountsRemovedBehindAuthvsBackAreCounted() throws {
        let s = try Session()
        let uris = try s.file("uris.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        #expect(try s.authv("list").stderr == "")
        try removeBehindAuthvsBack(s, issuer: "github")
        #expect(try s.stored().count == 2)

        let list = try s.authv("list")
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 2)
        #expect(list.stderr.split(separator: "\n").count == 1, "one line: \(list.stderr)")
        #expect(list.stderr.hasPrefix("warning: 1 account is missing from the keyring: authv last saw 3 there, it answers with 2"), "\(list.stderr)")
        #expect(list.stderr.contains("authv add BACKUP") && list.stderr.contains("authv doctor --accept-missing"))
        // code finds its account by an exact match, reading no other item: it repeats what list found.
        let code = try s.authv("code", "example", "--at", "59")
        let expected = Codes.p1At59
        #expect(code.status == 0 && code.stdout == expected + "\n")
        #expect(code.stderr.contains("1 account is missing"), "\(code.stderr)")
        let doctor = try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "synchronised", "AUTHV_NTP_SERVER": "127.0.0.1:9"])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("FAIL  accounts: 1 account is missing from the keyring: authv last saw 3"), "\(doctor.stdout)")

        // Another goes: code's full read (no exact match) counts it at once.
        try removeBehindAuthvsBack(s, issuer: "corp vpn")
        let partial = try s.authv("code", "alice", "--at", "59")
        #expect(partial.status == 0 && partial.stderr.contains("warning: 2 accounts are missing from the keyring: authv last saw 3 there, it answers with 1"), "\(partial.stderr)")

        // The backup restores them: the warning ends.
        let restored = try s.authv("add", uris)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try s.authv("list").stderr == "")
        #expect(try s.authv("code", "example", "--at", "59").stderr == "")

        // Lost for good: --accept-missing takes the new count.
        try removeBehindAuthvsBack(s, issuer: "example")
        #expect(try s.authv("list").stderr.contains("1 account is missing"))
        let accept = try s.authv("doctor", "--accept-missing", extra: ["AUTHV_CLOCK_STATUS": "synchronised", "AUTHV_NTP_SERVER": "127.0.0.1:9"])
        #expect(accept.status == 0 && accept.stdout.contains("ok    accounts: 2 taken as the number the keyring holds from now on (1 missing accepted)"), "\(accept.stdout)")
        #expect(try s.authv("list").stderr == "")
        #expect(try s.authv("code", "github", "--at", "59").stderr == "")
        #expect(try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "synchronised", "AUTHV_NTP_SERVER": "127.0.0.1:9"]).status == 0)

        // The state file: 0600 in a 0700 folder, no name, no secret.
        let folder = s.environment["HOME"]! + "/.local/state/authv"
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/state")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) == 0o700)
        let text = try String(contentsOfFile: folder + "/state", encoding: .utf8)
        #expect(text.contains("count 2 2 keyring"), "\(text)")
        for part in ["Example", "GitHub", "alice", "JBSWY3DP", "GEZDGNBV", "MFRGGZDF"] { #expect(!text.contains(part)) }
    }

    @Test(.enabled(if: TestStore.onKeyring, "a test of the keyring itself")) func accountsAuthvRemovedAreNotMissing() throws {
        let s = try Session()
        let uris = try s.file("uris.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        #expect(try s.authv("remove", "github", "--yes").status == 0)
        #expect(try s.authv("remove", "corp vpn", "--yes").status == 0)
        let list = try s.authv("list")
        #expect(list.status == 0 && list.stderr == "", "\(list.stderr)")
        #expect(try s.authv("code", "example", "--at", "59").stderr == "")
        let doctor = try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "synchronised", "AUTHV_NTP_SERVER": "127.0.0.1:9"])
        #expect(doctor.status == 0 && doctor.stdout.contains("ok    accounts: none missing"), "\(doctor.stdout)")
        // An account added by another program raises the count; its later removal by authv is no loss.
        try #require(try run("secret-tool", ["store", "--label=authv: Other", "xdg:schema", "io.github.authv.Account", "uuid", "0f",
                                             "issuer", "other", "account", ""],
                             stdin: Data("otpauth://totp/Other?secret=JBSWY3DPEHPK3PXP&issuer=Other".utf8),
                             environment: s.keyring.environment, replaceEnvironment: true).status == 0)
        #expect(try s.authv("list").stderr == "")
        #expect(try s.authv("remove", "other", "--yes").status == 0)
        #expect(try s.authv("list").stderr == "")
    }

    @Test func accountsMovedToTheVaultAreNotMissing() throws {
        let s = try Session(store: .keyring)
        let uris = try s.file("uris.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        #expect(try s.authv("list").stderr == "")
        let vault = ["AUTHV_VAULT": s.folder + "/vault.json", "AUTHV_VAULT_PASSWORD_FILE": try s.file("password", "vault password\n")]
        try #require(try s.authv("vault", "create", extra: vault).status == 0)
        let moved = try s.authv("vault", "move-from-keyring", extra: vault)
        try #require(moved.status == 0, "\(moved.stderr)")
        // The keyring is empty now, by authv's own doing: no warning.
        let empty = try s.authv("list")
        #expect(empty.status == 0 && !empty.stderr.contains("missing"), "\(empty.stderr)")
        #expect(try s.authv("vault", "move-to-keyring", extra: vault).status == 0)
        let back = try s.authv("list")
        #expect(back.stdout.split(separator: "\n").count == 3 && back.stderr == "", "\(back.stderr)")
        // Taken behind authv's back afterwards: counted against the 3 it moved back.
        try removeBehindAuthvsBack(s, issuer: "github")
        #expect(try s.authv("list").stderr.contains("1 account is missing from the keyring: authv last saw 3"))
    }

    /// A vault entry authv cannot compute (Aegis's mOTP, written here by the independent oracle) is named
    /// on a `?` line and kept: `doctor --repair` leaves the vault as it was, byte for byte.
    @Test func aVaultsEntriesAuthvCannotComputeAreNamedAndKept() throws {
        let s = try Session()
        let path = s.folder + "/other-app-vault.json"
        let password = try s.file("password", "vault password\n")
        try AegisOracle.write([.init(type: "totp", issuer: "Example", name: "alice", secret: "JBSWY3DPEHPK3PXP"),
                               .init(type: "motp", issuer: "Old", name: "bob", secret: "ABCDEFGH")], to: path, passwordFile: password)
        let vault = ["AUTHV_VAULT": path, "AUTHV_VAULT_PASSWORD_FILE": password]
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for repair in [false, true] {
            let doctor = repair ? try s.authv("doctor", "--repair", "--yes", extra: vault) : try s.authv("doctor", extra: vault)
            let line = try #require(doctor.stdout.split(separator: "\n").first { $0.contains("accounts: 1 stored") }.map(String.init),
                                    "\(doctor.stdout)")
            // The entry is named by its place and its uuid (the oracle's own, a random one).
            let prefix = "?     accounts: 1 stored; 1 more vault entry is kept as it is: authv cannot compute it (vault entry 2 ("
            let suffix = "): type 'motp' is not one authv can compute (totp, hotp, steam))" + (repair ? "; --repair leaves a vault's entries alone" : "")
            #expect(line.hasPrefix(prefix) && line.hasSuffix(suffix), "\(line)")
            #expect(UUID(uuidString: String(line.dropFirst(prefix.count).dropLast(suffix.count))) != nil, "\(line)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test func aVaultReplacedByAnOlderCopyIsCountedByItsPath() throws {
        let s = try Session()
        let path = s.folder + "/vault.json"
        let vault = ["AUTHV_VAULT": path, "AUTHV_VAULT_PASSWORD_FILE": try s.file("password", "vault password\n")]
        try #require(try s.authv("vault", "create", extra: vault).status == 0)
        try #require(try s.authv("add", "-", stdin: Data(P1.utf8), extra: vault).status == 0)
        let older = try Data(contentsOf: URL(fileURLWithPath: path))
        try #require(try s.authv("add", try s.file("more.txt", P2 + "\n" + P3 + "\n"), extra: vault).status == 0)
        #expect(try s.authv("list", extra: vault).stderr == "")
        try older.write(to: URL(fileURLWithPath: path))
        let list = try s.authv("list", extra: vault)
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 1)
        #expect(list.stderr.hasPrefix("warning: 2 accounts are missing from the vault \(path): authv last saw 3 there, it answers with 1"), "\(list.stderr)")
        #expect(list.stderr.contains("the vault's previous version \(path).bak"))
        // The keyring, a store of its own, has lost nothing.
        let keyring = try s.authv("list")
        #expect(keyring.status == 0 && !keyring.stderr.contains("missing"), "\(keyring.stderr)")
    }

    // MARK: how the keyring stores secrets

    static let quiet = ["AUTHV_CLOCK_STATUS": "synchronised", "AUTHV_NTP_SERVER": "127.0.0.1:9"]

    @Test(.enabled(if: TestStore.onKeyring, "a test of the keyring itself")) func aKeyringWithAPasswordIsEncryptedOnDisk() throws {
        let s = try Session()
        try #require(try s.authv("add", "-", stdin: Data(P1.utf8)).stderr.contains("added: "))
        let header = try #require(FileHandle(forReadingAtPath: s.keyring.loginKeyringFile)?.readData(ofLength: 16))
        #expect(header == Data("GnomeKeyring\n\r\u{0}\n".utf8), "the daemon wrote its binary format")
        let doctor = try s.authv("doctor", extra: DoctorTests.quiet)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok    keyring storage: 'Login' is kept encrypted on disk (\(s.keyring.loginKeyringFile))"), "\(doctor.stdout)")
    }

    @Test func aKeyringWithoutAPasswordIsPlainTextOnDisk() throws {
        let s = try Session(textual: true)
        // add warns once per keyring.
        let first = try s.authv("add", "-", stdin: Data(P1.utf8))
        #expect(first.status == 0)
        let warnings = first.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1 && warnings[0].contains("plain text (\(s.keyring.loginKeyringFile)"), "\(first.stderr)")
        #expect(warnings.first?.contains("authv vault move-from-keyring") == true)
        let second = try s.authv("add", "-", stdin: Data(P2.utf8))
        #expect(second.status == 0 && !second.stderr.contains("warning"), "said once: \(second.stderr)")
        // The file is indeed readable text holding the secret (the oracle: the file itself).
        let text = try String(contentsOfFile: s.keyring.loginKeyringFile, encoding: .utf8)
        #expect(text.hasPrefix("[keyring]") && text.contains("JBSWY3DPEHPK3PXP"))
        let doctor = try s.authv("doctor", extra: DoctorTests.quiet)
        #expect(doctor.status == 1)
        let line = try #require(doctor.stdout.split(separator: "\n").first { $0.contains("keyring storage") })
        #expect(line.hasPrefix("FAIL  keyring storage: 'login' is written to disk in plain text (\(s.keyring.loginKeyringFile)"), "\(line)")
        #expect(line.contains("Change Password") && line.contains("authv vault move-from-keyring"))
    }

    @Test(.enabled(if: TestStore.onKeyring, "a test of the keyring itself")) func aDefaultCollectionInMemoryOnlyFails() throws {
        let s = try Session()
        try #require(try s.authv("add", "-", stdin: Data(P1.utf8)).stderr == "added: Example (alice@example.com)\n")
        // gnome-keyring's "session" collection lives in memory alone; make it the default.
        let alias = try run("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
                                          "org.freedesktop.Secret.Service.SetAlias", "string:default",
                                          "objpath:/org/freedesktop/secrets/collection/session"],
                            environment: s.keyring.environment, replaceEnvironment: true)
        try #require(alias.status == 0, "\(alias.stderr)")
        let doctor = try s.authv("doctor", extra: DoctorTests.quiet)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("FAIL  keyring storage: 'session' is kept in memory only"), "\(doctor.stdout)")
        // The login collection, which holds the account, is still reported.
        #expect(doctor.stdout.contains("ok    keyring storage: 'Login' is kept encrypted on disk"), "\(doctor.stdout)")
        let add = try s.authv("add", "-", stdin: Data(P2.utf8))
        #expect(add.stderr.contains("warning: the keyring's default collection (/org/freedesktop/secrets/collection/session) is kept in memory only"), "\(add.stderr)")
        #expect(!(try s.authv("add", "-", stdin: Data(P3.utf8)).stderr.contains("warning")))
    }

    // MARK: per-account offset

    /// oathtool's TOTP code for the Base32 secret at unix time `time` (the secret on standard input).
    func oathtool(_ secret: String, at time: Int64) throws -> String {
        let result = try run("oathtool", ["--totp", "--base32", "--now", "@\(time)", "-"], stdin: Data((secret + "\n").utf8))
        try #require(result.status == 0, "oathtool: \(result.stderr)")
        return result.stdout
    }

    @Test func setOffsetShiftsOneAccountsCodes() throws {
        let s = try Session()
        let uris = try s.file("uris.txt", [P1, P2, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        let set = try s.authv("set", "example", "--offset", "-60")
        #expect(set.status == 0 && set.stderr == "Example (alice@example.com): codes follow a clock 60 s behind the real time\n", "\(set.stderr)")
        // Kept with the account, in the keyring's URI (one line), and read back by every command.
        let stored = try s.stored().first { $0.contains("JBSWY3DPEHPK3PXP") } ?? ""
        #expect(stored.hasSuffix("&offset=-60") && !stored.contains("\n"), "\(stored)")
        let code = try s.authv("code", "example", "--at", "1700000000")
        #expect(code.stdout == (try oathtool("JBSWY3DPEHPK3PXP", at: 1_699_999_940)), "\(code.stdout)")
        let json = try s.authv("list", "--json", "--at", "1700000000")
        let objects = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [[String: Any]])
        let example = try #require(objects.first { $0["issuer"] as? String == "Example" })
        #expect(example["offset"] as? Int == -60)
        let exampleCode = try oathtool("JBSWY3DPEHPK3PXP", at: 1_699_999_940).trimmingCharacters(in: .newlines)
        #expect(example["code"] as? String == exampleCode)
        #expect(example["remaining"] as? Int == 10)  // 1699999940 is 20 s into its window
        // The other accounts are untouched.
        let github = try #require(objects.first { $0["issuer"] as? String == "GitHub" })
        let githubCode = Codes.p2At1700000000
        #expect(github["offset"] as? Int == 0 && github["code"] as? String == githubCode)
        let list = try s.authv("list", "--at", "1700000000")
        let row = list.stdout.split(separator: "\n").first { $0.hasPrefix("Example (alice@example.com)") } ?? ""
        #expect(row.contains(exampleCode + " ") && row.hasSuffix(" 10s"), "\(list.stdout)")
        // `--offset=+30` and 0.
        #expect(try s.authv("set", "example", "--offset=+30").status == 0)
        #expect(try s.authv("code", "example", "--at", "1700000000").stdout == (try oathtool("JBSWY3DPEHPK3PXP", at: 1_700_000_030)))
        #expect(try s.authv("set", "example", "--offset", "0").stderr == "Example (alice@example.com): no clock offset\n")
        #expect(try s.stored().allSatisfy { !$0.contains("offset") })
    }

    @Test func setOffsetRefusesBadInput() throws {
        let s = try Session()
        let uris = try s.file("uris.txt", [P1, P3].joined(separator: "\n") + "\n")
        try #require(try s.authv("add", uris).status == 0)
        let before = try s.stored()
        expectFailure(try s.authv("set", "corp", "--offset", "30"), status: 1,
                      line: "authv: Corp VPN (carol) is an HOTP account: its codes follow a counter, not the clock, so it takes no --offset")
        expectFailure(try s.authv("set", "nobody", "--offset", "30"), status: 1, line: "authv: no account matches 'nobody'")
        for bad in ["86401", "-86401"] {
            expectUsageError(try s.authv("set", "example", "--offset", bad), command: "set", line: "Error: --offset takes whole seconds from -86400 to 86400")
        }
        for bad in ["abc", "1.5"] {
            expectUsageError(try s.authv("set", "example", "--offset", bad), command: "set", line: "Error: The value '\(bad)' is invalid for '--offset <SECONDS>'")
        }
        expectUsageError(try s.authv("set", "example"), command: "set", line: "Error: Missing expected argument '--offset <SECONDS>'")
        #expect(try s.stored() == before, "nothing changed")
    }
}
