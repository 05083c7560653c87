import Vault

/// The commands' side of the store: opening it (always through `AccountBook.open()`, which decides where
/// accounts live), warning about entries that hold no readable account, and the count of accounts authv
/// last saw (vanished accounts).
enum Keyring {
    static func open() throws -> AccountBook {
        let book = try AccountBook.open()
        opened = (book.store as? FileStore).map { .vault(path: $0.path, named: false) } ?? .keyring
        book.countChanged = { change, now in recordChange(by: change, now: now) }
        return book
    }

    /// The store the last `open()` opened: the one whose accounts are counted. `nonisolated(unsafe)`:
    /// only the main thread opens stores and reads this (one store per process).
    nonisolated(unsafe) static var opened: StoreLocation = .keyring

    /// Takes the store's lock (which says on standard error who holds it when that takes more than a
    /// second), for commands that work on two stores at once (vault move-*); AccountBook's rules take it
    /// themselves.
    static func lock() throws -> StoreLock {
        try StoreLock()
    }

    /// Every account a QUERY selects (every account without one; `QueryError.noMatch` when none),
    /// warning about entries that hold none; `checkingCount`: compared with the count authv last saw.
    static func accounts(matching query: String? = nil, checkingCount: Bool = false) throws -> [StoredAccount] {
        let book = try open()
        var accounts = warn(try book.contents())
        if checkingCount { checkCount(accounts, in: book) }
        guard let query else { return accounts }
        accounts = AccountQuery.select(query, from: accounts)
        guard !accounts.isEmpty else { throw QueryError.noMatch(query) }
        return accounts
    }

    /// The one account a QUERY selects, read by its exact matches when it has any. A full read is
    /// compared with the count of accounts authv last saw (`checkCount`); an exact match reads no other
    /// item, so it only repeats what the last full read found (one small file read).
    static func one(_ query: String, in book: AccountBook) throws -> StoredAccount {
        let candidates = try book.candidates(for: query)
        let accounts = candidates.isPartial ? warnLastShortfall(candidates.accounts) : checkCount(warn(candidates), in: book)
        return try AccountQuery.one(query, from: accounts)
    }

    // MARK: vanished accounts

    /// This store's name in the state file. The keyring is one store, whichever Secret Service provides
    /// it and whatever its collections: a provider replaced (gnome-keyring by KeePassXC) is one of the
    /// ways accounts vanish, and would not show if each collection were counted apart.
    /// A vault file is counted by its path (`vault:PATH`).
    static var countKey: String { key(for: opened) }

    static func key(for location: StoreLocation) -> String {
        switch location {
        case .keyring: return "keyring"
        case let .vault(path, _): return "vault:" + path
        }
    }

    /// The store in use, for messages.
    static var storeName: String {
        switch opened {
        case .keyring: return "the keyring"
        case let .vault(path, _): return "the vault \(path)"
        }
    }

    /// After a full read: records the count and warns on standard error when accounts vanished.
    @discardableResult
    static func checkCount(_ accounts: [StoredAccount], in book: AccountBook) -> [StoredAccount] {
        if let shortfall = shortfall(count: accounts.count, in: book) { Console.note(vanishedWarning(shortfall)) }
        return accounts
    }

    /// Records the count of accounts that a full read of `book` found and returns the shortfall, if any.
    /// A count other than the one recorded is counted again under the store's lock before it is
    /// recorded: another authv may be between its change and its record of it (which it makes under the
    /// lock), and a read made before that change must not raise the count, nor one made during it warn
    /// of a loss.
    static func shortfall(count: Int, in book: AccountBook) -> AccountCount.Shortfall? {
        let key = countKey
        guard !AccountCount.isRecorded(store: key, count: count) else { return nil }
        do {
            return try book.locked { AccountCount.observe(store: key, count: try book.contents().accounts.count) }
        } catch {
            // Without the lock (held too long by another authv, or a store that fails now): this read's count.
            return AccountCount.observe(store: key, count: count)
        }
    }

    private static func warnLastShortfall(_ accounts: [StoredAccount]) -> [StoredAccount] {
        if let shortfall = AccountCount.lastShortfall(store: countKey) { Console.note(vanishedWarning(shortfall)) }
        return accounts
    }

    static func vanishedWarning(_ shortfall: AccountCount.Shortfall) -> String {
        "warning: " + vanished(shortfall) + "; " + restoreAdvice
    }

    static func vanished(_ shortfall: AccountCount.Shortfall) -> String {
        let n = shortfall.missing
        let how = opened == .keyring ? "a keyring reset or replaced?" : "the file replaced by an older copy?"
        return "\(n) account\(n == 1 ? " is" : "s are") missing from \(storeName): authv last saw \(shortfall.expected) there, it answers with \(shortfall.found), and authv removed none of them (\(how))"
    }

