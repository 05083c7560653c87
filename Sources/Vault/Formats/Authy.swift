import AuthvCrypto
import FoundationEssentials
import OTP

/// The Authy Android app's token files (docs/formats/authy.md): a SharedPreferences map whose
/// `com.authy.storage.tokens.authenticator.key` (third-party tokens: TOTP, SHA1, 30 s) or
/// `com.authy.storage.tokens.authy.key` (Authy's own: hex `secretSeed`, 10 s) string is a JSON array of
/// tokens. Secrets the app keeps encrypted under the user's backup password (PBKDF2-HMAC-SHA1, AES-256-CBC,
/// zero IV) are decrypted with the password.
public enum Authy: ExportFormat {
    public static let name = "Authy"
    static let keys = ["com.authy.storage.tokens.authenticator.key", "com.authy.storage.tokens.authy.key"]
    /// The iterations Authy used before tokens named theirs.
    static let defaultIterations = 1000
    /// Authy's own tokens change every 10 seconds.
    static let authyPeriod = 10

    struct Token: Decodable {
        var decryptedSecret: String?
        var encryptedSecret: String?
        var salt: String?
        var key_derivation_iterations: Int?
        var secretSeed: String?
        var digits: Int?
        var originalName: String?
        var originalIssuer: String?
        var name: String?
        var accountType: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        content.isXML && (content.text?.contains("com.authy.storage.tokens.") ?? false)
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let preferences = try FormatSupport.preferences(content, format: name)
        guard let value = preferences.first(where: { $0.kind == "string" && keys.contains($0.name) })?.value else {
            throw .malformed(format: name, "no \(keys[0]) value")
        }
        var tokens = try FormatSupport.decode([Token].self, from: Array(value.utf8), format: name)
        try FormatSupport.checkCount(tokens.count, format: name)
        if tokens.contains(where: { $0.decryptedSecret == nil && $0.encryptedSecret != nil }) {
            try decrypt(&tokens, password: try password())
        }
        return tokens.enumerated().map { index, token in
            let (issuer, account) = names(token)
            if let seed = token.secretSeed {
                guard var secret = Hex.decode(seed), !secret.isEmpty, secret.count <= ExportLimits.maxSecretBytes else {
                    return .unsupported(UnsupportedEntry(position: index + 1, name: token.name ?? "", reason: "secretSeed is not hex"))
                }
                return FormatSupport.account(position: index + 1, type: "totp", issuer: token.name ?? "", name: "",
                                             secret: FormatSupport.secret(taking: &secret), algorithm: "SHA1",
                                             digits: token.digits ?? 7, period: authyPeriod, counter: nil)
            }
            return FormatSupport.account(position: index + 1, type: "totp", issuer: issuer, name: account,
                                         secret: token.decryptedSecret, algorithm: "SHA1", digits: token.digits ?? 6,
                                         period: 30, counter: nil)
        }
    }

    /// Decrypts every encrypted secret. Authy keeps no check of the password, so a wrong one shows as
    /// every secret failing (bad padding or a result that is not Base32); some failing while others
    /// decrypt means the file was altered.
    static func decrypt(_ tokens: inout [Token], password: String) throws(FormatError) {
        var failed: [Int] = []
        var decrypted = 0
        for index in tokens.indices where tokens[index].decryptedSecret == nil {
            guard let encoded = tokens[index].encryptedSecret else { continue }
            let iterations = tokens[index].key_derivation_iterations ?? defaultIterations
            guard (1...ExportLimits.maxPBKDF2Iterations).contains(iterations) else {
                throw .tooLarge(format: name, "\(iterations) key-derivation iterations; the limit is \(ExportLimits.maxPBKDF2Iterations)")
            }
            guard encoded.utf8.count <= ExportLimits.maxSecretBytes * 2, let ciphertext = Data(base64Encoded: encoded) else {
                throw .damaged(format: name, "entry \(index + 1): encryptedSecret is not Base64")
            }
            do {
                let key = try Crypto.pbkdf2(.sha1, password: SecretBytes(utf8: password), salt: Array((tokens[index].salt ?? "").utf8),
                                            iterations: iterations, length: 32)
                let plain = try Crypto.aesCBCDecrypt(key: key, iv: [UInt8](repeating: 0, count: 16), ciphertext: Array(ciphertext))
                guard let text = String(validating: plain, as: UTF8.self), (try? Base32.decode(text)) != nil else {
                    failed.append(index + 1)
                    continue
                }
                tokens[index].decryptedSecret = text
                decrypted += 1
            } catch {
                failed.append(index + 1)
            }
        }
        guard failed.isEmpty else {
            if decrypted == 0 { throw .wrongPassword(format: name) }
            throw .damaged(format: name, "the secret of entry \(failed[0]) does not decrypt while the others do (altered?)")
        }
    }

    /// issuer and account name: the QR label (`originalName`, `Issuer:account`) and `originalIssuer` first,
    /// then the name Authy shows with its `Issuer: ` prefix taken off.
    static func names(_ token: Token) -> (issuer: String, name: String) {
        let original = token.originalName ?? ""
        let colon = original.firstIndex(of: ":")
        var issuer = token.originalIssuer ?? ""
        if issuer.isEmpty, let colon { issuer = String(original[..<colon]) }
        if issuer.isEmpty, let type = token.accountType, let first = type.first {
            issuer = first.uppercased() + type.dropFirst()
        }
        if let colon { return (issuer, String(original[original.index(after: colon)...]).trimmingCharacters()) }
        var shown = token.name ?? original
        for separator in [": ", " - "] where !issuer.isEmpty && shown.hasPrefix(issuer + separator) {
            shown = String(shown.dropFirst(issuer.count + separator.count))
        }
        return (issuer, shown)
    }
}

extension FormatSupport {
    /// The values of an Android preferences file, with the format's name in errors.
    static func preferences(_ content: ExportContent, format: String) throws(FormatError) -> [AndroidPreference] {
        do {
            return try AndroidPreferences.parse(content.bytes)
        } catch {
            switch error {
            case let .notXML(detail): throw .damaged(format: format, "not well-formed XML\(detail.isEmpty ? "" : " (\(detail))")")
            case let .notPreferences(detail): throw .malformed(format: format, detail)
            case let .tooLarge(detail): throw .tooLarge(format: format, detail)
            case let .libraryMissing(detail): throw .libraryMissing(detail)
            }
        }
    }
}
