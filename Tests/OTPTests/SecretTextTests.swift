import Testing
@testable import OTP

/// An account's secret never reaches text: print, dump, String(reflecting:), string interpolation, and the
/// values Swift Testing shows when an expectation fails.
@Suite("Secrets stay out of text")
struct SecretTextTests {
    static let secret = Array("12345678901234567890".utf8)
    static let account = Account(type: .hotp, issuer: "Ex", name: "bob", secret: secret, counter: 7, note: "backup 1234-5678")

    static func leaks(_ text: String) -> Bool {
        text.contains("GEZDGNBVGY3TQOJQ") || text.contains("12345678901234567890") || text.contains("49, 50, 51")
            || text.contains("1234-5678")
    }

    @Test func noTextHoldsTheSecret() {
        var dumped = ""
        dump(SecretTextTests.account, to: &dumped)
        for text in [String(describing: SecretTextTests.account), String(reflecting: SecretTextTests.account),
                     "\(SecretTextTests.account)", dumped, String(describing: [SecretTextTests.account])] {
            #expect(!SecretTextTests.leaks(text), "\(text)")
            #expect(text.contains("20 bytes hidden"), "\(text)")
        }
        #expect(String(describing: SecretTextTests.account)
                == #"Account(hotp, issuer: "Ex", name: "bob", secret: 20 bytes hidden, SHA1, digits: 6, period: 30, counter: 7, offset: 0, note: 16 characters)"#)
    }

    /// Equality still sees every field, the secret included (compared in constant time).
    @Test func equalityComparesTheSecret() {
        var other = SecretTextTests.account
        #expect(other == SecretTextTests.account)
        other.secret[19] ^= 1
        #expect(other != SecretTextTests.account)
        #expect(!other.isSameAccount(as: SecretTextTests.account))
        #expect(Account.sameBytes([1, 2], [1, 2]) && !Account.sameBytes([1, 2], [1, 3]) && !Account.sameBytes([1], [1, 0]))
        other = SecretTextTests.account
        other.counter = 8
        #expect(other != SecretTextTests.account && other.isSameAccount(as: SecretTextTests.account))
    }
}
