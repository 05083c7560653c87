public import OTP
import AuthvCrypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why an Aegis vault file could not be read or written. Messages name the field; never a secret.
public enum AegisError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case notJSON
    /// The JSON is not an Aegis vault (`version`, `header` or `db` missing or of the wrong kind).
    case notAegis(String)
    case unsupportedVersion(Int64)
    case unsupportedContentVersion(Int64)
    /// A field holds a value authv cannot use; `field` is its path (`header.slots[0].salt`).
    case badField(String, String)
    case tooMany(String, count: Int, limit: Int)
    /// The vault is encrypted and no password (or key) was given.
    case passwordNeeded
    /// No password slot opens with this password.
    case wrongPassword
    /// The vault has no password slot (only biometric or raw keys, which authv cannot use).
    case noPasswordSlot
    /// The content does not decrypt under the master key: the file was altered or damaged.
    case damaged(String)
    case crypto(String)

    public var description: String {
        switch self {
        case let .tooLarge(bytes, limit): return "\(bytes) bytes is larger than an Aegis vault may be here (\(limit) bytes)"
        case .notJSON: return "not a JSON file"
        case let .notAegis(detail): return "not an Aegis vault (\(detail))"
        case let .unsupportedVersion(version): return "Aegis vault version \(version) is not supported (only 1)"
        case let .unsupportedContentVersion(version): return "Aegis content version \(version) is not supported (1 to 3)"
        case let .badField(field, reason): return "Aegis vault: \(field): \(reason)"
        case let .tooMany(what, count, limit): return "Aegis vault: \(count) \(what), more than the \(limit) authv accepts"
        case .passwordNeeded: return "the Aegis vault is encrypted: a password is needed"
        case .wrongPassword: return "wrong password for the Aegis vault"
        case .noPasswordSlot: return "the Aegis vault has no password slot (only keys authv cannot use)"
        case let .damaged(detail): return "the Aegis vault is damaged: \(detail)"
        case let .crypto(detail): return "Aegis vault: \(detail)"
        }
    }
}

/// Bounds on what a vault file may hold, checked before authv allocates or loops on it.
public enum AegisLimits {
    /// Icons (Base64 JPEG/PNG/SVG) make real vaults large; 64 MiB holds thousands of them.
    public static let maxFileBytes = 64 << 20
    public static let maxEntries = 10_000
    public static let maxSlots = 16
    /// Names, issuers and notes, in UTF-8 bytes.
    public static let maxTextBytes = 64 << 10
    public static let maxSecretCharacters = 1024
    /// scrypt parameters a slot may ask for: at most 16 times Aegis's work (N = 2^15, r = 8, p = 1),
    /// and at most 256 MiB of memory (128 * N * r bytes).
    public static let maxScryptN: Int64 = 1 << 20
    public static let maxScryptR: Int64 = 32
    public static let maxScryptP: Int64 = 16
    static let maxScryptWork: Int64 = 16 << 15 * 8
    static let maxScryptMemory: Int64 = 256 << 20
}

/// One entry of an Aegis vault. `account` is what authv computes codes with; `problem` says why it is
/// nil (a type authv cannot compute, such as motp or yandex, or an unusable field). The entry's whole
/// JSON object is kept, and only the fields authv changed are replaced when the vault is written.
public struct AegisEntry: Sendable, Equatable {
    public let uuid: String
    /// The entry's `type` as written (`totp`, `hotp`, `steam`, `motp`, ...).
    public let type: String
    public var account: Account?
    public let problem: String?
    /// The entry's own note, without the block of recovery codes that authv keeps after it (for an
    /// entry with an account, the account's `note`, which is what is written).
    public var note: String {
        get { account?.note ?? otherNote }
        set { if account != nil { account!.note = newValue } else { otherNote = newValue } }
    }
    private var otherNote: String
    public var recoveryCodes: RecoveryCodes?

