public import OTP

/// Why a rule of the store refused what was asked (the store itself answered; see `StoreError` for when
/// it did not).
public enum BookError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A rename would make the account equal to another stored one.
    case renameCollision(String)
    /// The account selected before the lock was taken is no longer stored.
    case removedMeanwhile(String)
    /// An entry to be removed as unreadable holds a readable account now, or is gone (its id).
    case notUnreadable(String)
    /// No recovery codes are kept for the account.
    case noRecoveryCodes(String)
    /// Every recovery code of the account is used.
    case recoveryCodesUsedUp(String)
    /// Google Authenticator's export format cannot carry these accounts (name and reason each).
    case notExportable([String])
    /// An HOTP account follows a counter, not the clock: it takes no clock offset.
    case offsetOfHOTP(String)
    /// A name beyond authv's size bounds (the message names the bound).
    case tooLarge(String)
    /// After an add, the store does not hold every account of the inputs (the message says what it holds).
    case notAllStored(String)

    public var description: String {
        switch self {
        case let .renameCollision(name):
            return "\(name) with this secret is already stored; remove one instead of renaming"
        case let .removedMeanwhile(name):
            return "\(name) was removed meanwhile"
        case let .notUnreadable(id):
            return "item [\(id)] is no longer one that holds no valid account (removed or rewritten meanwhile); nothing removed"
        case let .noRecoveryCodes(name):
            return "no recovery codes kept for \(name) (add them with `authv recovery add`)"
        case let .recoveryCodesUsedUp(name):
            return "every recovery code of \(name) is used: ask the site for new ones"
        case let .notExportable(names):
            return "not exported: Google Authenticator exports cannot carry \(names.joined(separator: "; ")); use --format uri"
        case let .offsetOfHOTP(name):
            return "\(name) is an HOTP account: its codes follow a counter, not the clock, so it takes no --offset"
        case let .notAllStored(message), let .tooLarge(message):
            return message
        }
    }
}

/// What `add` did with one account.
public enum AddOutcome: Equatable, Sendable {
    /// Stored; nothing of that name was there.
    case added(Account)
    /// Stored beside older accounts with the same names and another secret (a site's re-enrolment): their ids.
    case renewed(Account, id: String, older: [String])
    /// The same account (type, secret, names) was already stored; not stored again.
    case alreadyStored(Account)

    public var account: Account {
        switch self {
        case let .added(account), let .renewed(account, _, _), let .alreadyStored(account): return account
        }
    }
}

/// What `add` did: one outcome per account given, and how many accounts the store holds now.
public struct AddReport: Equatable, Sendable {
    public var outcomes: [AddOutcome]
    /// Accounts stored before this add.
    public var before: Int
    /// Accounts this add stored.
    public var stored: Int { outcomes.filter { if case .alreadyStored = $0 { false } else { true } }.count }
}

/// The export encodings.
public enum ExportEncoding: String, Sendable, CaseIterable {
    /// otpauth:// URIs, one a line.
    case uri
    /// otpauth-migration:// URIs (Google Authenticator), ten accounts each.
    case migration
}

/// The rules of the store: what every command that reads or changes accounts does between parsing its
/// command line and rendering its result. Every change is a read -> check -> write under `StoreLock`, so
/// two authv processes never lose an account or an HOTP step. Works on any `AccountStore`.
///
/// Errors: `StoreError` (the store did not answer), `QueryError` (a QUERY selected none or several),
/// `BookError` (a rule refused), `CryptoError` (a code could not be computed).
public final class AccountBook {
    public let store: any AccountStore
    /// The lock file; nil for the default one (`StoreLock.defaultPath()`).
    let lockPath: String?
    /// Seconds to wait for another authv's lock before giving up.
    let lockTimeout: Double

    /// Called under the lock after an add stored accounts or a remove took one (the change, and the
    /// accounts the store holds now), so that whatever keeps count of them (the executable's state file)
    /// is up to date before another authv can read the store: a reader that counts again under the lock
    /// never sees a change half recorded.
    public var countChanged: ((_ change: Int, _ now: Int) -> Void)?

    public init(store: any AccountStore, lockPath: String? = nil, lockTimeout: Double = StoreLock.waitLimit) {
        self.store = store
        self.lockPath = lockPath
        self.lockTimeout = lockTimeout
    }

