internal import CLinux
public import AuthvCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The vault's master key kept in the kernel's user keyring (keyrings(7)) by `authv unlock`, for a
/// while, so that `code` and `list` need not ask for the password (nor run scrypt) again. Never the
/// password: the key opens this one vault, and `lock` or the timeout forgets it. The key is a `user` key
/// named `authv:vault:PATH` (the vault's absolute path), readable by this user's processes, as the
/// vault file is.
public enum KeyCache {
    static func description(for path: String) -> String {
        "authv:vault:" + absolute(path)
    }

    /// The path with symbolic links and `..` resolved, so every spelling of it finds the same key.
    static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Keeps `key` for `seconds`, replacing a key kept before for the same vault.
    public static func keep(_ key: SecretBytes, for path: String, seconds: UInt32) throws(StoreError) {
        let id = key.withUnsafeBytes { bytes in
            authv_add_key("user", description(for: path), bytes.baseAddress, bytes.count, KEY_SPEC_USER_KEYRING)
        }
        guard id >= 0 else { throw .vault("cannot keep the vault's key in the kernel keyring: \(String(cString: strerror(errno)))") }
        // This user's processes may find and read it (the possessor alone could, by default, and a
        // hotkey's process does not possess the user keyring in every session).
        let permissions: UInt = 0x3f00_0000 | 0x0001_0000 | 0x0002_0000 | 0x0008_0000  // possessor: all; user: view, read, search
        _ = authv_keyctl(KEYCTL_SETPERM, UInt(id), permissions, 0, 0)
        guard authv_keyctl(KEYCTL_SET_TIMEOUT, UInt(id), UInt(seconds), 0, 0) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = authv_keyctl(KEYCTL_INVALIDATE, UInt(id), 0, 0, 0)
            throw .vault("cannot set the kernel keyring's timeout: \(reason)")
        }
    }

    /// The key kept for the vault at `path`, if any (and still in time).
    public static func kept(for path: String) -> SecretBytes? {
        guard let id = find(path) else { return nil }
        // Read straight into the key's own memory (room for more, to see a key of the wrong size).
        let key = SecretBytes(capacity: 64) { buffer in
            let length = authv_keyctl(KEYCTL_READ, UInt(id), UInt(bitPattern: buffer.baseAddress), UInt(buffer.count), 0)
            return length == 32 ? 32 : 0
        }
        return key.count == 32 ? key : nil
    }

    /// Forgets the key kept for the vault at `path`; false when none was kept.
    @discardableResult
    public static func forget(for path: String) -> Bool {
        guard let id = find(path) else { return false }
        if authv_keyctl(KEYCTL_INVALIDATE, UInt(id), 0, 0, 0) != 0 {
            _ = authv_keyctl(KEYCTL_REVOKE, UInt(id), 0, 0, 0)
        }
        return true
    }

    /// The id of the key kept for the vault at `path`, searched for in the user keyring.
    private static func find(_ path: String) -> Int? {
        let id = description(for: path).withCString { name in
            "user".withCString { type in
                authv_keyctl(KEYCTL_SEARCH, UInt(bitPattern: Int(KEY_SPEC_USER_KEYRING)), UInt(bitPattern: type),
                             UInt(bitPattern: name), 0)
            }
        }
        return id > 0 ? id : nil
    }
}
