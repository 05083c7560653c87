public import AuthvCrypto

/// The kinds of one-time password authv computes.
public enum OTPType: String, Sendable, Hashable, CaseIterable {
    case totp, hotp, steam
}

/// One otpauth secret with its parameters: what a site's QR code carries.
public struct Account: Sendable, Hashable {
    public var type: OTPType
    /// The service (`GitHub`); empty when the source named none.
    public var issuer: String
    /// The user's name at that service (`alice@example.com`); may be empty.
    public var name: String
    /// The key the codes are computed from: wiped when freed, compared in constant time, never shown.
    public var secret: SecretBytes
    public var algorithm: HashAlgorithm
    /// 6 to 10 for TOTP and HOTP; 5 characters for Steam.
    public var digits: Int
    /// Seconds per window (TOTP and Steam).
    public var period: Int
    /// The counter the next HOTP code uses.
    public var counter: UInt64
    /// Free text kept with the account (an import's note, recovery codes an app kept there); empty for none.
    /// Stored in the keyring as the URI's `note` parameter, percent-encoded, so no raw newline is stored.
    public var note: String
    /// Seconds by which this account's verifier runs ahead (positive) or behind (negative) the real time:
    /// codes are computed for now + offset (old hardware tokens, misconfigured servers). 0 for none.
    public var offset: Int = 0

    public init(type: OTPType = .totp, issuer: String = "", name: String = "", secret: SecretBytes,
                algorithm: HashAlgorithm = .sha1, digits: Int = 6, period: Int = 30, counter: UInt64 = 0,
                note: String = "") {
        self.type = type
        self.issuer = issuer
        self.name = name
        self.secret = secret
        self.algorithm = type == .steam ? .sha1 : algorithm
        self.digits = type == .steam ? Steam.length : digits
        self.period = type == .steam ? 30 : period
        self.counter = counter
        self.note = note
    }

    /// `Issuer (account)`, or just the one that is present.
    public var displayName: String {
        switch (issuer.isEmpty, name.isEmpty) {
        case (false, false): return "\(issuer) (\(name))"
        case (false, true): return issuer
        case (true, false): return name
        case (true, true): return "(unnamed)"
        }
    }

    /// Two accounts are the same account when type, secret, issuer and name are equal;
    /// an HOTP counter does not make them different. The secrets are compared in constant time.
    public func isSameAccount(as other: Account) -> Bool {
        type == other.type && secret == other.secret && issuer == other.issuer && name == other.name
    }

    public static func == (a: Account, b: Account) -> Bool {
        a.type == b.type && a.secret == b.secret && a.issuer == b.issuer && a.name == b.name
            && a.algorithm == b.algorithm && a.digits == b.digits && a.period == b.period && a.counter == b.counter
            && a.note == b.note && a.offset == b.offset
    }

    /// The code at unix time `time` (TOTP, Steam), or for the stored counter (HOTP).
    public func code(at time: UInt64) throws(CryptoError) -> String {
        let time = shifted(time)
        switch type {
        case .totp:
            return try OTP.totp(secret: secret, time: time, period: period, algorithm: algorithm, digits: digits)
        case .steam:
            return try Steam.code(secret: secret, time: time, period: period)
        case .hotp:
            return try OTP.hotp(secret: secret, counter: counter, algorithm: algorithm, digits: digits)
        }
    }

    /// Whole seconds until the code changes (1 to period); nil for HOTP.
    public func secondsLeft(at time: UInt64) -> Int? {
        type == .hotp ? nil : OTP.secondsLeft(time: shifted(time), period: period)
    }

    /// The verifier's time for a real time: `time` moved by `offset` (never before 1970).
    func shifted(_ time: UInt64) -> UInt64 {
        offset >= 0 ? time &+ UInt64(offset) : time - min(time, UInt64(-offset))
    }
}

/// An account's text for logs, debuggers and failing test expectations: everything but the secret, which is
/// shown by its length alone (`dump`, `print`, `String(reflecting:)` and Swift Testing all come here).
extension Account: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "Account(\(type.rawValue), issuer: \(String(reflecting: issuer)), name: \(String(reflecting: name)), secret: \(secret), "
            + "\(algorithm.rawValue), digits: \(digits), period: \(period), counter: \(counter), offset: \(offset)"
            + (note.isEmpty ? ")" : ", note: \(note.count) characters)")
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["type": type, "issuer": issuer, "name": name, "secret": secret,
                                "algorithm": algorithm, "digits": digits, "period": period, "counter": counter,
                                "note": "\(note.count) characters", "offset": offset], displayStyle: .struct)
    }
}
