public import OTP
public import AuthvCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Why an Aegis export was not written, or did not read back as the accounts it was made of.
public enum AegisExportError: Error, Equatable, Sendable, CustomStringConvertible {
    case codec(AegisError)
    /// What was written does not read back as the accounts (`detail` names the first difference).
    case readBack(String)

    public var description: String {
        switch self {
        case let .codec(error): return "\(error)"
        case let .readBack(detail): return "the export did not read back as written (\(detail)); nothing was kept"
        }
    }
}

/// One account to export and the recovery codes kept with it.
public struct ExportItem: Sendable, Equatable {
    public var account: Account
    public var recoveryCodes: RecoveryCodes?
    public init(account: Account, recoveryCodes: RecoveryCodes?) {
        self.account = account
        self.recoveryCodes = recoveryCodes
    }
}

/// `authv export --format aegis`: a new Aegis vault of the accounts, written with the vault codec
/// (AegisVault.swift), and the read-back that proves a written file opens to the same accounts.
public enum AegisExport {
    /// The vault file's bytes: encrypted under a new key for `password` (UTF-8), plain when nil.
    /// Recovery codes go into each entry's note (the codec's block after the entry's own note).
    public static func encode(_ items: [ExportItem], password: SecretBytes?) throws(AegisExportError) -> [UInt8] {
        do {
            var vault = AegisVault(key: try password.map { (p) throws(AegisError) in try AegisKey.new(password: p) })
            for item in items {
                vault.entries.append(try AegisEntry(account: carried(item.account), recoveryCodes: item.recoveryCodes))
            }
            return try vault.encoded()
        } catch {
            throw .codec(error)
        }
    }

    /// Decrypts (with `password`) or parses `bytes` with the codec again and compares every entry with
    /// `items`, in order: type, names, secret, parameters, and the whole note with its recovery codes.
    public static func verify(_ bytes: [UInt8], password: SecretBytes?, against items: [ExportItem]) throws(AegisExportError) {
        let vault: AegisVault
        do {
            let file = try AegisFile(bytes: bytes)
            guard file.isEncrypted == (password != nil) else {
                throw AegisExportError.readBack(file.isEncrypted ? "encrypted, though plain was asked" : "not encrypted")
            }
            vault = try file.open(try password.map { (p) throws(AegisError) in try file.key(password: p) })
        } catch let error as AegisExportError {
            throw error
        } catch {
            throw .readBack("\(error)")
        }
        guard vault.entries.count == items.count else {
            throw .readBack("\(vault.entries.count) entries for \(items.count) accounts")
        }
        for (index, (entry, item)) in zip(vault.entries, items).enumerated() {
            let expected = try expectedEntry(item)
            guard let account = entry.account else {
                throw .readBack("entry \(index + 1): \(entry.problem ?? "no account")")
            }
            var read = account, wanted = expected.account!
            read.note = ""
            wanted.note = ""
            guard read == wanted, entry.fullNote == expected.fullNote else {
                throw .readBack("entry \(index + 1) differs from \(Escape.text(item.account.displayName))")
            }
        }
    }

    /// The entry `encode` writes for `item` (its uuid aside).
    static func expectedEntry(_ item: ExportItem) throws(AegisExportError) -> AegisEntry {
        do { return try AegisEntry(account: carried(item.account), recoveryCodes: item.recoveryCodes) } catch { throw .codec(error) }
    }

    /// The account as an Aegis entry carries it: a per-account clock offset is authv's own (Aegis has none).
    static func carried(_ account: Account) -> Account {
        var account = account
        account.offset = 0
        return account
    }
}

extension AccountBook {
    /// Every account with the recovery codes kept with it, in `list`'s order, read as stored (no lock).
    public func exportItems() throws -> [ExportItem] {
        try store.load().accounts.map { stored in
            ExportItem(account: stored.account, recoveryCodes: try store.recoveryCodesAsStored(for: stored))
        }
    }
}

extension FaultInjection {
    /// With `AUTHV_FAULT=STEP` (debug builds), flips the lowest bit of one byte of the file at `path`:
    /// the byte at `AUTHV_FAULT_OFFSET`, else the middle one. For proving that a read-back catches damage.
    public static func damage(_ path: String, at step: String) {
        #if DEBUG
        guard isInjected(step) else { return }
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        let offset = getenv("AUTHV_FAULT_OFFSET").flatMap { off_t(String(cString: $0)) } ?? size / 2
        var byte: UInt8 = 0
        guard offset < size, pread(fd, &byte, 1, offset) == 1 else { return }
        byte ^= 1
        _ = pwrite(fd, &byte, 1, offset)
        #endif
    }
}
