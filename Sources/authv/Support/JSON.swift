import OTP

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
            case _ where Escape.isEscaped(scalar):
                // Control characters, C1 controls and bidirectional controls: never raw, even in JSON.
                out += "\\u" + Escape.hex(scalar.value, digits: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
