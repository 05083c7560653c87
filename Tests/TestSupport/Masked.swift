import Testing

/// A URI as a test argument, shown in test output with its secret (or export data) masked.
public struct MaskedURI: Sendable, CustomTestStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var testDescription: String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            let key = part.prefix { $0 != "=" }.lowercased()
            let masked = ["secret", "data"].contains { key == $0 || key.hasSuffix("?" + $0) }
            return masked ? String(part.prefix { $0 != "=" }) + "=…" : String(part)
        }.joined(separator: "&")
    }
}

/// A secret as a test argument, shown in test output by its length only.
public struct MaskedSecret: Sendable, CustomTestStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var testDescription: String { "a secret of \(text.count) characters" }
}
