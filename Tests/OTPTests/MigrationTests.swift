import AuthvCrypto
import Testing
import TestSupport
@testable import OTP

/// Protobuf written out by hand, byte by byte, independent of authv's writer.
private func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
    precondition(bytes.count < 128)
    return [number << 3 | 2, UInt8(bytes.count)] + bytes
}
private func varint(_ number: UInt8, _ value: UInt8) -> [UInt8] {
    precondition(value < 128)
    return [number << 3, value]
}
private func text(_ s: String) -> [UInt8] { Array(s.utf8) }
private func uri(_ payload: [UInt8]) -> String {
    "otpauth-migration://offline?data=" + Percent.encode(Base64.encode(payload))
}

private let hello: [UInt8] = Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]
private let rfc: [UInt8] = Array("12345678901234567890".utf8)

@Suite("Google Authenticator exports (otpauth-migration://)")
struct MigrationTests {
    // formats.md: one TOTP account, name "Example:alice@google.com", issuer "Example", secret JBSWY3DPEHPK3PXP.
    @Test func knownVector() throws {
        let part = try Migration.decode("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC")
        #expect(part.accounts == [Account(type: .totp, issuer: "Example", name: "alice@google.com", secret: SecretBytes(hello))])
        #expect(part.batchSize == 1 && part.batchIndex == 0)
    }

