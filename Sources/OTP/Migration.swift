import AuthvCrypto

/// Why a Google Authenticator export (`otpauth-migration://offline?data=...`) was refused.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    case notMigration
    /// A host other than `offline` (the only one Google Authenticator writes).
    case unknownHost(String)
    /// The URI is longer than `Migration.maxURIBytes`.
    case tooLong
    case missingData
    case invalidBase64
    /// The protobuf payload is truncated or malformed.
    case malformedPayload
    /// Entry `entry` (from 1) cannot be used; `reason` says why.
    case invalidEntry(entry: Int, reason: String)
    /// Parts of a multi-QR export are missing (numbers from 1).
    case missingParts(missing: [Int], of: Int)
    /// The same part was given twice with different contents, or parts disagree on their count.
    case inconsistentParts
    /// `batch_size` is 0, negative or larger than `Migration.maxParts` (the value as written).
    case invalidBatchSize(UInt64)
    /// `batch_index` is negative or not below `batch_size` (the value as written).
    case invalidBatchIndex(UInt64, size: Int)
    /// More than `Migration.maxAccountsPerPart` accounts in one part.
    case tooManyAccounts
    /// A part that holds no account.
    case noAccounts

    public var description: String {
        switch self {
        case .notMigration: return "not an otpauth-migration:// URI"
        case let .unknownHost(host):
            return "otpauth-migration://\(host) is not a Google Authenticator export (those start otpauth-migration://offline)"
        case .tooLong: return "Google Authenticator export longer than \(Migration.maxURIBytes) bytes"
        case .missingData: return "Google Authenticator export without its 'data' parameter"
        case .invalidBase64: return "Google Authenticator export whose 'data' is not Base64"
        case .malformedPayload: return "Google Authenticator export is truncated or corrupt"
        case let .invalidEntry(entry, reason): return "Google Authenticator export, account \(entry): \(reason)"
        case let .missingParts(missing, total):
            var list = missing.prefix(Migration.missingListed).map(String.init).joined(separator: ", ")
            if missing.count > Migration.missingListed { list += " and \(missing.count - Migration.missingListed) more" }
            return "Google Authenticator export is incomplete: QR code\(missing.count == 1 ? "" : "s") \(list) of \(total) missing (scan every part)"
        case .inconsistentParts: return "Google Authenticator export parts do not belong together"
        case let .invalidBatchSize(size):
            return "Google Authenticator export claims \(size) QR codes (1 to \(Migration.maxParts) expected)"
        case let .invalidBatchIndex(index, size):
            return "Google Authenticator export: QR code number \(index) of \(size) (0 to \(size - 1) expected)"
        case .tooManyAccounts:
            return "Google Authenticator export with more than \(Migration.maxAccountsPerPart) accounts in one QR code"
        case .noAccounts: return "Google Authenticator export holds no accounts"
        }
    }
}

/// One QR code of a Google Authenticator export.
public struct MigrationPart: Sendable, Equatable {
    public var accounts: [Account]
    /// How many QR codes the export has (1 when the payload does not say), 1 to `Migration.maxParts`.
    public var batchSize: Int
    /// Which of them this is, from 0, below `batchSize`.
    public var batchIndex: Int
    /// The same on every part of one export (may be 0).
    public var batchID: Int64
}

/// Google Authenticator's export format: a protobuf `MigrationPayload`, Base64 in a URI.
public enum Migration {
    @usableFromInline static let scheme = "otpauth-migration://"
    /// Google Authenticator puts at most this many accounts in one QR code.
    public static let accountsPerPart = 10

    // Bounds on what a payload may claim, checked before anything is allocated or looped on.
    /// The longest export URI accepted (a QR code holds at most 2953 bytes; text lines may hold more).
    public static let maxURIBytes = 65_536
    /// Accounts in one part (Google Authenticator writes 10).
    public static let maxAccountsPerPart = 100
    /// QR codes in one export (`batch_size`): 1000 accounts at Google Authenticator's 10 a code.
    public static let maxParts = 100
    /// The part numbers a "missing" message lists before it says how many more.
    static let missingListed = 10

    @inlinable public static func isMigration(_ text: some StringProtocol) -> Bool {
        text.hasASCIIPrefixIgnoringCase(scheme)
    }

