public import AuthvCrypto

/// A secret that is not valid Base32. The secret itself never appears in the error.
public enum Base32Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character outside the RFC 4648 alphabet; `position` counts characters from 1 in the input as given.
    case invalidCharacter(Character, position: Int)
    /// No Base32 characters at all.
    case empty
    /// A length that no byte string encodes to (1, 3 or 6 characters after the last full group of 8):
    /// usually a character lost when pasting.
    case invalidLength(Int)

    public var description: String {
        switch self {
        case let .invalidCharacter(c, position):
            let shown = c.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7f }) ? "'\(c)'" : "U+" + c.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: "+U+")
            return "invalid character \(shown) at position \(position) (not Base32)"
        case .empty: return "empty secret"
        case let .invalidLength(n): return "\(n) Base32 characters cannot encode whole bytes (a character missing?)"
        }
    }
}

/// Base32 (RFC 4648, upper-case alphabet) as people paste it.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Decodes a secret. Accepts lower case, spaces, hyphens, and '=' padding or none; rejects anything
    /// else with the offending character and its position. The bytes are written straight into the
    /// secret's own memory (a first pass checks and counts, a second decodes): no other copy is made.
    public static func decode(_ text: String) throws(Base32Error) -> SecretBytes {
        let count: Int
        if let counted = asciiCount(text) { count = counted } else { count = try characterCount(text) }
        if count == 0 { throw .empty }
        switch count % 8 {
        case 1, 3, 6: throw .invalidLength(count)
        default: break
        }
        // Every character is now known to be ASCII: an alphabet letter, or one that is skipped.
        return SecretBytes(count: count * 5 / 8) { out in
            var buffer: UInt32 = 0
            var bits = 0
            var written = 0
            for ascii in text.utf8 {
                guard let value = value(ofASCII: ascii) else { continue }
                buffer = (buffer << 5) | UInt32(value)
                bits += 5
                if bits >= 8 {
                    bits -= 8
                    out[written] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                    written += 1
                }
            }
            buffer = 0
        }
    }

    /// The alphabet letters of `text`, counted in its bytes; nil at the first byte that is not a letter,
    /// a skipped character or trailing padding (the Character pass then names the character at fault).
    private static func asciiCount(_ text: String) -> Int? {
        var count = 0
        var padded = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "="): padded = true
            default:
                guard !padded, value(ofASCII: byte) != nil else { return nil }
                count += 1
            }
        }
        return count
    }

    /// The alphabet letters of `text`, counted by Character; throws the first one at fault, with its
    /// position in Characters as the user sees them.
    private static func characterCount(_ text: String) throws(Base32Error) -> Int {
        var count = 0
        var padding = 0
        var firstPadding = 0
        for (index, character) in text.enumerated() {
            let position = index + 1
            if character == " " || character == "-" || character == "\t" {
                continue
            }
            if character == "=" {
                if padding == 0 { firstPadding = position }
                padding += 1
                continue
            }
            // Padding may only end the secret: a character after it makes the '=' the mistake.
            guard padding == 0 else { throw .invalidCharacter("=", position: firstPadding) }
            guard value(of: character) != nil else {
                throw .invalidCharacter(character, position: position)
            }
            count += 1
        }
        return count
    }

    private static func value(of character: Character) -> UInt8? {
        character.asciiValue.flatMap(value(ofASCII:))
    }

    private static func value(ofASCII ascii: UInt8) -> UInt8? {
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return ascii - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return ascii - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return ascii - UInt8(ascii: "2") + 26
        default: return nil
        }
    }

    /// Encodes a secret as upper-case Base32 without padding (the form otpauth URIs use).
    public static func encode(_ secret: SecretBytes) -> String {
        secret.withUnsafeBytes(encode(raw:))
    }

    /// Encodes bytes as upper-case Base32 without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes(encode(raw:))
    }

    private static func encode(raw bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        defer { SecretBytes.wipe(&out) }
        return String(decoding: out, as: UTF8.self)
    }
}