    var raw: [String: JSONValue]
    /// Whether the entry was read from a file (not made by authv in this process).
    let isRead: Bool
    private let originalAccount: Account?
    private let originalNote: String

    /// A new entry (a fresh random uuid), in content version 3's shape.
    public init(account: Account, note: String = "", recoveryCodes: RecoveryCodes? = nil) throws(AegisError) {
        uuid = try AegisVault.randomUUID()
        type = account.type.rawValue
        var account = account
        if !note.isEmpty { account.note = note }
        self.account = account
        problem = nil
        otherNote = ""
        self.recoveryCodes = recoveryCodes
        raw = ["uuid": .string(uuid), "note": .string(""), "favorite": .bool(false), "icon": .null, "icon_mime": .null,
               "icon_hash": .null, "groups": .array([])]
        originalAccount = nil
        originalNote = ""
        isRead = false
    }

    /// Reads an entry object; fails only where the file is hostile (oversized or malformed text),
    /// while an entry authv cannot compute is kept with a `problem`.
    init(json: JSONValue, at index: Int) throws(AegisError) {
        let place = "db.entries[\(index)]"
        guard let fields = json.object else { throw .badField(place, "not an object") }
        raw = fields
        isRead = true
        guard let uuid = fields["uuid"]?.string, !uuid.isEmpty, uuid.utf8.count <= 64 else {
            throw .badField(place + ".uuid", "missing or not a UUID")
        }
        self.uuid = uuid
        type = fields["type"]?.string ?? ""
        guard type.utf8.count <= 64 else { throw .badField(place + ".type", "too long") }
        func text(_ key: String) throws(AegisError) -> String {
            guard let value = fields[key], !value.isNull else { return "" }
            guard let text = value.string else { throw .badField("\(place).\(key)", "not a string") }
            guard text.utf8.count <= AegisLimits.maxTextBytes else {
                throw .badField("\(place).\(key)", "longer than \(AegisLimits.maxTextBytes) bytes")
            }
            return text
        }
        let name = try text("name"), issuer = try text("issuer")
        let fullNote = try text("note")
        let own: String
        (own, recoveryCodes) = AegisEntry.splitNote(fullNote)
        originalNote = fullNote
        otherNote = own
        var problem: String? = nil
        var account = AegisEntry.account(type: type, name: name, issuer: issuer, info: fields["info"],
                                         problem: &problem)
        account?.note = own
        self.account = account
        self.problem = problem
        originalAccount = account
    }

    private static func account(type: String, name: String, issuer: String, info: JSONValue?,
                                problem: inout String?) -> Account? {
        guard let otpType = OTPType(rawValue: type) else {
            problem = "type '\(type)' is not one authv can compute (totp, hotp, steam)"
            return nil
        }
        guard !name.utf8.contains(0), !issuer.utf8.contains(0) else {
            problem = "a NUL character in its name"
            return nil
        }
        guard let info = info?.object else { problem = "no info object"; return nil }
        guard let text = info["secret"]?.string, !text.isEmpty, text.count <= AegisLimits.maxSecretCharacters else {
            problem = "no usable secret"
            return nil
        }
        let secret: SecretBytes
        do { secret = try Base32.decode(text) } catch { problem = "secret: \(error)"; return nil }
        var account = Account(type: otpType, issuer: issuer, name: name, secret: secret)
        // authv's own field (`authv set --offset`), which Aegis does not know: a verifier's clock offset.
        if let offset = info["offset"], otpType != .hotp {
            guard let value = offset.int, (-Int64(OTPAuthURI.maxOffset)...Int64(OTPAuthURI.maxOffset)).contains(value) else {
                problem = "offset is not a whole number of seconds within a day"
                return nil
            }
            account.offset = Int(value)
        }
        guard otpType != .steam else { return account }  // Steam fixes algorithm, length and period
        if let algo = info["algo"] {
            guard let name = algo.string, let algorithm = HashAlgorithm(name: name) else {
                problem = "algorithm is not SHA1, SHA256 or SHA512"
                return nil
            }
            account.algorithm = algorithm
        }
        if let digits = info["digits"] {
            guard let value = digits.int, OTPAuthURI.digitRange.contains(Int(clamping: value)) else {
                problem = "digits is not a whole number from 6 to 10"
                return nil
            }
            account.digits = Int(value)
        }
        if otpType == .hotp {
            guard let value = info["counter"]?.int ?? (info["counter"] == nil ? 0 : nil), value >= 0 else {
                problem = "counter is not a whole number of 0 or more"
                return nil
            }
            account.counter = UInt64(value)
        } else if let period = info["period"] {
            guard let value = period.int, (1...Int64(OTPAuthURI.maxPeriod)).contains(value) else {
                problem = "period is not a whole number of seconds from 1 to \(OTPAuthURI.maxPeriod)"
                return nil
            }
            account.period = Int(value)
        }
        return account
    }

