import AuthvCrypto
import FoundationEssentials

/// A Steam Desktop Authenticator `.maFile` (docs/formats/steam-desktop-authenticator.md): one Steam
/// account, `shared_secret` in Base64, `account_name`; the revocation code goes into the note.
public enum SteamDesktopAuthenticator: ExportFormat {
    public static let name = "Steam Desktop Authenticator"

    struct MaFile: Decodable {
        let shared_secret: String?
        let account_name: String?
        let revocation_code: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.isDamagedJSON(mentioning: ["shared_secret", "account_name"]) { return true }
        guard let object = content.object else { return false }
        return object["shared_secret"] != nil && object["account_name"] != nil
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let file = try FormatSupport.decode(MaFile.self, from: content.bytes, format: name)
        let account = file.account_name ?? ""
        guard let encoded = file.shared_secret, !encoded.isEmpty else {
            return [.unsupported(UnsupportedEntry(position: 1, name: "Steam (\(account))", reason: "missing secret"))]
        }
        guard encoded.utf8.count <= ExportLimits.maxSecretBytes * 2, var decoded = Data(base64Encoded: encoded) else {
            return [.unsupported(UnsupportedEntry(position: 1, name: "Steam (\(account))", reason: "shared_secret is not Base64"))]
        }
        let secret = decoded.withUnsafeBytes { SecretBytes(copying: $0) }
        decoded.withUnsafeMutableBytes { SecretBytes.wipe($0) }
        let note = file.revocation_code.map { $0.isEmpty ? "" : "Steam revocation code: \($0)" } ?? ""
        return [FormatSupport.account(position: 1, type: "steam", issuer: "Steam", name: account,
                                      secret: secret, algorithm: nil, digits: nil,
                                      period: nil, counter: nil, note: note)]
    }
}
