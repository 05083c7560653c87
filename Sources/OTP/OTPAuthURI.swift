import AuthvCrypto

/// Why an otpauth:// URI was refused. Each case names the part at fault; none carries the secret.
public enum URIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not an `otpauth://` URI at all.
    case notOTPAuth
    /// A type other than totp, hotp or steam.
    case unknownType(String)
    /// A required parameter (`secret`, or `counter` for hotp) is absent.
    case missingParameter(String)
    /// A parameter whose value authv cannot use (`digits`, `period`, `counter`, `issuer`, ...).
    case invalidParameter(String, reason: String)
    /// The same parameter given twice.
    case duplicateParameter(String)
    /// `secret` is not valid Base32.
    case invalidSecret(Base32Error)
    /// `algorithm` other than SHA1, SHA256, SHA512 (MD5, say).
    case unsupportedAlgorithm(String)
    /// The label is not validly percent-encoded UTF-8.
    case invalidLabel
    /// The URI, or its label, is longer than `AccountLimits` allows ("URI", "label"; the limit in bytes).
    case tooLong(String, limit: Int)
    /// More than `AccountLimits.maxParameters` parameters.
    case tooManyParameters
    /// Names or secret that `AccountLimits` refuses ("account name holds a NUL character").
    case unacceptable(String)

    public var description: String {
        switch self {
        case .notOTPAuth: return "not an otpauth:// URI"
        case let .unknownType(type): return "unknown OTP type '\(type)' (expected totp, hotp or steam)"
        case let .missingParameter(name): return "missing parameter '\(name)'"
        case let .invalidParameter(name, reason): return "invalid parameter '\(name)': \(reason)"
        case let .duplicateParameter(name): return "parameter '\(name)' given more than once"
        case let .invalidSecret(error): return "invalid parameter 'secret': \(error)"
        case let .unsupportedAlgorithm(name): return "invalid parameter 'algorithm': unsupported algorithm '\(name)' (expected SHA1, SHA256 or SHA512)"
        case .invalidLabel: return "invalid label (bad percent-encoding)"
        case let .tooLong(part, limit): return "\(part) is longer than \(limit) bytes"
        case .tooManyParameters: return "more than \(AccountLimits.maxParameters) parameters"
        case let .unacceptable(reason): return reason
        }
    }
}

/// The parameters of an otpauth URI that authv reads, by lower-case name: a URI has a handful, looked up
/// a dozen times while it is judged, which a slot per name does without hashing.
public struct URIParameters: Sendable, ExpressibleByDictionaryLiteral {
    public static let names = ["secret", "issuer", "algorithm", "digits", "period", "counter", "encoder", "note", "offset"]
    private var values = [String?](repeating: nil, count: names.count)

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// The value of parameter `name`; nil when it is absent or not one of `names` (setting such a name
    /// does nothing).
    public subscript(name: String) -> String? {
        get { Self.names.firstIndex(of: name).flatMap { values[$0] } }
        set { if let slot = Self.names.firstIndex(of: name) { values[slot] = newValue } }
    }
}

/// otpauth:// URIs, Google's Key Uri Format: `otpauth://TYPE/ISSUER:ACCOUNT?secret=...&issuer=...`.
public enum OTPAuthURI {
    /// Digits authv accepts for TOTP and HOTP.
    public static let digitRange = 6...10
    /// The longest period accepted: a day. Anything longer is a typo, not a policy.
    public static let maxPeriod = 86_400
    /// The largest clock offset an account may have (authv's own `offset` parameter): a day either way.
    public static let maxOffset = 86_400

    @usableFromInline static let scheme = "otpauth://"

    /// Whether `text` claims to be an otpauth:// URI (scheme only, in any case).
    @inlinable public static func isOTPAuth(_ text: some StringProtocol) -> Bool {
        text.hasASCIIPrefixIgnoringCase(scheme)
    }

    /// Parses one otpauth:// URI. Its parts are cut at their separators in the UTF-8 bytes (`cut(at:)`).
    public static func parse(_ text: String) throws(URIError) -> Account {
        guard isOTPAuth(text) else { throw .notOTPAuth }
        // Sizes first, before anything is split, decoded or kept (AccountLimits).
        guard text.utf8.count <= AccountLimits.maxURIBytes else { throw .tooLong("URI", limit: AccountLimits.maxURIBytes) }
        let rest = text[text.utf8.index(text.startIndex, offsetBy: scheme.utf8.count)...]
        let (path, query) = rest.cut(at: UInt8(ascii: "?"))
        let (typeName, label) = path.cut(at: UInt8(ascii: "/"))
        if let label, label.utf8.count > AccountLimits.maxLabelBytes {
            throw .tooLong("label", limit: AccountLimits.maxLabelBytes)
        }
        // Empty pairs ("&&") are dropped; the count is bounded by the URI's size, checked above.
        let pairs = (query ?? "").utf8.split(separator: UInt8(ascii: "&")).map(Substring.init)
        guard pairs.count <= AccountLimits.maxParameters else { throw .tooManyParameters }
        let (labelIssuer, accountName) = try splitLabel(label ?? "")

        var parameters = URIParameters()
        for pair in pairs {
            let (rawKey, rawValue) = pair.cut(at: UInt8(ascii: "="))
            let key = rawKey.lowercased()
            guard URIParameters.names.contains(key) else { continue }  // unknown parameters (image, lock, color, ...) are ignored
            guard parameters[key] == nil else { throw .duplicateParameter(key) }
            guard let value = Percent.decode(rawValue ?? "", plusIsSpace: true) else {
                throw .invalidParameter(key, reason: "bad percent-encoding")
            }
            parameters[key] = value
        }
        return try account(typeName: String(typeName), labelIssuer: labelIssuer, name: accountName,
                           parameters: parameters)
    }