    /// The line that starts the block of recovery codes in a note.
    static let recoveryMarker = "authv recovery codes:"

    /// The entry's own note and the recovery codes kept after it.
    static func splitNote(_ note: String) -> (String, RecoveryCodes?) {
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.lastIndex(where: { $0 == recoveryMarker }) else { return (note, nil) }
        var codes: [RecoveryCodes.Code] = []
        for line in lines[(start + 1)...] where line.hasPrefix("- ") {
            let text = line.dropFirst(2)
            if text.hasSuffix(" (used)") {
                codes.append(.init(code: String(text.dropLast(7)), used: true))
            } else {
                codes.append(.init(code: String(text)))
            }
        }
        var own = lines[..<start].joined(separator: "\n")
        while own.hasSuffix("\n") { own.removeLast() }
        return (own, RecoveryCodes(codes: codes))
    }

    /// The note as written to the file: the entry's own note, then the recovery codes block.
    var fullNote: String {
        guard let recoveryCodes, !recoveryCodes.codes.isEmpty else { return note }
        let block = ([AegisEntry.recoveryMarker] + recoveryCodes.codes.map { "- " + $0.code + ($0.used ? " (used)" : "") })
            .joined(separator: "\n")
        return note.isEmpty ? block : note + "\n\n" + block
    }

    /// The entry's JSON object: the one read, with only what authv changed replaced.
    var json: JSONValue {
        var fields = raw
        if let account, account != originalAccount {
            let old = originalAccount
            if old?.type != account.type { fields["type"] = .string(account.type.rawValue) }
            if old?.name != account.name { fields["name"] = .string(account.name) }
            if old?.issuer != account.issuer { fields["issuer"] = .string(account.issuer) }
            var info = fields["info"]?.object ?? [:]
            if old?.secret != account.secret { info["secret"] = .string(Base32.encode(account.secret)) }
            if old?.algorithm != account.algorithm || info["algo"] == nil { info["algo"] = .string(account.algorithm.rawValue) }
            if old?.digits != account.digits || info["digits"] == nil { info["digits"] = .int(Int64(account.digits)) }
            if account.type == .hotp {
                if old?.counter != account.counter || info["counter"] == nil { info["counter"] = .int(Int64(account.counter)) }
            } else if old?.period != account.period || info["period"] == nil {
                info["period"] = .int(Int64(account.period))
            }
            if old?.offset != account.offset { info["offset"] = account.offset == 0 ? nil : .int(Int64(account.offset)) }
            fields["info"] = .object(info)
        }
        let note = fullNote
        if note != originalNote { fields["note"] = .string(note) }
        return .object(fields)
    }
}

