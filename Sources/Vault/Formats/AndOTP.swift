import AuthvCrypto
import FoundationEssentials
import OTP

/// andOTP backups: plain JSON, and encrypted in the current format (PBKDF2 + AES-GCM) or the old one
/// (andOTP 0.6.2 and earlier: SHA-256 of the password as the key): docs/formats/andotp.md.
public enum AndOTP: ExportFormat {
    public static let name = "andOTP"

    /// The PBKDF2 iteration counts a current-format header may give: andOTP picks 140 000 to 160 000; the
    /// bound stays below 0x0020_0000, where the first four bytes of UTF-16BE text (`00 xx 00 yy`) begin.
    static let iterationRange = 10_000...2_000_000
    /// The current format's header: iterations (4 bytes, big-endian), salt (12), IV (12); then the tag.
    static let saltBytes = 12, nonceBytes = 12, tagBytes = 16
    static var headerBytes: Int { 4 + saltBytes + nonceBytes }
    /// An encrypted backup larger than this is not a backup of accounts.
    static let maxEncryptedBytes = 64 << 20

    struct Entry: Decodable {
        var secret: String?
        var issuer: String?
        var label: String?
        var digits: Int?
        var type: String?
        var algorithm: String?
        var period: Int?
        var counter: UInt64?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if let items = content.json?.array {
            return !items.isEmpty && items.allSatisfy { $0["secret"] != nil && $0["type"] != nil }
        }
        return currentHeader(content.bytes) != nil
    }

    /// The iteration count, when the bytes are binary and start like a current-format encrypted backup.
    static func currentHeader(_ bytes: [UInt8]) -> Int? {
        guard bytes.count > headerBytes + tagBytes, bytes.count <= maxEncryptedBytes, isBinary(bytes) else { return nil }
        let iterations = bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        return iterationRange.contains(iterations) ? iterations : nil
    }

    /// Ciphertext, not text: not valid UTF-8 (or holding a NUL), and not mostly printable ASCII and NULs
    /// as text in another encoding (Latin-1, UTF-16) is; random bytes are about 40% such bytes.
    static func isBinary(_ bytes: [UInt8]) -> Bool {
        guard bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil else { return false }
        let sample = bytes.prefix(4096)
        let texty = sample.filter { $0 == 0 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || (0x20..<0x7F).contains($0) }.count
        return texty * 4 < sample.count * 3
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let plaintext: [UInt8]
        if content.json != nil {
            plaintext = content.bytes
        } else if let iterations = currentHeader(content.bytes) {
            let bytes = content.bytes
            let salt = Array(bytes[4..<(4 + saltBytes)])
            let key: SecretBytes
            do {
                key = try Crypto.pbkdf2(.sha1, password: SecretBytes(utf8: try password()), salt: salt, iterations: iterations, length: 32)
            } catch let error as FormatError {
                throw error
            } catch {
                throw .damaged(format: name, "\(error)")
            }
            plaintext = try open(Array(bytes[(4 + saltBytes)...]), key: key)
        } else {
            throw .malformed(format: name, "neither JSON nor an encrypted backup")
        }
        let list = try FormatSupport.decode([Entry].self, from: plaintext, format: name)
        try FormatSupport.checkCount(list.count, format: name)
        return list.enumerated().map { index, entry in
            let type = entry.type ?? "TOTP"
            let hotp = type.uppercased() == "HOTP"
            return FormatSupport.account(position: index + 1, type: type, issuer: entry.issuer ?? "", name: entry.label ?? "",
                                         secret: entry.secret, algorithm: entry.algorithm, digits: entry.digits,
                                         period: hotp ? nil : entry.period, counter: hotp ? (entry.counter ?? 0) : nil)
        }
    }

    /// Opens IV || ciphertext || tag. When the tag fails, the unverified plaintext tells the two causes
    /// apart: under the right key it is still JSON text (the file was altered or cut), under a wrong key noise.
    static func open(_ data: [UInt8], key: SecretBytes) throws(FormatError) -> [UInt8] {
        guard data.count > nonceBytes + tagBytes else { throw .damaged(format: name, "too short to hold a backup") }
        let nonce = Array(data.prefix(nonceBytes))
        let body = Array(data[nonceBytes..<(data.count - tagBytes)])
        let sealed = Crypto.Sealed(ciphertext: body, tag: Array(data.suffix(tagBytes)))
        if let plaintext = try? Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: sealed) { return plaintext }
        let unverified = (try? Crypto.aesGCMDecryptUnverified(key: key, nonce: nonce, ciphertext: body)) ?? []
        if looksLikeJSONText(unverified) {
            throw .damaged(format: name, "the backup does not decrypt whole (altered or cut short)")
        }
        throw .wrongPassword(format: name)
    }

    /// The first bytes are a JSON array's start and printable text: not noise.
    static func looksLikeJSONText(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(64)
        guard head.count >= 8, head.first == UInt8(ascii: "[") else { return false }
        return head.filter { $0 >= 0x20 && $0 < 0x7F }.count * 10 >= head.count * 9
    }
}

/// andOTP's old encrypted backups (0.6.2 and earlier): IV || ciphertext || tag under SHA-256 of the
/// password, with no header, so nothing in the bytes says what they are. Tried only for binary content
/// that no other format and no image decoder claims (see `ExportFormats.lastResort`).
public enum AndOTPLegacy: ExportFormat {
    public static let name = "andOTP (old format)"

    public static func recognises(_ content: ExportContent) -> Bool {
        content.bytes.count > AndOTP.nonceBytes + AndOTP.tagBytes + 1 && content.bytes.count <= AndOTP.maxEncryptedBytes
            && AndOTP.isBinary(content.bytes)
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let key: SecretBytes
        do {
            var digest = try Crypto.sha256(Array(try password().utf8))
            key = FormatSupport.secret(taking: &digest)
        } catch let error as FormatError { throw error } catch {
            throw .damaged(format: name, "\(error)")
        }
        let plaintext: [UInt8]
        do { plaintext = try AndOTP.open(content.bytes, key: key) } catch {
            switch error {
            case .wrongPassword: throw .wrongPassword(format: name)
            case let .damaged(_, detail): throw .damaged(format: name, detail)
            default: throw error
            }
        }
        return try AndOTP.entries(ExportContent(plaintext), password: password)
    }
}
