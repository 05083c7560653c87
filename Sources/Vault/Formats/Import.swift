public import OTP
import AuthvCrypto

/// One input to `add`: the QR payloads found in an image, a text file's contents, or the entries of
/// another authenticator's export file.
public enum ImportSource: Sendable {
    case image(file: String, payloads: [String])
    case text(file: String, content: String)
    case export(file: String, entries: [ImportedEntry])
}

/// An entry of an export that authv cannot carry, with the file it is in.
public struct SkippedEntry: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var entry: UnsupportedEntry
    public var description: String { "\(InputName.shown(file)): \(entry)" }
}

/// What the inputs of one `add` hold, counted so that nothing can be dropped silently: every entry is an
/// account to add, a repeat of one given before, or an entry authv cannot carry.
public struct ImportPlan: Sendable {
    /// The accounts, in order, each once.
    public var accounts: [Account] = []
    /// Entries that repeat an account given before in the same inputs.
    public var repeated: [Account] = []
    /// Entries authv cannot carry (mOTP, Yandex, a missing secret, ...).
    public var unsupported: [SkippedEntry] = []
    /// Every entry the inputs hold.
    public var entryCount = 0

    public init() {}

    /// The count rule: entries == accounts + repeats + unsupported.
    public var isComplete: Bool { entryCount == accounts.count + repeated.count + unsupported.count }
}

/// Why an input yields no accounts. Each case names the file (and, for text, the line).
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line of a text file that is not an otpauth or otpauth-migration URI.
    case notAURI(file: String, line: Int)
    case badURI(file: String, line: Int?, URIError)
    case badExport(file: String, line: Int?, MigrationError)
    /// An image whose QR codes are none of them otpauth URIs.
    case noOTPQRCode(file: String, found: Int)
    /// A text file with no URI in it.
    case noURIs(file: String)
    /// A multi-part Google Authenticator export with parts missing (across all inputs).
    case incompleteExport(MigrationError)
    /// Another authenticator's export that could not be read.
    case format(file: String, FormatError)
    /// Entries that authv cannot carry; `add --skip-unsupported` adds the rest.
    case unsupported([SkippedEntry])
    /// Text authv cannot read (UTF-16, another encoding, a NUL): what `TextInput.problem` says.
    case notText(file: String, reason: String)
    /// An entry of another authenticator's export whose names, note or secret `AccountLimits` refuses.
    case unacceptable(file: String, entry: Int, reason: String)

    public var description: String {
        switch self {
        case let .notAURI(file, line):
            return "\(InputName.shown(file)): line \(line): not an otpauth:// or otpauth-migration:// URI"
        case let .badURI(file, line, error):
            return "\(InputName.shown(file)): \(line.map { "line \($0): " } ?? "QR code: ")\(error)"
        case let .badExport(file, line, error):
            return "\(InputName.shown(file)): \(line.map { "line \($0): " } ?? "QR code: ")\(error)"
        case let .noOTPQRCode(file, found):
            return "\(InputName.shown(file)): \(found == 1 ? "the QR code is" : "none of the \(found) QR codes is") not an otpauth:// URI"
        case let .noURIs(file):
            return "\(InputName.shown(file)): no otpauth:// URIs in this file"
        case let .incompleteExport(error):
            return "\(error)"
        case let .format(file, error):
            return "\(InputName.shown(file)): \(error)"
        case let .notText(file, reason):
            return "\(InputName.shown(file)): \(reason)"
        case let .unacceptable(file, entry, reason):
            return "\(InputName.shown(file)): entry \(entry): \(reason)"
        case let .unsupported(entries):
            let shown = entries.prefix(10).map(\.description).joined(separator: "; ")
            let more = entries.count > 10 ? "; and \(entries.count - 10) more" : ""
            return "\(entries.count == 1 ? "an entry" : "\(entries.count) entries") authv cannot carry: \(shown)\(more); nothing was added (--skip-unsupported adds the rest)"
        }
    }
}

/// Reads accounts out of images' QR payloads and text files of URIs, as `authv add` does.
public enum Importer {
    /// Every account in the sources, in order, with the same account given twice kept once.
    /// Fails on the first bad input; nothing partial is returned.
    public static func accounts(from sources: [ImportSource]) throws(ImportError) -> [Account] {
        try plan(from: sources).accounts
    }

