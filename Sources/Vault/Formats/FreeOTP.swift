import AuthvCrypto
import FoundationEssentials

/// FreeOTP 1.x's `tokens.xml` (docs/formats/freeotp.md): one SharedPreferences string per token (its
/// JSON), secrets as signed bytes, plus `tokenOrder`. FreeOTP stores the HOTP counter it last used, so
/// authv's next counter is the stored one plus one.
public enum FreeOTP: ExportFormat {
    public static let name = "FreeOTP"

    struct Token: Decodable {
        let type: String?
        let algo: String?
        let digits: Int?
        let period: Int?
        let counter: UInt64?
        let secret: [Int]?
        let issuerExt: String?
        let issuerAlt: String?
        let label: String?
        let labelAlt: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        // tokenOrder comes last; every token's JSON names issuerExt (so a cut-short file is still FreeOTP's)
        guard content.isXML, let text = content.text else { return false }
        return text.contains("\"tokenOrder\"") || text.contains("&quot;issuerExt&quot;")
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let preferences = try FormatSupport.preferences(content, format: name)
        if preferences.contains(where: { $0.name == "masterKey" || $0.value.contains("mCipherText") }) {
            throw .unsupportedVersion(format: name, "FreeOTP 2's encrypted token store; authv reads FreeOTP 2's backup (externalBackup.xml) instead")
        }
        let strings = preferences.filter { $0.kind == "string" }
        guard let orderValue = strings.first(where: { $0.name == "tokenOrder" })?.value else {
            throw .malformed(format: name, "no tokenOrder")
        }
        let order = try FormatSupport.decode([String].self, from: Array(orderValue.utf8), format: name)
        var tokens = strings.filter { $0.name != "tokenOrder" }
        try FormatSupport.checkCount(tokens.count, format: name)
        // tokenOrder's order, then any token it leaves out, in the file's order
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        tokens = tokens.enumerated().sorted { a, b in
            (rank[a.element.name] ?? order.count + a.offset, a.offset) < (rank[b.element.name] ?? order.count + b.offset, b.offset)
        }.map(\.element)

        var entries: [ImportedEntry] = []
        for (index, stored) in tokens.enumerated() {
            let token = try FormatSupport.decode(Token.self, from: Array(stored.value.utf8), format: name)
            entries.append(entry(token, id: stored.name, position: index + 1))
        }
        return entries
    }

    /// FreeOTP 1 stores the counter it last used (`storesLastCounter`); FreeOTP 2's backup the next one.
    /// `secret`, when given, is the token's secret (FreeOTP 2 keeps it encrypted beside the token).
    static func entry(_ token: Token, id: String, position: Int, storesLastCounter: Bool = true,
                      secret decrypted: SecretBytes? = nil) -> ImportedEntry {
        let issuer = token.issuerAlt ?? token.issuerExt ?? ""
        let label = token.labelAlt ?? token.label ?? ""
        let unsupported = { (reason: String) in
            ImportedEntry.unsupported(UnsupportedEntry(position: position, name: FormatSupport.entryName(issuer: issuer, name: label), reason: reason))
        }
        let secret: SecretBytes
        if let decrypted {
            secret = decrypted
        } else {
            guard let signed = token.secret, !signed.isEmpty else { return unsupported("missing secret") }
            guard signed.count <= ExportLimits.maxSecretBytes else { return unsupported("a secret longer than authv accepts") }
            guard let bytes = FormatSupport.secret(javaBytes: signed) else { return unsupported("a secret byte out of range") }
            secret = bytes
        }
        var type = (token.type ?? "").lowercased()
        if type == "totp", issuer == "Steam" { type = "steam" }  // as FreeOTP's readers (Aegis) do
        var counter: UInt64? = nil
        if type == "hotp" {
            guard let stored = token.counter, stored < UInt64.max else { return unsupported("missing counter") }
            counter = storesLastCounter ? stored + 1 : stored
        }
        return FormatSupport.account(position: position, type: type.isEmpty ? "no type" : type, issuer: issuer, name: label,
                                     secret: secret, algorithm: token.algo, digits: token.digits,
                                     period: type == "hotp" ? nil : token.period, counter: counter)
    }
}
