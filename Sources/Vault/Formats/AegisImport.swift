import OTP
import AuthvCrypto

/// Aegis vault files (plain or encrypted, content versions 1 to 3) as an import: read with the vault
/// codec (AegisVault.swift, docs/vault.md), never a second parser.
public enum AegisImport: ExportFormat {
    public static let name = "Aegis"

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.plainAegis != nil { return true }
        if let object = content.object {
            return object["version"] != nil && object["header"]?.object != nil && object["db"] != nil
        }
        return content.isDamagedJSON(mentioning: ["version", "header", "slots"])
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let vault: AegisVault
        do {
            let file = try content.plainAegis.map(AegisFile.init(plain:)) ?? AegisFile(bytes: content.bytes, parsed: content.json)
            vault = try file.open(file.isEncrypted ? try file.key(password: SecretBytes(utf8: try password())) : nil)
        } catch let error as AegisError {
            throw formatError(error)
        } catch let error as FormatError {
            throw error
        } catch {
            throw .damaged(format: name, "\(error)")
        }
        try FormatSupport.checkCount(vault.entries.count, format: name)
        return vault.entries.enumerated().map { index, entry in
            guard var account = entry.account else {
                let shown = FormatSupport.entryName(issuer: entry.raw["issuer"]?.string ?? "", name: entry.raw["name"]?.string ?? "")
                let known = ["motp": "mOTP", "yandex": "Yandex"]
                return .unsupported(UnsupportedEntry(position: index + 1, name: shown,
                                                     reason: known[entry.type.lowercased()] ?? entry.problem ?? "unusable"))
            }
            // The note as Aegis shows it, recovery codes kept in it included.
            account.note = entry.fullNote
            return .account(account)
        }
    }

    static func formatError(_ error: AegisError) -> FormatError {
        switch error {
        case .wrongPassword: return .wrongPassword(format: name)
        case let .damaged(detail): return .damaged(format: name, detail)
        case .notJSON: return .damaged(format: name, "not valid JSON (cut short?)")
        case let .crypto(detail): return .damaged(format: name, detail)
        case .tooLarge, .tooMany: return .tooLarge(format: name, "\(error)")
        case .unsupportedVersion, .unsupportedContentVersion: return .unsupportedVersion(format: name, "\(error)")
        case .notAegis, .badField, .noPasswordSlot, .passwordNeeded: return .malformed(format: name, "\(error)")
        }
    }
}
