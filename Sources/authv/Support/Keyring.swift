import Vault

/// Opens the store and reads it, warning about items that hold no readable account.
enum Keyring {
    static func open() throws -> KeyringStore {
        try KeyringStore()
    }

    static func load(_ store: KeyringStore) throws -> [StoredAccount] {
        let contents = try store.load()
        for path in contents.unreadable {
            Console.note("warning: keyring item \(path) holds no valid otpauth URI; skipped")
        }
        return contents.accounts
    }
}
