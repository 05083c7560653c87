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

    /// The JSON text, keys sorted (the same value always gives the same bytes), `/` not escaped.
    func serialized(pretty: Bool = false) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case is a plain JSON value (doubles are finite, having been parsed).
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
