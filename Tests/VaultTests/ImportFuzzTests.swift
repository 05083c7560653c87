import Foundation
import Testing
import TestSupport
@testable import Vault

/// Hostile variants of every import-a format's fixtures (bytes flipped, inserted, removed, cut, numbers
/// swapped for huge ones) go through detection and parsing in-process: each must end in entries or a
/// FormatError, never a crash, a hang or a huge allocation. Encrypted files get a wrong password, so
/// the parsers before and after decryption are both reached (a wrong password ends at the check).
@Suite("import: hostile variants of the fixtures")
struct ImportFuzzTests {
    static let fixtures = [
        "2fas-v4-plain.2fas", "2fas-v4-encrypted.2fas", "aegis-v3-plain.json", "aegis-v1-plain.json",
        "andotp-plain.json", "andotp-encrypted.json.aes", "freeotp-plus.json", "proton-authenticator.json",
        "ente-plain.txt", "ente-encrypted.json", "authenticator-pro-plain.json", "authenticator-pro-legacy.authpro",
    ]

    /// A small deterministic generator (xorshift), so a failure repeats.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let hostileNumbers = ["99999999999999999999", "-1", "1e308", "4294967296", "0", "null", "\"x\"", "[]", "{}"]

    static func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        var out = bytes
        guard !out.isEmpty else { return out }
        switch random.next() % 6 {
        case 0:  // flip a byte
            out[Int(random.next() % UInt64(out.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
        case 1:  // cut
            out = Array(out.prefix(Int(random.next() % UInt64(out.count))))
        case 2:  // remove a run
            let start = Int(random.next() % UInt64(out.count))
            out.removeSubrange(start..<min(out.count, start + Int(random.next() % 64)))
        case 3:  // duplicate a run
            let start = Int(random.next() % UInt64(out.count))
            out.insert(contentsOf: out[start..<min(out.count, start + Int(random.next() % 200))], at: start)
        case 4:  // a number replaced with a hostile one
            let digits = out.indices.filter { (0x30...0x39).contains(out[$0]) }
            guard let at = digits.isEmpty ? nil : digits[Int(random.next() % UInt64(digits.count))] else { break }
            var end = at
            while end < out.count, (0x30...0x39).contains(out[end]) { end += 1 }
            let number = hostileNumbers[Int(random.next() % UInt64(hostileNumbers.count))]
            out.replaceSubrange(at..<end, with: Array(number.utf8))
        default:  // a byte inserted
            out.insert(UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(out.count)))
        }
        return out
    }

    @Test(arguments: fixtures) func hostileVariants(_ name: String) throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Fixtures/imports/" + name)))
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15 ^ UInt64(name.utf8.count))
        // Key derivations are slow on purpose: fewer rounds for encrypted files.
        let rounds = name.contains("encrypted") || name.hasSuffix(".aes") || name.hasSuffix(".authpro") ? 12 : 150
        var outcomes = (entries: 0, errors: 0)
        for _ in 0..<rounds {
            var bytes = original
            for _ in 0...(random.next() % 3) { bytes = ImportFuzzTests.mutate(bytes, &random) }
            let content = ExportContent(bytes)
            do {
                guard let format = try ExportFormats.detect(content, lastResort: true) else { continue }
                let entries = try format.entries(content) { () throws(FormatError) -> String in "not the password" }
                #expect(entries.count <= ExportLimits.maxEntries)
                outcomes.entries += 1
            } catch {
                #expect(!"\(error)".isEmpty)
                outcomes.errors += 1
            }
        }
        // Most variants reach a format's parser (read, or refused there), not only the detector.
        #expect(outcomes.entries + outcomes.errors > rounds / 2, "\(name): \(outcomes)")
    }
}
