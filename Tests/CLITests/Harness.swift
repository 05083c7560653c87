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

/// One private keyring and the authv binary pointed at it.
final class Session: @unchecked Sendable {
    let keyring: PrivateKeyring
    let folder: String

    /// `textual`: a login keyring without a password, kept by the daemon as a text file (see PrivateKeyring).
    init(textual: Bool = false) throws {
        try #require(FileManager.default.isExecutableFile(atPath: authvBinary), "build authv first (scripts/test does)")
        keyring = try PrivateKeyring(textual: textual)
        folder = try temporaryFolder("authv-cli")
    }

    deinit {
        keyring.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs authv with the keyring's environment (no terminal, NO_COLOR unset).
    @discardableResult
    func authv(_ arguments: String..., stdin: Data = Data(), extra: [String: String] = [:]) throws -> RunResult {
        try run(authvBinary, arguments, stdin: stdin, environment: keyring.environment.merging(extra) { $1 },
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

    /// The otpauth URIs in the keyring, read with secret-tool (independent of authv), sorted.
    func stored() throws -> [String] {
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
