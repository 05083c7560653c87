import Foundation
import OTP
import Testing
import TestSupport

/// The built binary under test.
let authvBinary: String = ProcessInfo.processInfo.environment["AUTHV_BIN"] ?? repositoryRoot + "/.build/debug/authv"
let fixtures = repositoryRoot + "/Fixtures/"

let P1 = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
let P2 = "otpauth://totp/GitHub:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub&algorithm=SHA256&digits=8"
let P3 = "otpauth://hotp/Corp%20VPN:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Corp%20VPN&counter=5"

/// The store the CLI suite runs on. `AUTHV_TEST_STORE=vault` (scripts/test's second pass) runs the same
/// tests on an encrypted vault file, with no D-Bus session for authv at all; the few tests of the keyring
/// itself run on the keyring pass only.
enum TestStore: String {
    case keyring, vault
    static let current = TestStore(rawValue: ProcessInfo.processInfo.environment["AUTHV_TEST_STORE"] ?? "") ?? .keyring
    static var onKeyring: Bool { current == .keyring }
}

/// One private keyring (or, on the vault pass, a private vault) and the authv binary pointed at it.
final class Session: @unchecked Sendable {
    let keyring: PrivateKeyring
    let folder: String
    /// What authv runs with: the keyring's environment, or on the vault pass one without a session bus,
    /// with the vault at its default path ($XDG_DATA_HOME/authv/vault.json) and its password file.
    let environment: [String: String]
    /// The vault (vault pass only) and the file holding its password.
    let vault: (path: String, passwordFile: String)?

    /// `textual`: a login keyring without a password, kept by the daemon as a text file (see PrivateKeyring).
    /// `store`: the pass's store unless a test needs one (`.keyring` for tests of the keyring itself).
    init(textual: Bool = false, store: TestStore = TestStore.current) throws {
        try #require(FileManager.default.isExecutableFile(atPath: authvBinary), "build authv first (scripts/test does)")
        keyring = try PrivateKeyring(textual: textual)
        folder = try temporaryFolder("authv-cli")
        guard store == .vault, !textual else {
            environment = keyring.environment
            vault = nil
            return
        }
        // No D-Bus: no bus address, and a runtime folder with no bus socket in it.
        let own = keyring.folder + "/vault-pass"
        try FileManager.default.createDirectory(atPath: own + "/runtime", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let passwordFile = own + "/password"
        try Data("the test vault's pässword\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        var environment = keyring.environment
        environment["DBUS_SESSION_BUS_ADDRESS"] = nil
        environment["XDG_RUNTIME_DIR"] = own + "/runtime"
        environment["AUTHV_VAULT_PASSWORD_FILE"] = passwordFile
        self.environment = environment
        vault = (keyring.environment["XDG_DATA_HOME"]! + "/authv/vault.json", passwordFile)
        let created = try run(authvBinary, ["vault", "create"], environment: environment, replaceEnvironment: true)
        try #require(created.status == 0, "authv vault create: \(created.stderr)")
        // Unlocked once, as a user would: scrypt runs here, not in every command (the key is kept in the
        // kernel keyring under this vault's own path, and forgotten when the session ends).
        let unlocked = try run(authvBinary, ["unlock", "--for", "1h"], environment: environment, replaceEnvironment: true)
        try #require(unlocked.status == 0, "authv unlock: \(unlocked.stderr)")
    }

    deinit {
        if vault != nil { _ = try? run(authvBinary, ["lock"], environment: environment, replaceEnvironment: true) }
        keyring.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs authv in the session's environment (no terminal, NO_COLOR unset), in the session's folder.
    @discardableResult
    func authv(_ arguments: String..., stdin: Data = Data(), extra: [String: String] = [:]) throws -> RunResult {
        try authv(arguments: arguments, stdin: stdin, extra: extra)
    }

    /// The same with an argument list built at run time.
    @discardableResult
    func authv(arguments: [String], stdin: Data = Data(), extra: [String: String] = [:]) throws -> RunResult {
        try run(authvBinary, arguments, stdin: stdin, environment: environment.merging(extra) { $1 },
                replaceEnvironment: true, directory: folder)
    }

    /// Writes a file in the session's folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A QR code image drawn by qrencode (not by authv).
    func qr(_ name: String, _ payload: String) throws -> String {
        let path = folder + "/" + name
        let result = try run("qrencode", ["-o", path, "-s", "6", "-r", "/dev/stdin"], stdin: Data(payload.utf8))
        try #require(result.status == 0, "qrencode failed: \(result.stderr)")
        return path
    }

    /// The otpauth URIs stored, sorted: read from the keyring with secret-tool, or from the vault with the
    /// Python oracle (both independent of authv).
    func stored() throws -> [String] {
        if let vault { return try vaultContents(vault.path, passwordFile: vault.passwordFile).uris }
        let result = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.Account"],
                             environment: keyring.environment, replaceEnvironment: true)
        return result.stdout.split(separator: "\n").compactMap { line in
            line.hasPrefix("secret = ") ? String(line.dropFirst("secret = ".count)) : nil
        }.sorted()
    }

    /// "NAME [id], NAME [id]": the accounts named, with their ids, in the order `list` shows them (as an
    /// ambiguity error names its matches). Ids come from `list --json`: a vault's are random.
    func namedWithIDs(_ names: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let listed = try authv("list", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]], "\(listed.stderr)")
        let named = rows.compactMap { row -> String? in
            guard let name = row["name"] as? String, let id = row["id"] as? String, names.contains(name) else { return nil }
            return "\(name) [\(id)]"
        }
        try #require(named.count == names.count, "list --json has \(named), not each of \(names)", sourceLocation: sourceLocation)
        return named.joined(separator: ", ")
    }