/// An Aegis vault (Aegis Authenticator's file format, see docs/vault.md): its entries, and for an
/// encrypted vault the key that writes it again. Everything authv does not use is kept as it was read.
public struct AegisVault: Sendable {
    public var entries: [AegisEntry]
    /// The master key and slots that encrypt the vault when it is written; nil writes it plain.
    public var key: AegisKey?
    /// The top-level object and the content object as read (their `header`, `db` and `entries` are
    /// replaced when written).
    var outer: [String: JSONValue]
    var content: [String: JSONValue]
    /// The decrypted content's bytes, when `content` and the entries' `raw` hold only the fields authv
    /// reads (`ContentView`): the whole objects are read from these bytes when the vault is written.
    /// Secret bytes (every secret is in them): wiped when the last copy of the vault goes.
    var contentSource: SecretBytes? = nil

    /// The content version authv writes in new vaults.
    public static let contentVersion: Int64 = 3

    /// A new, empty vault.
    public init(key: AegisKey?) {
        entries = []
        self.key = key
        outer = ["version": .int(1)]
        content = ["version": .int(AegisVault.contentVersion), "groups": .array([])]
    }

    init(outer: [String: JSONValue], content: JSONValue, key: AegisKey?) throws(AegisError) {
        guard let fields = content.object else { throw .notAegis("db is not an object") }
        guard let version = fields["version"]?.int else { throw .notAegis("db.version missing") }
        guard (1...3).contains(version) else { throw .unsupportedContentVersion(version) }
        guard let list = fields["entries"]?.array else { throw .notAegis("db.entries missing") }
        guard list.count <= AegisLimits.maxEntries else {
            throw .tooMany("entries", count: list.count, limit: AegisLimits.maxEntries)
        }
        var entries: [AegisEntry] = []
        entries.reserveCapacity(list.count)
        var seen = Set<String>()
        for (index, item) in list.enumerated() {
            let entry = try AegisEntry(json: item, at: index)
            guard seen.insert(entry.uuid).inserted else { throw .badField("db.entries[\(index)].uuid", "used by two entries") }
            entries.append(entry)
        }
        self.entries = entries
        self.key = key
        self.outer = outer
        self.content = fields
    }

    /// Reads a vault file, plain or encrypted (with `password`, UTF-8). A convenience over AegisFile.
    public static func decode(_ bytes: [UInt8], password: SecretBytes?) throws(AegisError) -> AegisVault {
        let file = try AegisFile(bytes: bytes)
        guard file.isEncrypted else { return try file.open(nil) }
        guard let password else { throw .passwordNeeded }
        return try file.open(try file.key(password: password))
    }

    /// The vault file's bytes: encrypted under `key` (a fresh content nonce), or plain when `key` is nil
    /// or `plain` is set.
    public func encoded(plain: Bool = false) throws(AegisError) -> [UInt8] {
        var contentFields = content
        var entries = self.entries
        if let contentSource {
            // Read through the typed view: the whole objects (fields authv does not use included) now.
            guard let whole = contentSource.withUnsafeBytes({ JSONValue.parse(borrowing: $0) })?.object else {
                throw .damaged("the decrypted content is not JSON")
            }
            contentFields = whole
            var byUUID: [String: [String: JSONValue]] = [:]
            for item in whole["entries"]?.array ?? [] {
                if let object = item.object, let uuid = object["uuid"]?.string { byUUID[uuid] = object }
            }
            for index in entries.indices where entries[index].isRead {
                entries[index].raw = byUUID[entries[index].uuid] ?? entries[index].raw
            }
        }
        contentFields["entries"] = .array(entries.map(\.json))
        let contentValue = JSONValue.object(contentFields)
        var file = outer
        file["version"] = .int(1)
        if let key, !plain {
            let nonce = try AegisCrypto.random(12)
            var plaintext = contentValue.serialized()
            defer { SecretBytes.wipe(&plaintext) }  // every secret, in JSON
            let sealed = try AegisCrypto.seal(key: key.masterKey, nonce: nonce, plaintext: plaintext)
            var header = outer["header"]?.object ?? [:]
            header["slots"] = .array(key.slots)
            header["params"] = .object(["nonce": .string(Hex.encode(nonce)), "tag": .string(Hex.encode(sealed.tag))])
            file["header"] = .object(header)
            file["db"] = .string(Data(sealed.ciphertext).base64EncodedString())
        } else {
            file["header"] = .object(["slots": .null, "params": .null])
            file["db"] = contentValue
        }
        return JSONValue.object(file).serialized(pretty: true) + [UInt8(ascii: "\n")]
    }

