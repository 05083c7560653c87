import Foundation
import Testing
import TestSupport

/// `authv export --format migration --qr`: Google Authenticator's transfer QR codes, as PNG files and on a
/// terminal, decoded by zbarimg and zxing-cpp, their payloads read by the protobuf reader below (written
/// for this test from Google's message layout, not authv's decoder).
@Suite("export: migration QR codes")
struct MigrationQRTests {
    /// One OtpParameters message as the test reads it.
    struct Entry: Hashable { var secret: [UInt8]; var name: String; var issuer: String; var algorithm: UInt64; var digits: UInt64; var type: UInt64; var counter: UInt64 }
    struct Payload { var entries: [Entry] = []; var version: UInt64 = 0; var batchSize: UInt64 = 0; var batchIndex: UInt64 = 0; var batchID: UInt64 = 0 }

    /// A protobuf reader, byte by byte: varints and length-delimited fields, nothing else allowed.
    struct Reader {
        let bytes: [UInt8]
        var at = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var done: Bool { at >= bytes.count }
        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                try #require(at < bytes.count && shift < 64, "varint cut short")
                let byte = bytes[at]; at += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        mutating func field() throws -> (number: UInt64, varint: UInt64?, data: [UInt8]?) {
            let key = try varint()
            switch key & 7 {
            case 0: return (key >> 3, try varint(), nil)
            case 2:
                let length = Int(try varint())
                try #require(length >= 0 && at + length <= bytes.count, "length past the end")
                defer { at += length }
                return (key >> 3, nil, Array(bytes[at..<at + length]))
            default:
                Issue.record("wire type \(key & 7) is not in the migration payload")
                throw CancellationError()
            }
        }
    }

    static func payload(of uri: String) throws -> Payload {
        let prefix = "otpauth-migration://offline?data="
        try #require(uri.hasPrefix(prefix), "\(uri)")
        let data = try #require(String(uri.dropFirst(prefix.count)).removingPercentEncoding)
        let bytes = try #require(Data(base64Encoded: data), "Base64")
        var reader = Reader(Array(bytes)), payload = Payload()
        while !reader.done {
            let field = try reader.field()
            switch field.number {
            case 1:
                var inner = Reader(try #require(field.data))
                var entry = Entry(secret: [], name: "", issuer: "", algorithm: 0, digits: 0, type: 0, counter: 0)
                while !inner.done {
                    let f = try inner.field()
                    switch f.number {
                    case 1: entry.secret = f.data ?? []
                    case 2: entry.name = String(decoding: f.data ?? [], as: UTF8.self)
                    case 3: entry.issuer = String(decoding: f.data ?? [], as: UTF8.self)
                    case 4: entry.algorithm = f.varint ?? 99
                    case 5: entry.digits = f.varint ?? 99
                    case 6: entry.type = f.varint ?? 99
                    case 7: entry.counter = f.varint ?? 99
                    default: Issue.record("unexpected OtpParameters field \(f.number)")
                    }
                }
                payload.entries.append(entry)
            case 2: payload.version = field.varint ?? 0
            case 3: payload.batchSize = field.varint ?? 0
            case 4: payload.batchIndex = field.varint ?? 0
            case 5: payload.batchID = field.varint ?? 0
            default: Issue.record("unexpected MigrationPayload field \(field.number)")
            }
        }
        return payload
    }

    /// RFC 4648 Base32 of `text`'s secret, decoded by the test.
    static func base32(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0, out: [UInt8] = []
        for c in text { value = value << 5 | alphabet.firstIndex(of: c)!; bits += 5; if bits >= 8 { bits -= 8; out.append(UInt8(value >> bits & 0xFF)) } }
        return out
    }

    /// 12 accounts (two codes: 10 and 2), among them P2 (SHA256, 8 digits) and P3 (HOTP, counter 5).
    static let secrets = (1...10).map { i in "JBSWY3DPEHPK3PX" + String(Array("ABCDEFGHIJ")[i - 1]) }
    static func session() throws -> Session {
        let s = try Session()
        let more = secrets.map { "otpauth://totp/Site\($0.suffix(1)):user?secret=\($0)&issuer=Site\($0.suffix(1))" }
        try #require(try s.authv("add", try s.file("many.txt", ([P2, P3] + more).joined(separator: "\n") + "\n")).status == 0)
        return s
    }
    static var expected: Set<Entry> {
        var set: Set<Entry> = [
            Entry(secret: base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), name: "GitHub:bob", issuer: "GitHub", algorithm: 2, digits: 2, type: 2, counter: 0),
            Entry(secret: base32("MFRGGZDFMZTWQ2LK"), name: "Corp VPN:carol", issuer: "Corp VPN", algorithm: 1, digits: 1, type: 1, counter: 5),
        ]
        for secret in secrets {
            let site = "Site\(secret.suffix(1))"
            set.insert(Entry(secret: base32(secret), name: "\(site):user", issuer: site, algorithm: 1, digits: 1, type: 2, counter: 0))
        }
        return set
    }

