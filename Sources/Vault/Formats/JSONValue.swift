import OTP
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Any JSON value, read and written with Foundation's JSONDecoder and JSONEncoder. Formats keep the
/// parts of a file that authv does not use in this form, so that rewriting the file keeps them as they were.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Tried in the order that throws least for the values vault files are made of (a failed `decode`
    /// throws an error, which costs an allocation): strings first, then whole numbers, objects, the rest.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    subscript(key: String) -> JSONValue? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    var string: String? { if case let .string(value) = self { return value } else { return nil } }
    var int: Int64? { if case let .int(value) = self { return value } else { return nil } }
    var object: [String: JSONValue]? { if case let .object(value) = self { return value } else { return nil } }
    var array: [JSONValue]? { if case let .array(value) = self { return value } else { return nil } }
    var isNull: Bool { self == .null }

    /// Parses UTF-8 JSON text; nil when it is not JSON.
    /// A value read from bytes the caller keeps (and may wipe): Foundation is handed them without a copy.
    static func parse(borrowing bytes: UnsafeRawBufferPointer) -> JSONValue? {
        decode(JSONValue.self, borrowing: bytes)
    }

    static func decode<T: Decodable>(_ type: T.Type, borrowing bytes: UnsafeRawBufferPointer) -> T? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
        return try? JSONDecoder().decode(type, from: data)
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// The JSON text, keys sorted (the same value always gives the same bytes), `/` not escaped: the bytes
    /// JSONEncoder writes with `.sortedKeys` and `.withoutEscapingSlashes` (and `.prettyPrinted` when
    /// `pretty`), which JSONValueTests compares against. Written here rather than by JSONEncoder, which
    /// boxes every value of a vault of 1000 accounts on its way out and took a third of an import's time.
    func serialized(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out, pretty: pretty, depth: 0)
        return out
    }

    private func write(to out: inout [UInt8], pretty: Bool, depth: Int) {
        switch self {
        case .null: out += "null".utf8
        case let .bool(value): out += (value ? "true" : "false").utf8
        case let .int(value): out += String(value).utf8
        case let .double(value):
            // Swift's shortest form that reads back as the same number, without a ".0" (as JSONEncoder: 3, -0).
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out += text.utf8
        case let .string(value): JSONValue.write(string: value, to: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, pretty: pretty, depth: depth + 1)
                item.write(to: &out, pretty: pretty, depth: depth + 1)
            }
            JSONValue.close(&out, UInt8(ascii: "]"), empty: items.isEmpty, pretty: pretty, depth: depth)
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            // In the order of the keys' UTF-8 bytes, as JSONEncoder sorts them (not String's, which normalises).
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, pretty: pretty, depth: depth + 1)
                JSONValue.write(string: key, to: &out)
                out += (pretty ? " : " : ":").utf8
                members[key]!.write(to: &out, pretty: pretty, depth: depth + 1)
            }
            JSONValue.close(&out, UInt8(ascii: "}"), empty: members.isEmpty, pretty: pretty, depth: depth)
        }
    }

    private static func newline(_ out: inout [UInt8], pretty: Bool, depth: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out += repeatElement(UInt8(ascii: " "), count: 2 * depth)
    }

    /// The end of an array or object; an empty one, pretty, holds an empty line (as JSONEncoder writes it).
    private static func close(_ out: inout [UInt8], _ bracket: UInt8, empty: Bool, pretty: Bool, depth: Int) {
        if pretty && empty { out.append(UInt8(ascii: "\n")) }
        newline(&out, pretty: pretty, depth: depth)
        out.append(bracket)
    }

    /// A JSON string: `"` and `\` escaped, control characters as \n, \t, ... or \u00xx; the rest as it is.
    private static func write(string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            case 0x00..<0x20:
                let (high, low) = Hex.digits(byte, uppercase: false)
                out += #"\u00"#.utf8
                out += [high, low]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
