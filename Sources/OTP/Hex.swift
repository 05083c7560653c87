/// Hexadecimal text of bytes, and back: the one encoder authv has (the Aegis header's nonces, keys and
/// salts, item ids, byte values named in messages, percent-encoding's digits).
public enum Hex {
    @usableFromInline static let lower = Array("0123456789abcdef".utf8)
    @usableFromInline static let upper = Array("0123456789ABCDEF".utf8)

    /// The two digits of `byte` (ASCII), lower case unless `uppercase`.
    @inlinable @inline(__always)
    public static func digits(_ byte: UInt8, uppercase: Bool = false) -> (high: UInt8, low: UInt8) {
        let digits = uppercase ? upper : lower
        return (digits[Int(byte >> 4)], digits[Int(byte & 15)])
    }

    /// Two digits a byte, lower case unless `uppercase`. Inlinable, so that callers get it for their own
    /// sequence type (unspecialized, the runtime looks the type's conformances up at first use).
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            let (high, low) = digits(byte, uppercase: uppercase)
            out.append(high)
            out.append(low)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hex digit (either case), nil for any other byte.
    public static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The bytes that hex text (either case) spells; nil on an odd length or any other character.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
