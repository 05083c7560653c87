import Foundation
import OTP
import Testing
import TestSupport

@Suite("authv scan, and the characters of QR codes")
struct ScanCommandTests {
    @Test func printsEveryCodeInReadingOrderAndStoresNothing() throws {
        let s = try Session()
        let result = try s.authv("scan", fixtures + "qr/three-codes.png", fixtures + "qr/not-otpauth.png")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == [P1, P3, P2, "https://example.com/not-a-secret"].map { $0 + "\n" }.joined())
        #expect(try s.stored().isEmpty)
    }

    /// zbarimg, the peer, reads the same texts from the same images.
    @Test func printsWhatZbarimgPrints() throws {
        let s = try Session()
        for image in ["qr/not-otpauth.png", "qr/png-rgb.png", "qr/google-export-1-of-2.png"] {
            let ours = try s.authv("scan", fixtures + image)
            let peer = try run("zbarimg", ["-q", "--raw", "--nodbus", fixtures + image])
            #expect(ours.status == 0 && peer.status == 0)
            #expect(ours.stdout == peer.stdout, "\(image)")
        }
    }

    @Test func controlCharactersArePrintedEscapedOnOneLine() throws {
        let s = try Session()
        let image = try s.qr("hostile.png", "title\u{1b}]0;pwned\u{07}\r\nFAKE\u{202e}txt\u{9b}2J\tend")
        let result = try s.authv("scan", image)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "title\\x1b]0;pwned\\x07\\x0d\\x0aFAKE\\u202etxt\\u009b2J\\x09end\n")
    }

    @Test func anImageWithoutACodeIsAnErrorNamingItAndPrintsNothing() throws {
        let s = try Session()
        let result = try s.authv("scan", fixtures + "qr/png-rgb.png", fixtures + "qr/no-qr.png")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "authv: \(fixtures)qr/no-qr.png: no QR code found\n")
        let text = try s.file("uris.txt", P1 + "\n")
        let notImage = try s.authv("scan", text)
        expectFailure(notImage, status: 1, line: "authv: \(text): not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)")
    }

    /// A URI with a raw UTF-8 issuer in byte mode without an ECI (qrencode -8): zbar on its own reads it
    /// as Shift JIS (`ﾃ從ﾃｯcﾃｶdﾃｩ`); authv stores it exactly.
    @Test func rawUTF8IssuerIsScannedAndAddedExactly() throws {
        let s = try Session()
        let uri = "otpauth://totp/%C3%9Cn%C3%AFc%C3%B6d%C3%A9:bob?secret=JBSWY3DPEHPK3PXP&issuer=Ünïcödé"
        let raw = "otpauth://totp/Ünïcödé:bob?secret=JBSWY3DPEHPK3PXP&issuer=Ünïcödé"
        let image = s.folder + "/utf8.png"
        let made = try run("qrencode", ["-8", "-o", image, "-r", "/dev/stdin"], stdin: Data(raw.utf8))
        try #require(made.status == 0)
        #expect(try s.authv("scan", image).stdout == raw + "\n")
        let added = try s.authv("add", image)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr == "added: Ünïcödé (bob)\n")
        let stored = try #require(s.storedAccounts().first)
        #expect(stored.issuer == "Ünïcödé" && stored.name == "bob")
        #expect(try stored.isSameAccount(as: Account(uri: uri)))
    }
}
