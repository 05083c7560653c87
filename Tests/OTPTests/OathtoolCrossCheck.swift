import AuthvCrypto
import Foundation
import Testing
import TestSupport
@testable import OTP

@Suite("Cross-check against oathtool")
struct OathtoolCrossCheck {
    static let seed: UInt64 = 0x2026_1129

    /// For 200 random secrets, algorithms, lengths, periods and times, authv's codes equal oathtool's.
    /// oathtool writes 6 to 8 digits; for 9 and 10 digits, its 8-digit code must be authv's last 8.
    @Test func randomCasesAgree() throws {
        var rng = SplitMix(state: OathtoolCrossCheck.seed)
        for index in 0..<200 {
            let secret = (0..<Int.random(in: 10...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let algorithm = HashAlgorithm.allCases.randomElement(using: &rng)!
            let digits = Int.random(in: 6...10, using: &rng)
            let hotp = index % 4 == 3
            let period = [30, 60, 15, 1, 7, 300][Int.random(in: 0..<6, using: &rng)]
            let time = UInt64.random(in: 0...4_000_000_000, using: &rng)
            let counter = UInt64.random(in: 0...1_000_000_000, using: &rng)
            let oathDigits = min(digits, 8)
            var arguments = ["-d", String(oathDigits)]
            if hotp {
                arguments += ["--hotp", "-c", String(counter)]
            } else {
                arguments += ["--totp=\(algorithm.rawValue)", "-s", "\(period)s", "-N", "@\(time)"]
            }
            arguments.append("-")  // the key comes on standard input, never in the arguments
            let keyHex = secret.map { String(format: "%02x", $0) }.joined()
            let result = try run("oathtool", arguments, stdin: Data((keyHex + "\n").utf8))
            try #require(result.status == 0, "oathtool failed: \(result.stderr)")
            let theirs = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let account = hotp
                ? Account(type: .hotp, secret: SecretBytes(secret), algorithm: .sha1, digits: digits, counter: counter)
                : Account(type: .totp, secret: SecretBytes(secret), algorithm: algorithm, digits: digits, period: period)
            let ours = try account.code(at: time)
            #expect(ours.count == digits)
            #expect(String(ours.suffix(oathDigits)) == theirs, "case \(index) (seed \(OathtoolCrossCheck.seed)): \(hotp ? "hotp" : "totp \(algorithm) period \(period) time \(time)") digits \(digits)")
        }
    }
}