    static func checkParts(_ uris: [String]) throws {
        let payloads = try uris.map(payload(of:))
        #expect(payloads.map(\.batchSize) == [2, 2])
        #expect(payloads.map(\.batchIndex) == [0, 1])
        #expect(payloads[0].batchID == payloads[1].batchID && payloads[0].batchID != 0)
        #expect(payloads.allSatisfy { $0.version == 1 })
        #expect(payloads.map(\.entries.count) == [10, 2])
        #expect(Set(payloads.flatMap(\.entries)) == expected)
    }

    @Test func pngFilesDecodeToEveryAccount() throws {
        let s = try MigrationQRTests.session()
        let dir = s.folder + "/codes"
        let result = try s.authv("export", "--format", "migration", "--qr", "--output-dir", dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["authv-export-1-of-2.png", "authv-export-2-of-2.png"])
        var uris: [String] = []
        for n in 1...2 {
            let png = dir + "/authv-export-\(n)-of-2.png"
            #expect(try FileManager.default.attributesOfItem(atPath: png)[.posixPermissions] as? Int == 0o600)
            let (zbar, zxing) = try ShowQRTests.decoded(png)
            #expect(zbar == zxing)
            uris.append(zbar)
        }
        try MigrationQRTests.checkParts(uris)
        // authv itself adds them back too (not the only check).
        let fresh = try Session()
        #expect(try fresh.authv("add", dir + "/authv-export-1-of-2.png", dir + "/authv-export-2-of-2.png").status == 0)
        #expect(try fresh.stored().count == 12)
    }

    @Test func failuresWriteNothing() throws {
        let s = try MigrationQRTests.session()
        let dir = s.folder + "/codes"
        // Byte 16 is the first of the IHDR chunk's data (after the signature, the chunk's length and type):
        // its checksum no longer matches, whatever the image (a migration payload differs each time).
        let flipped = try s.authv("export", "--format", "migration", "--qr", "--output-dir", dir,
                                  extra: ["AUTHV_FAULT": "export-qr-read-back", "AUTHV_FAULT_OFFSET": "16"])
        expectFailure(flipped, status: 1, line: "authv: \(dir)/authv-export-1-of-2.png: the PNG written did not read back "
                      + "(damaged image (IHDR: CRC error)); nothing was kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        expectFailure(try s.authv("export", "--format", "migration", "--qr"), status: 1,
                      line: "authv: standard output is not a terminal: give --output FILE to write a PNG instead")
        try #require(try s.authv("add", try s.file("steam.txt", "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam\n")).status == 0)
        expectFailure(try s.authv("export", "--format", "migration", "--qr", "--output-dir", dir), status: 1, line: "authv: not exported: Google Authenticator exports cannot carry "
                      + "Steam (gaben) (Steam accounts have no place in Google Authenticator exports); use --format uri")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func terminalShowsOneAtATimeAndClears() throws {
        let s = try MigrationQRTests.session()
        let t = try TerminalSession("\(authvBinary) export --format migration --qr; echo ended $?; sleep 60", environment: s.keyring.environment,
                                    folder: s.folder, width: 160, height: 90)
        defer { t.stop() }
        var uris: [String] = []
        for n in 1...2 {
            let caption = "code \(n) of 2"
            let (shown, screen) = t.waitFor(caption)
            try #require(shown, "\(screen)")
            let image = s.folder + "/screen-\(n).pgm"
            _ = try ShowQRTests.rasterise(screen, above: caption, to: image)
            let (zbar, zxing) = try ShowQRTests.decoded(image)
            #expect(zbar == zxing)
            uris.append(zbar)
            t.send("Enter")
        }
        let (ended, after) = t.waitFor("ended 0")
        #expect(ended, "\(after)")
        #expect(!after.contains { ShowQRTests.blocks.contains($0) })
        try MigrationQRTests.checkParts(uris)
    }
}
