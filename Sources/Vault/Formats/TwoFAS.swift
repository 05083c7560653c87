import AuthvCrypto
import FoundationEssentials
import OTP

/// 2FAS backups (`.2fas`, schema versions 1 to 4), plain or encrypted: docs/formats/2fas.md.
public enum TwoFAS: ExportFormat {
    public static let name = "2FAS"

    /// The schema versions whose files authv has read (the app writes 4).
    static let schemaVersions = 1...4
    /// PBKDF2-HMAC-SHA256 iterations and key length: fixed by the app, not stored in the file.
    static let iterations = 10_000
    static let keyLength = 32
    /// The longest `servicesEncrypted` field accepted, in characters (Base64 of the whole services list).
    static let maxEncryptedLength = 64 << 20
    /// What the app encrypts into `reference` under the same key: a wrong password fails to open it.
    static let reference = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"

    struct Backup: Decodable {
        var services: [Service]?
        var schemaVersion: Int
        var servicesEncrypted: String?
        var reference: String?
    }

    struct Service: Decodable {
        var name: String?
        var secret: String?
        var otp: OTPFields?
    }

    struct OTPFields: Decodable {
        var label: String?
        var account: String?
        var issuer: String?
        var digits: Int?
        var period: Int?
        var algorithm: String?
        var counter: UInt64?
        var tokenType: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.isDamagedJSON(mentioning: ["services", "otp"]) || content.isDamagedJSON(mentioning: ["servicesEncrypted"]) {
            return true
        }
        guard let object = content.object, object["schemaVersion"]?.int != nil else { return false }
        return object["services"]?.array != nil || object["servicesEncrypted"]?.string != nil
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let backup = try FormatSupport.decode(Backup.self, from: content.bytes, format: name)
        guard schemaVersions.contains(backup.schemaVersion) else {
            throw .unsupportedVersion(format: name, "schema version \(backup.schemaVersion) (authv reads 1 to 4)")
        }
        var services = backup.services ?? []
        if let encrypted = backup.servicesEncrypted, !encrypted.isEmpty {
            let plaintext = try decrypt(encrypted, reference: backup.reference, password: try password())
            services = try FormatSupport.decode([Service].self, from: plaintext, format: name)
        }
        try FormatSupport.checkCount(services.count, format: name)
        return services.enumerated().map { index, service in
            let otp = service.otp ?? OTPFields()
            // The service's name is what the app shows; the token's own issuer, when set, is the issuer.
            let issuer = otp.issuer.flatMap { $0.isEmpty ? nil : $0 } ?? service.name ?? ""
            let account = otp.account.flatMap { $0.isEmpty ? nil : $0 } ?? otp.label ?? ""
            return FormatSupport.account(position: index + 1, type: otp.tokenType ?? "TOTP", issuer: issuer, name: account,
                                         secret: service.secret, algorithm: otp.algorithm, digits: otp.digits,
                                         period: otp.tokenType?.uppercased() == "HOTP" ? nil : otp.period,
                                         counter: otp.tokenType?.uppercased() == "HOTP" ? (otp.counter ?? 0) : nil)
        }
    }

    /// One `CIPHERTEXT+TAG:SALT:IV` field (each Base64) split into its parts.
    static func fields(_ text: String) throws(FormatError) -> (sealed: Crypto.Sealed, salt: [UInt8], nonce: [UInt8]) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let body = Data(base64Encoded: String(parts[0])), let salt = Data(base64Encoded: String(parts[1])),
              let nonce = Data(base64Encoded: String(parts[2])) else {
            throw .damaged(format: name, "an encrypted field is not three Base64 parts (ciphertext, salt, nonce)")
        }
        guard body.count > 16, nonce.count == 12, !salt.isEmpty else {
            throw .damaged(format: name, "an encrypted field is too short")
        }
        return (Crypto.Sealed(ciphertext: Array(body.dropLast(16)), tag: Array(body.suffix(16))), Array(salt), Array(nonce))
    }

    static func decrypt(_ encrypted: String, reference encryptedReference: String?, password: String) throws(FormatError) -> [UInt8] {
        guard encrypted.utf8.count <= maxEncryptedLength else {
            throw .tooLarge(format: name, "servicesEncrypted is longer than \(maxEncryptedLength) characters")
        }
        let services = try fields(encrypted)
        let key = try derive(password, salt: services.salt)
        // The reference is sealed under the same password: opening it tells a wrong password from damage.
        if let encryptedReference {
            let check = try fields(encryptedReference)
            let checkKey = check.salt == services.salt ? key : try derive(password, salt: check.salt)
            guard let opened = try? Crypto.aesGCMOpen(key: checkKey, nonce: check.nonce, sealed: check.sealed) else {
                throw .wrongPassword(format: name)
            }
            guard opened == Array(reference.utf8) else { throw .damaged(format: name, "the password check does not match") }
        }
        do {
            return try Crypto.aesGCMOpen(key: key, nonce: services.nonce, sealed: services.sealed)
        } catch {
            throw encryptedReference == nil ? .wrongPassword(format: name) : .damaged(format: name, "the services do not decrypt (altered or cut short)")
        }
    }

    static func derive(_ password: String, salt: [UInt8]) throws(FormatError) -> SecretBytes {
        do {
            return try Crypto.pbkdf2(.sha256, password: SecretBytes(utf8: password), salt: salt, iterations: iterations, length: keyLength)
        } catch {
            throw .damaged(format: name, "\(error)")
        }
    }
}
