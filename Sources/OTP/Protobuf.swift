import AuthvCrypto

/// The little of the protobuf wire format that Google Authenticator exports use.
struct ProtobufReader {
    enum Field {
        case varint(UInt64)
        /// A length-delimited field: a slice of the message (no copy).
        case bytes(ArraySlice<UInt8>)
        case fixed   // 32- or 64-bit: skipped, no export field uses them
    }

    struct Malformed: Error {}

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex, shift < 64 else { throw Malformed() }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// The next field, or nil at the end; throws on a truncated or impossible encoding.
    mutating func next() throws(Malformed) -> (number: UInt64, field: Field)? {
        guard index < bytes.endIndex else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number > 0 else { throw Malformed() }
        switch key & 7 {
        case 0:
            return (number, .varint(try varint()))
        case 1, 5:
            let size = key & 7 == 1 ? 8 : 4
            guard bytes.endIndex - index >= size else { throw Malformed() }
            index += size
            return (number, .fixed)
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - index) else { throw Malformed() }
            let start = index
            index += Int(length)
            return (number, .bytes(bytes[start..<index]))
        default:
            throw Malformed()
        }
    }
}

/// Builds protobuf messages field by field.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varint(_ number: UInt64, _ value: UInt64) {
        varint(number << 3)
        varint(value)
    }

    mutating func bytes(_ number: UInt64, _ value: [UInt8]) {
        value.withUnsafeBytes { bytes(number, $0) }
    }

    mutating func bytes(_ number: UInt64, _ value: UnsafeRawBufferPointer) {
        varint(number << 3 | 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Wipes the message built so far (it held a secret) and empties it.
    mutating func wipe() {
        SecretBytes.wipe(&bytes)
    }

    mutating func string(_ number: UInt64, _ value: String) {
        bytes(number, Array(value.utf8))
    }
}