    /// A random version 4 UUID, as Aegis gives entries and slots.
    static func randomUUID() throws(AegisError) -> String {
        var bytes = try AegisCrypto.random(16)
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = Array(Hex.encode(bytes))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }
}

/// A vault file's outer structure, before anything is decrypted: whether it is encrypted, its slots.
public struct AegisFile: Sendable {
    let outer: [String: JSONValue]
    public let isEncrypted: Bool
    let slots: [JSONValue]
    let nonce: [UInt8]
    let tag: [UInt8]
    let ciphertext: [UInt8]
    let plainContent: JSONValue?

    /// Whether `bytes` look like an Aegis vault (a JSON object with `version`, `header` and `db`),
    /// without decrypting anything: for telling formats apart by their content.
    public static func looksLikeAegis(_ bytes: [UInt8]) -> Bool {
        (try? AegisFile(bytes: bytes)) != nil
    }

    public init(bytes: [UInt8]) throws(AegisError) {
        try self.init(bytes: bytes, parsed: nil)
    }

    /// The same, from `parsed`, the bytes already read by `JSONValue.parse` (an import's detection did):
    /// a file of 1000 entries is not read twice.
    init(bytes: [UInt8], parsed: JSONValue?) throws(AegisError) {
        guard bytes.count <= AegisLimits.maxFileBytes else {
            throw .tooLarge(bytes: bytes.count, limit: AegisLimits.maxFileBytes)
        }
        guard let value = parsed ?? JSONValue.parse(bytes) else { throw .notJSON }
        guard let outer = value.object else { throw .notAegis("not a JSON object") }
        guard let version = outer["version"]?.int else { throw .notAegis("no version") }
        guard version == 1 else { throw .unsupportedVersion(version) }
        guard let header = outer["header"]?.object else { throw .notAegis("no header") }
        guard let db = outer["db"] else { throw .notAegis("no db") }
        self.outer = outer
        let slots = header["slots"] ?? .null
        let params = header["params"] ?? .null
        if slots.isNull && params.isNull {
            guard db.object != nil else { throw .notAegis("a plain vault's db is not an object") }
            isEncrypted = false
            self.slots = []
            nonce = []
            tag = []
            ciphertext = []
            plainContent = db
            return
        }
        guard let list = slots.array else { throw .badField("header.slots", "not a list") }
        guard list.count <= AegisLimits.maxSlots else {
            throw .tooMany("slots", count: list.count, limit: AegisLimits.maxSlots)
        }
        guard let nonce = params["nonce"]?.string.flatMap(Hex.decode), nonce.count == 12 else {
            throw .badField("header.params.nonce", "not 12 bytes of hex")
        }
        guard let tag = params["tag"]?.string.flatMap(Hex.decode), tag.count == 16 else {
            throw .badField("header.params.tag", "not 16 bytes of hex")
        }
        guard let text = db.string, let data = Data(base64Encoded: text) else {
            throw .badField("db", "an encrypted vault's db is not Base64 text")
        }
        isEncrypted = true
        self.slots = list
        self.nonce = nonce
        self.tag = tag
        ciphertext = Array(data)
        plainContent = nil
    }

    /// A plain vault read through its types (an import's detection did): the content holds only the
    /// fields authv reads, which is all an import takes from it.
    init(plain view: PlainAegisView) {
        outer = ["version": .int(1), "header": .object(["slots": .null, "params": .null])]
        isEncrypted = false
        slots = []
        nonce = []
        tag = []
        ciphertext = []
        plainContent = view.db.content
    }

