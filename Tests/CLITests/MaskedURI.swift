import Testing

/// A URI as a test argument, shown in test output with its secret (or export data) masked.
struct MaskedURI: Sendable, CustomTestStringConvertible {
    let text: String
    init(_ text: String) { self.text = text }
    var testDescription: String {
        var out = ""
        var masking = false
        for part in text.split(separator: "&", omittingEmptySubsequences: false).joined(separator: "&\u{0}").split(separator: "\u{0}") {
            masking = false
            for key in ["secret=", "data="] where part.lowercased().contains(key) { masking = true }
            out += masking ? String(part.prefix { $0 != "=" }) + "=…" + (part.hasSuffix("&") ? "&" : "") : String(part)
        }
        return out
    }
}
