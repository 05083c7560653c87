public import OTP
public import AuthvCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Where accounts live: the keyring, or a vault file. Decided in one place (`current`), from the
/// environment and the file system only, so no command ever reads one store and writes the other.
public enum StoreLocation: Equatable, Sendable {
    case keyring
    /// The vault at this path; `named` when AUTHV_VAULT gave it (it must then exist), not found by default.
    case vault(path: String, named: Bool)

    public static let vaultVariable = "AUTHV_VAULT"

    /// `$XDG_DATA_HOME/authv/vault.json` (XDG_DATA_HOME defaulting to `~/.local/share`).
    public static var defaultVaultPath: String {
        if let data = getenv("XDG_DATA_HOME").map({ String(cString: $0) }), data.hasPrefix("/") {
            return data + "/authv/vault.json"
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? ""
        return home + "/.local/share/authv/vault.json"
    }

    /// The vault that AUTHV_VAULT names (whether or not it exists), else the default vault when it
    /// exists, else the keyring.
    public static var current: StoreLocation {
        if let named = getenv(vaultVariable).map({ String(cString: $0) }), !named.isEmpty {
            return .vault(path: named, named: true)
        }
        let path = defaultVaultPath
        return access(path, F_OK) == 0 ? .vault(path: path, named: false) : .keyring
    }

    /// The path `authv vault create` writes when given none: AUTHV_VAULT's, else the default.
    public static var vaultPathToCreate: String {
        if let named = getenv(vaultVariable).map({ String(cString: $0) }), !named.isEmpty { return named }
        return defaultVaultPath
    }
}

/// Accounts in an encrypted vault file in Aegis's format (docs/vault.md): one entry per account, the
/// entry's uuid as the handle, recovery codes in the entry's note. Every change reads the file again,
/// changes the entries, and writes the whole file atomically (temporary file in the same folder, fsync,
/// rename, fsync of the folder), keeping the previous version as `PATH.bak`; callers hold `StoreLock`
/// around read-modify-write, as for the keyring.
public final class FileStore: AccountStore {
    /// The vault's real path (symbolic links resolved, so a write replaces the file they point to).
    public let path: String
    /// The master key and slots; nil for a plain (unencrypted) vault.
    public private(set) var key: AegisKey?
    /// The last bytes read and what they held: reading the same bytes again parses nothing.
    private var last: (bytes: [UInt8], vault: AegisVault)?

    public static let backupSuffix = ".bak"

    /// Opens the vault at `path` with the key that `authv unlock` kept, else with `password()`.
    public init(path: String, password: () throws(StoreError) -> SecretBytes) throws(StoreError) {
        self.path = KeyCache.absolute(path)
        let bytes = try FileStore.read(self.path)
        let file: AegisFile
        do { file = try AegisFile(bytes: bytes) } catch { throw .vault("\(path): \(error)") }
        guard file.isEncrypted else {
            last = (bytes, try FileStore.open(file, nil, path: path))
            return
        }
        if let kept = KeyCache.kept(for: self.path), let vault = try? file.open(file.key(masterKey: kept)) {
            key = vault.key
            last = (bytes, vault)
            return
        }
        let key: AegisKey
        do {
            key = try file.key(password: try password())
        } catch let error as AegisError {
            throw error == .wrongPassword ? .wrongPassword(path) : .vault("\(path): \(error)")
        } catch {
            throw error as! StoreError
        }
        self.key = key
        last = (bytes, try FileStore.open(file, key, path: path))
    }

    /// Creates a new, empty encrypted vault at `path` (its folder made 0700 if missing); never replaces
    /// an existing file.
    public static func create(at path: String, password: SecretBytes) throws(StoreError) {
        guard access(path, F_OK) != 0 else { throw .vault("\(path) already exists; nothing was changed") }
        try makeFolders(for: path)
        let bytes: [UInt8]
        do { bytes = try AegisVault(key: try AegisKey.new(password: password)).encoded() } catch { throw .vault("\(error)") }
        do { try AtomicFile.write(bytes, to: path, replace: false) } catch { throw .vault("\(error)") }
    }

    // MARK: reading

