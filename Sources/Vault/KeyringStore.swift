internal import CLibsecret
import AuthvCrypto
public import OTP
#if canImport(Glibc)
import Glibc
#endif

/// Accounts in the desktop keyring (Secret Service, through libsecret): one item per account, with the
/// account's canonical otpauth:// URI as the secret, in authv's own schema.
public final class KeyringStore: AccountStore {
    /// The schema name every authv item carries (as the `xdg:schema` attribute).
    public static let schemaName = "io.github.authv.Account"

    /// The schema of the items that hold an account's recovery codes.
    public static let recoverySchemaName = "io.github.authv.RecoveryCodes"

    /// libsecret's connection, made when first needed: `list` and `code` read over sd-bus alone.
    private var opened: Connection?

    /// The objects of one libsecret connection to the Secret Service.
    private final class Connection {
        let secret: Libsecret
        let service: UnsafeMutablePointer<SecretService>
        let schema: UnsafeMutablePointer<SecretSchema>
        let recoverySchema: UnsafeMutablePointer<SecretSchema>

        init() throws(StoreError) {
            switch Libsecret.shared {
            case let .success(library): secret = library
            case let .failure(missing): throw .libraryMissing(missing.message)
            }
            var error: UnsafeMutablePointer<GError>? = nil
            guard let service = secret.serviceGetSync(SECRET_SERVICE_OPEN_SESSION, nil, &error) else {
                throw .noService(KeyringStore.take(&error))
            }
            self.service = service
            let names = KeyringStore.table(["uuid": "", "issuer": "", "account": ""], values: false)
            schema = secret.schemaNewv(KeyringStore.schemaName, SECRET_SCHEMA_NONE, names)
            g_hash_table_unref(names)
            let recoveryNames = KeyringStore.table(["account-id": ""], values: false)
            recoverySchema = secret.schemaNewv(KeyringStore.recoverySchemaName, SECRET_SCHEMA_NONE, recoveryNames)
            g_hash_table_unref(recoveryNames)
        }

        deinit {
            secret.schemaUnref(recoverySchema)
            secret.schemaUnref(schema)
            g_object_unref(service)
        }
    }

    private func connection() throws(StoreError) -> Connection {
        if let opened { return opened }
        let made = try Connection()
        opened = made
        return made
    }

    /// Checks that a session bus is there; connects to the Secret Service when first needed.
    public init() throws(StoreError) {
        guard getenv("DBUS_SESSION_BUS_ADDRESS") != nil || getenv("XDG_RUNTIME_DIR") != nil else {
            throw .noService("no D-Bus session bus")
        }
    }

    // MARK: reading

    public func load() throws(StoreError) -> StoreContents {
        if let contents = plainReader()?.load() { return contents }
        return try read(matching: [:])
    }

    /// The sd-bus reader, made once; nil when it cannot answer.
    private func plainReader() -> PlainKeyringReader? {
        if plainTried { return plain }
        plainTried = true
        plain = PlainKeyringReader()
        return plain
    }
    private var plain: PlainKeyringReader?
    private var plainTried = false

    /// Accounts whose attributes equal `attributes` (case-folded issuer or account), all when empty.
    /// One search and one call for all their secrets, whatever their number.
    public func read(matching attributes: [String: String]) throws(StoreError) -> StoreContents {
        try read(paths: search(attributes))
    }

    /// The account in one item, read again (for example under the lock, before changing it).
    public func read(handle: String) throws(StoreError) -> StoredAccount? {
        try read(paths: [handle]).accounts.first
    }

    /// The accounts in the items at `paths`, with every secret in one call.
    private func read(paths: [String]) throws(StoreError) -> StoreContents {
        StoreContents(items: try secrets(paths))
    }