    @Test func handBuiltPayload() throws {
        // Three accounts: TOTP SHA256 8 digits; HOTP at counter 42 with no issuer field (prefix in the name);
        // TOTP with unspecified algorithm and digits (SHA1, 6).
        let first = field(1, hello) + field(2, text("GitHub:alice")) + field(3, text("GitHub"))
            + varint(4, 2) + varint(5, 2) + varint(6, 2)
        let second = field(1, rfc) + field(2, text("Ex: bob")) + varint(4, 1) + varint(5, 1) + varint(6, 1) + varint(7, 42)
        let third = field(1, [0x01, 0x02, 0x03, 0x04, 0x05]) + field(2, text("carol")) + varint(6, 2)
        let payload = field(1, first) + field(1, second) + field(1, third)
            + varint(2, 1) + varint(3, 1) + varint(4, 0) + varint(5, 77)
        let part = try Migration.decode(uri(payload))
        #expect(part.batchID == 77)
        #expect(part.accounts == [
            Account(type: .totp, issuer: "GitHub", name: "alice", secret: SecretBytes(hello), algorithm: .sha256, digits: 8),
            Account(type: .hotp, issuer: "Ex", name: "bob", secret: SecretBytes(rfc), counter: 42),
            Account(type: .totp, issuer: "", name: "carol", secret: [1, 2, 3, 4, 5]),
        ])
        #expect(try Migration.assemble([part]) == part.accounts)
    }

    @Test func unknownFieldsAreSkipped() throws {
        // A fixed64 field (number 9) and a length-delimited one (number 10) that no version uses yet.
        let entry = field(1, hello) + field(2, text("x")) + varint(6, 2) + [9 << 3 | 1] + [UInt8](repeating: 7, count: 8)
        let payload = field(1, entry) + field(10, text("future")) + varint(3, 1)
        #expect(try Migration.decode(uri(payload)).accounts.count == 1)
    }

    @Test func multiPartExport() throws {
        let a = field(1, field(1, hello) + field(2, text("A:one")) + varint(6, 2)) + varint(3, 3) + varint(4, 0) + varint(5, 9)
        let b = field(1, field(1, rfc) + field(2, text("B:two")) + varint(6, 2)) + varint(3, 3) + varint(4, 1) + varint(5, 9)
        let c = field(1, field(1, [9, 9, 9]) + field(2, text("C:three")) + varint(6, 2)) + varint(3, 3) + varint(4, 2) + varint(5, 9)
        let parts = try [c, a, b].map { try Migration.decode(uri($0)) }
        #expect(try Migration.assemble(parts).map(\.issuer) == ["A", "B", "C"])
        // The same part scanned twice counts once.
        #expect(try Migration.assemble(parts + [parts[0]]).count == 3)
        // A missing part is an error naming it.
        #expect(throws: MigrationError.missingParts(missing: [2], of: 3)) { try Migration.assemble([parts[0], parts[1]]) }
        #expect(throws: MigrationError.missingParts(missing: [1, 3], of: 3)) { try Migration.assemble([parts[2]]) }
        #expect(MigrationError.missingParts(missing: [2], of: 3).description.contains("QR code 2 of 3 missing"))
    }

    static let rejections: [(String, MigrationError)] = [
        ("otpauth-migration://offline", MigrationError.missingData),
        ("otpauth-migration://offline?data=", .missingData),
        ("otpauth-migration://offline?data=!!!!", .invalidBase64),
        ("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhh", .malformedPayload),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", .notMigration),
    ]

    @Test(arguments: MigrationTests.rejections.map { (MaskedURI($0.0), $0.1) })
    func rejected(masked: MaskedURI, expected: MigrationError) {
        #expect(throws: expected) { try Migration.decode(masked.text) }
    }

    @Test func badEntriesNameTheirPosition() {
        let good = field(1, field(1, hello) + field(2, text("x")) + varint(6, 2))
        let md5 = field(1, field(1, hello) + field(2, text("y")) + varint(4, 4) + varint(6, 2))
        #expect(throws: MigrationError.invalidEntry(entry: 2, reason: "unsupported algorithm MD5")) { try Migration.decode(uri(good + md5)) }
        let noSecret = field(1, field(2, text("y")) + varint(6, 2))
        #expect(throws: MigrationError.invalidEntry(entry: 1, reason: "empty secret")) { try Migration.decode(uri(noSecret)) }
        let noType = field(1, field(1, hello) + field(2, text("y")))
        #expect(throws: MigrationError.invalidEntry(entry: 1, reason: "unsupported OTP type 0")) { try Migration.decode(uri(noType)) }
        let badIndex = good + varint(3, 2) + varint(4, 5)
        #expect(throws: MigrationError.invalidBatchIndex(5, size: 2)) { try Migration.decode(uri(badIndex)) }
    }

    @Test func encodeDecodeRoundTrip() throws {
        var accounts: [Account] = []
        for i in 0..<23 {
            let secret: [UInt8] = (0..<(10 + i)).map { UInt8(truncatingIfNeeded: $0 * 7 + i) }
            let algorithm: HashAlgorithm = [HashAlgorithm.sha1, .sha256, .sha512][i % 3]
            let type: OTPType = i % 5 == 0 ? .hotp : .totp
            accounts.append(Account(type: type, issuer: "Issuer \(i)", name: "user\(i)@example.com", secret: SecretBytes(secret),
                                    algorithm: algorithm, digits: i % 2 == 0 ? 6 : 8, counter: type == .hotp ? UInt64(i * 1000) : 0))
        }
        let encoded = Migration.encode(accounts, batchID: 1234)
        #expect(encoded.uris.count == 3)  // at most 10 per payload
        #expect(encoded.unsupported.isEmpty)
        let parts: [MigrationPart] = try encoded.uris.map { try Migration.decode($0) }
        #expect(parts.map { $0.accounts.count } == [10, 10, 3])
        #expect(parts.allSatisfy { $0.batchSize == 3 && $0.batchID == 1234 })
        #expect(try Migration.assemble(parts) == accounts)
    }

    @Test func unsupportedAccountsAreReported() throws {
        let accounts = [
            Account(type: .totp, issuer: "A", name: "ok", secret: SecretBytes(hello)),
            Account(type: .steam, issuer: "Steam", name: "gabe", secret: SecretBytes(hello)),
            Account(type: .totp, issuer: "B", name: "slow", secret: SecretBytes(hello), period: 60),
            Account(type: .totp, issuer: "C", name: "long", secret: SecretBytes(hello), digits: 7),
        ]
        let encoded = Migration.encode(accounts)
        #expect(encoded.unsupported.map(\.account.name) == ["gabe", "slow", "long"])
        #expect(try Migration.assemble(encoded.uris.map { try Migration.decode($0) }) == [accounts[0]])
    }
}