    /// Every entry of the sources, counted (see `ImportPlan`). Fails on the first bad input.
    public static func plan(from sources: [ImportSource]) throws(ImportError) -> ImportPlan {
        var plan = ImportPlan()
        var accounts: [Account] = []
        var parts: [MigrationPart] = []
        for source in sources {
            switch source {
            case let .image(file, payloads):
                let usable = payloads.filter { OTPAuthURI.isOTPAuth($0) || Migration.isMigration($0) }
                guard !usable.isEmpty else { throw .noOTPQRCode(file: file, found: payloads.count) }
                for payload in usable {
                    try take(payload, file: file, line: nil, into: &accounts, parts: &parts)
                }
            case let .text(file, content):
                var found = false
                var number = 0
                let lines = content.lines(omittingEmpty: false)
                accounts.reserveCapacity(accounts.count + lines.count)  // at most one account a line
                for raw in lines {
                    number += 1
                    let line = raw.trimmingWhitespace()
                    if line.isEmpty || line.hasPrefix("#") { continue }
                    guard OTPAuthURI.isOTPAuth(line) || Migration.isMigration(line) else {
                        throw .notAURI(file: file, line: number)
                    }
                    try take(String(line), file: file, line: number, into: &accounts, parts: &parts)
                    found = true
                }
                guard found else { throw .noURIs(file: file) }
            case let .export(file, entries):
                for (index, entry) in entries.enumerated() {
                    switch entry {
                    case let .account(account):
                        // Every source meets the same bounds (a NUL in a name, a megabyte label).
                        if let problem = account.limitProblem { throw .unacceptable(file: file, entry: index + 1, reason: problem) }
                        accounts.append(account)
                    case let .unsupported(skipped): plan.unsupported.append(SkippedEntry(file: file, entry: skipped))
                    }
                }
            }
        }
        do {
            accounts += try Migration.assemble(parts)
        } catch {
            throw .incompleteExport(error)
        }
        plan.entryCount = accounts.count + plan.unsupported.count
        // Repeats found through the accounts' hashes, sorted: an array of one hash and one index per
        // account (16 bytes each) instead of a hash table of keys, whose power-of-two size made the
        // memory of a 100 000-line file grow faster than its lines. Accounts with the same hash are
        // compared in full; the first of each stays, in order.
        var hashes = accounts.indices.map { (hash: AccountKey(accounts[$0]).hashValue, index: $0) }
        hashes.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.index < $1.index }
        var isRepeat = [Bool](repeating: false, count: accounts.count)
        var start = 0
        while start < hashes.count {
            var end = start + 1
            while end < hashes.count && hashes[end].hash == hashes[start].hash { end += 1 }
            if end - start > 1 {
                for later in (start + 1)..<end {
                    let key = AccountKey(accounts[hashes[later].index])
                    isRepeat[hashes[later].index] = (start..<later).contains { earlier in
                        !isRepeat[hashes[earlier].index] && AccountKey(accounts[hashes[earlier].index]) == key
                    }
                }
            }
            start = end
        }
        hashes = []
        // The first of each account is moved forward in place, in order (no second array of 100 000
        // accounts for a big file); the repeats are copied out as they are met.
        var kept = 0
        for index in accounts.indices {
            if !isRepeat[index] {
                accounts.swapAt(kept, index)
                kept += 1
            } else {
                plan.repeated.append(accounts[index])
            }
        }
        accounts.removeLast(accounts.count - kept)
        plan.accounts = accounts
        return plan
    }

    private static func take(_ text: String, file: String, line: Int?, into accounts: inout [Account],
                             parts: inout [MigrationPart]) throws(ImportError) {
        if Migration.isMigration(text) {
            do { parts.append(try Migration.decode(text)) } catch { throw .badExport(file: file, line: line, error) }
        } else {
            do { accounts.append(try Account(uri: text)) } catch { throw .badURI(file: file, line: line, error) }
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{FEFF}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}

/// What makes two accounts the same account (`Account.isSameAccount`), as a hashable key.
public struct AccountKey: Hashable, Sendable {
    let type: OTPType
    let secret: SecretBytes
    let issuer: String
    let name: String
    public init(_ account: Account) {
        type = account.type
        secret = account.secret
        issuer = account.issuer
        name = account.name
    }
}