    /// The master key, unwrapped from the first password slot that `password` opens (scrypt per slot).
    public func key(password: SecretBytes) throws(AegisError) -> AegisKey {
        var passwordSlots = 0
        for (index, slot) in slots.enumerated() where slot["type"]?.int == AegisKey.passwordSlotType {
            passwordSlots += 1
            let parsed = try PasswordSlot(slot, at: index)
            if let masterKey = try parsed.unwrap(password: password) {
                return AegisKey(masterKey: masterKey, slots: slots)
            }
        }
        throw passwordSlots == 0 ? .noPasswordSlot : .wrongPassword
    }

    /// A master key kept from an earlier unlock; `open` checks it.
    public func key(masterKey: SecretBytes) -> AegisKey {
        AegisKey(masterKey: masterKey, slots: slots)
    }

    /// The vault's content, decrypted with `key` when the file is encrypted.
    public func open(_ key: AegisKey?) throws(AegisError) -> AegisVault {
        if let plainContent { return try AegisVault(outer: outer, content: plainContent, key: nil) }
        guard let key else { throw .passwordNeeded }
        var plaintext: [UInt8]
        do {
            plaintext = try AegisCrypto.open(key: key.masterKey, nonce: nonce, ciphertext: ciphertext, tag: tag)
        } catch {
            throw .damaged("the content does not decrypt under the vault's key (altered, or a different vault)")
        }
        // The fields authv reads, decoded into their types: no tree of every value (icons and all) is
        // built for `code` and `list`. Anything the view does not expect (a null or a number where text
        // belongs) is read again as a tree, which names the problem exactly.
        defer { SecretBytes.wipe(&plaintext) }  // every secret, in JSON (the tree holds its own copies)
        if let view = ContentView.decode(plaintext) {
            var vault = try AegisVault(outer: outer, content: view.content, key: key)
            vault.contentSource = SecretBytes(plaintext)
            return vault
        }
        guard let content = plaintext.withUnsafeBytes({ JSONValue.parse(borrowing: $0) }) else {
            throw .damaged("the decrypted content is not JSON")
        }
        return try AegisVault(outer: outer, content: content, key: key)
    }
}

/// The key an encrypted vault is written with: the master key and the slots that wrap it.
public struct AegisKey: Sendable, Equatable {
    /// The key the content is encrypted with: wiped when the last copy goes.
    public let masterKey: SecretBytes
    var slots: [JSONValue]

    static let passwordSlotType: Int64 = 1
    /// scrypt's parameters in the slots authv writes: Aegis's own.
    public static let scryptN: Int64 = 1 << 15, scryptR: Int64 = 8, scryptP: Int64 = 1
    static let saltBytes = 32

    init(masterKey: SecretBytes, slots: [JSONValue]) {
        self.masterKey = masterKey
        self.slots = slots
    }

    /// A new random master key with one password slot for `password` (UTF-8).
    public static func new(password: SecretBytes) throws(AegisError) -> AegisKey {
        let masterKey = try AegisCrypto.randomKey(32)
        return AegisKey(masterKey: masterKey, slots: [try passwordSlot(password: password, masterKey: masterKey)])
    }

    /// A password slot wrapping `masterKey`: scrypt N=2^15, r=8, p=1 over a fresh 32-byte salt.
    static func passwordSlot(password: SecretBytes, masterKey: SecretBytes) throws(AegisError) -> JSONValue {
        let salt = try AegisCrypto.random(saltBytes)
        let wrapping = try AegisCrypto.scrypt(password: password, salt: salt, n: scryptN, r: scryptR, p: scryptP)
        let nonce = try AegisCrypto.random(12)
        var plaintext = masterKey.withUnsafeBytes { Array($0) }
        defer { SecretBytes.wipe(&plaintext) }
        let sealed = try AegisCrypto.seal(key: wrapping, nonce: nonce, plaintext: plaintext)
        return .object([
            "type": .int(passwordSlotType), "uuid": .string(try AegisVault.randomUUID()),
            "key": .string(Hex.encode(sealed.ciphertext)),
            "key_params": .object(["nonce": .string(Hex.encode(nonce)), "tag": .string(Hex.encode(sealed.tag))]),
            "n": .int(scryptN), "r": .int(scryptR), "p": .int(scryptP), "salt": .string(Hex.encode(salt)),
            // Aegis marks password slots whose key is derived from the password's UTF-8 bytes (as here).
            "repaired": .bool(true),
        ])
    }
}

