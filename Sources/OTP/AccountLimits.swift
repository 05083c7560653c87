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
    /// Bytes of an otpauth:// URI, as given (percent-encoded).
    public static let maxURIBytes = 4096
    /// Bytes of an otpauth:// URI's label, as given (percent-encoded: room for the longest issuer and name
    /// written wholly as `%XX`).
    public static let maxLabelBytes = 2048
    /// Parameters (`name=value` pairs, known or not) in an otpauth:// URI.
    public static let maxParameters = 32

    /// What makes an account's names or secret unacceptable, as "issuer is longer than 256 bytes", or nil.
    public static func problem(issuer: String, name: String, secret: [UInt8]) -> String? {
        for (field, text, limit) in [("issuer", issuer, maxIssuerBytes), ("account name", name, maxNameBytes)] {
            if text.utf8.count > limit { return "\(field) is longer than \(limit) bytes" }
            if text.utf8.contains(0) { return "\(field) holds a NUL character" }
        }
        if secret.count > maxSecretBytes { return "secret is longer than \(maxSecretBytes) bytes" }
        return nil
    }
}

extension Account {
    /// What makes this account unacceptable to store (see `AccountLimits`), or nil.
    public var limitProblem: String? {
        AccountLimits.problem(issuer: issuer, name: name, secret: secret)
    }
}
