#if canImport(Glibc)
import Glibc
#endif

/// The text of a QR payload from its bytes. The decoders convert a segment that an ECI header labels
/// (ISO 8859-x, Shift JIS, UTF-8) to UTF-8 themselves; unlabelled bytes arrive as the code holds them:
/// - valid UTF-8 is UTF-8 (what phone apps write and read; zbar's own guess would make Shift JIS of it);
/// - otherwise valid Shift JIS is Shift JIS (QR's home encoding, the default of its 2000 standard, which
///   Japanese codes made before UTF-8 use; no valid UTF-8 ever reaches this guess), read as Windows'
///   code page 932, whose byte 5C is a backslash as the encoders meant it (JIS X 0201 makes it a yen sign);
/// - otherwise ISO 8859-1, the default of the 2005 standard (every byte string is valid ISO 8859-1).
enum QRText {
    static func decode(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if let text = convert(bytes, from: "CP932") { return text }
        return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
    }

    /// `bytes` converted from `charset` with iconv, or nil when they are not valid in it.
    static func convert(_ bytes: [UInt8], from charset: String) -> String? {
        let cd = iconv_open("UTF-8", charset)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // At most 4 UTF-8 bytes per input byte in the character sets used here.
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let written else { return nil }
        return String(validating: output[0..<written].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
