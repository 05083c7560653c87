/// The largest names and secrets authv accepts, from any source (otpauth URIs, Google Authenticator
/// exports, typed in, renamed). Real ones are far smaller: these only keep hostile input from being
/// stored and echoed back whole. docs/cli.md lists them.
public enum AccountLimits {
    /// Bytes of UTF-8 in an issuer.
    public static let maxIssuerBytes = 256
    /// Bytes of UTF-8 in an account name.
    public static let maxNameBytes = 256
    /// Bytes of a decoded secret (2048 bits; sites use 80 to 512).
    public static let maxSecretBytes = 256
    /// Bytes of UTF-8 in a note kept with an account (imports carry them).
    public static let maxNoteBytes = 8192
    /// Bytes of an otpauth:// URI, as given (percent-encoded): room for the longest label, issuer, note
    /// and secret, each written wholly as `%XX`.
    public static let maxURIBytes = 40_960
    /// Bytes of an otpauth:// URI's label, as given (percent-encoded: room for the longest issuer and name
    /// written wholly as `%XX`).
    public static let maxLabelBytes = 2048
    /// Parameters (`name=value` pairs, known or not) in an otpauth:// URI.
    public static let maxParameters = 32

    /// What makes an account's names, note or secret unacceptable, as "issuer is longer than 256
    /// bytes", or nil.
    public static func problem(_ account: Account) -> String? {
        for (field, text, limit) in [("issuer", account.issuer, maxIssuerBytes), ("account name", account.name, maxNameBytes),
                                     ("note", account.note, maxNoteBytes)] {
            if text.utf8.count > limit { return "\(field) is longer than \(limit) bytes" }
            if field != "note" && text.utf8.contains(0) { return "\(field) holds a NUL character" }
        }
        if account.secret.count > maxSecretBytes { return "secret is longer than \(maxSecretBytes) bytes" }
        return nil
    }
}

extension Account {
    /// What makes this account unacceptable to store (see `AccountLimits`), or nil.
    public var limitProblem: String? { AccountLimits.problem(self) }
}
