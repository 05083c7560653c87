import FoundationEssentials
import Testing
@testable import Vault

/// JSONValue's own writer gives the bytes JSONEncoder gives (JSONEncoder is the oracle here), and what it
/// writes reads back as the same value.
@Suite("JSON written by JSONValue")
struct JSONValueTests {
    static let keys = ["a", "B", "b", "a10", "a9", "_x", "uuid", "", "\u{e9}", "z\u{e9}", "e\u{301}x", "f", "\u{c5}", "A\u{30a}b", "\u{1f600}", "Z", "0", "k\"ey", "\\", "\u{7f}"]
    static let strings = ["", "plain", "q\"\\/", "\u{1}\u{1f}\n\t\r\u{8}\u{c}\u{7f}", "\u{2028}\u{2029}", "\u{e9}t\u{e9} \u{1f600}",
                          "JBSWY3DPEHPK3PXP", "</script>", "\u{0}", "e\u{301}"]
    static let doubles: [Double] = [1.5, 1e-7, 1e100, -0.0, 3.0, 0.1, 123_456_789.125, -2.5e-300, 1e21, 5e-324, 1.7976931348623157e308]

    /// Random trees, the same every run.
    static func trees(_ count: Int) -> [JSONValue] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func tree(_ depth: Int) -> JSONValue {
            switch depth == 0 ? 5 + next(2) : next(depth > 3 ? 5 : 7) {  // an array or object at the top
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2: return .int([0, 1, -1, 42, Int64.max, Int64.min][next(6)])
            case 3: return .double(doubles[next(doubles.count)])
            case 4: return .string(strings[next(strings.count)])
            case 5: return .array((0..<next(4)).map { _ in tree(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next(5) { members[keys[next(keys.count)]] = tree(depth + 1) }
                return .object(members)
            }
        }
        return (0..<count).map { _ in tree(0) }
    }

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test(arguments: [false, true]) func theBytesOfJSONEncoder(pretty: Bool) throws {
        let encoder = Self.encoder(pretty: pretty)
        let trees = Self.trees(3000)
        #expect(trees.filter { if case .object = $0 { true } else { false } }.count > 1000)  // the sample has depth
        for value in trees {
            let expected = Array(try encoder.encode(value))
            let written = value.serialized(pretty: pretty)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
        }
    }

    static func holdsWholeDouble(_ value: JSONValue) -> Bool {
        switch value {
        case let .double(number): return number == number.rounded()
        case let .array(items): return items.contains(where: holdsWholeDouble)
        case let .object(members): return members.values.contains(where: holdsWholeDouble)
        default: return false
        }
    }

    @Test func whatIsWrittenReadsBack() throws {
        for value in Self.trees(3000) {
            // A double that is a whole number is written as one (3, as JSONEncoder does) and reads back as an int.
            guard !Self.holdsWholeDouble(value) else { continue }
            let written = value.serialized(pretty: true)
            #expect(JSONValue.parse(written) == value, "\(String(decoding: written, as: UTF8.self))")
        }
    }
}
