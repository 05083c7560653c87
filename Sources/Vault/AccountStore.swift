public import OTP
import AuthvCrypto
#if canImport(Glibc)
import Glibc
#endif

/// An account as the store holds it.
public struct StoredAccount: Sendable, Equatable {
    public var account: Account
    /// Where the store keeps it (for the keyring, the item's D-Bus object path); opaque to callers.
    public var handle: String

    /// The account's id: 8 hex digits that name this one entry of the store, unique among the stored
    /// accounts and kept through renames and HOTP steps, since it is derived from the entry's own identity
    /// (`handle`: the keyring item's object path; a vault entry's uuid), never from the account's
    /// contents. Two accounts with the same secret have two ids. Selects the account as a QUERY.
    public let id: String

    /// `id`: given, or derived from `handle` (`StoredAccount.id(forHandle:)`).
    public init(account: Account, handle: String, id: String? = nil) {
        self.account = account
        self.handle = handle
        self.id = id ?? StoredAccount.id(forHandle: handle)
    }

    /// The id of the entry at `handle` (also for entries that hold no readable account); `salt` gives
    /// the alternatives that `StoreContents` takes when two entries' ids collide.
    public static func id(forHandle handle: String, salt: Int = 0) -> String {
        hex8(Array("authv entry id".utf8), Array(handle.utf8) + (salt == 0 ? [] : Array("#\(salt)".utf8)))
    }

    /// What ids were before they named entries: a fingerprint of type and secret, which two accounts
    /// with the same secret shared. Recovery codes kept by earlier versions are found under it.
    public static func fingerprint(_ account: Account) -> String {
        // The message (type, NUL, secret) is built in a secret of its own, wiped when freed.
        let type = Array(account.type.rawValue.utf8) + [0]
        let message = account.secret.withUnsafeBytes { secret in
            SecretBytes(count: type.count + secret.count) { out in
                out.copyBytes(from: type)
                UnsafeMutableRawBufferPointer(rebasing: out[type.count...]).copyMemory(from: secret)
            }
        }
        return message.withUnsafeBytes { hex8(Array("authv account id".utf8), $0) }
    }

    private static func hex8(_ key: [UInt8], _ message: [UInt8]) -> String {
        message.withUnsafeBytes { hex8(key, $0) }
    }

    private static func hex8(_ key: [UInt8], _ message: UnsafeRawBufferPointer) -> String {
        let mac = key.withUnsafeBytes { key in
            (try? Crypto.hmac(.sha256, key: key, message: message) { Array($0.prefix(4)) }) ?? []
        }
        return Hex.encode(mac)
    }
}

