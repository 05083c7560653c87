import Foundation
import OTP
import Testing
import TestSupport
@testable import Vault

/// Secrets are kept on one line of plain characters (a keyring written as text loses the whole collection
/// over a newline): the rule, its enforcement where every secret is written, and recovery codes' form.
@Suite("One-line secrets")
struct StorableSecretTests {
    @Test(arguments: [
        ("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A", nil),
        ("unused:1234%205678 used:abcde-12345", nil),
        ("Ünïcode inside", nil),
        ("a\nb", "line break"), ("a\rb", "line break"), ("a\u{2028}b", "line break"),
        ("a\u{0}b", "control character"), ("a\tb", "control character"), ("a\u{1b}[2Jb", "control character"),
        ("a\u{7f}b", "control character"), ("a\u{9b}b", "control character"),
        ("a\\nb", "backslash"), (" lead", "starts with white space"), ("trail ", "ends with white space"),
    ] as [(String, String?)])
    func rule(text: String, problem: String?) {
        if let problem {
            #expect(StorableSecret.problem(text)?.contains(problem) == true, "\(text.debugDescription)")
        } else {
            #expect(StorableSecret.problem(text) == nil, "\(text.debugDescription)")
        }
    }

    /// The keyring store refuses such a secret where it writes secrets, whichever writer asks.
    @Test func theKeyringStoreRefusesAMultiLineSecret() throws {
        _ = sharedKeyring
        let store = try KeyringStore()
        let id = "rule" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        do {
            try store.storeItem(text: "unused 1\nunused 2", attributes: ["account-id": id], label: "test", recovery: true,
                                operation: "storing test codes")
            Issue.record("a secret with a newline was stored")
        } catch {
            #expect(error == .unstorableSecret(operation: "storing test codes", reason: "it holds a line break"))
            #expect("\(error)".contains("nothing was stored") && !"\(error)".contains("unused 1"))
        }
        let found = try run("secret-tool", ["search", "--all", "xdg:schema", KeyringStore.recoverySchemaName, "account-id", id],
                            environment: sharedKeyring.environment, replaceEnvironment: true)
        #expect(!found.stdout.contains("secret"), "nothing stored: \(found.stdout)")
    }

    @Test func recoveryCodesRoundTripOnOneLine() {
        let codes = RecoveryCodes(codes: [.init(code: "1234 5678", used: true), .init(code: "abc%:d"),
                                          .init(code: "üñí-123456"), .init(code: "used:x")])
        #expect(StorableSecret.problem(codes.stored) == nil)
        #expect(!RecoveryCodes.isEarlierForm(codes.stored))
        #expect(RecoveryCodes(stored: codes.stored) == codes)
        #expect(codes.stored.hasPrefix("used:1234%205678 unused:abc%25%3Ad "))
    }

    @Test func theEarlierFormIsStillRead() {
        let earlier = "used 1234 5678\nunused abcde-12345\n"
        #expect(RecoveryCodes.isEarlierForm(earlier))
        #expect(RecoveryCodes.isEarlierForm("unused abcde-12345"), "a single code, without its newline")
        #expect(RecoveryCodes(stored: earlier) == RecoveryCodes(codes: [.init(code: "1234 5678", used: true), .init(code: "abcde-12345")]))
    }
}
