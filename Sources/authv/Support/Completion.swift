import Vault

/// Shell completion of account names (bash, zsh and fish scripts call back into authv for them).
enum Completion {
    /// Display names, issuers and account names of the stored accounts that start with the typed prefix.
    @Sendable static func accountNames(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        // The plain D-Bus read that list uses (every Tab press pays it), libsecret's when it cannot answer.
        guard let accounts = PlainKeyringReader()?.load()?.accounts ?? (try? KeyringStore().load().accounts) else { return [] }
        var names: [String] = []
        for stored in accounts {
            for name in [stored.account.displayName, stored.account.issuer, stored.account.name] where !name.isEmpty {
                if !names.contains(name), name.lowercased().hasPrefix(prefix.lowercased()) { names.append(name) }
            }
        }
        return names
    }
}