    /// The vault as the file holds it now.
    public func vault() throws(StoreError) -> AegisVault {
        let bytes = try FileStore.read(path)
        if let last, last.bytes == bytes { return last.vault }
        let file: AegisFile
        do { file = try AegisFile(bytes: bytes) } catch { throw .vault("\(path): \(error)") }
        let vault = try FileStore.open(file, file.isEncrypted ? key.map { file.key(masterKey: $0.masterKey) } : nil, path: path)
        last = (bytes, vault)
        return vault
    }

    /// The vault parsed again from the file's bytes (a read-back, never the copy kept in memory).
    public func freshVault() throws(StoreError) -> AegisVault {
        last = nil
        return try vault()
    }

    public func load() throws(StoreError) -> StoreContents {
        let vault = try vault()
        var accounts: [StoredAccount] = []
        var unreadable: [String] = []
        for (index, entry) in vault.entries.enumerated() {
            if let account = entry.account {
                accounts.append(StoredAccount(account: account, handle: entry.uuid))
            } else {
                unreadable.append("vault entry \(index + 1) (\(entry.uuid)): \(entry.problem ?? "unreadable")")
            }
        }
        return StoreContents(accounts: accounts.sortedForDisplay(), unreadable: unreadable)
    }

    public func read(handle: String) throws(StoreError) -> StoredAccount? {
        try vault().entries.first { $0.uuid == handle }.flatMap { entry in
            entry.account.map { StoredAccount(account: $0, handle: entry.uuid) }
        }
    }

    public func recoveryCodes(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes? {
        guard let codes = try vault().entries.first(where: { $0.uuid == stored.handle })?.recoveryCodes,
              !codes.codes.isEmpty else { return nil }
        return codes
    }

    // MARK: changing (each one read, one write)

    /// Stores accounts with their recovery codes in one write.
    public func add(_ items: [(account: Account, recovery: RecoveryCodes?)]) throws(StoreError) {
        try change { vault throws(StoreError) in
            for (account, recovery) in items {
                do { vault.entries.append(try AegisEntry(account: account, recoveryCodes: recovery)) } catch { throw .vault("\(error)") }
            }
        }
    }

    public func update(_ stored: StoredAccount, to account: Account) throws(StoreError) {
        try change(stored) { $0.account = account }
    }

    public func remove(_ stored: StoredAccount) throws(StoreError) {
        try remove(handles: [stored.handle])
    }

    /// Removes entries in one write.
    public func remove(handles: [String]) throws(StoreError) {
        try change { vault throws(StoreError) in
            vault.entries.removeAll { handles.contains($0.uuid) }
        }
    }

    public func setRecoveryCodes(_ codes: RecoveryCodes, for stored: StoredAccount) throws(StoreError) {
        try change(stored) { $0.recoveryCodes = codes }
    }

    public func removeRecoveryCodes(for stored: StoredAccount) throws(StoreError) {
        guard try recoveryCodes(for: stored) != nil else { return }
        try change(stored) { $0.recoveryCodes = nil }
    }

    /// Writes `bytes` back as the vault (a step of a move that failed later puts the file back so).
    public func restore(_ bytes: [UInt8]) throws(StoreError) {
        try write(bytes)
    }

    /// The file's bytes now.
    public func currentBytes() throws(StoreError) -> [UInt8] {
        try FileStore.read(path)
    }

    private func change(_ stored: StoredAccount, _ body: (inout AegisEntry) -> Void) throws(StoreError) {
        try change { vault throws(StoreError) in
            guard let index = vault.entries.firstIndex(where: { $0.uuid == stored.handle }) else {
                throw .vault("\(stored.account.displayName) was removed from the vault meanwhile")
            }
            body(&vault.entries[index])
        }
    }

    private func change(_ body: (inout AegisVault) throws(StoreError) -> Void) throws(StoreError) {
        var vault = try vault()
        try body(&vault)
        let bytes: [UInt8]
        do { bytes = try vault.encoded() } catch { throw .vault("\(path): \(error)") }
        try write(bytes)
        last = (bytes, vault)
    }

    /// The previous version to PATH.bak, then the new one to PATH, each atomically: a crash at any
    /// moment leaves PATH either the old or the new vault, both readable.
    private func write(_ bytes: [UInt8]) throws(StoreError) {
        try FaultInjection.check("vault-write")
        removeDeadWritersFiles()
        do {
            if access(path, F_OK) == 0 {
                try AtomicFile.write(try FileStore.read(path), to: path + FileStore.backupSuffix, replace: true)
            }
            try FaultInjection.check("vault-write-after-backup")
            try AtomicFile.write(bytes, to: path, replace: true)
        } catch let error as FileWriteError {
            throw .vault("cannot write the vault: \(error)")
        } catch {
            throw error as! StoreError
        }
    }

    /// Removes the temporary files that writers of this vault and of its `.bak` left when they were killed
    /// mid-write (`AtomicFile.temporaryPrefix`: `.authv-vault.json.XXXXXX`, `.authv-vault.json.bak.XXXXXX`).
    /// Called under `StoreLock`, which every writer of the vault holds from its read to its rename: a
    /// writer that is still alive never leaves its temporary file behind the lock, so every one found
    /// here is a dead writer's. Other files of the folder are never touched.
    private func removeDeadWritersFiles() {
        guard let slash = path.lastIndex(of: "/") else { return }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        let prefixes = [AtomicFile.temporaryPrefix(for: name), AtomicFile.temporaryPrefix(for: name + FileStore.backupSuffix)]
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        var dead: [String] = []
        while let entry = readdir(directory) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            // mkstemp's six characters after the prefix, nothing more.
            if prefixes.contains(where: { entryName.hasPrefix($0) && entryName.utf8.count == $0.utf8.count + 6 }) {
                dead.append(entryName)
            }
        }
        for entryName in dead { unlink(folder + "/" + entryName) }
    }