    /// Builds an account from the decoded parts of a URI, checking every parameter: the one place that
    /// judges them, for otpauth URIs and for accounts typed in (`add --manual`). `parameters` has
    /// lower-case names (`URIParameters.names`); others are ignored.
    /// `secret`, when given, is the secret itself (from a format that stores bytes) and takes the place of
    /// the `secret` parameter, so that no Base32 text of it is made.
    public static func account(typeName: String, labelIssuer: String, name accountName: String,
                               parameters: URIParameters, secret given: SecretBytes? = nil) throws(URIError) -> Account {
        var type: OTPType
        switch typeName.lowercased() {
        case "totp": type = .totp
        case "hotp": type = .hotp
        case "steam": type = .steam
        default: throw .unknownType(typeName)
        }
        let secret: SecretBytes
        if let given {
            guard !given.isEmpty else { throw .invalidSecret(.empty) }
            secret = given
        } else {
            guard let secretText = parameters["secret"] else { throw .missingParameter("secret") }
            do { secret = try Base32.decode(secretText) } catch { throw .invalidSecret(error) }
        }

        if type == .totp, let encoder = parameters["encoder"], encoder.lowercased() == "steam" {
            type = .steam
        }

        var issuer = labelIssuer
        if let given = parameters["issuer"], !given.isEmpty {
            issuer = given  // the parameter wins over the label prefix
        }
        var account = Account(type: type, issuer: issuer, name: accountName, secret: secret, note: parameters["note"] ?? "")
        if let text = parameters["offset"] {
            guard type != .hotp else { throw .invalidParameter("offset", reason: "HOTP codes do not depend on the clock") }
            guard let offset = Int(text), (-maxOffset...maxOffset).contains(offset) else {
                throw .invalidParameter("offset", reason: "'\(text)' is not a whole number of seconds from -\(maxOffset) to \(maxOffset)")
            }
            account.offset = offset
        }
        if let problem = account.limitProblem { throw .unacceptable(problem) }
        guard type != .steam else { return account }  // Steam fixes algorithm, length and period

        if let name = parameters["algorithm"] {
            guard let algorithm = HashAlgorithm(name: name) else { throw .unsupportedAlgorithm(name) }
            account.algorithm = algorithm
        }
        if let text = parameters["digits"] {
            guard let digits = Int(text), digitRange.contains(digits) else {
                throw .invalidParameter("digits", reason: "'\(text)' is not a whole number from 6 to 10")
            }
            account.digits = digits
        }
        switch type {
        case .hotp:
            guard let text = parameters["counter"] else { throw .missingParameter("counter") }
            guard let counter = UInt64(text) else {
                throw .invalidParameter("counter", reason: "'\(text)' is not a whole number from 0")
            }
            account.counter = counter
        case .totp:
            if let text = parameters["period"] {
                guard let period = Int(text), period >= 1, period <= maxPeriod else {
                    throw .invalidParameter("period", reason: "'\(text)' is not a whole number of seconds from 1 to \(maxPeriod)")
                }
                account.period = period
            }
        case .steam:
            break
        }
        return account
    }

    /// Splits a raw label into issuer prefix and account name. The separator is the first literal ':'
    /// or, when there is none, the first '%3A'; spaces after it are dropped.
    static func splitLabel(_ raw: Substring) throws(URIError) -> (issuer: String, account: String) {
        var (prefix, remainder): (Substring?, Substring) = (nil, raw)
        let (beforeColon, afterColon) = raw.cut(at: UInt8(ascii: ":"))
        if let afterColon {
            (prefix, remainder) = (beforeColon, afterColon)
        } else if let escape = raw.utf8.indices.first(where: { raw.utf8[$0...].prefix(3).map(asciiLowercased).elementsEqual("%3a".utf8) }) {
            (prefix, remainder) = (raw[..<escape], raw[raw.utf8.index(escape, offsetBy: 3)...])
        }
        guard let account = Percent.decode(remainder) else { throw .invalidLabel }
        let trimmed = String(account.drop { $0 == " " })
        guard let prefix else { return ("", trimmed) }
        guard let issuer = Percent.decode(prefix) else { throw .invalidLabel }
        return (issuer, trimmed)
    }

    /// The canonical URI of an account; it parses back to the same account.
    public static func string(for account: Account) -> String {
        var label = Percent.encode(account.name)
        if !account.issuer.isEmpty || account.name.contains(":") {
            label = Percent.encode(account.issuer) + ":" + label
        }
        var uri = "otpauth://\(account.type.rawValue)/\(label)?secret=\(Base32.encode(account.secret))"
        if !account.issuer.isEmpty {
            uri += "&issuer=" + Percent.encode(account.issuer)
        }
        uri += "&algorithm=\(account.algorithm.rawValue)&digits=\(account.digits)"
        switch account.type {
        case .totp, .steam: uri += "&period=\(account.period)"
        case .hotp: uri += "&counter=\(account.counter)"
        }
        if account.offset != 0 { uri += "&offset=\(account.offset)" }  // authv's own, like note
        if !account.note.isEmpty {
            // authv's own parameter (other apps ignore unknown ones); percent-encoding keeps newlines out.
            uri += "&note=" + Percent.encode(account.note)
        }
        return uri
    }
}

extension Account {
    /// The account's canonical otpauth:// URI.
    public var uri: String { OTPAuthURI.string(for: self) }

    /// Parses an otpauth:// URI.
    public init(uri: String) throws(URIError) {
        self = try OTPAuthURI.parse(uri)
    }
}
