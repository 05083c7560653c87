import OTP

/// The one-time backup codes a site hands out with two-factor authentication, and which are used.
public struct RecoveryCodes: Sendable, Equatable {
    public struct Code: Sendable, Equatable {
        public var code: String
        public var used: Bool
        public init(code: String, used: Bool = false) {
            self.code = code
            self.used = used
        }
    }

    public var codes: [Code]

    public init(codes: [Code]) { self.codes = codes }

    public var unused: Int { codes.filter { !$0.used }.count }

    /// The form kept in the keyring, on one line (see `StorableSecret`): `unused:CODE used:CODE ...`, one
    /// word a code, in order, each code percent-encoded (a space inside a code is `%20`).
    public var stored: String {
        codes.map { ($0.used ? "used:" : "unused:") + Percent.encode($0.code) }.joined(separator: " ")
    }

    /// Reads the one-line form, or the earlier form of one line a code (`used CODE` / `unused CODE`);
    /// words or lines that are neither are skipped.
    public init(stored: String) {
        if RecoveryCodes.isEarlierForm(stored) {
            codes = stored.split(whereSeparator: \.isNewline).compactMap { line in
                if line.hasPrefix("used ") { return Code(code: String(line.dropFirst(5)), used: true) }
                if line.hasPrefix("unused ") { return Code(code: String(line.dropFirst(7))) }
                return nil
            }
            return
        }
        codes = stored.split(separator: " ").compactMap { word in
            for (prefix, used) in [("used:", true), ("unused:", false)] where word.hasPrefix(prefix) {
                return Percent.decode(word.dropFirst(prefix.count)).map { Code(code: $0, used: used) }
            }
            return nil
        }
    }

    /// Whether `stored` is in the form of a line per code that earlier builds of authv wrote (with newlines in the
    /// secret, which destroy a keyring written as text): such an item is rewritten when first read.
    public static func isEarlierForm(_ stored: String) -> Bool {
        stored.contains(where: \.isNewline) || stored.hasPrefix("used ") || stored.hasPrefix("unused ")
    }

    /// Picks the codes out of what a site gave: a text file, or the text of its PDF. A code is a run of
    /// letters and digits (with single spaces or hyphens inside, as in `1234 5678` or `abcde-12345`) of 6
    /// to 40 characters holding at least one digit; list markers (`1.`, `-`, `*`) are dropped, and codes
    /// side by side in columns (two or more spaces apart) are read separately. Prose has no such runs.
    public static func parse(_ text: String) -> [String] {
        var found: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            for cell in line.split(separator: "  ", omittingEmptySubsequences: true) {
                var candidate = cell.trimmingWhitespace()
                // List markers: "1.", "1)", "-", "*", "•".
                if let space = candidate.firstIndex(of: " ") {
                    let marker = candidate[..<space]
                    let isNumbered = marker.count <= 3 && (marker.hasSuffix(".") || marker.hasSuffix(")"))
                        && marker.dropLast().allSatisfy(\.isNumber)
                    if isNumbered || ["-", "*", "•"].contains(String(marker)) {
                        candidate = candidate[candidate.index(after: space)...].trimmingWhitespace()
                    }
                }
                if isCode(candidate), !found.contains(String(candidate)) { found.append(String(candidate)) }
            }
        }
        return found
    }

    static func isCode(_ text: Substring) -> Bool {
        let alphanumerics = text.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard (6...40).contains(alphanumerics.count), alphanumerics.contains(where: \.isNumber) else { return false }
        var previousSeparator = true
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                previousSeparator = false
            } else if character == " " || character == "-" {
                if previousSeparator { return false }
                previousSeparator = true
            } else {
                return false
            }
        }
        // Words of prose hold letters only: a code has a digit in every group, or is at least 40% digits.
        let groups = text.split(whereSeparator: { $0 == " " || $0 == "-" })
        let digits = alphanumerics.filter(\.isNumber).count
        return !previousSeparator && groups.count <= 4
            && (groups.allSatisfy { $0.contains(where: \.isNumber) } || digits * 5 >= alphanumerics.count * 2)
    }
}
