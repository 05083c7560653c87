import AuthvCrypto
import Testing
@testable import OTP

private let rfcSHA1 = SecretBytes(Array("12345678901234567890".utf8))
private let rfcSHA256 = SecretBytes(Array("12345678901234567890123456789012".utf8))
private let rfcSHA512 = SecretBytes(Array("1234567890123456789012345678901234567890123456789012345678901234".utf8))

@Suite("HOTP, TOTP and Steam vectors")
struct AlgorithmTests {
    // RFC 4226, Appendix D: secret "12345678901234567890", 6 digits, counters 0-9.
    @Test(arguments: [
        (0, "755224"), (1, "287082"), (2, "359152"), (3, "969429"), (4, "338314"),
        (5, "254676"), (6, "287922"), (7, "162583"), (8, "399871"), (9, "520489"),
    ] as [(UInt64, String)])
    func rfc4226(counter: UInt64, expected: String) throws {
        #expect(try OTP.hotp(secret: rfcSHA1, counter: counter) == expected)
    }

    // RFC 6238, Appendix B: T0 = 0, period 30, 8 digits.
    @Test(arguments: [
        (59, HashAlgorithm.sha1, "94287082"), (59, .sha256, "46119246"), (59, .sha512, "90693936"),
        (1_111_111_109, .sha1, "07081804"), (1_111_111_109, .sha256, "68084774"), (1_111_111_109, .sha512, "25091201"),
        (1_111_111_111, .sha1, "14050471"), (1_111_111_111, .sha256, "67062674"), (1_111_111_111, .sha512, "99943326"),
        (1_234_567_890, .sha1, "89005924"), (1_234_567_890, .sha256, "91819424"), (1_234_567_890, .sha512, "93441116"),
        (2_000_000_000, .sha1, "69279037"), (2_000_000_000, .sha256, "90698825"), (2_000_000_000, .sha512, "38618901"),
        (20_000_000_000, .sha1, "65353130"), (20_000_000_000, .sha256, "77737706"), (20_000_000_000, .sha512, "47863826"),
    ] as [(UInt64, HashAlgorithm, String)])
    func rfc6238(time: UInt64, algorithm: HashAlgorithm, expected: String) throws {
        let secret = switch algorithm { case .sha1: rfcSHA1; case .sha256: rfcSHA256; case .sha512: rfcSHA512 }
        #expect(try OTP.totp(secret: secret, time: time, period: 30, algorithm: algorithm, digits: 8) == expected)
        let account = Account(type: .totp, secret: secret, algorithm: algorithm, digits: 8)
        #expect(try account.code(at: time) == expected)
    }

    // Steam Guard. Secret 63BEDWCQZKTQWPESARIERL5DTTQFCJTK with its codes: KeePassXC's tests/TestTotp.cpp.
    // Twenty zero bytes at counters 0 and 1: the Deno "otp" package's steamTotp tests.
    @Test func steam() throws {
        let secret = try Base32.decode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK")
        #expect(try Steam.code(secret: secret, time: 1_511_200_518) == "FR8RV")
        #expect(try Steam.code(secret: secret, time: 1_511_200_714) == "9P3VP")
        let zeros = SecretBytes([UInt8](repeating: 0, count: 20))
        #expect(try Steam.code(secret: zeros, time: 0) == "RYH4D")
        #expect(try Steam.code(secret: zeros, time: 30) == "DR2DK")
        let account = Account(type: .steam, issuer: "Steam", name: "gabe", secret: secret)
        #expect(account.digits == 5 && account.period == 30 && account.algorithm == .sha1)
        #expect(try account.code(at: 1_511_200_518) == "FR8RV")
    }

    // Ten digits: the 31-bit value is below 10^10, so the code is that value, zero-padded.
    @Test func tenDigits() throws {
        let code = try OTP.hotp(secret: rfcSHA1, counter: 0, digits: 10)
        #expect(code.count == 10)
        #expect(code.hasSuffix("755224"))  // RFC 4226 Appendix D: counter 0 truncates to 1284755224
        #expect(code == "1284755224")
    }

    @Test(arguments: [
        (0, 30, 30), (1, 30, 29), (29, 30, 1), (30, 30, 30), (59, 30, 1), (1_700_000_000, 30, 10), (5, 1, 1), (100, 60, 20),
    ] as [(UInt64, Int, Int)])
    func secondsLeft(time: UInt64, period: Int, expected: Int) {
        #expect(OTP.secondsLeft(time: time, period: period) == expected)
        #expect(Account(secret: [1], period: period).secondsLeft(at: time) == expected)
    }

    @Test func hotpAccountHasNoWindow() {
        #expect(Account(type: .hotp, secret: [1]).secondsLeft(at: 10) == nil)
    }
}
