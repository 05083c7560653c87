import OTP

/// Proton Authenticator's JSON export: docs/formats/proton-authenticator.md.
public enum ProtonAuthenticator: ExportFormat {
    public static let name = "Proton Authenticator"

    struct Export: Decodable {
        var version: Int
        var entries: [Entry]
    }

    struct Entry: Decodable {
        var content: Content
        var note: String?
    }

    struct Content: Decodable {
        var uri: String
        var entry_type: String
        var name: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        guard let object = content.object, object["version"]?.int != nil else {
            return content.isDamagedJSON(mentioning: ["entries", "entry_type"])
        }
        if let entries = object["entries"]?.array {
            return entries.allSatisfy { $0["content"]?["entry_type"] != nil } && object["header"] == nil
        }
        // A password-protected export: `salt` and `content` instead of `entries`.
        return object["salt"]?.string != nil && object["content"]?.string != nil
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        if content.object?["entries"] == nil {
            throw .unsupportedVersion(format: name, "a password-protected export; export again without a password")
        }
        let export = try FormatSupport.decode(Export.self, from: content.bytes, format: name)
        guard export.version == 1 else { throw .unsupportedVersion(format: name, "version \(export.version) (authv reads 1)") }
        try FormatSupport.checkCount(export.entries.count, format: name)
        return export.entries.enumerated().map { index, entry in
            let position = index + 1
            let note = entry.note ?? ""
            let uri = entry.content.uri
            switch entry.content.entry_type {
            case "Totp":
                guard uri.utf8.count <= ExportLimits.maxTextBytes, let account = try? Account(uri: uri) else {
                    return .unsupported(UnsupportedEntry(position: position, name: entry.content.name ?? "", reason: "not a usable otpauth URI"))
                }
                var withNote = account
                withNote.note = note
                return .account(withNote)
            case "Steam":
                // `steam://SECRET` (Base32); the name is the entry's own.
                let secret = uri.lowercased().hasPrefix("steam://") ? String(uri.dropFirst(8)) : nil
                return FormatSupport.account(position: position, type: "steam", issuer: "Steam", name: entry.content.name ?? "",
                                             secret: secret, algorithm: nil, digits: nil, period: nil, counter: nil, note: note)
            default:
                return .unsupported(UnsupportedEntry(position: position, name: entry.content.name ?? "", reason: entry.content.entry_type))
            }
        }
    }
}
