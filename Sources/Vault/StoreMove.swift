import OTP

/// Moving every account (with its recovery codes) between the keyring and a vault file: all copied,
/// read back from the destination and compared, and only then removed from the source. A failure at
/// any step puts back what the earlier steps changed, so both stores end as they were. Callers hold
/// `StoreLock`.
public enum StoreMove {
    /// One account with its recovery codes, as moved.
    struct Item: Equatable {
        var account: Account
        var recovery: RecoveryCodes?

        init(_ account: Account, _ recovery: RecoveryCodes?) {
            self.account = account
            self.recovery = recovery?.codes.isEmpty == true ? nil : recovery
        }
    }

    /// Moves the keyring's accounts into the vault; returns how many.
    @discardableResult
    public static func fromKeyring(_ keyring: KeyringStore, to vault: FileStore) throws(StoreError) -> Int {
        let source = try keyring.load()
        guard source.unreadable.isEmpty else {
            throw .vault("the keyring holds items that are no readable account (\(source.unreadable.joined(separator: ", "))); nothing was moved")
        }
        var items: [Item] = []
        for stored in source.accounts { items.append(Item(stored.account, try keyring.recoveryCodes(for: stored))) }
        let before = try vault.currentBytes()
        try refuseAccountsInBoth(items, destination: try vault.load().accounts.map(\.account), name: "the vault")

        do throws(StoreError) {
            try FaultInjection.check("move-copy")
            try vault.add(items.map { ($0.account, $0.recovery) })
            try FaultInjection.check("move-read-back")
            let copied = try vault.freshVault().entries.map { Item($0.account ?? Account(secret: []), $0.recoveryCodes) }
            try compare(items, within: copied, destination: "the vault")
        } catch {
            try? vault.restore(before)
            throw error
        }
        // Every account is in the vault, read back from the file: now remove them from the keyring.
        var removed: [Item] = []
        do throws(StoreError) {
            for (index, stored) in source.accounts.enumerated() {
                if index == source.accounts.count / 2 { try FaultInjection.check("move-remove") }
                try keyring.remove(stored)
                removed.append(items[index])
                try keyring.removeRecoveryCodes(for: stored)
            }
        } catch {
            // Put back into the keyring what was removed from it, and the vault as it was.
            try? putBack(removed, into: keyring)
            try? vault.restore(before)
            throw error
        }
        return items.count
    }

    /// Moves the vault's accounts into the keyring; returns how many.
    @discardableResult
    public static func toKeyring(_ vault: FileStore, to keyring: KeyringStore) throws(StoreError) -> Int {
        let source = try vault.load()
        guard source.unreadable.isEmpty else {
            throw .vault("the vault holds entries the keyring cannot keep (\(source.unreadable.joined(separator: "; "))); nothing was moved")
        }
        var items: [Item] = []
        for stored in source.accounts { items.append(Item(stored.account, try vault.recoveryCodes(for: stored))) }
        let existing = try keyring.load().accounts
        try refuseAccountsInBoth(items, destination: existing.map(\.account), name: "the keyring")
        let existingHandles = Set(existing.map(\.handle))

        /// The keyring items this move added, found by their accounts.
        func added() -> [StoredAccount] {
            ((try? keyring.load().accounts) ?? []).filter { stored in
                !existingHandles.contains(stored.handle) && items.contains { $0.account.isSameAccount(as: stored.account) }
            }
        }
        do throws(StoreError) {
            try FaultInjection.check("move-copy")
            try putBack(items, into: keyring)
            try FaultInjection.check("move-read-back")
            var copied: [Item] = []
            for stored in try keyring.load().accounts where !existingHandles.contains(stored.handle) {
                copied.append(Item(stored.account, try keyring.recoveryCodes(for: stored)))
            }
            try compare(items, within: copied, destination: "the keyring")
            try FaultInjection.check("move-remove")
            try vault.remove(handles: source.accounts.map(\.handle))
        } catch {
            for stored in added() {
                try? keyring.removeRecoveryCodes(for: stored)
                try? keyring.remove(stored)
            }
            throw error
        }
        return items.count
    }

    /// Adds the items to the keyring with their recovery codes, all or none.
    private static func putBack(_ items: [Item], into keyring: KeyringStore) throws(StoreError) {
        guard !items.isEmpty else { return }
        try keyring.add(items.map { ($0.account, $0.recovery) })
    }

    /// The same account (type, secret, names) in both stores would be kept twice or lose a counter:
    /// the user removes one first.
    private static func refuseAccountsInBoth(_ items: [Item], destination: [Account], name: String) throws(StoreError) {
        let both = items.filter { item in destination.contains { $0.isSameAccount(as: item.account) } }
        guard both.isEmpty else {
            throw .vault("already in \(name): \(both.map(\.account.displayName).joined(separator: ", ")); remove one copy first; nothing was moved")
        }
    }

    /// Every item is in `copied`, field for field (counter and recovery codes too).
    private static func compare(_ items: [Item], within copied: [Item], destination: String) throws(StoreError) {
        var remaining = copied
        for item in items {
            guard let index = remaining.firstIndex(of: item) else {
                throw .vault("\(item.account.displayName) did not read back from \(destination) as it was written; nothing was moved")
            }
            remaining.remove(at: index)
        }
    }
}
