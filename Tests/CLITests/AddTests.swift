import AuthvCrypto
import Foundation
import OTP
import Testing
import TestSupport

@Suite("authv add")
struct AddTests {
    @Test func addsEveryCodeInAnImage() throws {
        let s = try Session()
        let result = try s.authv("add", fixtures + "qr/three-codes.png")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 3)
        #expect(result.stderr.contains("added: Example (alice@example.com)"))
        #expect(result.stderr.contains("added: Corp VPN (carol)"))
        #expect(result.stderr.contains("added: GitHub (bob)"))
        #expect(try s.storedAccounts().count == 3)
        #expect(try Set(s.storedAccounts().map(\.displayName)) == ["Example (alice@example.com)", "Corp VPN (carol)", "GitHub (bob)"])
    }

    @Test func addsATextFileSkippingBlankAndCommentLines() throws {
        let s = try Session()
        let path = try s.file("uris.txt", "# my accounts\n\n\(P1)\r\n   \n\(P2)\n# end\n")
        let result = try s.authv("add", path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Example (alice@example.com)", "GitHub (bob)"])
    }

    @Test func readsImagesAndTextFromStandardInput() throws {
        let s = try Session()
        let png = try Data(contentsOf: URL(fileURLWithPath: fixtures + "qr/png-rgb.png"))
        #expect(try s.authv("add", "-", stdin: png).status == 0)
        #expect(try s.authv("add", "-", stdin: Data((P2 + "\n").utf8)).status == 0)
        #expect(try s.storedAccounts().count == 2)
    }

    @Test func googleExportInTwoParts() throws {
        let s = try Session()
        let result = try s.authv("add", fixtures + "qr/google-export-2-of-2.png", fixtures + "qr/google-export-1-of-2.png")
        #expect(result.status == 0, "\(result.stderr)")
        let accounts = try s.storedAccounts()
        #expect(accounts.count == 3)
        let github = try #require(accounts.first { $0.issuer == "GitHub" })
        #expect(github.algorithm == .sha256 && github.digits == 8 && github.secret == SecretBytes(Array("12345678901234567890".utf8)))
        let vpn = try #require(accounts.first { $0.issuer == "Corp VPN" })
        #expect(vpn.type == .hotp && vpn.counter == 5)
    }

    @Test func aMissingExportPartIsAnErrorAndStoresNothing() throws {
        let s = try Session()
        let result = try s.authv("add", fixtures + "qr/google-export-1-of-2.png")
        expectFailure(result, status: 1, line: "authv: Google Authenticator export is incomplete: QR code 2 of 2 missing (scan every part)")
        #expect(try s.stored().isEmpty)
    }

    @Test func skipsNonOTPCodesBesideOTPCodes() throws {
        let s = try Session()
        let result = try s.authv("add", fixtures + "qr/mixed-url-and-otpauth.png")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().map(\.displayName) == ["Example (alice@example.com)"])
    }

    @Test func sameAccountTwiceIsAddedOnce() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-grey.png").status == 0)
        let again = try s.authv("add", fixtures + "qr/jpeg-baseline.jpg")
        #expect(again.status == 0)
        #expect(again.stderr.contains("already stored"))
        #expect(again.stdout.isEmpty)
        #expect(try s.stored().count == 1)
        // In one command too.
        let twice = try s.file("twice.txt", "\(P2)\n\(P2)\n")
        #expect(try s.authv("add", twice).status == 0)
        #expect(try s.stored().count == 2)
    }

    @Test func reEnrolmentKeepsBothSecrets() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-grey.png").status == 0)
        let renewed = try s.file("renewed.txt", "otpauth://totp/Example:alice@example.com?secret=MFRGGZDFMZTWQ2LKMFRGGZDF&issuer=Example\n")
        let result = try s.authv("add", renewed)
        #expect(result.status == 0)
        #expect(result.stderr.contains("kept beside the old one"))
        let accounts = try s.storedAccounts()
        #expect(accounts.count == 2)
        #expect(Set(accounts.map(\.displayName)) == ["Example (alice@example.com)"])
        // Both are still reachable: the ambiguity names each with its fingerprint, which selects one.
        let ambiguous = try s.authv("code", "example")
        expectFailure(ambiguous, status: 1, line: "authv: 'example' matches 2 accounts: \(try s.namedWithIDs("Example (alice@example.com)", "Example (alice@example.com)")); be more specific")
        let id = try #require(ambiguous.stderr.split(separator: "[").dropFirst().first?.prefix(8))
        let one = try s.authv("code", String(id), "--at", "59")
        #expect(one.status == 0, "\(one.stderr)")
    }

    @Test func dryRunStoresNothingAndNeedsNoKeyring() throws {
        let s = try Session()
        let result = try run(authvBinary, ["add", "--dry-run", fixtures + "qr/three-codes.png"],
                             environment: ["PATH": "/usr/bin:/bin"], replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").sorted() == ["Corp VPN (carol)", "Example (alice@example.com)", "GitHub (bob)"])
        #expect(try s.authv("add", "--dry-run", fixtures + "qr/png-rgb.png").status == 0)
        #expect(try s.stored().isEmpty)
        expectFailure(try s.authv("add", "--dry-run", fixtures + "qr/no-qr.png"), status: 1, line: "authv: \(fixtures)qr/no-qr.png: no QR code found")
    }

    @Test func manualEntryReadsAnswersFromStandardInput() throws {
        let s = try Session()
        let result = try s.authv("add", "--manual", stdin: Data("Example Corp\nalice:work\njbsw y3dp ehpk 3pxp\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("JBSW") && !result.stderr.lowercased().contains("jbsw y3dp"))
        let account = try #require(try s.storedAccounts().first)
        #expect(account.issuer == "Example Corp" && account.name == "alice:work")
        #expect(account.secret == SecretBytes(Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]))
        let bad = try s.authv("add", "--manual", "--digits", "12", stdin: Data("X\ny\nJBSWY3DPEHPK3PXP\n".utf8))
        expectFailure(bad, status: 1, line: "authv: invalid parameter 'digits': '12' is not a whole number from 6 to 10")
        #expect(try s.stored().count == 1)
    }
}

/// Every bad input gets a one-line error naming the file and the cause, and changes nothing stored.
@Suite("authv add: bad input")
struct BadInputTests {
    static let images: [(String, String)] = [
        ("qr/no-qr.png", "no QR code found"),
        ("qr/not-otpauth.png", "the QR code is not an otpauth:// URI"),
        ("qr/random-bytes.png", "not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)"),
        ("qr/empty.png", "empty file"),
        ("qr/truncated.png", "truncated image (the file ends too early)"),
        ("qr/crc-error.png", "damaged image (IDAT: invalid code lengths set)"),
        ("qr/truncated.jpg", "truncated image (the file ends too early)"),
        ("qr/truncated-header.gif", "damaged image (GIF image was truncated or incomplete.)"),
        ("qr/huge-20000x20000.png", "too large (20000x20000 pixels; the limit is 200 megapixels)"),
        ("qr/truncated.bmp", "truncated image (the file ends too early)"),
        ("qr/truncated.webp", "truncated image (the file ends too early)"),
        // Found by a fuzz run (Fixtures/fuzz/README.md): gdk-pixbuf allocated the 3 GB its header declared.
        ("fuzz/image/bmp-dib-header-3gb.bmp", "damaged image (a BMP header of 3031741440 bytes, which is none BMP defines)"),
        ("qr/jpeg-header-65500x65500.jpg", "too large (65500x65500 pixels; the limit is 200 megapixels)"),
        ("qr/google-export-2-of-2.png", "Google Authenticator export is incomplete: QR code 1 of 2 missing (scan every part)"),
        ("does-not-exist.png", "no such file"),
        ("qr", "is a directory, not a file"),
    ]

    @Test(arguments: BadInputTests.images)
    func badImage(file: String, cause: String) throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-grey.png").status == 0)
        let before = try s.stored()
        let result = try s.authv("add", fixtures + "qr/three-codes.png", fixtures + file)
        // An incomplete export is the set of images, no one file.
        expectFailure(result, status: 1, line: file.contains("export") ? "authv: \(cause)" : "authv: \(fixtures)\(file): \(cause)")
        #expect(try s.stored() == before)
    }

    static let lines: [(String, String)] = [
        ("https://example.com/", "line 2: not an otpauth:// or otpauth-migration:// URI"),
        ("otpauth://totp/x?issuer=GitHub", "line 2: missing parameter 'secret'"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", "line 2: invalid parameter 'secret': invalid character '1' at position 16 (not Base32)"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12", "line 2: invalid parameter 'digits': '12' is not a whole number from 6 to 10"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0", "line 2: invalid parameter 'period': '0' is not a whole number of seconds from 1 to 86400"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "line 2: invalid parameter 'algorithm': unsupported algorithm 'MD5' (expected SHA1, SHA256 or SHA512)"),
        ("otpauth://yubikey/x?secret=JBSWY3DPEHPK3PXP", "line 2: unknown OTP type 'yubikey' (expected totp, hotp or steam)"),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "line 2: missing parameter 'counter'"),
        ("otpauth-migration://offline?data=AAAA%%", "line 2: Google Authenticator export whose 'data' is not Base64"),
        ("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6", "line 2: Google Authenticator export is truncated or corrupt"),
    ]

    /// The bad line is the second of three; the first and third are good and must not be stored either.
    @Test(arguments: BadInputTests.lines.map { (MaskedURI($0.0), $0.1) })
    func badLine(masked: MaskedURI, cause: String) throws {
        let line = masked.text
        let s = try Session()
        let path = try s.file("in.txt", "\(P1)\n\(line)\n\(P2)\n")
        let result = try s.authv("add", path)
        expectFailure(result, status: 1, line: "authv: \(path): \(cause)")  // which holds no secret
        #expect(try s.stored().isEmpty)
    }

    @Test func aBadQRInTheMiddleOfFiveStoresNone() throws {
        let s = try Session()
        var files: [String] = []
        for i in 0..<5 {
            let secret = i == 2 ? "NOT0BASE32" : ["JBSWY3DPEHPK3PXP", "MFRGGZDF", "GEZDGNBV", "MZXW6YTB", "ONSWG4TF"][i]
            files.append(try s.qr("q\(i).png", "otpauth://totp/Site\(i):user?secret=\(secret)"))
        }
        let result = try run(authvBinary, ["add"] + files, environment: s.environment, replaceEnvironment: true)
        expectFailure(result, status: 1, line: "authv: \(files[2]): QR code: invalid parameter 'secret': invalid character '0' at position 4 (not Base32)")
        #expect(try s.stored().isEmpty)
    }

    @Test func aTextFileWithNoURIs() throws {
        let s = try Session()
        let path = try s.file("empty.txt", "# nothing here\n\n")
        expectFailure(try s.authv("add", path), status: 1, line: "authv: \(path): no otpauth:// URIs in this file")
    }

    @Test func usageErrors() throws {
        let s = try Session()
        expectUsageError(try s.authv("add"), command: "add", line: "Error: name at least one FILE (or - for standard input), or use --manual")
        expectUsageError(try s.authv("add", "--manual", "x.png"), command: "add", line: "Error: --manual takes no FILE")
        expectUsageError(try s.authv("add", "-", "-"), command: "add", line: "Error: standard input (-) can be read only once")
        #expect(try s.stored().isEmpty)
    }
}

@Suite("Scanning frees what it takes")
struct ScanMemoryTests {
    /// Peak resident memory (KiB) of `authv add --dry-run` over `count` copies of one image, from GNU time.
    func peak(_ count: Int, _ image: String) throws -> Int {
        let result = try run("/usr/bin/time", ["-f", "peak %M", authvBinary, "add", "--dry-run"] + Array(repeating: image, count: count),
                             environment: ["PATH": "/usr/bin:/bin"], replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") })
        return try #require(Int(line.dropFirst(5)))
    }

    /// 1000 scans in one process (a decoder, a zbar scanner and their images made and freed for each)
    /// peak where 100 did: in a separate process, so that no other test's memory counts.
    @Test func thousandScansPeakWhereHundredDid() throws {
        let image = fixtures + "qr/png-rgb.png"
        let hundred = try peak(100, image)
        let thousand = try peak(1000, image)
        // One leaked decoded image of this fixture per scan would add 900 x 300 KiB.
        #expect(thousand - hundred < 4096, "peak grew from \(hundred) KiB to \(thousand) KiB")
    }
}

/// The canonical accounts of Fixtures/uris: imported through the binary and compared field by field.
@Suite("Fixture URI lists")
struct FixtureListTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func accountsTextMatchesItsExpectedTable() throws {
        let s = try Session()
        let result = try s.authv("add", fixtures + "uris/accounts.txt")
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try String(contentsOfFile: fixtures + "uris/expected.tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let stored = try s.storedAccounts().map { a in
            [a.type.rawValue, a.issuer, a.name, a.algorithm.rawValue, String(a.digits), String(a.period), String(a.counter),
             a.secret.withUnsafeBytes { FixtureListTests.hex(Array($0)) }]
        }
        #expect(stored.count == expected.count)
        #expect(Set(stored.map { $0.joined(separator: "\t") }) == Set(expected.map { $0.joined(separator: "\t") }))
    }

    @Test func googleExportAsText() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "uris/google-export.txt").status == 0)
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Corp VPN (carol)", "Example (alice@example.com)", "GitHub (bob)"])
    }
}
