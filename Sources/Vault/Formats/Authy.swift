import FoundationEssentials

/// The Authy Android app's `com.authy.storage.tokens.authenticator.xml` (docs/formats/authy.md): a
/// SharedPreferences map whose `com.authy.storage.tokens.authenticator.key` string is a JSON array of
/// tokens; TOTP, SHA1, 30 s, the token's `digits`.
public enum Authy: ExportFormat {
    public static let name = "Authy"
    static let key = "com.authy.storage.tokens.authenticator"

    struct Token: Decodable {
        let decryptedSecret: String?
        let encryptedSecret: String?
        let digits: Int?
        let originalName: String?
        let originalIssuer: String?
        let name: String?
        let accountType: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        content.isXML && (content.text?.contains(key) ?? false)
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let preferences = try FormatSupport.preferences(content, format: name)
        guard let value = preferences.first(where: { $0.kind == "string" && $0.name.hasPrefix(key) })?.value else {
            throw .malformed(format: name, "no \(key) value")
        }
        let tokens = try FormatSupport.decode([Token].self, from: Array(value.utf8), format: name)
        try FormatSupport.checkCount(tokens.count, format: name)
        return tokens.enumerated().map { index, token in
            let (issuer, account) = names(token)
            guard token.decryptedSecret != nil || token.encryptedSecret == nil else {
                return .unsupported(UnsupportedEntry(position: index + 1, name: FormatSupport.entryName(issuer: issuer, name: account),
                                                     reason: "its secret is encrypted by the Authy app (a backup password is set)"))
            }
            return FormatSupport.account(position: index + 1, type: "totp", issuer: issuer, name: account,
                                         secret: token.decryptedSecret, algorithm: "SHA1", digits: token.digits ?? 6,
                                         period: 30, counter: nil)
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