/// Why the store could not do what was asked. Messages say what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No Secret Service answers on the session bus.
    case noService(String)
    /// The keyring is locked and was not unlocked.
    case locked
    /// The Secret Service refused or failed an operation.
    case failed(operation: String, message: String)
    /// The keyring did not answer an operation within the time allowed (seconds).
    case timedOut(operation: String, seconds: Double)
    /// A D-Bus call of an operation failed, for `reason` (with the service's message, when it gave one).
    case keyring(operation: String, reason: KeyringReason, message: String?)
    /// Another authv holds the lock too long, or the lock file cannot be used.
    case lockUnavailable(String)
    /// A library the store opens at first use (sd-bus's libsystemd) is not installed; the text says which
    /// and what to install.
    case libraryMissing(String)
    /// The vault file could not be opened, read or written (the message names it and the cause).
    case vault(String)
    /// The password given does not open the vault at this path.
    case wrongPassword(String)
    /// A secret that breaks `StorableSecret`'s rule (one line of plain characters); nothing was stored.
    case unstorableSecret(operation: String, reason: String)
    /// SIGINT, SIGTERM or SIGHUP came while several accounts were being stored (see `Interruption`).
    case interrupted(signal: Int32)
    /// A write of several accounts was taken back because of `cause`. `stillStored`: the accounts it had
    /// stored that the rollback could not remove (the keyring stopped answering), so the keyring still
    /// holds them; `cutOff`: the one being stored when it failed, which the keyring may or may not hold.
    indirect case undone(cause: StoreError, stillStored: [String], cutOff: String?)

    /// The signal that ended the write, for the exit status (128 + signal).
    public var signal: Int32? {
        switch self {
        case let .interrupted(signal): return signal
        case let .undone(cause, _, _): return cause.signal
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .noService(detail):
            return "no Secret Service keyring on the session bus (\(detail)): start gnome-keyring-daemon or KeePassXC's Secret Service integration, or keep accounts in an encrypted vault file instead: authv vault create"
        case .locked:
            return "the keyring is locked and was not unlocked: unlock it (for example with your desktop's keyring prompt or seahorse) and try again"
        case let .failed(operation, message):
            return "keyring: \(operation) failed: \(message)"
        case let .timedOut(operation, seconds):
            let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            return "the keyring did not answer within \(shown) s (\(operation)): its daemon (gnome-keyring-daemon, KeePassXC) is stopped or stuck; restart it and try again"
        case let .keyring(operation, reason, message):
            let why: String
            switch reason {
            case .noSuchObject: why = "the item is gone (removed meanwhile?)"
            case .serviceLeft: why = "the keyring daemon left the bus without answering (it stopped or crashed)"
            case .accessDenied: why = "access denied"
            case .badReply: why = "the Secret Service's answer has a shape the specification does not give"
            case let .other(name, errno): why = name ?? String(cString: strerror(errno))
            default: why = "\(reason)"
            }
            return "keyring: \(operation) failed: \(why)" + (message.map { $0.isEmpty || $0 == why ? "" : " (\($0))" } ?? "")
        case let .lockUnavailable(detail):
            return "cannot take authv's lock: \(detail)"
        case let .vault(detail):
            return detail
        case let .wrongPassword(path):
            return "wrong password for the vault \(path); nothing was changed"
        case let .libraryMissing(detail):
            return detail
        case let .unstorableSecret(operation, reason):
            return "\(operation) refused: \(reason), which a keyring written as text cannot keep; nothing was stored"
        case let .interrupted(signal):
            return "interrupted by \(Interruption.name(signal)) while storing"
        case let .undone(cause, stillStored, cutOff):
            guard !stillStored.isEmpty || cutOff != nil else {
                return "\(cause); what this command had stored was removed again: nothing was added"
            }
            var text = "\(cause); removing again what this command had stored failed too"
            if !stillStored.isEmpty {
                text += ": the keyring still holds \(stillStored.count) of the accounts it added: " + stillStored.joined(separator: ", ")
            }
            if let cutOff { text += (stillStored.isEmpty ? ": " : "; ") + "it may also hold \(cutOff), whose storing was cut off" }
            return text
        }
    }
}

/// What reading the store found: the accounts, and items that are not readable accounts.
public struct StoreContents: Sendable {
    public var accounts: [StoredAccount]
    /// Labels of items that belong to authv but hold no valid otpauth URI.
    public var unreadable: [String]
    /// The id of each unreadable entry (`StoredAccount.id(forHandle:)`), by which `remove ID` and
    /// `doctor --repair` name it.
    public var unreadableIDs: [(id: String, handle: String)] {
        unreadable.map { (StoredAccount.id(forHandle: $0), $0) }
    }
    /// Whether this is a part of the store (a QUERY's exact matches) rather than all of it.
    public var isPartial: Bool

    public init(accounts: [StoredAccount], unreadable: [String] = [], isPartial: Bool = false) {
        self.accounts = accounts
        self.unreadable = unreadable
        self.isPartial = isPartial
    }

    /// Items as the keyring returns them (object path, secret text), parsed and sorted for display.
    init(items: [(path: String, text: String)]) {
        var accounts: [StoredAccount] = []
        var unreadable: [String] = []
        for (path, text) in items {
            if let account = try? Account(uri: text) {
                accounts.append(StoredAccount(account: account, handle: path))
            } else {
                unreadable.append(path)
            }
        }
        self.init(accounts: StoreContents.distinctIDs(accounts).sortedForDisplay(), unreadable: unreadable.sorted())
    }

