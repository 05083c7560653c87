/// The few JSON values `list --json` writes, rendered without Foundation.
enum JSON {
    case string(String)
    case int(Int)
    case uint(UInt64)
    case null
    case object([(String, JSON)])
    case array([JSON])

    var rendered: String {
        switch self {
        case let .string(s): return JSON.quote(s)
        case let .int(n): return String(n)
        case let .uint(n): return String(n)
        case .null: return "null"
        case let .object(fields): return "{" + fields.map { JSON.quote($0.0) + ": " + $0.1.rendered }.joined(separator: ", ") + "}"
        case let .array(items): return "[" + items.map(\.rendered).joined(separator: ",\n ") + "]"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
