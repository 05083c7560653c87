import Foundation
import Testing
import TestSupport
@testable import Scan

/// One row of Fixtures/qr/expected.tsv.
struct FixtureRow: Sendable, CustomTestStringConvertible {
    var file: String
    var expected: String
    var testDescription: String { file }

    static func all() -> [FixtureRow] {
        let path = repositoryRoot + "/Fixtures/qr/expected.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return FixtureRow(file: String(line[..<tab]), expected: String(line[line.index(after: tab)...]))
        }
    }
}

let fixtureFolder = repositoryRoot + "/Fixtures/qr/"

func reasonName(_ reason: ScanError.Reason) -> String {
    switch reason {
    case .notFound: "notFound"
    case .permissionDenied: "permissionDenied"
    case .isDirectory: "isDirectory"
    case .readFailed: "readFailed"
    case .empty: "empty"
    case .notAnImage: "notAnImage"
    case .unsupportedFormat: "unsupportedFormat"
    case .truncated: "truncated"
    case .corrupt: "corrupt"
    case .tooLarge: "tooLarge"
    case .noQRCode: "noQRCode"
    case .libraryMissing: "libraryMissing"
    }
}

@Suite("QR scanning of the fixture images")
struct FixtureTests {
    @Test func manifestIsComplete() throws {
        let rows = FixtureRow.all()
        let listed = Set(rows.map(\.file))
        let images = try FileManager.default.contentsOfDirectory(atPath: fixtureFolder)
            .filter { !$0.hasSuffix(".sh") && !$0.hasSuffix(".tsv") && !$0.hasPrefix(".") && $0 != "large" }
        #expect(Set(images) == listed, "every fixture is listed in expected.tsv, and every listed file exists")
    }

    @Test(arguments: FixtureRow.all())
    func scan(row: FixtureRow) throws {
        let path = fixtureFolder + row.file
        if row.expected.hasPrefix("error:") {
            let reason = String(row.expected.dropFirst("error:".count))
            do {
                let payloads = try Scanner().scan(file: path)
                Issue.record("expected \(reason), got \(payloads.count) payload(s)")
            } catch {
                #expect(reasonName(error.reason) == reason, "\(error)")
                #expect(error.file == path)
                #expect("\(error)".hasPrefix(path + ": "))
            }
        } else {
            let expected = row.expected.components(separatedBy: " | ")
            #expect(try Scanner().scan(file: path) == expected)
        }
    }

    @Test func formatIsFoundFromTheBytesNotTheName() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let misnamed = folder + "/looks-like.txt"
        try FileManager.default.copyItem(atPath: fixtureFolder + "jpeg-baseline.jpg", toPath: misnamed)
        let example = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
        #expect(try Scanner().scan(file: misnamed) == [example])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtureFolder + "png-rgb.png")))
        #expect(ImageFormat.sniff(bytes) == .png)
        #expect(try Scanner().scan(bytes: bytes, file: "-") == [example])
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: ScanError(file: "/nonexistent/qr.png", reason: .notFound)) { try Scanner().scan(file: "/nonexistent/qr.png") }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: ScanError(file: folder, reason: .isDirectory)) { try Scanner().scan(file: folder) }
        #expect(ScanError(file: "-", reason: .noQRCode).description == "standard input: no QR code found")
    }

    @Test func oversizedImagesAreRefusedBeforeDecoding() throws {
        let error = #expect(throws: ScanError.self) { try Scanner().scan(file: fixtureFolder + "huge-20000x20000.png") }
        #expect(error?.description.contains("20000x20000") == true)
        // A lower limit refuses an ordinary screenshot the same way.
        let strict = Scanner(maxPixels: 1_000_000)
        #expect(throws: ScanError(file: fixtureFolder + "screenshot-1920x1080.png", reason: .tooLarge("1920x1080 pixels; the limit is 1 megapixels"))) {
            try strict.scan(file: fixtureFolder + "screenshot-1920x1080.png")
        }
    }

    @Test func inputFileSizeLimit() throws {
        #expect(throws: ScanError.self) { try InputFile.read(fixtureFolder + "bmp.bmp", maxBytes: 1000) }
    }

    /// Large photos (made by Fixtures/qr/make-large.sh, which the test script runs).
    @Test(arguments: ["photo-4000x3000.jpg", "phone-12000x9000.jpg"])
    func largePhotos(file: String) throws {
        let path = fixtureFolder + "large/" + file
        try #require(FileManager.default.fileExists(atPath: path), "run Fixtures/qr/make-large.sh (scripts/test does)")
        #expect(try Scanner().scan(file: path) == ["otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"])
    }
}

