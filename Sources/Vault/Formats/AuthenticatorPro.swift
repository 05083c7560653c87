import AuthvCrypto
import OTP

/// Authenticator Pro (now Stratum) backups: plain JSON, encrypted (Argon2id + AES-256-GCM, header
/// `AUTHENTICATORPRO`) and legacy encrypted (PBKDF2-SHA1 + AES-256-CBC, header `AuthenticatorPro`):
/// docs/formats/authenticator-pro.md.
public enum AuthenticatorPro: ExportFormat {
    public static let name = "Authenticator Pro"

    static let header = Array("AUTHENTICATORPRO".utf8)
    static let legacyHeader = Array("AuthenticatorPro".utf8)
    /// The current encryption: Argon2id, 3 passes over 64 MiB in 4 lanes; 16-byte salt, 12-byte IV.
    static let passes: UInt32 = 3, memoryKiB: UInt32 = 65_536, lanes: UInt32 = 4
    static let saltBytes = 16, nonceBytes = 12, tagBytes = 16
    /// The legacy encryption: PBKDF2-HMAC-SHA1, 64 000 iterations; 20-byte salt, 16-byte IV.
    static let legacyIterations = 64_000, legacySaltBytes = 20, legacyIVBytes = 16
    static let maxEncryptedBytes = 64 << 20

    struct Backup: Decodable {
        var Authenticators: [Entry]
    }

    struct Entry: Decodable {
        var `Type`: Int
        var Issuer: String?
        var Username: String?
        var Secret: String?
        var Algorithm: Int?
        var Digits: Int?
        var Period: Int?
        var Counter: UInt64?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.bytes.starts(with: header) || content.bytes.starts(with: legacyHeader) { return true }
        if let object = content.object { return object["Authenticators"]?.array != nil }
        return content.isDamagedJSON(mentioning: ["Authenticators"])
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let bytes = content.bytes
        guard bytes.count <= maxEncryptedBytes else { throw .tooLarge(format: name, "more than \(maxEncryptedBytes) bytes") }
        let plaintext: [UInt8]
        if bytes.starts(with: header) {
            plaintext = try openCurrent(Array(bytes.dropFirst(header.count)), password: try password())
        } else if bytes.starts(with: legacyHeader) {
            plaintext = try openLegacy(Array(bytes.dropFirst(legacyHeader.count)), password: try password())
        } else {
            plaintext = bytes
        }
        let backup: Backup
        do {
            backup = try FormatSupport.decode(Backup.self, from: plaintext, format: name)
        } catch {
            // CBC has no check of its own: altered blocks of a legacy backup surface as broken JSON.
            guard bytes.starts(with: legacyHeader), case .damaged = error else { throw error }
            throw .damaged(format: name, "the backup does not decrypt whole (altered or cut short)")
        }
        try FormatSupport.checkCount(backup.Authenticators.count, format: name)
        return backup.Authenticators.enumerated().map { index, entry in
            let position = index + 1
            let algorithms = [0: "SHA1", 1: "SHA256", 2: "SHA512"]
            let types = [1: "hotp", 2: "totp", 3: "mOTP", 4: "steam", 5: "Yandex"]
            let type = types[entry.Type] ?? "type \(entry.Type)"
            let algorithm = entry.Algorithm.map { algorithms[$0] ?? "number \($0)" }
            return FormatSupport.account(position: position, type: type, issuer: entry.Issuer ?? "", name: entry.Username ?? "",
                                         secret: entry.Secret, algorithm: algorithm, digits: entry.Digits,
                                         period: type == "hotp" ? nil : entry.Period,
                                         counter: type == "hotp" ? (entry.Counter ?? 0) : nil)
        }
    }

    /// SALT (16) IV (12) CIPHERTEXT TAG (16) under Argon2id.
    static func openCurrent(_ data: [UInt8], password: String) throws(FormatError) -> [UInt8] {
        guard data.count > saltBytes + nonceBytes + tagBytes else { throw .damaged(format: name, "too short to hold a backup") }
        let argon2: Argon2
        switch Argon2.shared {
        case let .success(library): argon2 = library
        case let .failure(missing): throw .libraryMissing("\(missing.message): install libargon2 (Debian: libargon2-1)")
        }
        let salt = Array(data.prefix(saltBytes))
        guard var derived = argon2.argon2id(password: Array(password.utf8), salt: salt, passes: passes, memoryKiB: memoryKiB,
                                            lanes: lanes, length: 32) else {
            throw .damaged(format: name, "the key could not be derived")
        }
        let key = FormatSupport.secret(taking: &derived)
        let nonce = Array(data[saltBytes..<(saltBytes + nonceBytes)])
        let body = Array(data[(saltBytes + nonceBytes)..<(data.count - tagBytes)])
        if let plaintext = try? Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: Crypto.Sealed(ciphertext: body, tag: Array(data.suffix(tagBytes)))) {
            return plaintext
        }
        // No password check in the file: the unverified plaintext shows which key was used.
        let unverified = (try? Crypto.aesGCMDecryptUnverified(key: key, nonce: nonce, ciphertext: body)) ?? []
        throw looksLikeBackup(unverified) ? .damaged(format: name, "the backup does not decrypt whole (altered or cut short)")
            : .wrongPassword(format: name)
    }

    /// SALT (20) IV (16) CIPHERTEXT (AES-256-CBC, PKCS#7) under PBKDF2-HMAC-SHA1.
    static func openLegacy(_ data: [UInt8], password: String) throws(FormatError) -> [UInt8] {
        let body = Array(data.dropFirst(legacySaltBytes + legacyIVBytes))
        guard data.count > legacySaltBytes + legacyIVBytes, body.count % 16 == 0 else {
            throw .damaged(format: name, "cut short (not whole cipher blocks)")
        }
        let key: SecretBytes
        do {
            key = try Crypto.pbkdf2(.sha1, password: SecretBytes(utf8: password), salt: Array(data.prefix(legacySaltBytes)),
                                    iterations: legacyIterations, length: 32)
        } catch {
            throw .damaged(format: name, "\(error)")
        }
        let iv = Array(data[legacySaltBytes..<(legacySaltBytes + legacyIVBytes)])
        if let plaintext = try? Crypto.aesCBCDecrypt(key: key, iv: iv, ciphertext: body), looksLikeBackup(plaintext) {
            return plaintext
        }
        let unverified = (try? Crypto.aesCBCDecrypt(key: key, iv: iv, ciphertext: body, padding: false)) ?? []
        throw looksLikeBackup(unverified) ? .damaged(format: name, "the backup does not decrypt whole (altered or cut short)")
            : .wrongPassword(format: name)
    }

    /// A plain backup's start: `{` and `"Authenticators"` in the first bytes.
    static func looksLikeBackup(_ bytes: [UInt8]) -> Bool {
        let head = Array(bytes.prefix(64))
        return head.first == UInt8(ascii: "{") && ExportContent.contains(head, Array("\"Authenticators\"".utf8))
    }
}
