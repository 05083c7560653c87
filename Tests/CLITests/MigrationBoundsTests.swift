import Foundation
import Testing
import TestSupport

/// Protobuf bytes written out by hand (independent of authv's reader and writer).
enum Proto {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        while value >= 0x80 { out.append(UInt8(value & 0x7f) | 0x80); value >>= 7 }
        return out + [UInt8(value)]
    }
    static func int(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }
    static func bytes(_ number: UInt64, _ value: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(value.count)) + value }
    /// One TOTP entry (secret "Hello!" DE AD BE EF) named NAME.
    static func entry(_ name: String) -> [UInt8] {
        bytes(1, bytes(1, Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]) + bytes(2, Array(name.utf8)) + int(6, 2))
    }
    /// The export URI of a payload (Base64 by Foundation, percent-encoded).
    static func uri(_ payload: [UInt8], host: String = "offline") -> String {
        let base64 = Data(payload).base64EncodedString()
        return "otpauth-migration://\(host)?data=" + base64.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
}

@Suite("Google Authenticator exports with hostile counts (issue 10, item 2)")
struct MigrationBoundsTests {
    static let cases: [(payload: [UInt8], host: String, message: String)] = [
        (Proto.entry("a") + Proto.int(3, 2_147_483_647), "offline",
         "Google Authenticator export claims 2147483647 QR codes (1 to 100 expected)"),
        (Proto.entry("a") + Proto.int(3, 0), "offline",
         "Google Authenticator export claims 0 QR codes (1 to 100 expected)"),
        (Proto.entry("a") + Proto.int(3, UInt64.max), "offline",
         "Google Authenticator export claims 18446744073709551615 QR codes (1 to 100 expected)"),
        (Proto.entry("a") + Proto.int(3, 101), "offline",
         "Google Authenticator export claims 101 QR codes (1 to 100 expected)"),
        (Proto.entry("a") + Proto.int(3, 2) + Proto.int(4, UInt64.max), "offline",
         "Google Authenticator export: QR code number 18446744073709551615 of 2 (0 to 1 expected)"),
        (Proto.int(2, 1) + Proto.int(3, 1) + Proto.int(4, 0), "offline",
         "Google Authenticator export holds no accounts"),
        ((0...100).flatMap { Proto.entry("n\($0)") }, "offline",
         "Google Authenticator export with more than 100 accounts in one QR code"),
        (Proto.entry("a"), "online",
         "otpauth-migration://online is not a Google Authenticator export (those start otpauth-migration://offline)"),
    ]

    @Test(arguments: 0..<MigrationBoundsTests.cases.count)
    func refusedInAText(index: Int) throws {
        let (payload, host, message) = MigrationBoundsTests.cases[index]
        let s = try Session()
        let path = try s.file("export.txt", Proto.uri(payload, host: host) + "\n")
        for command in [["add", "--dry-run", path], ["add", path]] {
            let result = try s.authv(arguments: command)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "authv: \(path): line 1: \(message)\n")
        }
        #expect(try s.stored().isEmpty)
    }

    /// The 60-byte QR code of the report: one account and a batch size of 2^31-1.
    @Test func theSixtyByteQRCodeIsRefusedAtOnce() throws {
        let s = try Session()
        let image = try s.qr("huge-batch.png", Proto.uri(Proto.entry("Ex:a") + Proto.int(3, 2_147_483_647)))
        let result = try s.authv("add", "--dry-run", image)
        #expect(result.status == 1)
        #expect(result.stderr == "authv: \(image): QR code: Google Authenticator export claims 2147483647 QR codes (1 to 100 expected)\n")
    }

    @Test func partsPresentAreReadAndMissingOnesNamed() throws {
        let s = try Session()
        // Parts 1 and 3 of 100: 98 missing, the first ten listed.
        let lines = [Proto.entry("Ex:a") + Proto.int(3, 100) + Proto.int(4, 0) + Proto.int(5, 7),
                     Proto.entry("Ex:b") + Proto.int(3, 100) + Proto.int(4, 2) + Proto.int(5, 7)].map { Proto.uri($0) }
        let path = try s.file("parts.txt", lines.joined(separator: "\n"))
        let result = try s.authv("add", "--dry-run", path)
        #expect(result.status == 1)
        #expect(result.stderr == "authv: Google Authenticator export is incomplete: QR codes 2, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 88 more of 100 missing (scan every part)\n")
        // An absent batch_size is one QR code (the format's own vector has none).
        let single = try s.file("single.txt", Proto.uri(Proto.entry("Ex:one")) + "\n")
        let added = try s.authv("add", "--dry-run", single)
        #expect(added.status == 0 && added.stderr == "Ex (one)\n", "\(added.stderr)")
    }
}