/// A password slot's fields, checked against AegisLimits before scrypt runs.
struct PasswordSlot {
    let n: Int64, r: Int64, p: Int64
    let salt: [UInt8]
    let wrapped: [UInt8]
    let nonce: [UInt8]
    let tag: [UInt8]

    init(_ slot: JSONValue, at index: Int) throws(AegisError) {
        let place = "header.slots[\(index)]"
        guard let n = slot["n"]?.int, n >= 2, n <= AegisLimits.maxScryptN, n & (n - 1) == 0 else {
            throw .badField(place + ".n", "not a power of two from 2 to \(AegisLimits.maxScryptN)")
        }
        guard let r = slot["r"]?.int, (1...AegisLimits.maxScryptR).contains(r) else {
            throw .badField(place + ".r", "not from 1 to \(AegisLimits.maxScryptR)")
        }
        guard let p = slot["p"]?.int, (1...AegisLimits.maxScryptP).contains(p) else {
            throw .badField(place + ".p", "not from 1 to \(AegisLimits.maxScryptP)")
        }
        guard 128 * n * r <= AegisLimits.maxScryptMemory, n * r * p <= AegisLimits.maxScryptWork else {
            throw .badField(place, "scrypt parameters would take more memory or time than authv allows")
        }
        guard let salt = slot["salt"]?.string.flatMap(Hex.decode), (8...64).contains(salt.count) else {
            throw .badField(place + ".salt", "not 8 to 64 bytes of hex")
        }
        guard let wrapped = slot["key"]?.string.flatMap(Hex.decode), wrapped.count == 32 else {
            throw .badField(place + ".key", "not 32 bytes of hex")
        }
        guard let nonce = slot["key_params"]?["nonce"]?.string.flatMap(Hex.decode), nonce.count == 12 else {
            throw .badField(place + ".key_params.nonce", "not 12 bytes of hex")
        }
        guard let tag = slot["key_params"]?["tag"]?.string.flatMap(Hex.decode), tag.count == 16 else {
            throw .badField(place + ".key_params.tag", "not 16 bytes of hex")
        }
        (self.n, self.r, self.p, self.salt, self.wrapped, self.nonce, self.tag) = (n, r, p, salt, wrapped, nonce, tag)
    }

    /// The master key, or nil when `password` is not this slot's.
    func unwrap(password: SecretBytes) throws(AegisError) -> SecretBytes? {
        let key = try AegisCrypto.scrypt(password: password, salt: salt, n: n, r: r, p: p)
        guard var opened = try? AegisCrypto.open(key: key, nonce: nonce, ciphertext: wrapped, tag: tag) else { return nil }
        defer { SecretBytes.wipe(&opened) }
        return SecretBytes(opened)
    }
}

/// The fields of a vault's content that authv reads, as types: JSONDecoder fills them without building
/// a `JSONValue` for every value in the file (`JSONValue`'s reader tries each kind of value in turn, and
/// each miss costs a thrown error). `content` gives them back as the JSON objects `AegisVault` reads, so
/// the rules of reading an entry stay in one place (`AegisEntry(json:at:)`). Decoding fails, and the
/// caller reads the tree instead, for anything but text where text belongs and whole numbers where
/// numbers belong: a null, a fraction or a wrong kind is then named by the tree's reader.
struct ContentView: Decodable {
    let version: Int64
    let entries: [Entry]

