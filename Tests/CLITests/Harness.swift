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

    /// Runs authv in the session's environment (no terminal, NO_COLOR unset).
    @discardableResult
    func authv(_ arguments: String..., stdin: Data = Data(), extra: [String: String] = [:]) throws -> RunResult {
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

    /// The accounts stored, parsed.
    func storedAccounts() throws -> [Account] {
        try stored().map { try Account(uri: $0) }
    }
}

/// Checks the contract for every failure: non-zero exit, one line on standard error naming the cause,
/// nothing on standard output.
func expectFailure(_ result: RunResult, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0, "exit status", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "standard output: \(result.stdout)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one line on standard error, got: \(result.stderr)", sourceLocation: sourceLocation)
    for part in parts {
        #expect(result.stderr.contains(part), "standard error should mention \(part): \(result.stderr)", sourceLocation: sourceLocation)
    }
}

/// The code an account shows at a time, computed by the OTP library (itself checked against the RFCs and oathtool).
func expectedCode(_ uri: String, at time: UInt64) throws -> String {
    try Account(uri: uri).code(at: time)
}
