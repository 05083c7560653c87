import AuthvCrypto
public import OTP
#if canImport(Glibc)
import Glibc
#endif

/// Accounts in the desktop keyring (the Secret Service, through `SecretService`, the one keyring
/// client): one item per account, with the account's canonical otpauth:// URI as the secret, in authv's
/// own schema (the `xdg:schema` attribute, as libsecret and secret-tool write it).
public final class KeyringStore: AccountStore {
    /// The schema name every authv item carries (as the `xdg:schema` attribute).
    public static let schemaName = "io.github.authv.Account"

    /// The schema of the items that hold an account's recovery codes.
    public static let recoverySchemaName = "io.github.authv.RecoveryCodes"

    /// The connection, made at the first call (`add --dry-run` never makes one).
    private var opened: SecretService?
    private let timeout: Double

    private func service() throws(StoreError) -> SecretService {
        if let opened { return opened }
        let made = try SecretService(timeout: timeout)
        opened = made
        return made
    }

    /// Checks that a session bus is there; connects to the Secret Service when first needed. `timeout`:
    /// seconds allowed for a call no person answers.
    public init(timeout: Double? = nil) throws(StoreError) {
        guard getenv("DBUS_SESSION_BUS_ADDRESS") != nil || getenv("XDG_RUNTIME_DIR") != nil else {
            throw .noService("no D-Bus session bus")
        }
        self.timeout = timeout ?? SecretService.defaultTimeout
    }

    // MARK: reading

    public func load() throws(StoreError) -> StoreContents {
        try read(matching: [:])
    }

    /// Accounts whose attributes equal `attributes` (case-folded issuer or account), all when empty.
    /// One search and one call for all their secrets, whatever their number.
    public func read(matching attributes: [String: String]) throws(StoreError) -> StoreContents {
        try read(paths: search(attributes))
    }

    /// The account in one item, read again (for example under the lock, before changing it).
    public func read(handle: String) throws(StoreError) -> StoredAccount? {
        do {
            return try read(paths: [handle]).accounts.first
        } catch .keyring(_, .noSuchObject, _) {
            return nil
        }
    }

    /// The accounts in the items at `paths`, with every secret in one call.
    private func read(paths: [String]) throws(StoreError) -> StoreContents {
        let contents = StoreContents(items: try secrets(paths))
        // Tests stop authv here, after it read and freed the keyring's reply, to look at its memory.
        FaultInjection.stop(at: "stop-after-keyring-read")
        return contents
    }

    /// The secrets of the items at `paths` as text, in one D-Bus call.
    private func secrets(_ paths: [String]) throws(StoreError) -> [(path: String, text: String)] {
        try service().secrets(paths)
    }

    /// The accounts a QUERY matches exactly (display name, issuer or account name, case-insensitive),
    /// found by attribute searches without reading any other item's secret; nil when the query could be a
    /// fingerprint, which only a full read can match. An empty result means: no exact match, read everything.
    public func exactMatches(for query: String) throws(StoreError) -> [StoredAccount]? {
        guard let searches = KeyringStore.exactSearches(for: query) else { return nil }
        return try read(paths: try search(searches)).accounts
    }

    /// The attribute searches whose union is the set of accounts a QUERY matches exactly; nil when the
    /// query could be a fingerprint, which only a full read can match.
    static func exactSearches(for query: String) -> [[String: String]]? {
        let q = query.lowercased()
        if q.count == 8 && q.allSatisfy({ $0.isHexDigit }) { return nil }
        var searches: [[String: String]] = [["issuer": q], ["account": q]]
        // "Issuer (account)": every way of reading it as a display name.
        if q.hasSuffix(")") {
            let characters = Array(q)
            for i in 0..<max(0, characters.count - 2) where characters[i] == " " && characters[i + 1] == "(" {
                searches.append(["issuer": String(characters[..<i]), "account": String(characters[(i + 2)..<(characters.count - 1)])])
            }
        }
        return searches
    }

    /// The object paths of authv's items matching `attributes`, unlocking locked ones (which may ask the user).
    private func search(_ attributes: [String: String], recovery: Bool = false) throws(StoreError) -> [String] {
        try search([attributes], recovery: recovery)
    }

