import OTP
/// What a file that is neither an image nor another app's export is, when it is not text authv can read:
/// `add` says "not UTF-8 text" of text it cannot read (another encoding, a stray NUL) and keeps "not an
/// image" for the rest.
public enum TextInput {
    /// How much of a file is looked at to tell text from other bytes.
    static let sample = 64 << 10
    /// At most this share of NUL bytes in a file still called text with a NUL in it (UTF-16 has half).
    static let maxNULShare = 0.1
    /// At least this share of printable ASCII in text that is not UTF-8 (Latin-1, say, or one bad byte).
    static let minASCIIShare = 0.9

    /// Why `bytes` are text that authv cannot read ("not UTF-8 text (UTF-16: ...)"), or nil when they are
    /// UTF-8 text without NUL (read them) or do not look like text at all (they may be an image).
    public static func problem(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        let head = bytes.prefix(sample)
        if isUTF16(head) { return "not UTF-8 text (UTF-16: convert it with iconv -f UTF-16 -t UTF-8)" }
        let nuls = head.filter { $0 == 0 }.count
        let invalid = firstInvalidUTF8(bytes)
        if nuls > 0, Double(nuls) <= Double(head.count) * maxNULShare, invalid == nil,
           !head.contains(where: { $0 != 0 && isBinaryControl($0) }) {
            return "not UTF-8 text (a NUL byte at offset \(bytes.firstIndex(of: 0)!))"
        }
        if let invalid, nuls == 0 {
            let ascii = head.filter { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.count
            if Double(ascii) >= Double(head.count) * minASCIIShare {
                return "not UTF-8 text (byte \(hex(bytes[invalid])) at offset \(invalid); save it as UTF-8)"
            }
        }
        return nil
    }

    /// A byte-order mark, or ASCII with a NUL beside every character (either byte order).
    static func isUTF16(_ head: ArraySlice<UInt8>) -> Bool {
        let b = Array(head)
        if b.count >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)) { return true }
        guard b.count >= 4 else { return false }
        let pairs = b.count / 2
        for zeroFirst in [false, true] {
            var hits = 0
            for p in 0..<pairs {
                let (z, c) = zeroFirst ? (b[2 * p], b[2 * p + 1]) : (b[2 * p + 1], b[2 * p])
                if z == 0 && c != 0 { hits += 1 }
            }
            if Double(hits) >= Double(pairs) * 0.9 { return true }
        }
        return false
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// C0 controls that text files do not hold (tab, line feed, form feed, carriage return and escape aside).
    static func isBinaryControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && ![0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B].contains(byte)
    }

    static func hex(_ byte: UInt8) -> String { "0x" + Hex.encode([byte]) }
}
