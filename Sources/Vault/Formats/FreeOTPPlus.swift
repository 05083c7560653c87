import OTP

/// FreeOTP+'s JSON export (`freeotp-backup.json`): docs/formats/freeotp-plus.md.
public enum FreeOTPPlus: ExportFormat {
    public static let name = "FreeOTP+"

    struct Backup: Decodable {
        var tokens: [Token]
    }

    struct Token: Decodable {
        var algo: String?
        var counter: UInt64?
        var digits: Int?
        var issuerExt: String?
        var issuerInt: String?
        var label: String?
        var period: Int?
        /// The secret's bytes as signed 8-bit numbers (Java's `byte`).
        var secret: [Int]?
        var type: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        guard let object = content.object, let tokens = object["tokens"]?.array else {
            return content.isDamagedJSON(mentioning: ["tokens", "issuerExt"])
        }
        return object["tokenOrder"] != nil || tokens.contains { $0["issuerExt"] != nil || $0["algo"] != nil }
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let backup = try FormatSupport.decode(Backup.self, from: content.bytes, format: name)
        try FormatSupport.checkCount(backup.tokens.count, format: name)
        return backup.tokens.enumerated().map { index, token in
            let issuer = token.issuerExt.flatMap { $0.isEmpty ? nil : $0 } ?? token.issuerInt ?? ""
            let shown = FormatSupport.entryName(issuer: issuer, name: token.label ?? "")
            let values = token.secret ?? []
            // Java's signed bytes: -1 is 0xFF.
            guard values.count <= ExportLimits.maxSecretBytes, let secret = FormatSupport.secret(javaBytes: values) else {
                return .unsupported(UnsupportedEntry(position: index + 1, name: shown, reason: "a secret that is not a list of bytes"))
            }
            let type = token.type ?? "TOTP"
            let hotp = type.uppercased() == "HOTP"
            return FormatSupport.account(position: index + 1, type: type, issuer: issuer, name: token.label ?? "",
                                         secret: secret, algorithm: token.algo,
                                         digits: token.digits, period: hotp ? nil : token.period,
                                         counter: hotp ? (token.counter ?? 0) : nil)
        }
    }
}
