import Vault

/// Opens the store and reads it, warning about items that hold no readable account.
enum Keyring {
    static func open() throws -> KeyringStore {
        try KeyringStore()
    }

    /// Takes the store's lock (which says on standard error who holds it when that takes more than a second).
    static func lock() throws -> StoreLock {
        try StoreLock()
    }

    static func load(_ store: KeyringStore) throws -> [StoredAccount] {
        warn(try store.load())
    }

    /// What the store holds, read over the plain D-Bus path when it can answer, else through libsecret
    /// (which unlocks, prompts and reports a missing keyring). Nothing is printed.
    static func contents() throws -> StoreContents {
        if let contents = PlainKeyringReader()?.load() { return contents }
        return try open().load()
    }

    /// Every account, as `contents()` reads them, warning about items that hold none.
    static func loadForReading() throws -> [StoredAccount] {
        warn(try contents())
    }

    /// The accounts a QUERY may select: its exact matches when it has any (found by attribute, reading
    /// no other secret), else every account.
    static func candidates(for query: String) throws -> [StoredAccount] {
        if let reader = PlainKeyringReader() {
            if let exact = reader.exactMatches(for: query), !exact.isEmpty { return exact }
            if let contents = reader.load() { return warn(contents) }
        }
        let store = try open()
        let exact = try store.exactMatches(for: query) ?? []
        return exact.isEmpty ? try load(store) : exact
    }

    private static func warn(_ contents: StoreContents) -> [StoredAccount] {
        for path in contents.unreadable {
            Console.note("warning: keyring item \(path) holds no valid otpauth URI; skipped")
        }
        return contents.accounts
    }
}