    static var restoreAdvice: String {
        var backups = "a file that `authv export` wrote, or an Aegis vault"
        if case let .vault(path, _) = opened { backups += ", such as the vault's previous version \(path)\(FileStore.backupSuffix)" }
        return "restore them from a backup with `authv add BACKUP` (\(backups)), or accept the new count with `authv doctor --accept-missing`"
    }

    /// After authv itself added or removed accounts: the new count, so that it is not taken for a loss.
    static func recordChange(by change: Int, now count: Int, in location: StoreLocation? = nil) {
        do {
            try AccountCount.changed(store: key(for: location ?? opened), by: change, now: count)
        } catch {
            Console.note("warning: cannot record the number of accounts in authv's state file (\(error)); `authv doctor` may count them as missing")
        }
    }

    /// After a move of `count` accounts between stores: the source holds none of them now, the
    /// destination holds them (a move empties its source: `StoreMove`).
    static func recordMove(_ count: Int, from source: StoreLocation, to destination: StoreLocation) {
        guard count > 0 else { return }
        recordChange(by: -count, now: 0, in: source)
        let before = StateFile.load().counts[key(for: destination)]?.seen ?? 0
        recordChange(by: count, now: before + count, in: destination)
    }

    /// The handle of the entry that holds no valid account and whose id is QUERY, if any (`remove ID`).
    static func unreadableHandle(for query: String, in book: AccountBook) throws -> String? {
        let q = query.lowercased()
        guard q.count == 8, q.allSatisfy({ $0.isHexDigit }) else { return nil }
        return try book.contents().unreadableIDs.first { $0.id == q }?.handle
    }

    /// Asks (unless `yes`) and removes an entry that holds no valid account (half-written when the
    /// keyring daemon died); false when the answer was no. For `remove ID` and `doctor --repair`.
    static func removeUnreadable(_ handle: String, from book: AccountBook, yes: Bool) throws -> Bool {
        let id = StoredAccount.id(forHandle: handle)
        if !yes {
            guard let answer = Console.ask("Remove keyring item [\(id)] (\(handle)), which holds no valid account? [y/N] ") else {
                throw Failure("not removing item [\(id)]: no terminal to ask on (use --yes)")
            }
            guard ["y", "yes"].contains(answer.lowercased()) else { return false }
        }
        try book.removeUnreadable(handle)  // under the lock, checked again
        Console.note("removed: item [\(id)] (\(handle)), which held no valid account")
        return true
    }

    static func warn(_ contents: StoreContents) -> [StoredAccount] {
        for path in contents.unreadable {
            if path.hasPrefix("vault entry ") {
                Console.note("warning: \(path); skipped")
                continue
            }
            Console.note("warning: keyring item [\(StoredAccount.id(forHandle: path))] (\(path)) holds no valid otpauth URI; skipped (`authv doctor --repair` removes it)")
        }
        return contents.accounts
    }

    // MARK: how the keyring stores secrets

    /// `doctor`'s line for one collection.
    static func storageLine(_ collection: KeyringStorage.Collection) -> (ok: Bool?, line: String) {
        let label = collection.label.flatMap { $0.isEmpty ? nil : $0 }
        let name = "'" + (label ?? String(collection.path.split(separator: "/").last ?? "")) + "'"
        switch collection.verdict {
        case let .encrypted(file):
            return (true, "keyring storage: \(name) is kept encrypted on disk (\(file))")
        case let .plainText(file):
            return (false, "keyring storage: \(name) is written to disk in plain text (\(file), a keyring without a password): every secret in it can be read from that file; "
                    + plainTextAdvice)
        case .memoryOnly:
            return (false, "keyring storage: \(name) is kept in memory only: what it holds is gone when the keyring daemon stops; make a keyring with a password the default (Seahorse: right-click it, Set as Default)")
        case let .unknown(why):
            return (nil, "keyring storage: \(name): \(why)")
        }
    }

    static let plainTextAdvice = "give it a password (Seahorse, \"Passwords and Keys\": right-click it, Change Password) or move the accounts into an encrypted vault file (`authv vault create`, then `authv vault move-from-keyring`)"

    /// After `add` stored accounts in the keyring: a warning, once per keyring (remembered in the state
    /// file), when its default collection is written in plain text, or kept in memory only.
    static func warnIfPlainText() {
        guard opened == .keyring, let collection = KeyringStorage.inspect()?.collections.first else { return }
        let key: String, warning: String
        switch collection.verdict {
        case let .plainText(file):
            key = file
            warning = "this keyring is written to disk in plain text (\(file), a keyring without a password): " + plainTextAdvice
        case .memoryOnly:
            key = collection.path
            warning = "the keyring's default collection (\(collection.path)) is kept in memory only: what it holds is gone when the keyring daemon stops"
        case .encrypted, .unknown:
            return
        }
        guard !StateFile.load().warnedPlaintext.contains(key) else { return }
        Console.note("warning: " + warning + "; said once per keyring, see `authv doctor`")
        _ = try? StateFile.update { if !$0.warnedPlaintext.contains(key) { $0.warnedPlaintext.append(key) } }
    }
}