    /// The one place that decides where accounts live: every command opens its store here.
    /// The vault file when one is in use (`StoreLocation.current`: AUTHV_VAULT, else the default vault
    /// when it exists), opened with the key `authv unlock` kept or its password; else the keyring.
    public static func open() throws(StoreError) -> AccountBook {
        switch StoreLocation.current {
        case .keyring:
            return AccountBook(store: try KeyringStore())
        case let .vault(path, _):
            return AccountBook(store: try FileStore(path: path) { () throws(StoreError) in try VaultPassword.get(for: path) })
        }
    }

    /// Runs `body` under the store's lock (never call it from inside another rule of the book: the
    /// lock is not re-entrant).
    public func locked<R>(_ body: () throws -> R) throws -> R {
        let lock = try StoreLock(path: lockPath, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// The prologue of every rule that changes one account: the lock, a fresh read, the account a QUERY
    /// selects from it; `body` gets that account and every account read.
    private func lockedSelecting<R>(_ query: String, _ body: (StoredAccount, [StoredAccount]) throws -> R) throws -> R {
        try locked {
            let all = try store.load().accounts
            return try body(try AccountQuery.one(query, from: all), all)
        }
    }

    // MARK: reading

    /// Every account, and the entries that hold none.
    public func contents() throws(StoreError) -> StoreContents {
        try store.load()
    }

    /// What a QUERY may select from: its exact matches when the store finds some without reading every
    /// secret (`isPartial`), else everything.
    public func candidates(for query: String) throws(StoreError) -> StoreContents {
        if let exact = try store.exactMatches(for: query), !exact.isEmpty { return StoreContents(accounts: exact, isPartial: true) }
        return try store.load()
    }

    /// The one account a QUERY selects (`QueryError` when none or several).
    public func one(_ query: String) throws -> StoredAccount {
        try AccountQuery.one(query, from: try candidates(for: query).accounts)
    }

    /// Every account a QUERY selects (`QueryError.noMatch` when none); every account without a query.
    public func select(_ query: String?) throws -> [StoredAccount] {
        let all = try store.load().accounts
        guard let query else { return all }
        let selected = AccountQuery.select(query, from: all)
        guard !selected.isEmpty else { throw QueryError.noMatch(query) }
        return selected
    }

    // MARK: changing

    /// Adds the accounts that are not stored yet, all or none. An account equal to a stored one (type,
    /// secret, names) is not stored again; one with the names of a stored one and another secret is kept
    /// beside it (a re-enrolment: the old secret stays until the user removes it).
    public func add(_ accounts: [Account]) throws -> AddReport {
        var plan = ImportPlan()
        plan.accounts = accounts
        plan.entryCount = accounts.count
        return try add(plan)
    }

    /// Adds a plan's accounts as `add(_: [Account])` does, and checks the count rule against the store
    /// itself before it succeeds: every entry is in the store now (added or already there) or was skipped
    /// (`plan.unsupported`, which the caller has accepted). Otherwise what this add stored is taken out again.
    public func add(_ plan: ImportPlan) throws -> AddReport {
        try locked {
            let existing = try store.load().accounts
            var new: [Account] = []
            var outcomes: [AddOutcome] = []
            // Looked up by hash, so that the time grows with the number of accounts, not with its square.
            var known = Set(existing.map { AccountKey($0.account) })
            var byNames: [NameKey: [String]] = [:]
            for stored in existing { byNames[NameKey(stored.account), default: []].append(stored.id) }
            for account in plan.accounts {
                guard known.insert(AccountKey(account)).inserted else {
                    outcomes.append(.alreadyStored(account))
                    continue
                }
                new.append(account)
                let older = byNames[NameKey(account)] ?? []
                outcomes.append(older.isEmpty ? .added(account) : .renewed(account, id: "", older: older))
            }
            // A note that ends in authv's block of recovery codes (an Aegis export of authv's, read back)
            // gives them back as the account's recovery codes, in either store.
            let items = new.map { account -> (account: Account, recovery: RecoveryCodes?) in
                let (note, codes) = AegisEntry.splitNote(account.note)
                guard let codes, !codes.codes.isEmpty else { return (account, nil) }
                var own = account
                own.note = note
                return (own, codes)
            }
            new = items.map(\.account)
            try store.add(items)
            let now = try verify(plan, added: new, alreadyStored: plan.repeated.count + outcomes.count - new.count)
            // A renewed account's id names its new entry, known once it is stored.
            let before = Set(existing.map(\.handle))
            var newIDs: [AccountKey: String] = [:]
            for entry in now where !before.contains(entry.handle) { newIDs[AccountKey(entry.account)] = entry.id }
            outcomes = outcomes.map { outcome in
                guard case let .renewed(account, _, older) = outcome, let id = newIDs[AccountKey(account)] else { return outcome }
                return .renewed(account, id: id, older: older)
            }
            let report = AddReport(outcomes: outcomes, before: existing.count)
            if report.stored > 0 { countChanged?(report.stored, report.before + report.stored) }
            return report
        }
    }

    /// The count rule of `add(_: ImportPlan)`, under its lock; returns the store's accounts after the add.
    @discardableResult
    private func verify(_ plan: ImportPlan, added: [Account], alreadyStored: Int) throws -> [StoredAccount] {
        guard !added.isEmpty else {
            guard alreadyStored + plan.unsupported.count == plan.entryCount else {
                throw BookError.notAllStored("internal error: \(plan.entryCount) entries, \(alreadyStored) already stored, \(plan.unsupported.count) skipped")
            }
            return []
        }
        let now = try store.load().accounts
        let stored = Set(now.map { AccountKey($0.account) })
        let missing = plan.accounts.filter { !stored.contains(AccountKey($0)) }
        if !missing.isEmpty || added.count + alreadyStored + plan.unsupported.count != plan.entryCount {
            let mine = Set(added.map { AccountKey($0) })
            for item in now where mine.contains(AccountKey(item.account)) {
                try? store.removeRecoveryCodes(for: item)
                try? store.remove(item)
            }
            throw BookError.notAllStored("the keyring holds \(plan.accounts.count - missing.count) of the \(plan.accounts.count) accounts after storing them (\(plan.entryCount) entries, \(alreadyStored) already stored, \(plan.unsupported.count) skipped); what this add stored was removed again")
        }
        return now
    }

    /// The code of an HOTP account for its stored counter, the counter moved on and stored before the
    /// code is returned: read again under the lock, since another authv may have moved it meanwhile.
    public func nextHOTPCode(_ selected: StoredAccount) throws -> (account: StoredAccount, code: String) {
        try locked {
            guard let current = try store.read(handle: selected.handle) else {
                throw BookError.removedMeanwhile(selected.account.displayName)
            }
            let code = try current.account.code(at: 0)
            var next = current.account
            next.counter += 1
            try store.update(current, to: next)
            return (current, code)
        }
    }

    /// Gives the account a QUERY selects new names (nil keeps one); refused when it would then equal
    /// another stored account. Returns the account before and after.
    public func rename(_ query: String, issuer: String?, name: String?) throws -> (from: Account, to: Account) {
        try lockedSelecting(query) { selected, all in
            var renamed = selected.account
            if let issuer { renamed.issuer = issuer }
            if let name { renamed.name = name }
            if let problem = renamed.limitProblem { throw BookError.tooLarge(problem) }
            if all.contains(where: { $0.handle != selected.handle && $0.account.isSameAccount(as: renamed) }) {
                throw BookError.renameCollision(renamed.displayName)
            }
            try store.update(selected, to: renamed)
            return (selected.account, renamed)
        }
    }

    /// Gives the account a QUERY selects a clock offset (seconds its verifier runs ahead; TOTP and Steam
    /// only). Returns the account as it was.
    public func setOffset(_ query: String, seconds: Int) throws -> StoredAccount {
        try lockedSelecting(query) { selected, _ in
            guard selected.account.type != .hotp else { throw BookError.offsetOfHOTP(selected.account.displayName) }
            var changed = selected.account
            changed.offset = seconds
            try store.update(selected, to: changed)
            return selected
        }
    }

    /// The recovery codes kept with an account (nil when none), for the question before a removal:
    /// read as they are, rewriting nothing, so without the lock (a command must never hold it while it
    /// waits for an answer; `remove` takes it afterwards and checks again).
    public func recoveryCodes(for stored: StoredAccount) throws -> RecoveryCodes? {
        try store.recoveryCodesAsStored(for: stored)
    }

    /// Removes an account selected before (and asked about) and the recovery codes kept with it: read
    /// again under the lock, so that what goes is what the user was asked about. Returns how many
    /// accounts are left.
    @discardableResult
    public func remove(_ selected: StoredAccount) throws -> Int {
        try locked {
            let all = try store.load().accounts
            guard let current = all.first(where: { $0.handle == selected.handle }), current.account == selected.account else {
                throw BookError.removedMeanwhile(selected.account.displayName)
            }
            let recovery = try store.recoveryCodes(for: current)
            try store.remove(current)
            countChanged?(-1, all.count - 1)
            if recovery != nil { try store.removeRecoveryCodes(for: current) }
            return all.count - 1
        }
    }

    /// Removes an entry that holds no readable account (asked about before): checked again under the lock.
    public func removeUnreadable(_ handle: String) throws {
        try locked {
            guard try store.load().unreadable.contains(handle) else {
                throw BookError.notUnreadable(StoredAccount.id(forHandle: handle))
            }
            try store.removeUnreadable(handle: handle)
        }
    }

    // MARK: recovery codes

    /// Keeps `codes` with the account a QUERY selects; returns it and the codes kept before (replaced).
    public func setRecoveryCodes(_ codes: [String], for query: String) throws -> (account: StoredAccount, earlier: RecoveryCodes?) {
        try lockedSelecting(query) { selected, _ in
            let earlier = try store.recoveryCodes(for: selected)
            try store.setRecoveryCodes(RecoveryCodes(codes: codes.map { .init(code: $0) }), for: selected)
            return (selected, earlier)
        }
    }

    /// The account a QUERY selects and its recovery codes (`BookError.noRecoveryCodes` when none).
    /// Under the lock: reading may rewrite codes kept in an earlier form.
    public func recoveryCodes(of query: String) throws -> (account: StoredAccount, codes: RecoveryCodes) {
        try locked { try findRecoveryCodes(of: query) }
    }

    private func findRecoveryCodes(of query: String) throws -> (account: StoredAccount, codes: RecoveryCodes) {
        let selected = try AccountQuery.one(query, from: try store.load().accounts)
        guard let codes = try store.recoveryCodes(for: selected) else {
            throw BookError.noRecoveryCodes(selected.account.displayName)
        }
        return (selected, codes)
    }

    /// The next unused recovery code of the account a QUERY selects, marked used and stored before it is
    /// returned, with the number left unused.
    public func useRecoveryCode(of query: String) throws -> (account: StoredAccount, code: String, unused: Int) {
        try locked {
            var (selected, codes) = try findRecoveryCodes(of: query)
            guard let next = codes.codes.firstIndex(where: { !$0.used }) else {
                throw BookError.recoveryCodesUsedUp(selected.account.displayName)
            }
            codes.codes[next].used = true
            try store.setRecoveryCodes(codes, for: selected)
            return (selected, codes.codes[next].code, codes.unused)
        }
    }

    // MARK: export

    /// Every account in an export encoding: the lines (each ending in a newline) and how many accounts.
    public func export(_ format: ExportEncoding, batchID: Int32 = Int32.random(in: 1...Int32.max)) throws -> (text: String, count: Int) {
        let accounts = try store.load().accounts.map(\.account)
        return (try AccountBook.encode(accounts, as: format, batchID: batchID), accounts.count)
    }

    /// The export encoding of `accounts`.
    public static func encode(_ accounts: [Account], as format: ExportEncoding, batchID: Int32) throws(BookError) -> String {
        let lines: [String]
        switch format {
        case .uri:
            lines = accounts.map(\.uri)
        case .migration:
            let encoded = Migration.encode(accounts, batchID: batchID)
            guard encoded.unsupported.isEmpty else {
                throw .notExportable(encoded.unsupported.map { "\($0.account.displayName) (\($0.reason))" })
            }
            lines = encoded.uris
        }
        return lines.map { $0 + "\n" }.joined()
    }
}

/// An account's issuer and name, case-folded: a stored account with the same ones is an older secret
/// of the same account (re-enrolment).
private struct NameKey: Hashable {
    let issuer: String
    let name: String
    init(_ account: Account) {
        issuer = account.issuer.lowercased()
        name = account.name.lowercased()
    }
}
