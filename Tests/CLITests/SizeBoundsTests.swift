import Foundation
import Testing
import TestSupport

/// Percent-encodes every byte (as a hostile or careful encoder may), independent of authv's encoder.
func encodeAll(_ text: String) -> String {
    text.utf8.map { String(format: "%%%02X", $0) }.joined()
}

@Suite("Sizes of what is accepted are bounded (issue 10, item 7)")
struct SizeBoundsTests {
    static let secret = "JBSWY3DPEHPK3PXP"
    static let cases: [(uri: String, cause: String)] = [
        ("otpauth://totp/Big:" + String(repeating: "a", count: 1 << 20) + "?secret=\(secret)", "URI is longer than 40960 bytes"),
        ("otpauth://totp/" + String(repeating: "%41", count: 683) + "?secret=\(secret)", "label is longer than 2048 bytes"),
        ("otpauth://totp/I:" + String(repeating: "n", count: 257) + "?secret=\(secret)", "account name is longer than 256 bytes"),
        ("otpauth://totp/x?secret=\(secret)&issuer=" + String(repeating: "i", count: 257), "issuer is longer than 256 bytes"),
        ("otpauth://totp/x?secret=" + String(repeating: "A", count: 412), "secret is longer than 256 bytes"),
        ("otpauth://totp/x?secret=\(secret)" + (0..<32).map { "&p\($0)=1" }.joined(), "more than 32 parameters"),
        ("otpauth://totp/x?secret=\(secret)&note=" + String(repeating: "b", count: 8193), "note is longer than 8192 bytes"),
        (Proto.uri(Proto.entry(String(repeating: "m", count: 300))), "Google Authenticator export, account 1: account name is longer than 256 bytes"),
    ]

    @Test(arguments: 0..<SizeBoundsTests.cases.count)
    func oversizedIsRefused(index: Int) throws {
        let (uri, cause) = SizeBoundsTests.cases[index]
        let s = try Session()
        let path = try s.file("big.txt", uri + "\n")
        for command in [["add", "--dry-run", path], ["add", path]] {
            let result = try s.authv(arguments: command)
            #expect(result.status == 1 && result.stdout.isEmpty)
            #expect(result.stderr == "authv: \(path): line 1: \(cause)\n")
        }
        #expect(try s.stored().isEmpty)
    }

    @Test func theLargestAcceptedAreStoredAndReadBack() throws {
        let s = try Session()
        // 85 three-byte characters (255 bytes) in each name, every byte percent-encoded; a 256-byte secret.
        let issuer = String(repeating: "語", count: 85), name = String(repeating: "名", count: 85)
        let uri = "otpauth://totp/\(encodeAll(issuer)):\(encodeAll(name))?secret=\(String(repeating: "A", count: 410))&issuer=\(encodeAll(issuer))"
        let added = try s.authv("add", "-", stdin: Data(uri.utf8))
        #expect(added.status == 0, "\(added.stderr)")
        let stored = try s.storedAccounts()
        #expect(stored.count == 1 && stored.first?.issuer == issuer && stored.first?.name == name && stored.first?.secret.count == 256)
        let listed = try s.authv("list")
        #expect(listed.status == 0 && listed.stderr.isEmpty, "the stored item reads back: \(listed.stderr)")
    }

    @Test func renameAndManualEntryMeetTheSameBounds() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data("otpauth://totp/Ex:bob?secret=\(SizeBoundsTests.secret)".utf8)).status == 0)
        let rename = try s.authv("rename", "bob", "--issuer", String(repeating: "i", count: 257))
        #expect(rename.status == 1 && rename.stderr == "authv: issuer is longer than 256 bytes\n")
        let manual = try s.authv("add", "--manual", stdin: Data("Site\n\(String(repeating: "n", count: 300))\n\(SizeBoundsTests.secret)\n".utf8))
        #expect(manual.status == 1 && manual.stderr == "authv: account name is longer than 256 bytes\n", "\(manual.stderr)")
        #expect(try s.storedAccounts().map(\.displayName) == ["Ex (bob)"])
    }
}