    /// The accounts stored, parsed.
    func storedAccounts() throws -> [Account] {
        try stored().map { try Account(uri: $0) }
    }
}

/// Checks the contract for every failure, whole (as swift-argument-parser's `AssertExecuteCommand` does):
/// exactly this exit status, exactly this one line on standard error, nothing on standard output. The
/// line is written out in full, variable parts (a temporary path) built from the test's own values.
func expectFailure(_ result: RunResult, status: Int32, line: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == status, "exit status", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "standard output: \(result.stdout)", sourceLocation: sourceLocation)
    #expect(result.stderr == line + "\n", "standard error", sourceLocation: sourceLocation)
}

/// A command line that does not parse: exit status 64, nothing on standard output, and on standard error
/// exactly `line` ("Error: ...") followed by swift-argument-parser's usage of `command` and its hint.
func expectUsageError(_ result: RunResult, command: String, line: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 64, "exit status", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "standard output: \(result.stdout)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == line, "standard error: \(result.stderr)", sourceLocation: sourceLocation)
    let usage = lines.dropLast(2).last ?? ""  // the text ends with a newline: the last element is empty
    #expect(usage.hasPrefix("Usage: authv \(command) ") && lines.suffix(2) == ["  See 'authv \(command) --help' for more information.", ""],
            "usage of \(command): \(result.stderr)", sourceLocation: sourceLocation)
}

/// Codes the tests expect, computed once outside authv's OTP library and committed (as pyotp's tests
/// do). TOTP and HOTP by oathtool, the Base32 secret on standard input:
///     echo JBSWY3DPEHPK3PXP | oathtool -b --totp -N @1700000000 -                    (P1; also -N @59, ...)
///     echo GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ | oathtool -b --totp=SHA256 -d 8 -N @59 -  (P2)
///     echo MFRGGZDFMZTWQ2LK | oathtool -b --hotp -c 5 -                              (P3's counter)
/// Steam by these lines of /usr/bin/python3 (which give KeePassXC's vectors FR8RV and 9P3VP for
/// 63BEDWCQZKTQWPESARIERL5DTTQFCJTK at 1511200518 and 1511200714):
///     mac = hmac.new(base64.b32decode(secret), struct.pack(">Q", t // 30), hashlib.sha1).digest()
///     v = int.from_bytes(mac[(mac[-1] & 15):][:4], "big") & 0x7fffffff
///     "".join("23456789BCDFGHJKMNPQRTVWXY"[v // 26**i % 26] for i in range(5))
enum Codes {
    /// JBSWY3DPEHPK3PXP (P1's secret) with SHA1, 6 digits, 30 s.
    static let p1At59 = "996554"
    static let p1At1700000000 = "324550"  // the window 1699999980 to 1700000009
    static let p1At1700000010 = "367665"  // the window 1700000010 to 1700000039
    static let p1At1700000040 = "870960"
    static let p1At1795957200 = "762654"  // 2026-11-29T13:00:00Z
    /// P2: SHA256, 8 digits.
    static let p2At59 = "32247374"
    static let p2At1700000000 = "50869966"
    /// P3 (HOTP) at its counter 5.
    static let p3Counter5 = "510760"
    /// Steam, 63BEDWCQZKTQWPESARIERL5DTTQFCJTK.
    static let steamAt1700000000 = "DCTPN"
}
