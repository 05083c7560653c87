import OTP
public import AuthvCrypto

/// The Battle.net authenticator's preferences XML (docs/formats/battle-net.md), in the old app's form
/// (`com.blizzard.bma.AUTH_STORE.HASH`: secret and serial) or the Battle.net app's
/// (`...AUTHENTICATOR_DEVICE_SECRET` and `...AUTHENTICATOR_SERIAL`), each masked with a fixed XOR key.
/// One entry: TOTP, SHA1, 8 digits, 30 s; the serial and restore code go into the note.
public enum BattleNet: ExportFormat {
    public static let name = "Battle.net"
    static let oldHash = "com.blizzard.bma.AUTH_STORE.HASH"
    static let deviceSecret = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET"
    static let serialKey = "com.blizzard.messenger.AUTHENTICATOR_SERIAL"

    /// The XOR key the apps mask their values with (WinAuth's MOBILE_AUTHENTICATOR_KEY); a masked value
    /// is at most this long.
    static let mask: [UInt8] = [
        0x39, 0x8e, 0x27, 0xfc, 0x50, 0x27, 0x6a, 0x65, 0x60, 0x65, 0xb0, 0xe5, 0x25, 0xf4, 0xc0, 0x6c,
        0x04, 0xc6, 0x10, 0x75, 0x28, 0x6b, 0x8e, 0x7a, 0xed, 0xa5, 0x9d, 0xa9, 0x81, 0x3b, 0x5d, 0xd6,
        0xc8, 0x0d, 0x2f, 0xb3, 0x80, 0x68, 0x77, 0x3f, 0xa5, 0x9b, 0xa4, 0x7c, 0x17, 0xca, 0x6c, 0x64,
        0x79, 0x01, 0x5c, 0x1d, 0x5b, 0x8b, 0x8f, 0x6b, 0x9a,
    ]
    /// The secret, as hex digits at the start of the unmasked text.
    static let secretHexLength = 40
    /// The restore code's alphabet: digits and letters without I, L, O and S.
    static let restoreAlphabet = Array("0123456789ABCDEFGHJKMNPQRTUVWXYZ")

    public static func recognises(_ content: ExportContent) -> Bool {
        guard content.isXML, let text = content.text else { return false }
        return text.contains(oldHash) || text.contains(deviceSecret)
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let preferences = try FormatSupport.preferences(content, format: name)
        func value(_ key: String) -> String? { preferences.first { $0.kind == "string" && $0.name == key }?.value }
        let secretHex: String
        let serial: String
        if let hash = value(oldHash) {
            let text = try unmask(hash, what: "AUTH_STORE.HASH")
            guard text.count > secretHexLength else { throw .damaged(format: name, "AUTH_STORE.HASH is too short") }
            secretHex = String(text.prefix(secretHexLength))
            serial = String(text.dropFirst(secretHexLength))
        } else if let secret = value(deviceSecret) {
            secretHex = try unmask(secret, what: "AUTHENTICATOR_DEVICE_SECRET")
            serial = try value(serialKey).map { (masked) throws(FormatError) in try unmask(masked, what: "AUTHENTICATOR_SERIAL") } ?? ""
        } else {
            throw .malformed(format: name, "no authenticator secret")
        }
        guard var secret = Hex.decode(secretHex), secret.count == secretHexLength / 2 else {
            throw .damaged(format: name, "the secret is not \(secretHexLength) hex digits")
        }
        var note = "Battle.net serial: \(serial)"
        if !serial.isEmpty, let code = try? restoreCode(serial: serial, secret: secret) { note += ", restore code: \(code)" }
        return [FormatSupport.account(position: 1, type: "totp", issuer: "Battle.net", name: serial,
                                      secret: FormatSupport.secret(taking: &secret), algorithm: "SHA1", digits: 8, period: 30,
                                      counter: nil, note: serial.isEmpty ? "" : note)]
    }

    /// The ASCII text of a masked value (hex of text XOR `mask`).
    static func unmask(_ masked: String, what: String) throws(FormatError) -> String {
        let trimmed = masked.trimmingCharacters()
        guard trimmed.utf8.count <= mask.count * 2, let bytes = Hex.decode(trimmed) else {
            throw .damaged(format: name, "\(what) is not the app's masked hex")
        }
        let plain = zip(bytes, mask).map { $0 ^ $1 }
        guard plain.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
            throw .damaged(format: name, "\(what) does not unmask to text")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Blizzard's restore code: the last 10 bytes of SHA-1(serial without dashes ‖ secret), five bits each.
    public static func restoreCode(serial: String, secret: [UInt8]) throws(CryptoError) -> String {
        var message = Array(serial.uppercased().replacingDashes().utf8) + secret
        defer { SecretBytes.wipe(&message) }
        let digest = try Crypto.sha1(message)
        return String(digest.suffix(10).map { restoreAlphabet[Int($0 & 0x1f)] })
    }
}

private extension String {
    func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