    /// The secrets of the items at `paths` as text, in one D-Bus call.
    private func secrets(_ paths: [String]) throws(StoreError) -> [(path: String, text: String)] {
        guard !paths.isEmpty else { return [] }
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        var error: UnsafeMutablePointer<GError>? = nil
        let secrets = withCStrings(paths) { secret.serviceGetSecretsForDbusPathsSync(service, $0, nil, &error) }
        guard let secrets else { throw classify("reading secrets", KeyringStore.take(&error)) }
        defer { g_hash_table_unref(secrets) }
        var out: [(path: String, text: String)] = []
        var iterator = GHashTableIter()
        g_hash_table_iter_init(&iterator, secrets)
        var key: gpointer? = nil
        var value: gpointer? = nil
        while g_hash_table_iter_next(&iterator, &key, &value) != 0 {
            guard let key, let value else { continue }
            var length: gsize = 0
            let bytes = secret.valueGet(OpaquePointer(value), &length)
            let text = bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(length)), as: UTF8.self) } ?? ""
            out.append((String(cString: key.assumingMemoryBound(to: CChar.self)), text))
        }
        return out
    }

    /// The accounts a QUERY matches exactly (display name, issuer or account name, case-insensitive),
    /// found by attribute searches without reading any other item's secret; nil when the query could be a
    /// fingerprint, which only a full read can match. An empty result means: no exact match, read everything.
    public func exactMatches(for query: String) throws(StoreError) -> [StoredAccount]? {
        if let exact = plainReader()?.exactMatches(for: query) { return exact }
        guard let searches = KeyringStore.exactSearches(for: query) else { return nil }
        var paths: [String] = []
        for attributes in searches {
            for path in try search(attributes) where !paths.contains(path) { paths.append(path) }
        }
        return try read(paths: paths).accounts
    }

    /// The attribute searches whose union is the set of accounts a QUERY matches exactly; nil when the
    /// query could be a fingerprint, which only a full read can match.
    static func exactSearches(for query: String) -> [[String: String]]? {
        let q = query.lowercased()
        if q.count == 8 && q.allSatisfy(\.isHexDigit) { return nil }
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

    /// The object paths of authv's items matching `attributes`, unlocking locked ones.
    private func search(_ attributes: [String: String], recovery: Bool = false) throws(StoreError) -> [String] {
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        let table = KeyringStore.table(attributes)
        defer { g_hash_table_unref(table) }
        var unlocked: UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>? = nil
        var locked: UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>? = nil
        var error: UnsafeMutablePointer<GError>? = nil
        guard secret.serviceSearchForDbusPathsSync(service, recovery ? recoverySchema : schema, table, nil,
                                                        &unlocked, &locked, &error) != 0 else {
            throw classify("searching", KeyringStore.take(&error))
        }
        var paths = KeyringStore.strings(unlocked)
        let lockedPaths = KeyringStore.strings(locked)
        g_strfreev(unlocked)
        g_strfreev(locked)
        if !lockedPaths.isEmpty {
            var opened: UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>? = nil
            let count = withCStrings(lockedPaths) { secret.serviceUnlockDbusPathsSync(service, $0, nil, &opened, &error) }
            let openedPaths = KeyringStore.strings(opened)
            g_strfreev(opened)
            if count < 0 || error != nil { _ = KeyringStore.take(&error); throw .locked }
            guard openedPaths.count == lockedPaths.count else { throw .locked }
            paths += openedPaths
        }
        return paths
    }

    // MARK: writing

    /// Tests set this to make `add` fail after storing that many accounts, to prove the rollback.
    var failAfterStoring: Int? = nil

    /// Stores each account as a new item, all or none: when one fails, or SIGINT, SIGTERM or SIGHUP comes
    /// (held off meanwhile, see `Interruption`), the items stored before are removed again; an error says
    /// which accounts the keyring still holds when that removal fails too.
    public func add(_ accounts: [Account]) throws(StoreError) {
        try Interruption.deferring { () throws(StoreError) in
            var stored: [(uuid: String, account: Account)] = []
            for account in accounts {
                if let signal = Interruption.caught { throw rollBack(stored, cause: .interrupted(signal: signal), cutOff: nil) }
                let uuid = KeyringStore.newUUID()
                do throws(StoreError) {
                    if let limit = failAfterStoring, stored.count >= limit {
                        throw StoreError.failed(operation: "storing \(account.displayName)", message: "fault injected by a test")
                    }
                    try store(account, uuid: uuid)
                    stored.append((uuid, account))
                } catch {
                    // A refused secret was never sent; any other failure may have left the item stored.
                    let unsure = if case .unstorableSecret = error { false } else { true }
                    throw rollBack(stored, cause: error, cutOff: unsure ? (uuid, account) : nil)
                }
            }
        }
    }

    /// Takes back the items this `add` stored (the newest first) and says what is left.
    private func rollBack(_ stored: [(uuid: String, account: Account)], cause: StoreError,
                          cutOff: (uuid: String, account: Account)?) -> StoreError {
        var left: [String] = []
        for done in stored.reversed() {
            do throws(StoreError) { try clear(uuid: done.uuid) } catch { left.append(done.account.displayName) }
        }
        var unsure: String? = nil
        if let cutOff {
            do throws(StoreError) { try clear(uuid: cutOff.uuid) } catch { unsure = cutOff.account.displayName }
        }
        return .undone(cause: cause, stillStored: left.reversed(), cutOff: unsure)
    }

    private func store(_ account: Account, uuid: String) throws(StoreError) {
        try storeItem(text: account.uri, attributes: KeyringStore.attributes(of: account, uuid: uuid),
                      label: KeyringStore.label(account), recovery: false, operation: "storing \(account.displayName)")
    }

    /// Stores a text secret; an item of the same schema with the same attributes is replaced.
    func storeItem(text: String, attributes: [String: String], label: String, recovery: Bool,
                           operation: String) throws(StoreError) {
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        let value = try secretValue(text, operation: operation)
        defer { secret.valueUnref(UnsafeMutableRawPointer(value)) }
        let table = KeyringStore.table(attributes)
        defer { g_hash_table_unref(table) }
        var error: UnsafeMutablePointer<GError>? = nil
        let ok = secret.serviceStoreSync(service, recovery ? recoverySchema : schema, table, SECRET_COLLECTION_DEFAULT,
                                           label, value, nil, &error) != 0
        guard ok else { throw classify(operation, KeyringStore.take(&error)) }
    }

    /// The one way a secret reaches the keyring: every store and update makes its value here, so that
    /// no secret breaking `StorableSecret`'s rule (a newline, a control character) is ever written.
    private func secretValue(_ text: String, operation: String) throws(StoreError) -> OpaquePointer? {
        try StorableSecret.check(text, operation: operation)
        return try connection().secret.valueNew(text, -1, "text/plain")
    }

    /// Deletes the items of a schema whose attributes match.
    private func clear(_ attributes: [String: String], recovery: Bool = false) throws(StoreError) {
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        let table = KeyringStore.table(attributes)
        defer { g_hash_table_unref(table) }
        var error: UnsafeMutablePointer<GError>? = nil
        guard secret.serviceClearSync(service, recovery ? recoverySchema : schema, table, nil, &error) != 0 || error == nil else {
            throw classify("removing", KeyringStore.take(&error))
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
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        let value = try secretValue(account.uri, operation: "updating \(stored.account.displayName)")
        defer { secret.valueUnref(UnsafeMutableRawPointer(value)) }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let item = secret.itemNewForDbusPathSync(service, stored.handle, SECRET_ITEM_NONE, nil, &error) else {
            throw classify("opening \(stored.account.displayName)", KeyringStore.take(&error))
        }
        defer { g_object_unref(item) }
        // The secret first: it is what matters (an HOTP counter); names follow.
        guard secret.itemSetSecretSync(item, value, nil, &error) != 0 else {
            throw classify("updating \(stored.account.displayName)", KeyringStore.take(&error))
        }
        guard account.issuer != stored.account.issuer || account.name != stored.account.name else { return }
        let current = secret.itemGetAttributes(item)
        defer { if let current { g_hash_table_unref(current) } }
        let uuid = current.flatMap { g_hash_table_lookup($0, "uuid") }.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
            ?? KeyringStore.newUUID()
        let attributes = KeyringStore.table(KeyringStore.attributes(of: account, uuid: uuid))
        defer { g_hash_table_unref(attributes) }
        guard secret.itemSetAttributesSync(item, schema, attributes, nil, &error) != 0,
              secret.itemSetLabelSync(item, KeyringStore.label(account), nil, &error) != 0 else {
            throw classify("renaming \(stored.account.displayName)", KeyringStore.take(&error))
        }
    }

    public func remove(_ stored: StoredAccount) throws(StoreError) {
        let c = try connection(), secret = c.secret, service = c.service, schema = c.schema, recoverySchema = c.recoverySchema
        var error: UnsafeMutablePointer<GError>? = nil
        guard secret.serviceDeleteItemDbusPathSync(service, stored.handle, nil, &error) != 0 else {
            throw classify("removing \(stored.account.displayName)", KeyringStore.take(&error))
        }
    }

    // MARK: helpers

    /// The attributes of an item: a unique id (so no store ever replaces another account's item) and the
    /// case-folded names, which let a QUERY find its item without reading the others.
    static func attributes(of account: Account, uuid: String) -> [String: String] {
        ["uuid": uuid, "issuer": account.issuer.lowercased(), "account": account.name.lowercased()]
    }

    static func label(_ account: Account) -> String { "authv: \(account.displayName)" }


    static func newUUID() -> String {
        let hex = Array("0123456789abcdef")
        let bytes = (try? Crypto.randomBytes(16)) ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        return String(bytes.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }

    /// A GHashTable of strings (or, with `values: false`, of names to 0, as secret_schema_newv wants).
    static func table(_ entries: [String: String], values: Bool = true) -> OpaquePointer {
        let table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, values ? g_free : nil)!
        for (key, value) in entries {
            g_hash_table_insert(table, g_strdup(key), values ? UnsafeMutableRawPointer(g_strdup(value)) : nil)
        }
        return table
    }

    static func strings(_ array: UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>?) -> [String] {
        guard let array else { return [] }
        var out: [String] = []
        var index = 0
        while let item = array[index] {
            out.append(String(cString: item))
            index += 1
        }
        return out
    }

    /// Takes a GError's message and frees it.
    static func take(_ error: inout UnsafeMutablePointer<GError>?) -> String {
        let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
        g_clear_error(&error)
        return message
    }

    /// Turns a libsecret message into the error a user can act on.
    private func classify(_ operation: String, _ message: String) -> StoreError {
        let lower = message.lowercased()
        if lower.contains("org.freedesktop.secrets") || lower.contains("serviceunknown") || lower.contains("not provided by any") {
            return .noService(message)
        }
        if lower.contains("locked") || lower.contains("dismissed") { return .locked }
        return .failed(operation: operation, message: message)
    }
}

/// A NULL-terminated `const char **` for the duration of `body`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { UnsafePointer<CChar>(strdup($0)) }
    defer { copies.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
    var array = copies + [nil]
    return array.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