    struct Entry: Decodable {
        let uuid: String
        let type: String?
        let name: String?
        let issuer: String?
        let note: String?
        let info: Info?
    }

    struct Info: Decodable {
        let secret: String?
        let algo: String?
        let digits: Int64?
        let period: Int64?
        let counter: Int64?
        let offset: Int64?

        private enum Keys: String, CodingKey { case secret, algo, digits, period, counter, offset }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            // A null the tree's reader would call unusable (a null digits is not "6 by default").
            for key in [Keys.secret, .algo, .digits, .period, .counter, .offset] where container.contains(key) {
                if try container.decodeNil(forKey: key) { throw DecodingError.valueNotFound(Int64.self, .init(codingPath: [key], debugDescription: "null")) }
            }
            secret = try container.decodeIfPresent(String.self, forKey: .secret)
            algo = try container.decodeIfPresent(String.self, forKey: .algo)
            digits = try container.decodeIfPresent(Int64.self, forKey: .digits)
            period = try container.decodeIfPresent(Int64.self, forKey: .period)
            counter = try container.decodeIfPresent(Int64.self, forKey: .counter)
            offset = try container.decodeIfPresent(Int64.self, forKey: .offset)
        }
    }

    static func decode(_ bytes: [UInt8]) -> ContentView? {
        bytes.withUnsafeBytes { JSONValue.decode(ContentView.self, borrowing: $0) }
    }

    /// The content as the objects `AegisVault(outer:content:key:)` reads: only the fields above.
    var content: JSONValue {
        func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
        func number(_ value: Int64?) -> JSONValue? { value.map(JSONValue.int) }
        let list: [JSONValue] = entries.map { entry in
            var fields: [String: JSONValue] = ["uuid": .string(entry.uuid)]
            fields["type"] = text(entry.type)
            fields["name"] = text(entry.name)
            fields["issuer"] = text(entry.issuer)
            fields["note"] = text(entry.note)
            if let info = entry.info {
                var values: [String: JSONValue] = [:]
                values["secret"] = text(info.secret)
                values["algo"] = text(info.algo)
                values["digits"] = number(info.digits)
                values["period"] = number(info.period)
                values["counter"] = number(info.counter)
                values["offset"] = number(info.offset)
                fields["info"] = .object(values)
            }
            return .object(fields)
        }
        return .object(["version": .int(version), "entries": .array(list)])
    }
}

/// A plain (unencrypted) Aegis vault file read through `ContentView`: version 1, a header whose slots
/// and params are null, the content in `db`. Anything else fails to decode, and the caller reads the
/// tree (`AegisFile(bytes:)`), which tells an encrypted vault, or names what is wrong.
struct PlainAegisView: Decodable {
    let db: ContentView

    private enum Keys: String, CodingKey { case version, header, db }
    private enum HeaderKeys: String, CodingKey { case slots, params }
    private struct NotPlain: Error {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        guard try container.decode(Int64.self, forKey: .version) == 1 else { throw NotPlain() }
        let header = try container.nestedContainer(keyedBy: HeaderKeys.self, forKey: .header)
        for key in [HeaderKeys.slots, .params] where header.contains(key) {
            guard try header.decodeNil(forKey: key) else { throw NotPlain() }
        }
        db = try container.decode(ContentView.self, forKey: .db)
    }

    /// The view, or nil. JSON that never names `"db"` is not decoded at all: another format's file
    /// (2FAS, Bitwarden, ...) is then read once, by the tree, not first by this view too.
    static func decode(_ bytes: [UInt8]) -> PlainAegisView? {
        guard bytes.count <= AegisLimits.maxFileBytes, ExportContent.contains(bytes, Array(#""db""#.utf8)) else { return nil }
        return bytes.withUnsafeBytes { JSONValue.decode(PlainAegisView.self, borrowing: $0) }
    }
}
