extension String {
    /// The text's lines: the same pieces as `split(omittingEmptySubsequences:whereSeparator: \.isNewline)`,
    /// found by a pass over the UTF-8 bytes instead of over Characters (several times faster on a file of
    /// thousands of URIs). The result is the same because every newline that `Character.isNewline` knows
    /// (LF, VT, FF, CR, CR LF, NEL U+0085, U+2028, U+2029) is a grapheme cluster of its own: a break comes
    /// before and after each, so a byte split cuts where the Character split does, and CR LF is one break.
    public func lines(omittingEmpty: Bool) -> [Substring] {
        var text = self
        text.makeContiguousUTF8()  // copies only a string not stored as contiguous UTF-8 (a native one is)
        var lines: [Substring] = []
        let utf8 = text.utf8
        let start = utf8.startIndex
        var lineStart = 0
        func cut(_ end: Int) {
            if !omittingEmpty || end > lineStart {
                lines.append(text[utf8.index(start, offsetBy: lineStart)..<utf8.index(start, offsetBy: end)])
            }
        }
        let count = utf8.withContiguousStorageIfAvailable { bytes in
            var offset = 0
            while offset < bytes.count {
                let width = Self.newlineWidth(bytes, at: offset)
                if width == 0 {
                    offset += 1
                } else {
                    cut(offset)
                    offset += width
                    lineStart = offset
                }
            }
            return bytes.count
        }!  // contiguous: made so above
        cut(count)
        return lines
    }

    /// How many bytes the newline at `offset` takes (0 when the byte there starts none).
    private static func newlineWidth(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        func next(_ n: Int) -> UInt8? { offset + n < bytes.count ? bytes[offset + n] : nil }
        switch bytes[offset] {
        case 0x0A, 0x0B, 0x0C: return 1
        case 0x0D: return next(1) == 0x0A ? 2 : 1
        case 0xC2: return next(1) == 0x85 ? 2 : 0
        case 0xE2: return next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9) ? 3 : 0
        default: return 0
        }
    }
}

extension StringProtocol {
    /// Whether the text begins with `prefix` (ASCII), letters compared without case: a URI's scheme.
    /// Compared in the UTF-8 bytes, as RFC 3986 reads a scheme.
    @inlinable public func hasASCIIPrefixIgnoringCase(_ prefix: String) -> Bool {
        var bytes = utf8.makeIterator()
        for wanted in prefix.utf8 {
            guard let byte = bytes.next(), asciiLowercased(byte) == asciiLowercased(wanted) else { return false }
        }
        return true
    }
}

extension Substring {
    /// The text before the first `separator` byte (an ASCII character), and the text after it (nil when
    /// there is none). Cut in the UTF-8 bytes, as RFC 3986 reads a URI: a combining mark after a '?' does
    /// not hide the '?', as it would in a split of Characters.
    func cut(at separator: UInt8) -> (before: Substring, after: Substring?) {
        guard let index = utf8.firstIndex(of: separator) else { return (self, nil) }
        return (self[..<index], self[utf8.index(after: index)...])
    }
}

@usableFromInline @inline(__always) func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}
