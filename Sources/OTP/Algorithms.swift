public import AuthvCrypto

/// HOTP (RFC 4226) and TOTP (RFC 6238): pure functions of the secret, the parameters and a counter or time.
public enum OTP {
    /// RFC 4226 section 5.3 dynamic truncation: the 31-bit value picked out of an HMAC.
    static func truncate(_ mac: UnsafeRawBufferPointer) -> UInt32 {
        let offset = Int(mac[mac.count - 1] & 0x0f)
        return (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
    }

    /// The truncated HMAC of a counter, before it is turned into digits or characters. The secret is read
    /// in place; the counter is the 8-byte big-endian message.
    static func value(secret: SecretBytes, counter: UInt64, algorithm: HashAlgorithm) throws(CryptoError) -> UInt32 {
        let message = counter.bigEndian
        return try withUnsafeBytes(of: message) { m throws(CryptoError) in
            try Crypto.hmac(algorithm, key: secret, message: m, truncate)
        }
    }

    /// An HOTP code of `digits` decimal digits (6 to 10), zero-padded.
    public static func hotp(secret: SecretBytes, counter: UInt64, algorithm: HashAlgorithm = .sha1,
                            digits: Int = 6) throws(CryptoError) -> String {
        let v = UInt64(try value(secret: secret, counter: counter, algorithm: algorithm))
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(v % modulus)
        return String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// The time step of unix time `time` (RFC 6238, T0 = 0).
    public static func timeStep(time: UInt64, period: Int) -> UInt64 {
        time / UInt64(period)
    }

    /// Whole seconds until the window that holds `time` ends: 1 to `period`.
    public static func secondsLeft(time: UInt64, period: Int) -> Int {
        period - Int(time % UInt64(period))
    }

    /// A TOTP code at unix time `time`.
    public static func totp(secret: SecretBytes, time: UInt64, period: Int = 30, algorithm: HashAlgorithm = .sha1,
                            digits: Int = 6) throws(CryptoError) -> String {
        try hotp(secret: secret, counter: timeStep(time: time, period: period), algorithm: algorithm, digits: digits)
    }
}

/// Steam Guard: TOTP over HMAC-SHA1 whose value is written in Steam's 26-character alphabet.
public enum Steam {
    static let alphabet = Array("23456789BCDFGHJKMNPQRTVWXY")
    /// Steam codes are five characters.
    public static let length = 5

    public static func code(secret: SecretBytes, time: UInt64, period: Int = 30) throws(CryptoError) -> String {
        var v = try OTP.value(secret: secret, counter: OTP.timeStep(time: time, period: period), algorithm: .sha1)
        var out = ""
        for _ in 0..<length {
            out.append(alphabet[Int(v % 26)])
            v /= 26
        }
        return out
    }
}
