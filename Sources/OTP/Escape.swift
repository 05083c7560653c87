/// How names and texts from outside (QR codes, files, the keyring) are shown on a terminal and in
/// messages: the characters that could move the cursor, change the terminal's state or reorder what is
/// shown are written as escapes, so the text shown is exactly the text stored, and nothing else.
///
/// - C0 controls (U+0000-U+001F) and DEL (U+007F): `\xHH` (`\x1b`, `\x0d`, `\x0a`);
/// - C1 controls (U+0080-U+009F), the bidirectional embeddings, overrides and isolates
///   (U+202A-U+202E, U+2066-U+2069), the marks U+200E, U+200F and U+061C, and the line and paragraph
///   separators U+2028, U+2029: `\uHHHH` (`\u009b`, `\u202e`);
/// - a backslash itself: `\\`, so that an escape in the output always means an escaped character.
///
/// Hex digits are lower-case. `--json` writes the same characters as JSON `\uHHHH` escapes.
public enum Escape {
    /// Whether a character is shown escaped (apart from the backslash, which is doubled).
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `text` as it is safe to show: see the type's description.
    @inlinable public static func text(_ text: some StringProtocol) -> String {
        // Most text needs nothing: return it as it is without building a copy. Printable ASCII is told from
        // its bytes (no scalar of it is escaped); anything else is looked at scalar by scalar.
        guard !text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }),
              text.unicodeScalars.contains(where: { $0 == "\\" || isEscaped($0) }) else { return String(text) }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if isEscaped(scalar) {
                out += scalar.value < 0x80 ? "\\x" + hex(scalar.value, digits: 2) : "\\u" + hex(scalar.value, digits: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` in lower-case hex, padded with zeros to `digits`.
    public static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