    /// Decodes one export URI into its accounts and its place in the export.
    public static func decode(_ uri: String) throws(MigrationError) -> MigrationPart {
        guard isMigration(uri) else { throw .notMigration }
        guard uri.utf8.count <= maxURIBytes else { throw .tooLong }
        let afterScheme = uri[uri.utf8.index(uri.startIndex, offsetBy: scheme.utf8.count)...]
        let host = afterScheme.prefix { $0 != "?" && $0 != "/" && $0 != "#" }
        guard host.lowercased() == "offline" else { throw .unknownHost(String(host.prefix(64))) }
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { throw .missingData }
        var data: String?
        for pair in query.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if keyValue[0].lowercased() == "data", keyValue.count > 1 {
                data = Percent.decode(keyValue[1])
                if data == nil { throw .invalidBase64 }
            }
        }
        guard let data, !data.isEmpty else { throw .missingData }
        guard var payload = Base64.decode(data) else { throw .invalidBase64 }
        defer { SecretBytes.wipe(&payload) }  // it holds the secrets (the accounts have their own copies)
        return try decodePayload(payload)
    }

    static func decodePayload(_ payload: [UInt8]) throws(MigrationError) -> MigrationPart {
        var part = MigrationPart(accounts: [], batchSize: 1, batchIndex: 0, batchID: 0)
        var reader = ProtobufReader(payload[...])
        // Absent fields are proto3 zeros: batch_size absent means one QR code; written as 0, it is refused.
        var size: UInt64? = nil
        var index: UInt64 = 0
        do {
            while let (number, field) = try reader.next() {
                switch (number, field) {
                case let (1, .bytes(bytes)):
                    guard part.accounts.count < maxAccountsPerPart else { throw MigrationError.tooManyAccounts }
                    part.accounts.append(try decodeEntry(bytes, entry: part.accounts.count + 1))
                case let (3, .varint(v)): size = v
                case let (4, .varint(v)): index = v
                case let (5, .varint(v)): part.batchID = Int64(Int32(truncatingIfNeeded: v))
                default: break  // version (2) and fields added later
                }
            }
        } catch is ProtobufReader.Malformed {
            throw .malformedPayload
        } catch let error as MigrationError {
            throw error
        } catch {
            throw .malformedPayload
        }
        // An int32 written as a varint: negative values arrive as huge ones, and are refused with them.
        if let size {
            guard size >= 1, size <= UInt64(maxParts) else { throw .invalidBatchSize(size) }
            part.batchSize = Int(size)
        }
        guard index < UInt64(part.batchSize) else { throw .invalidBatchIndex(index, size: part.batchSize) }
        part.batchIndex = Int(index)
        guard !part.accounts.isEmpty else { throw .noAccounts }
        return part
    }

    static func decodeEntry(_ bytes: ArraySlice<UInt8>, entry: Int) throws -> Account {
        var reader = ProtobufReader(bytes)
        var secret: SecretBytes = []
        var name = ""
        var issuer = ""
        var algorithm: UInt64 = 0
        var digits: UInt64 = 0
        var type: UInt64 = 0
        var counter: UInt64 = 0
        while let (number, field) = try reader.next() {
            switch (number, field) {
            case let (1, .bytes(b)): secret = b.withUnsafeBytes { SecretBytes(copying: $0) }
            case let (2, .bytes(b)):
                guard let s = String(validating: b, as: UTF8.self) else { throw MigrationError.invalidEntry(entry: entry, reason: "name is not UTF-8") }
                name = s
            case let (3, .bytes(b)):
                guard let s = String(validating: b, as: UTF8.self) else { throw MigrationError.invalidEntry(entry: entry, reason: "issuer is not UTF-8") }
                issuer = s
            case let (4, .varint(v)): algorithm = v
            case let (5, .varint(v)): digits = v
            case let (6, .varint(v)): type = v
            case let (7, .varint(v)): counter = v
            default: break
            }
        }
        guard !secret.isEmpty else { throw MigrationError.invalidEntry(entry: entry, reason: "empty secret") }
        let otpType: OTPType
        switch type {
        case 1: otpType = .hotp
        case 2: otpType = .totp
        default: throw MigrationError.invalidEntry(entry: entry, reason: "unsupported OTP type \(type)")
        }
        let hash: HashAlgorithm
        switch algorithm {
        case 0, 1: hash = .sha1
        case 2: hash = .sha256
        case 3: hash = .sha512
        case 4: throw MigrationError.invalidEntry(entry: entry, reason: "unsupported algorithm MD5")
        default: throw MigrationError.invalidEntry(entry: entry, reason: "unsupported algorithm \(algorithm)")
        }
        let length: Int
        switch digits {
        case 0, 1: length = 6
        case 2: length = 8
        default: throw MigrationError.invalidEntry(entry: entry, reason: "unsupported digits value \(digits)")
        }
        // The name may carry an "issuer:" prefix; the issuer field wins when both are present.
        var accountName = name
        var labelIssuer = ""
        if let colon = name.firstIndex(of: ":") {
            labelIssuer = String(name[..<colon])
            accountName = String(name[name.index(after: colon)...].drop { $0 == " " })
        }
        let account = Account(type: otpType, issuer: issuer.isEmpty ? labelIssuer : issuer, name: accountName,
                              secret: secret, algorithm: hash, digits: length, period: 30, counter: counter)
        if let problem = account.limitProblem { throw MigrationError.invalidEntry(entry: entry, reason: problem) }
        return account
    }

    /// Joins the parts of one or more exports into their accounts, in export order.
    /// Every part of every export must be present; the same part given twice counts once.
    public static func assemble(_ parts: [MigrationPart]) throws(MigrationError) -> [Account] {
        var exports: [(id: Int64, size: Int, parts: [Int: MigrationPart])] = []
        for part in parts {
            if let i = exports.firstIndex(where: { $0.id == part.batchID && $0.size == part.batchSize }) {
                if let existing = exports[i].parts[part.batchIndex] {
                    guard existing == part else { throw .inconsistentParts }
                } else {
                    exports[i].parts[part.batchIndex] = part
                }
            } else {
                exports.append((part.batchID, part.batchSize, [part.batchIndex: part]))
            }
        }
        var accounts: [Account] = []
        for export in exports {
            // Sizes are at most maxParts (decode checked them); only the parts present are read.
            let present = export.parts.keys.sorted()
            guard present.count == export.size else {
                let missing = (0..<export.size).filter { export.parts[$0] == nil }
                throw .missingParts(missing: missing.map { $0 + 1 }, of: export.size)
            }
            for index in present { accounts += export.parts[index]!.accounts }
        }
        return accounts
    }

    /// What `encode` produced: the URIs, and each account the format cannot carry with the reason.
    public struct Encoded: Sendable {
        public var uris: [String]
        public var unsupported: [(account: Account, reason: String)]
    }

    /// Why an account cannot go into a Google Authenticator export, or nil when it can.
    public static func unsupportedReason(_ account: Account) -> String? {
        switch account.type {
        case .steam: return "Steam accounts have no place in Google Authenticator exports"
        case .totp where account.period != 30: return "period \(account.period) s (exports carry 30 s only)"
        default: break
        }
        if account.digits != 6 && account.digits != 8 { return "\(account.digits) digits (exports carry 6 or 8)" }
        return nil
    }

    /// Encodes accounts as export URIs, at most `accountsPerPart` per URI.
    public static func encode(_ accounts: [Account], batchID: Int32 = 0) -> Encoded {
        var carried: [Account] = []
        var unsupported: [(account: Account, reason: String)] = []
        for account in accounts {
            if let reason = unsupportedReason(account) { unsupported.append((account, reason)) } else { carried.append(account) }
        }
        var chunks: [ArraySlice<Account>] = []
        var start = 0
        while start < carried.count {
            chunks.append(carried[start..<min(start + accountsPerPart, carried.count)])
            start += accountsPerPart
        }
        var uris: [String] = []
        for (index, chunk) in chunks.enumerated() {
            var payload = ProtobufWriter()
            for account in chunk {
                var entry = ProtobufWriter()
                account.secret.withUnsafeBytes { entry.bytes(1, $0) }
                entry.string(2, account.issuer.isEmpty ? account.name : "\(account.issuer):\(account.name)")
                entry.string(3, account.issuer)
                let algorithm: UInt64 = switch account.algorithm { case .sha1: 1; case .sha256: 2; case .sha512: 3 }
                entry.varint(4, algorithm)
                entry.varint(5, account.digits == 8 ? 2 : 1)
                entry.varint(6, account.type == .hotp ? 1 : 2)
                if account.type == .hotp { entry.varint(7, account.counter) }
                payload.bytes(1, entry.bytes)
                entry.wipe()
            }
            payload.varint(2, 1)
            payload.varint(3, UInt64(chunks.count))
            payload.varint(4, UInt64(index))
            payload.varint(5, UInt64(UInt32(bitPattern: batchID)))
            uris.append("otpauth-migration://offline?data=" + Percent.encode(Base64.encode(payload.bytes)))
            payload.wipe()
        }
        return Encoded(uris: uris, unsupported: unsupported)
    }
}
