import Foundation
import Testing
import TestSupport

/// The whole path against a verifier no one here wrote: Google's PAM module enrols a secret, qrencode
/// draws its QR code, authv adds it, and pamtester logs in with authv's code and with a recovery code.
@Suite("Logging in through pam_google_authenticator")
struct PAMLoginTests {
    /// Skipped, with its reason, for a developer who is not root; CI runs as root and runs it.
    @Test(.enabled(if: getuid() == 0, "writes a PAM service to /etc/pam.d: run as root (CI does)"))
    func loginWithACodeAndWithARecoveryCode() throws {
        let s = try Session()
        let secretFile = s.folder + "/google_authenticator"
        let enrol = try run("google-authenticator", ["-t", "-d", "-f", "-r", "10", "-R", "30", "-w", "3", "-q", "-s", secretFile])
        try #require(enrol.status == 0, "google-authenticator failed: \(enrol.stderr)")
        let lines = try String(contentsOfFile: secretFile, encoding: .utf8).split(separator: "\n").map(String.init)
        let secret = try #require(lines.first)
        let scratch = lines.filter { $0.count == 8 && $0.allSatisfy(\.isNumber) }
        try #require(scratch.count == 5)

        // What the enrolment page would show: its QR code, drawn by qrencode (the secret goes on standard input).
        let qr = try s.qr("pam.png", "otpauth://totp/PAM%20Test:root?secret=\(secret)&issuer=PAM%20Test")
        let added = try s.authv("add", qr)
        try #require(added.status == 0, "\(added.stderr)")

        let service = "authv-test-\(UUID().uuidString.prefix(8).lowercased())"
        let pamFile = "/etc/pam.d/\(service)"
        try "auth required pam_google_authenticator.so secret=\(secretFile) user=root\naccount required pam_permit.so\n"
            .write(toFile: pamFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: pamFile) }
        func login(_ code: String) throws -> Int32 {
            try run("pamtester", [service, "root", "authenticate"], stdin: Data((code + "\n").utf8)).status
        }

        #expect(try login("000000") != 0, "the verifier refuses a wrong code")
        let code = try s.authv("code", "pam test")
        try #require(code.status == 0, "\(code.stderr)")
        #expect(try login(code.stdout.trimmingCharacters(in: .newlines)) == 0, "logged in with authv's code")

        // The emergency scratch codes, as google-authenticator lists them, kept as recovery codes.
        let codesFile = try s.file("scratch.txt", "Your emergency scratch codes are:\n" + scratch.map { "  \($0)\n" }.joined())
        #expect(try s.authv("recovery", "add", "pam test", codesFile).status == 0)
        let recovery = try s.authv("recovery", "use", "pam test")
        try #require(recovery.status == 0, "\(recovery.stderr)")
        let used = recovery.stdout.trimmingCharacters(in: .newlines)
        #expect(used == scratch[0])
        #expect(try login(used) == 0, "logged in with a recovery code")
        #expect(try login(used) != 0, "a recovery code works once")
        #expect(try s.authv("recovery", "list", "pam test").stdout.split(separator: "\n").first?.hasSuffix(" used") == true)
    }
}