@Suite("Grey images")
struct GreyImageTests {
    @Test func enlargeRepeatsPixels() {
        let image = GreyImage(width: 2, height: 1, pixels: [1, 2])
        let big = image.enlarged(by: 2)
        #expect(big.width == 4 && big.height == 2)
        #expect(big.pixels == [1, 1, 2, 2, 1, 1, 2, 2])
        #expect(image.inverted().pixels == [254, 253])
    }
}

/// zxing-cpp, the second decoder, reads the ECI fixtures alone exactly as zbar does: the shim's ECI
/// protocol decoding (Sources/CZXing) converts each segment by its character set.
@Suite("zxing-cpp as the second decoder")
struct ZXingDecoderTests {
    @Test(arguments: [("eci-iso-8859-1.png", "otpauth://totp/Renée:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Renée"),
                      ("eci-shift-jis.png", "テスト"), ("utf8-byte-mode.png", "otpauth://totp/Ünïcödé:bob?secret=JBSWY3DPEHPK3PXP&issuer=Ünïcödé")])
    func readsTheCharactersAlone(file: String, expected: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtureFolder + file)))
        let image = try PixbufDecoder.decode(bytes, format: .png, file: file, maxSide: nil, maxPixels: 40_000_000).image
        #expect(ZXingDecoder.scan(image).map(\.text) == [expected])
    }
}

/// PNG files are decoded by libpng (PNGDecoder), which loads in a tenth of gdk-pixbuf's time; gdk-pixbuf,
/// which decoded them before and still does when libpng is missing, is the oracle for the pixels.
@Suite("PNG decoded by libpng, as gdk-pixbuf decodes it")
struct PNGDecoderTests {
    static let files = ["png-grey.png", "png-rgb.png", "png-rgba-transparent.png", "png-transparent-black.png", "png-palette.png", "png-16bit.png",
                        "png-interlaced.png", "screenshot-1920x1080.png", "low-contrast.png", "inverted.png",
                        "eci-iso-8859-1.png", "three-codes.png", "one-pixel-modules.png"]

    @Test(arguments: files) func thePixelsOfGdkPixbuf(file: String) throws {
        let bytes = try InputFile.read(fixtureFolder + file)
        let limits = SizeLimits(maxSide: nil, maxPixels: 40_000_000, format: .png)
        let png = try #require(try PNGDecoder.decode(bytes, file: file, limits: limits))
        let gdk = try PixbufDecoder.decodeWithPixbuf(bytes, file: file, limits: limits)
        #expect(png.image.width == gdk.image.width && png.image.height == gdk.image.height)
        #expect((png.originalWidth, png.originalHeight) == (gdk.originalWidth, gdk.originalHeight))
        // 16-bit samples: libpng takes them as linear light and encodes them as sRGB, gdk-pixbuf keeps the
        // high byte, so mid-greys differ there (black and white do not).
        let differing = zip(png.image.pixels, gdk.image.pixels).filter { $0 != $1 }.count
        if file == "png-16bit.png" {
            #expect(zip(png.image.pixels, gdk.image.pixels).allSatisfy { ($0 == 0) == ($1 == 0) && ($0 == 255) == ($1 == 255) })
        } else {
            #expect(differing == 0, "\(differing) of \(png.image.pixels.count) pixels differ")
        }
    }

    @Test func tooLargeIsRefusedFromTheHeader() throws {
        let bytes = try InputFile.read(fixtureFolder + "png-rgb.png")
        let whole = try #require(try PNGDecoder.decode(bytes, file: "x.png", limits: SizeLimits(maxSide: nil, maxPixels: 40_000_000, format: .png)))
        let size = "\(whole.originalWidth)x\(whole.originalHeight) pixels"
        #expect(throws: ScanError(file: "x.png", reason: .tooLarge("\(size); the limit is 0 megapixels"))) {
            try PNGDecoder.decode(bytes, file: "x.png", limits: SizeLimits(maxSide: nil, maxPixels: 1000, format: .png))
        }
    }
}
