import Foundation
import Testing
import TestSupport

@Suite("Text that is not UTF-8, and --at (issue 10, item 7)")
struct TextAndTimeTests {
    static let line = P1 + "\n"
    static let cases: [(name: String, bytes: [UInt8], cause: String)] = [
        ("bad-byte.txt", Array(line.utf8.prefix(16)) + [0xFF] + Array(line.utf8.dropFirst(16)),
         "not UTF-8 text (byte 0xff at offset 16; save it as UTF-8)"),
        ("latin1.txt", [0x23, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0A] + Array(line.utf8),
         "not UTF-8 text (byte 0xe9 at offset 5; save it as UTF-8)"),
        ("utf16-bom.txt", [0xFF, 0xFE] + line.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
         "not UTF-8 text (UTF-16: convert it with iconv -f UTF-16 -t UTF-8)"),
        ("utf16be.txt", line.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
         "not UTF-8 text (UTF-16: convert it with iconv -f UTF-16 -t UTF-8)"),
        ("nul.txt", Array(line.utf8.prefix(20)) + [0] + Array(line.utf8.dropFirst(20)),
         "not UTF-8 text (a NUL byte at offset 20)"),
        ("random.bin", (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) },
         "not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)"),
    ]

    @Test(arguments: 0..<TextAndTimeTests.cases.count)
    func textThatIsNotUTF8SaysSo(index: Int) throws {
        let (name, bytes, cause) = TextAndTimeTests.cases[index]
        let s = try Session()
        let path = s.folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for command in [["add", "--dry-run", path], ["add", path]] {
            let result = try s.authv(arguments: command)
            #expect(result.status == 1 && result.stdout.isEmpty)
            #expect(result.stderr == "authv: \(path): \(cause)\n")
        }
        let piped = try s.authv("add", "-", stdin: Data(bytes))
        #expect(piped.stderr == "authv: standard input: \(cause)\n")
        #expect(try s.stored().isEmpty)
    }

    @Test func atTakesFractionsInBothForms() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        let expected = Codes.p1At1700000000 + "\n"
        for time in ["1700000000", "1700000000.5", "1700000000.999", "2023-11-14T22:13:20.5Z", "2023-11-14T23:13:20.25+01:00"] {
            let code = try s.authv("code", "example", "--at", time)
            #expect(code.status == 0 && code.stdout == expected && code.stderr.isEmpty, "\(time): \(code.stderr)")
        }
        let listed = try s.authv("list", "--at", "1700000000.5")
        #expect(listed.status == 0 && listed.stdout.hasSuffix(" 10s\n"), "\(listed.stdout)")
    }

    @Test(arguments: [("-1", "'-1' is before 1970: authv computes codes from 1970-01-01T00:00:00Z on"),
                      ("-0.5", "'-0.5' is before 1970: authv computes codes from 1970-01-01T00:00:00Z on"),
                      ("1969-12-31T23:59:59Z", "'1969-12-31T23:59:59Z' is before 1970: authv computes codes from 1970-01-01T00:00:00Z on"),
                      ("99999999999999999999", "'99999999999999999999' is after the year 9999"),
                      ("1e9", "'1e9' is not a time: give unix seconds (1700000000, 1700000000.5) or ISO 8601 with a zone (2026-11-29T13:00:00Z)")])
    func atRefusesWhatIsNotATime(time: String, cause: String) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        for command in [["code", "example", "--at", time], ["list", "--at", time]] {
            let result = try s.authv(arguments: command)
            expectUsageError(result, command: command[0], line: "Error: The value '\(time)' is invalid for '--at <TIME>': \(cause)")
        }
    }

    /// With --at nothing is waited for: the message says what was computed, not that it waits.
    @Test func freshWithAtSaysWhatItComputed() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        let result = try s.authv("code", "example", "--fresh", "15", "--at", "1700000000")  // 10 s left
        #expect(result.status == 0)
        #expect(result.stdout == Codes.p1At1700000010 + "\n")
        #expect(result.stderr == "only 10 s left at 1700000000: the code of the next window, from 1700000010\n")
        let plenty = try s.authv("code", "example", "--fresh", "5", "--at", "1700000000")
        #expect(plenty.stdout == Codes.p1At1700000000 + "\n" && plenty.stderr.isEmpty)
    }
}
