import FoundationEssentials
import OTP

/// Ente Auth's exports: the plain text export (otpauth URIs with Ente's `codeDisplay` parameter) and the
/// encrypted export (Argon2id + XChaCha20-Poly1305 secretstream, through libsodium opened at first use):
/// docs/formats/ente-auth.md.
public enum EnteAuth: ExportFormat {
    public static let name = "Ente Auth"

    /// Argon2id limits a file may ask for: Ente's own "sensitive" settings at most (1 GiB, a few passes).
    static let maxMemLimit = 1 << 30
    static let maxOpsLimit: UInt64 = 64
    /// The encrypted data's size, before it is decoded.
    static let maxEncryptedCharacters = 64 << 20

    struct Export: Decodable {
        var version: Int
        var kdfParams: KDF
        var encryptedData: String
        var encryptionNonce: String
    }

    struct KDF: Decodable {
        var memLimit: Int
        var opsLimit: UInt64
        var salt: String
    }

    /// The JSON in `codeDisplay` (only what authv keeps).
    struct Display: Decodable {
        var note: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if let object = content.object {
            return object["kdfParams"]?.object != nil && object["encryptedData"] != nil
        }
        if content.isDamagedJSON(mentioning: ["kdfParams"]) { return true }
        return isPlainExport(content)
    }

    /// Text whose lines are all otpauth URIs (blank lines aside), at least one with `codeDisplay`.
    static func isPlainExport(_ content: ExportContent) -> Bool {
        guard content.json == nil, ExportContent.contains(content.bytes, Array("codeDisplay=".utf8)),
              let text = content.text else { return false }
        return lines(text).allSatisfy { OTPAuthURI.isOTPAuth($0) }
    }

    static func lines(_ text: String) -> [Substring] {
        text.lines(omittingEmpty: true).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        guard content.object != nil || content.json == nil && content.text?.contains("kdfParams") != true else {
            throw .damaged(format: name, "not valid JSON (cut short?)")
        }
        if content.object == nil {
            return try entries(text: content.text ?? "")
        }
        let export = try FormatSupport.decode(Export.self, from: content.bytes, format: name)
        guard export.version == 1 else { throw .unsupportedVersion(format: name, "version \(export.version) (authv reads 1)") }
        let kdf = export.kdfParams
        guard kdf.memLimit >= 8192, kdf.memLimit <= maxMemLimit, kdf.opsLimit >= 1, kdf.opsLimit <= maxOpsLimit else {
            throw .tooLarge(format: name, "key derivation limits out of range (memory \(kdf.memLimit), passes \(kdf.opsLimit))")
        }
        guard export.encryptedData.utf8.count <= maxEncryptedCharacters else {
            throw .tooLarge(format: name, "encryptedData is longer than \(maxEncryptedCharacters) characters")
        }
        guard let salt = Data(base64Encoded: kdf.salt), let header = Data(base64Encoded: export.encryptionNonce),
              let ciphertext = Data(base64Encoded: export.encryptedData) else {
            throw .damaged(format: name, "salt, nonce or data is not Base64")
        }
        let sodium: Sodium
        switch Sodium.shared {
        case let .success(library): sodium = library
        case let .failure(missing): throw .libraryMissing("\(missing.message): install libsodium (Debian: libsodium23)")
        }
        guard header.count == Sodium.headerBytes else { throw .damaged(format: name, "the nonce is not \(Sodium.headerBytes) bytes") }
        guard ciphertext.count > Sodium.aBytes else { throw .damaged(format: name, "the data is too short") }
        guard let key = sodium.argon2id(password: Array(try password().utf8), salt: Array(salt), opsLimit: kdf.opsLimit,
                                        memLimit: kdf.memLimit, length: Sodium.keyBytes) else {
            throw .damaged(format: name, "the key could not be derived (salt of the wrong length, or too little memory)")
        }
        guard let plaintext = sodium.openStream(header: Array(header), key: key, ciphertext: Array(ciphertext)) else {
            // No password check in the file: under the right key the unverified text still starts as URIs.
            let unverified = sodium.unverifiedStream(header: Array(header), key: key, ciphertext: Array(ciphertext))
            if unverified.starts(with: Array("otpauth".utf8)) || unverified.isEmpty && ciphertext.count == Sodium.aBytes {
                throw .damaged(format: name, "the data does not decrypt whole (altered or cut short)")
            }
            throw .wrongPassword(format: name)
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .damaged(format: name, "the decrypted data is not text") }
        return try entries(text: text)
    }

    /// One entry per URI line; the note from `codeDisplay`.
    static func entries(text: String) throws(FormatError) -> [ImportedEntry] {
        let uris = lines(text)
        try FormatSupport.checkCount(uris.count, format: name)
        return uris.enumerated().map { index, line in
            guard line.utf8.count <= ExportLimits.maxTextBytes * 2 else {
                return .unsupported(UnsupportedEntry(position: index + 1, name: label(line), reason: "longer than authv accepts"))
            }
            do throws(URIError) {
                var account = try Account(uri: String(line))
                account.note = note(line) ?? ""
                return .account(account)
            } catch {
                return .unsupported(UnsupportedEntry(position: index + 1, name: label(line), reason: FormatSupport.reason(for: error)))
            }
        }
    }

    /// The `note` in a line's `codeDisplay` JSON.
    static func note(_ line: Substring) -> String? {
        guard let query = line.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("codeDisplay=") {
            guard let json = Percent.decode(pair.dropFirst("codeDisplay=".count), plusIsSpace: true),
                  let display = try? JSONDecoder().decode(Display.self, from: Data(json.utf8)) else { return nil }
            return display.note
        }
        return nil
    }

    /// The label of a URI that does not parse, as authv names accounts (`Issuer (account)`).
    static func label(_ line: Substring) -> String {
        let path = line.dropFirst("otpauth://".count).split(separator: "?").first ?? ""
        let raw = path.split(separator: "/", maxSplits: 1).dropFirst().first ?? ""
        let label = Percent.decode(raw) ?? String(raw)
        guard let colon = label.firstIndex(of: ":") else { return label }
        return FormatSupport.entryName(issuer: String(label[..<colon]),
                                       name: String(label[label.index(after: colon)...].drop { $0 == " " }))
    }
}
