import Foundation
import OTP
import Testing
import TestSupport

@Suite("The vault file survives kill -9 during writes")
struct VaultCrashTests {
    /// Killed between keeping the previous version and replacing the vault (a deterministic point), and
    /// then at random moments of many writes: the vault always opens, in the oracle too, holding either
    /// the accounts before that write or after it.
    @Test func killDuringWritesNeverLeavesAnUnreadableVault() throws {
        let s = try Session(store: .vault)
        let vault = try #require(s.vault)
        let uris = (0..<20).map { "otpauth://totp/Site\($0):user?secret=\(Base32.encode(Array("crash-secret-\($0)".utf8)))&issuer=Site\($0)" }
        #expect(try s.authv("add", try s.file("first.txt", uris.joined(separator: "\n"))).status == 0)
        let before = try s.stored()
        #expect(before.count == 20)

        let killed = try s.authv("add", "-", stdin: Data("otpauth://totp/New:one?secret=JBSWY3DPEHPK3PXP&issuer=New\n".utf8),
                                 extra: ["AUTHV_FAULT": "vault-write-after-backup", "AUTHV_FAULT_KILL": "1"])
        #expect(killed.status == 128 + 9)
        #expect(try s.stored() == before, "the vault as it was before the write")
        #expect(try vaultContents(vault.path + ".bak", passwordFile: vault.passwordFile).uris == before)

        // kill -9 at random moments of writes (add, then an HOTP step, each its own whole-file write).
        #expect(try s.authv("add", "-", stdin: Data("otpauth://hotp/Counter:c?secret=MFRGGZDFMZTWQ2LK&issuer=Counter&counter=0\n".utf8)).status == 0)
        var lastCounter: UInt64 = 0
        for round in 0..<12 {
            let delay = Double(round % 6) * 0.004
            let script = "\"$0\" code counter >/dev/null 2>&1 & pid=$!; sleep \(delay); kill -9 $pid 2>/dev/null; wait $pid; exit 0"
            _ = try run("/bin/sh", ["-c", script, authvBinary], environment: s.environment, replaceEnvironment: true)
            let now = try vaultContents(vault.path, passwordFile: vault.passwordFile).uris
            #expect(now.count == 21, "every account still there after round \(round)")
            let counter = try Account(uri: try #require(now.first { $0.hasPrefix("otpauth://hotp/") })).counter
            #expect(counter >= lastCounter, "the HOTP counter never moves back")
            lastCounter = counter
        }
        // The vault opens in authv as well.
        #expect(try s.authv("list").status == 0)
    }
}