    // MARK: helpers

    private static func open(_ file: AegisFile, _ key: AegisKey?, path: String) throws(StoreError) -> AegisVault {
        do { return try file.open(key) } catch { throw .vault("\(path): \(error)") }
    }

    /// The file's bytes, its size bounded before it is read.
    static func read(_ path: String) throws(StoreError) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .vault("no vault at \(path): create one with `authv vault create`") }
            throw .vault("\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .vault("\(path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .vault("\(path) is not a regular file") }
        guard info.st_size <= AegisLimits.maxFileBytes else {
            throw .vault("\(path): \(AegisError.tooLarge(bytes: Int(info.st_size), limit: AegisLimits.maxFileBytes))")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .vault("\(path): \(n == 0 ? "changed while it was read" : String(cString: strerror(errno)))") }
            offset += n
        }
        return bytes
    }

    /// Makes the missing folders above `path`, 0700.
    static func makeFolders(for path: String) throws(StoreError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let folder = String(path[..<slash])
        guard access(folder, F_OK) != 0 else { return }
        try makeFolders(for: folder)
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
            throw .vault("cannot make \(folder): \(String(cString: strerror(errno)))")
        }
    }
}

/// Faults that tests inject to prove that a failure at a step changes nothing: `AUTHV_FAULT=STEP` makes
/// the step fail with an error (and with `AUTHV_FAULT_KILL` set, kills the process there, as a crash or
/// a power cut would). Debug builds only: in release builds `check` does nothing.
public enum FaultInjection {
    /// Whether `AUTHV_FAULT` names `step`. Callers ask only in debug builds.
    static func isInjected(_ step: String) -> Bool {
        getenv("AUTHV_FAULT").map { String(cString: $0) } == step
    }

    /// `AUTHV_FAULT=write-midway:NAME` kills the process (SIGKILL) when half of the bytes of a file
    /// named NAME are written (to its temporary file, by `AtomicFile`): a crash in the middle of a write.
    public static func midway(writing name: String) {
        #if DEBUG
        if isInjected("write-midway:" + name) { raise(SIGKILL) }
        #endif
    }

    /// `AUTHV_FAULT=STEP` stops the process (SIGSTOP) at `step`, for a test to look at its memory there.
    static func stop(at step: String) {
        #if DEBUG
        if isInjected(step) { raise(SIGSTOP) }
        #endif
    }

    public static func check(_ step: String) throws(StoreError) {
        #if DEBUG
        if isInjected(step) {
            if getenv("AUTHV_FAULT_KILL") != nil { raise(SIGKILL) }
            throw .vault("fault injected at \(step)")
        }
        #endif
    }
}
