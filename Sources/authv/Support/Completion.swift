import OTP
import Vault

/// Shell completion of account names (bash, zsh and fish scripts call back into authv for them).
enum Completion {
    /// Display names, issuers and account names of the stored accounts that start with the typed prefix.
    @Sendable static func accountNames(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        // The read that list makes (every Tab press pays it), without its warnings: they would land in the
        // middle of the command line being completed.
        guard let accounts = try? Keyring.open().contents().accounts else { return [] }
        var names: [String] = []
        for stored in accounts {
            // Shown as `list` shows them, control characters escaped; a QUERY matches that form too.
            for raw in [stored.account.displayName, stored.account.issuer, stored.account.name] where !raw.isEmpty {
                let name = Escape.text(raw)
                if !names.contains(name), name.lowercased().hasPrefix(prefix.lowercased()) { names.append(name) }
            }
        }
        return names
    }
}
