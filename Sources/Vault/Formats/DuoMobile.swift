import FoundationEssentials

/// Duo Mobile's `accounts.json` (docs/formats/duo.md): a JSON array of accounts, each with a `name` and
/// an `otpGenerator` {`otpSecret` (Base32), `counter` for HOTP}; SHA1, 6 digits, 30 s; no issuer.
public enum DuoMobile: ExportFormat {
    public static let name = "Duo Mobile"

    struct Entry: Decodable {
        let name: String?
        let accountType: String?
        let otpGenerator: Generator?
    }
    struct Generator: Decodable {
        let otpSecret: String?
        let counter: UInt64?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.isDamagedJSON(mentioning: ["otpGenerator", "otpSecret"]) { return true }
        guard case let .array(items)? = content.json, !items.isEmpty else { return false }
        return items.contains { $0["otpGenerator"] != nil || $0["accountType"]?.string == "OtpAccount" }
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        try FormatSupport.checkCount(content.json?.array?.count ?? 0, format: name)
        let accounts = try FormatSupport.decode([Entry].self, from: content.bytes, format: name)
        return accounts.enumerated().map { index, entry in
            let name = entry.name ?? ""
            guard let generator = entry.otpGenerator else {
                return .unsupported(UnsupportedEntry(position: index + 1, name: FormatSupport.entryName(issuer: "", name: name),
                                                     reason: "a Duo push account (\(entry.accountType ?? "no type")), with no one-time-password secret"))
            }
            return FormatSupport.account(position: index + 1, type: generator.counter == nil ? "totp" : "hotp", issuer: "",
                                         name: name, secret: generator.otpSecret, algorithm: nil, digits: nil,
                                         period: nil, counter: generator.counter)
        }
    }
}