    /// The accounts with ids made unique: when two entries' ids collide (one chance in four billion a
    /// pair), every entry after the first, in order of handle, takes the first free salted id.
    public static func distinctIDs(_ accounts: [StoredAccount]) -> [StoredAccount] {
        guard Set(accounts.map(\.id)).count < accounts.count else { return accounts }
        var taken = Set<String>()
        return accounts.sorted { $0.handle < $1.handle }.map { stored in
            var id = stored.id, salt = 0
            while taken.contains(id) {
                salt += 1
                id = StoredAccount.id(forHandle: stored.handle, salt: salt)
            }
            taken.insert(id)
            return StoredAccount(account: stored.account, handle: stored.handle, id: id)
        }
    }
}

/// Where accounts live: the seam between the store's rules (`AccountBook`) and a place that keeps
/// accounts (the desktop keyring today, the encrypted vault file next). A conformer only keeps and finds
/// entries; every rule (duplicates, re-enrolment, the HOTP step, rename collisions, removal with its
/// recovery codes) is `AccountBook`'s, so a second conformer changes no command.
public protocol AccountStore: AnyObject {
    /// Every account, sorted for display (by display name, case-insensitive).
    func load() throws(StoreError) -> StoreContents
    /// The accounts a QUERY matches exactly (`AccountQuery`'s exact rule), when the store can find them
    /// without reading every secret; nil when it cannot tell (the caller then loads everything). An empty
    /// result means: no exact match.
    func exactMatches(for query: String) throws(StoreError) -> [StoredAccount]?
    /// The account in one entry, read again (under the lock, before changing it); nil when it is gone.
    func read(handle: String) throws(StoreError) -> StoredAccount?
    /// Stores each account as a new entry, with the recovery codes kept with it; all or none: if one
    /// fails, those stored before it (and their recovery codes) are removed again.
    func add(_ items: [(account: Account, recovery: RecoveryCodes?)]) throws(StoreError)
    /// Replaces what an entry holds (a new HOTP counter, new names).
    func update(_ stored: StoredAccount, to account: Account) throws(StoreError)
    /// Removes an entry.
    func remove(_ stored: StoredAccount) throws(StoreError)
    /// The recovery codes kept with an account, if any.
    func recoveryCodes(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes?
    /// The same, read as they are: nothing rewritten, so no lock is needed (for a question).
    func recoveryCodesAsStored(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes?
    /// Removes an entry that holds no readable account (`StoreContents.unreadable`: an item half-written
    /// when the keyring daemon died).
    func removeUnreadable(handle: String) throws(StoreError)
    /// Keeps an account's recovery codes, replacing any kept before.
    func setRecoveryCodes(_ codes: RecoveryCodes, for stored: StoredAccount) throws(StoreError)
    /// Forgets an account's recovery codes (nothing happens when there are none).
    func removeRecoveryCodes(for stored: StoredAccount) throws(StoreError)
}

extension AccountStore {
    /// Stores each account as a new entry, all or none (no recovery codes).
    public func add(_ accounts: [Account]) throws(StoreError) {
        try add(accounts.map { ($0, nil) })
    }

    /// A store whose writes are whole (the vault file) keeps no unreadable entries.
    public func removeUnreadable(handle: String) throws(StoreError) {
        throw .failed(operation: "removing \(handle)", message: "this store keeps no unreadable entries")
    }

    /// A store that never rewrites what it reads answers as `recoveryCodes(for:)`.
    public func recoveryCodesAsStored(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes? {
        try recoveryCodes(for: stored)
    }

    public func exactMatches(for query: String) throws(StoreError) -> [StoredAccount]? { nil }

    public func read(handle: String) throws(StoreError) -> StoredAccount? {
        try load().accounts.first { $0.handle == handle }
    }
}

extension Array where Element == StoredAccount {
    /// Display order: by display name, case-insensitive, then by id.
    public func sortedForDisplay() -> [StoredAccount] {
        sorted {
            let a = $0.account.displayName.lowercased(), b = $1.account.displayName.lowercased()
            return a != b ? a < b : $0.id < $1.id
        }
    }
}
