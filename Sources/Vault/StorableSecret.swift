/// The rule for the text of every secret authv stores: one line of plain characters.
///
/// A gnome-keyring login keyring without a password (usual with automatic login) is written in a textual
/// key file, each secret as a raw `secret=` line. A newline in a secret starts a line the daemon cannot
/// parse, and at its next start it drops the whole collection: every account of authv and every other
/// application's secrets. A backslash is read back as an escape (`\n` becomes a newline, and the daemon
/// then writes that newline raw), and white space at either end is lost. So a stored secret holds no
/// control character (C0, DEL, C1), no line or paragraph separator, no backslash, and no white space at
/// either end. otpauth URIs (percent-encoded) and the one-line form of recovery codes keep to it.
public enum StorableSecret {
    /// Why `text` may not be stored, or nil when it may.
    public static func problem(_ text: String) -> String? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D: return "it holds a line break"
            case 0x00...0x1F, 0x7F, 0x80...0x9F: return "it holds a control character"
            case 0x2028, 0x2029: return "it holds a line break"
            case 0x5C: return "it holds a backslash"
            default: continue
            }
        }
        if let first = text.unicodeScalars.first, first.properties.isWhitespace { return "it starts with white space" }
        if let last = text.unicodeScalars.last, last.properties.isWhitespace { return "it ends with white space" }
        return nil
    }

    /// Throws when `text` breaks the rule; `operation` names what was being stored.
    public static func check(_ text: String, operation: String) throws(StoreError) {
        if let problem = problem(text) { throw .unstorableSecret(operation: operation, reason: problem) }
    }
}

/// Secret text that keeps to `StorableSecret`'s rule: the only kind of secret the keyring client sends
/// (`SecretService.createItem` and `setSecret` take nothing else), so no writer can skip the check.
struct CheckedSecret: Sendable {
    let text: String

    init(_ text: String, operation: String) throws(StoreError) {
        try StorableSecret.check(text, operation: operation)
        self.text = text
    }
}