    /// The distinct object paths of authv's items matching any of `list`, in its order: all searches in one
    /// round trip, and the locked items any of them found unlocked together (one prompt).
    private func search(_ list: [[String: String]], recovery: Bool = false) throws(StoreError) -> [String] {
        let schema = recovery ? KeyringStore.recoverySchemaName : KeyringStore.schemaName
        let service = try service()
        let found = try service.search(list.map { attributes in
            var all = attributes
            all["xdg:schema"] = schema
            return all
        })
        var locked: [String] = []
        for one in found { for path in one.locked where !locked.contains(path) { locked.append(path) } }
        _ = try service.unlock(locked)
        var paths: [String] = []
        for one in found {
            for path in one.unlocked + one.locked where !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    // MARK: writing

    /// Tests set this to make `add` fail after storing that many accounts, to prove the rollback.
    var failAfterStoring: Int? = nil

    /// Stores each account as a new item, all or none: when one fails, or SIGINT, SIGTERM or SIGHUP comes
    /// (held off meanwhile, see `Interruption`), the items stored before are removed again; an error says
    /// which accounts the keyring still holds when that removal fails too. An account's recovery codes
    /// are stored right after its own item (under the id the new item's path gives) and taken back with it.
    public func add(_ items: [(account: Account, recovery: RecoveryCodes?)]) throws(StoreError) {
        try Interruption.deferring { () throws(StoreError) in
            var stored: [Added] = []
            for (account, recovery) in items {
                if let signal = Interruption.caught { throw rollBack(stored, cause: .interrupted(signal: signal), cutOff: nil) }
                var added = Added(uuid: KeyringStore.newUUID(), account: account, path: nil)
                do throws(StoreError) {
                    if let limit = failAfterStoring, stored.count >= limit {
                        throw StoreError.failed(operation: "storing \(account.displayName)", message: "fault injected by a test")
                    }
                    added.path = try store(account, uuid: added.uuid)
                    if let recovery, !recovery.codes.isEmpty, let path = added.path {
                        try storeItem(text: recovery.stored, attributes: ["account-id": StoredAccount.id(forHandle: path)],
                                      label: "authv recovery codes: \(account.displayName)", recovery: true,
                                      operation: "storing recovery codes of \(account.displayName)")
                    }
                    stored.append(added)
                } catch {
                    // A refused secret was never sent; any other failure may have left the item stored.
                    let unsure = if case .unstorableSecret = error, added.path == nil { false } else { true }
                    throw rollBack(stored, cause: error, cutOff: unsure ? added : nil)
                }
            }
        }
    }

    /// An item this `add` stored (or may have: `path` is nil until the keyring answered).
    private struct Added {
        let uuid: String
        let account: Account
        var path: String?
    }

    /// Takes back the items this `add` stored (the newest first), with their recovery items, and says
    /// what is left.
    private func rollBack(_ stored: [Added], cause: StoreError, cutOff: Added?) -> StoreError {
        func clear(_ added: Added) throws(StoreError) {
            if let path = added.path { try self.clear(["account-id": StoredAccount.id(forHandle: path)], recovery: true) }
            try self.clear(uuid: added.uuid)
        }
        var left: [String] = []
        for done in stored.reversed() {
            do throws(StoreError) { try clear(done) } catch { left.append(done.account.displayName) }
        }
        var unsure: String? = nil
        if let cutOff {
            do throws(StoreError) { try clear(cutOff) } catch { unsure = cutOff.account.displayName }
        }
        return .undone(cause: cause, stillStored: left.reversed(), cutOff: unsure)
    }

    /// Stores an account's item; returns its object path.
    @discardableResult
    private func store(_ account: Account, uuid: String) throws(StoreError) -> String {
        // A new uuid: no item can have the same attributes, so the daemon is not asked to look for one to
        // replace (gnome-keyring's look is a pass over every item it holds: an add of 1000 accounts took
        // 86 s with it and 10.5 s without, on this machine).
        try storeItem(text: account.uri, attributes: KeyringStore.attributes(of: account, uuid: uuid), replace: false,
                      label: KeyringStore.label(account), recovery: false, operation: "storing \(account.displayName)")
    }

    /// Stores a text secret; with `replace`, an item of the same schema with the same attributes is replaced. Secrets reach
    /// the keyring client only as `CheckedSecret`, so none breaking `StorableSecret`'s rule (a newline, a
    /// control character) is ever written.
    @discardableResult
    func storeItem(text: String, attributes: [String: String], replace: Bool = true, label: String, recovery: Bool,
                   operation: String) throws(StoreError) -> String {
        let checked = try CheckedSecret(text, operation: operation)
        var all = attributes
        all["xdg:schema"] = recovery ? KeyringStore.recoverySchemaName : KeyringStore.schemaName
        return try service().createItem(label: label, attributes: all, secret: checked, replace: replace, operation: operation)
    }

    /// Deletes the items of a schema whose attributes match.
    private func clear(_ attributes: [String: String], recovery: Bool = false) throws(StoreError) {
        for path in try search(attributes, recovery: recovery) {
            try service().delete(path, operation: "removing")
        }
    }

    private func clear(uuid: String) throws(StoreError) {
        try clear(["uuid": uuid])
    }

    // MARK: recovery codes

    /// The recovery codes kept for an account (by its id, which renames and counter steps keep; codes
    /// kept by earlier versions, under the fingerprint of type and secret, are found too). Codes kept in
    /// the earlier form of a line per code, or under the fingerprint, are rewritten in the one-line form
    /// under the id here, the first time they are read: call it under the `StoreLock`, as every
    /// read-modify-write.
    public func recoveryCodes(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes? {
        try readRecoveryCodes(for: stored, rewrite: true)
    }

    public func recoveryCodesAsStored(for stored: StoredAccount) throws(StoreError) -> RecoveryCodes? {
        try readRecoveryCodes(for: stored, rewrite: false)
    }

    private func readRecoveryCodes(for stored: StoredAccount, rewrite: Bool) throws(StoreError) -> RecoveryCodes? {
        var byFingerprint = false
        var paths = try search(["account-id": stored.id], recovery: true)
        if paths.isEmpty {
            paths = try search(["account-id": StoredAccount.fingerprint(stored.account)], recovery: true)
            byFingerprint = true
        }
        guard let text = try secrets(paths).first?.text else { return nil }
        let codes = RecoveryCodes(stored: text)
        if rewrite && (RecoveryCodes.isEarlierForm(text) || byFingerprint) { try setRecoveryCodes(codes, for: stored) }
        return codes
    }

    /// Keeps an account's recovery codes, replacing any kept before (under its id, or its fingerprint).
    public func setRecoveryCodes(_ codes: RecoveryCodes, for stored: StoredAccount) throws(StoreError) {
        try storeItem(text: codes.stored, attributes: ["account-id": stored.id],
                      label: "authv recovery codes: \(stored.account.displayName)", recovery: true,
                      operation: "storing recovery codes of \(stored.account.displayName)")
        try clear(["account-id": StoredAccount.fingerprint(stored.account)], recovery: true)
    }

    public func removeRecoveryCodes(for stored: StoredAccount) throws(StoreError) {
        try clear(["account-id": stored.id], recovery: true)
        try clear(["account-id": StoredAccount.fingerprint(stored.account)], recovery: true)
    }

    public func update(_ stored: StoredAccount, to account: Account) throws(StoreError) {
        let operation = "updating \(stored.account.displayName)"
        let checked = try CheckedSecret(account.uri, operation: operation)
        let service = try service()
        // The secret first: it is what matters (an HOTP counter); names follow.
        try service.setSecret(stored.handle, checked, operation: operation)
        guard account.issuer != stored.account.issuer || account.name != stored.account.name else { return }
        let renaming = "renaming \(stored.account.displayName)"
        var attributes = try service.attributes(of: stored.handle, operation: renaming)
        for (key, value) in KeyringStore.attributes(of: account, uuid: attributes["uuid"] ?? KeyringStore.newUUID()) {
            attributes[key] = value
        }
        try service.setAttributes(stored.handle, attributes, label: KeyringStore.label(account), operation: renaming)
    }

    public func remove(_ stored: StoredAccount) throws(StoreError) {
        try service().delete(stored.handle, operation: "removing \(stored.account.displayName)")
    }

    public func removeUnreadable(handle: String) throws(StoreError) {
        try service().delete(handle, operation: "removing item \(handle)")
    }

    // MARK: helpers

    /// The attributes of an item: a unique id (so no store ever replaces another account's item) and the
    /// case-folded names, which let a QUERY find its item without reading the others.
    static func attributes(of account: Account, uuid: String) -> [String: String] {
        ["uuid": uuid, "issuer": account.issuer.lowercased(), "account": account.name.lowercased()]
    }

    static func label(_ account: Account) -> String { "authv: \(account.displayName)" }


    static func newUUID() -> String {
        Hex.encode((try? Crypto.randomBytes(16)) ?? (0..<16).map { _ in UInt8.random(in: 0...255) })
    }
}
