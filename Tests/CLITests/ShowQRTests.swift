import Foundation
import Testing
import TestSupport

/// `authv show QUERY --qr`: the account's otpauth URI as a QR code, as a PNG and drawn on a terminal
/// (tmux), each decoded by zbarimg and by zxing-cpp (Python), never by authv's own scanner alone.
@Suite("show --qr")
struct ShowQRTests {
    /// A session holding P1 and its canonical URI (what `export` writes for it).
    static func session() throws -> (Session, String) {
        let s = try Session()
        try #require(try s.authv("add", try s.file("one.txt", P1 + "\n")).status == 0)
        let uri = try s.authv("export").stdout.trimmingCharacters(in: .newlines)
        try #require(uri.hasPrefix("otpauth://totp/"))
        return (s, uri)
    }

    /// The text of every QR code in an image, by zbarimg and by zxing-cpp.
    static func decoded(_ image: String) throws -> (zbar: String, zxing: String) {
        let zbar = try run("zbarimg", ["--raw", "-q", image])
        let zxing = try run("/usr/bin/python3", ["-c", """
            import sys, zxingcpp
            from PIL import Image
            for r in zxingcpp.read_barcodes(Image.open(sys.argv[1])):
                print(r.text)
            """, image])
        return (zbar.stdout.trimmingCharacters(in: .newlines), zxing.stdout.trimmingCharacters(in: .newlines))
    }

    @Test func pngDecodesWithZbarAndZXing() throws {
        let (s, uri) = try ShowQRTests.session()
        let png = s.folder + "/code.png"
        let result = try s.authv("show", "example", "--qr", "--output", png)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: png)[.posixPermissions] as? Int == 0o600)
        let header = try Data(contentsOf: URL(fileURLWithPath: png)).prefix(8)
        #expect(Array(header) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let (zbar, zxing) = try ShowQRTests.decoded(png)
        #expect(zbar == uri)
        #expect(zxing == uri)
    }

    @Test func refusals() throws {
        let (s, _) = try ShowQRTests.session()
        expectFailure(try s.authv("show", "example", "--qr"), status: 1, line: "authv: standard output is not a terminal: give --output FILE to write a PNG instead")
        let existing = try s.file("existing.png", "keep")
        expectFailure(try s.authv("show", "example", "--qr", "--output", existing), status: 1, line: "authv: \(existing): already exists (use --force to replace it)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep")
        #expect(try s.authv("show", "example", "--qr", "--output", existing, "--force").status == 0)
        #expect(try ShowQRTests.decoded(existing).zbar.hasPrefix("otpauth://"))
        expectFailure(try s.authv("show", "nothing-like-it", "--qr", "--output", s.folder + "/n.png"), status: 1, line: "authv: no account matches 'nothing-like-it'")
        expectUsageError(try s.authv("show", "example"), command: "show", line: "Error: show needs --qr (the account's QR code is what it shows)")
        #expect(!FileManager.default.fileExists(atPath: s.folder + "/n.png"))
    }

    /// A byte flipped between writing the PNG and scanning it back fails the command and leaves no file.
    @Test func aFlippedByteLeavesNoFile() throws {
        let (s, _) = try ShowQRTests.session()
        let png = s.folder + "/flipped.png"
        let result = try s.authv("show", "example", "--qr", "--output", png, extra: ["AUTHV_FAULT": "show-read-back"])
        expectFailure(result, status: 1, line: "authv: \(png): the PNG written did not read back (damaged image (IDAT: incorrect data check)); nothing was kept")
        #expect(!FileManager.default.fileExists(atPath: png))
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.folder).allSatisfy { !$0.hasPrefix(".authv-") })
    }

    /// The cells of a captured screen above the line holding `caption`, rasterised as the test reads them:
    /// a full block is two dark modules, an upper or lower half block one, anything else light; lines
    /// tmux trimmed are padded with light cells. Written as a PGM, 4 pixels a module.
    static func rasterise(_ screen: String, above caption: String, to path: String) throws -> Int {
        var lines = screen.components(separatedBy: "\n")
        let end = try #require(lines.firstIndex { $0.contains(caption) })
        lines = Array(lines[..<end])
        let columns = lines.map(\.count).max() ?? 0
        let scale = 4, margin = 8
        let width = columns * scale + 2 * margin, height = lines.count * 2 * scale + 2 * margin
        var pixels = [UInt8](repeating: 255, count: width * height)
        for (row, line) in lines.enumerated() {
            for (column, cell) in line.enumerated() {
                let top = cell == "\u{2588}" || cell == "\u{2580}", bottom = cell == "\u{2588}" || cell == "\u{2584}"
                for (half, dark) in [(0, top), (1, bottom)] where dark {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            pixels[(margin + (row * 2 + half) * scale + dy) * width + margin + column * scale + dx] = 0
                        }
                    }
                }
            }
        }
        try (Data("P5\n\(width) \(height)\n255\n".utf8) + Data(pixels)).write(to: URL(fileURLWithPath: path))
        return lines.count
    }

    static let blocks: Set<Character> = ["\u{2588}", "\u{2580}", "\u{2584}"]

    /// Drawn on a terminal: decodes (from the captured cells) with both decoders; the region is cleared
    /// on Enter, on q, on Ctrl-C and on SIGTERM.
    @Test(arguments: ["Enter", "q", "C-c", "TERM"]) func terminalDecodesAndIsCleared(ending: String) throws {
        let (s, uri) = try ShowQRTests.session()
        let t = try TerminalSession("\(authvBinary) show example --qr; echo ended $?; sleep 60", environment: s.keyring.environment,
                                    folder: s.folder, width: 100, height: 40)
        defer { t.stop() }
        let (shown, screen) = t.waitFor("scan it with your phone")
        try #require(shown, "\(screen)")
        let image = s.folder + "/screen-\(ending).pgm"
        let rows = try ShowQRTests.rasterise(screen, above: "scan it with your phone", to: image)
        #expect(rows >= 15)
        let (zbar, zxing) = try ShowQRTests.decoded(image)
        #expect(zbar == uri)
        #expect(zxing == uri)
        if ending == "TERM" {
            let shell = try #require(t.panePID())
            let child = try run("pgrep", ["-P", String(shell)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let pid = try #require(Int32(child.split(separator: "\n").first ?? ""))
            kill(pid, SIGTERM)
        } else {
            t.send(ending)
        }
        let status = ["Enter": "ended 0", "q": "ended 0", "C-c": "ended 130", "TERM": "ended 143"][ending]!
        let (ended, after) = t.waitFor(status)
        #expect(ended, "\(after)")
        #expect(!after.contains { ShowQRTests.blocks.contains($0) }, "the QR code is cleared: \(after)")
        #expect(!after.contains("scan it with your phone"))
    }

    @Test func refusesATerminalTooSmall() throws {
        let (s, _) = try ShowQRTests.session()
        let t = try TerminalSession("\(authvBinary) show example --qr; echo ended $?; sleep 60", environment: s.keyring.environment,
                                    folder: s.folder, width: 30, height: 12)
        defer { t.stop() }
        let (ended, screen) = t.waitFor("ended 1")
        #expect(ended, "\(screen)")
        // The message wraps at 30 columns.
        #expect(screen.replacingOccurrences(of: "\n", with: "").contains("the terminal is 30x12 characters; this QR code needs"))
        #expect(!screen.contains { ShowQRTests.blocks.contains($0) })
    }
}
