public import OTP
public import AuthvCrypto
import FoundationEssentials
import Synchronization
internal import CLinux

/// The export or backup file format of another authenticator, one type per format (one file each in
/// Sources/Vault/Formats/). A format takes values and gives values: bytes and a password in, entries out;
/// it never touches the store, the terminal or the clock. Every format is listed in `ExportFormats.all`.
public protocol ExportFormat: SendableMetatype {
    /// The app's name as people know it (`2FAS`, `Aegis`), used in messages.
    static var name: String { get }
    /// Whether the content is this format, judged from the bytes alone (never the file's name) and without
    /// decrypting anything: cheap enough to ask every format in turn.
    static func recognises(_ content: ExportContent) -> Bool
    /// Every entry of the file, in the file's order; `password` is called only when the file is encrypted.
    static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry]
}

/// Asks for the password of an encrypted file (the terminal or a file, decided by the caller); called at
/// most once per file, and only for a file that needs it.
public typealias PasswordSource = () throws(FormatError) -> String

/// Every format authv reads. import-b's formats go here too: one line each.
public enum ExportFormats {
    public static let all: [any ExportFormat.Type] = [
        AegisImport.self,
        TwoFAS.self,
        BitwardenJSON.self,
        BitwardenCSV.self,
        OnePassword.self,
        KeePassXC.self,
        SteamDesktopAuthenticator.self,
        Authy.self,
        FreeOTP.self,
        FreeOTP2.self,
        DuoMobile.self,
        BattleNet.self,
        AndOTP.self,
        FreeOTPPlus.self,
        ProtonAuthenticator.self,
        EnteAuth.self,
        AuthenticatorPro.self,
    ]

    /// Formats whose files nothing in their bytes identifies (ciphertext without a header), tried last,
    /// for binary content that no other format and no image decoder claims, and only when a password can
    /// be had (a password file or a terminal): else such a file is "not an image".
    public static let lastResort: [any ExportFormat.Type] = [
        AndOTPLegacy.self,
    ]

    /// The format of `content`; nil when it is not structured data at all (otpauth text or an image, which
    /// `add` reads itself). A JSON, zip or XML file that no format recognises is an error saying what it
    /// looks like.
    public static func detect(_ content: ExportContent, lastResort tryLast: Bool = false) throws(FormatError) -> (any ExportFormat.Type)? {
        if let format = all.first(where: { $0.recognises(content) }) { return format }
        if let looks = content.looksLike { throw .notKnown(looksLike: looks) }
        return tryLast ? lastResort.first { $0.recognises(content) } : nil
    }
}

/// A JSON document's tree (`JSONValue`), built from its bytes at the first ask and kept.
final class JSONTree: Sendable {
    private enum State { case unread([UInt8]), read(JSONValue?) }
    private let state: Mutex<State>

    /// `bytes` nil: not JSON (the value is nil).
    init(_ bytes: [UInt8]?) {
        state = Mutex(bytes.map(State.unread) ?? .read(nil))
    }

    var value: JSONValue? {
        state.withLock { state in
            if case let .unread(bytes) = state { state = .read(JSONValue.parse(bytes)) }
            guard case let .read(value) = state else { return nil }
            return value
        }
    }
}

/// One entry of an export: an account authv can carry (its note inside), or one it cannot.
public enum ImportedEntry: Sendable, Equatable {
    case account(Account)
    case unsupported(UnsupportedEntry)
}

/// An entry authv cannot carry (mOTP, Yandex, a missing secret, an unknown algorithm), named so the user
/// can find it in the app.
public struct UnsupportedEntry: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, in the file's order of entries.
    public var position: Int
    /// The entry's name as the app shows it (issuer and account).
    public var name: String
    /// Why authv cannot carry it (`mOTP`, `missing secret`, `unknown algorithm MD5`).
    public var reason: String

    public init(position: Int, name: String, reason: String) {
        self.position = position
        self.name = name
        self.reason = reason
    }

    public var description: String { "entry \(position) \"\(name)\" (\(reason))" }
}

/// Why an export file could not be read. The caller adds the file's name.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The password does not open the file (the format's own check says so: the file is intact).
    case wrongPassword(format: String)
    /// The file is cut short or altered (a tag that does not verify under the right key, bad Base64, ...).
    case damaged(format: String, String)
    /// The file is the format but not as its app writes it (a field missing or of the wrong kind).
    case malformed(format: String, String)
    /// A version of the format authv does not know.
    case unsupportedVersion(format: String, String)
    /// More entries, or longer fields, than authv accepts (named limits beside each parser).
    case tooLarge(format: String, String)
    /// JSON, zip or XML that is none of the formats authv knows.
    case notKnown(looksLike: String)
    /// The file is encrypted and no password could be had (no terminal, no --password-file, ...).
    case noPassword(String)
    /// A library the format needs (libsodium) is not installed.
    case libraryMissing(String)

    public var description: String {
        switch self {
        case let .wrongPassword(format): return "wrong password for this \(format) file"
        case let .damaged(format, detail): return "damaged \(format) file: \(detail)"
        case let .malformed(format, detail): return "not a valid \(format) file: \(detail)"
        case let .unsupportedVersion(format, detail): return "\(format) file of a version authv does not read: \(detail)"
        case let .tooLarge(format, detail): return "\(format) file too large: \(detail)"
        case let .notKnown(looks): return "not an export authv knows: looks like \(looks)"
        case let .noPassword(detail): return detail
        case let .libraryMissing(detail): return detail
        }
    }
}

/// Limits on what outside files control, checked before anything is allocated or looped on.
public enum ExportLimits {
    /// Entries in one file: far more than anyone carries.
    public static let maxEntries = 100_000
    /// A secret's length in bytes (HMAC keys beyond a block are hashed anyway; 1 KiB is generous).
    public static let maxSecretBytes = 1024
    /// A name, issuer or note, in bytes.
    public static let maxTextBytes = 64 << 10
    /// Key-derivation iterations (PBKDF2) a file may ask for: beyond this a hostile file could stall authv.
    public static let maxPBKDF2Iterations = 10_000_000
}

/// An export file's bytes, with what every format's detector wants to know parsed once.
public struct ExportContent: Sendable {
    public let bytes: [UInt8]
    /// The bytes as UTF-8 text (a byte-order mark dropped), or nil: made once, since most detectors ask.
    public let text: String?
    /// A plain Aegis vault's content read into its types (`PlainAegisView`), when the bytes are one: the
    /// common big import, recognised and read without the tree of every value.
    let plainAegis: PlainAegisView?
    private let tree: JSONTree

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        text = String(validating: slice, as: UTF8.self)
        let first = bytes.first { !ExportContent.isSpace($0) }
        let isJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        plainAegis = first == UInt8(ascii: "{") ? PlainAegisView.decode(bytes) : nil
        tree = JSONTree(isJSON ? bytes : nil)
    }

    /// The top-level JSON value, when the bytes are one JSON document (Vault's JSONValue): built the
    /// first time a detector or format asks.
    var json: JSONValue? { tree.value }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 }

    /// The top-level JSON object's members, when the content is a JSON object.
    var object: [String: JSONValue]? { json?.object }

    /// A zip archive (local file header, or an empty archive's end record).
    public var isZip: Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) }

    /// JSON that does not parse (cut short, say) whose text names every one of `keys` as `"key"`: lets a
    /// format claim its own damaged file, so the error says "damaged 2FAS file" rather than "unknown".
    public func isDamagedJSON(mentioning keys: [String]) -> Bool {
        guard json == nil, let first = bytes.first(where: { !ExportContent.isSpace($0) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        return keys.allSatisfy { key in ExportContent.contains(bytes, Array("\"\(key)\"".utf8)) }
    }

    /// Whether `needle` occurs in `haystack` (glibc's memmem: detection asks this of files of megabytes).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { memmem(hay.baseAddress, hay.count, $0.baseAddress, $0.count) != nil }
        }
    }

    /// XML: the first non-space character is `<`.
    public var isXML: Bool { bytes.drop(while: ExportContent.isSpace).first == UInt8(ascii: "<") }

    /// What structured content that no format recognises looks like, for the error; nil for content that
    /// is not JSON, zip or XML (text of URIs, an image).
    var looksLike: String? {
        if isZip { return "a zip archive" }
        if let json {
            switch json {
            case let .object(members):
                let keys = members.keys.sorted().prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
                return keys.isEmpty ? "an empty JSON object" : "a JSON object with \(keys)\(members.count > 5 ? ", ..." : "")"
            case let .array(items): return "a JSON array of \(items.count) item\(items.count == 1 ? "" : "s")"
            default: return "a JSON value"
            }
        }
        if isXML, text != nil { return "an XML document" }
        let first = bytes.first { !ExportContent.isSpace($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "damaged JSON" }
        return nil
    }
}

/// Helpers every format shares: decoding its JSON with the format's name in errors, building accounts
/// with the same checks as otpauth URIs, bounding counts.
public enum FormatSupport {
    /// Decodes `T` from JSON bytes; a decoding failure becomes `malformed`, naming the path to the bad field.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], format: String) throws(FormatError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed(format: format, "missing field '\(path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .malformed(format: format, "field '\(path(context.codingPath))' is of the wrong kind")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .malformed(format: format, "field '\(path(context.codingPath))' is null")
        } catch {
            throw .damaged(format: format, "not valid JSON (cut short?)")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }

    /// Refuses more than `ExportLimits.maxEntries` entries.
    public static func checkCount(_ count: Int, format: String) throws(FormatError) {
        guard count <= ExportLimits.maxEntries else {
            throw .tooLarge(format: format, "\(count) entries; the limit is \(ExportLimits.maxEntries)")
        }
    }

    /// The display name of an entry for messages: `Issuer (name)`, as authv shows accounts.
    public static func entryName(issuer: String, name: String) -> String {
        Account(issuer: issuer, name: name, secret: []).displayName
    }

    /// An account from an entry's fields, judged as an otpauth URI's parameters are (the one place that
    /// judges them), or the reason it cannot be carried. `type` is the format's own type name (TOTP, HOTP,
    /// STEAM, in any case); `secret` is Base32; `counter` the next counter to use.
    public static func account(position: Int, type: String, issuer: String, name: String, secret: String?,
                               algorithm: String?, digits: Int?, period: Int?, counter: UInt64?,
                               note: String = "") -> ImportedEntry {
        account(position: position, type: type, issuer: issuer, name: name, secretText: secret, secretBytes: nil,
                algorithm: algorithm, digits: digits, period: period, counter: counter, note: note)
    }

    /// The same for a format that stores the secret as bytes (FreeOTP's list, Steam's Base64, hex): the
    /// bytes go into the account as they are, with no Base32 text made of them.
    public static func account(position: Int, type: String, issuer: String, name: String, secret: SecretBytes,
                               algorithm: String?, digits: Int?, period: Int?, counter: UInt64?,
                               note: String = "") -> ImportedEntry {
        account(position: position, type: type, issuer: issuer, name: name, secretText: nil, secretBytes: secret,
                algorithm: algorithm, digits: digits, period: period, counter: counter, note: note)
    }

    private static func account(position: Int, type: String, issuer: String, name: String, secretText: String?,
                                secretBytes: SecretBytes?, algorithm: String?, digits: Int?, period: Int?,
                                counter: UInt64?, note: String) -> ImportedEntry {
        let shown = entryName(issuer: issuer, name: name)
        let unsupported = { (reason: String) in ImportedEntry.unsupported(UnsupportedEntry(position: position, name: shown, reason: reason)) }
        let length = secretBytes.map { $0.count * 2 } ?? secretText?.utf8.count ?? 0
        guard length > 0 else { return unsupported("missing secret") }
        guard issuer.utf8.count <= ExportLimits.maxTextBytes, name.utf8.count <= ExportLimits.maxTextBytes,
              note.utf8.count <= ExportLimits.maxTextBytes, length <= ExportLimits.maxSecretBytes * 2 else {
            return unsupported("a name, note or secret longer than authv accepts")
        }
        guard !issuer.contains("\0"), !name.contains("\0") else { return unsupported("a NUL character in its name") }
        var parameters: URIParameters = ["issuer": issuer]
        if let secretText { parameters["secret"] = secretText }
        if let algorithm { parameters["algorithm"] = algorithm }
        if let digits { parameters["digits"] = String(digits) }
        if let period { parameters["period"] = String(period) }
        if let counter { parameters["counter"] = String(counter) }
        let kind = type.lowercased()
        guard ["totp", "hotp", "steam"].contains(kind) else { return unsupported(type) }
        do {
            var account = try OTPAuthURI.account(typeName: kind, labelIssuer: issuer, name: name, parameters: parameters,
                                                 secret: secretBytes)
            account.note = note
            return .account(account)
        } catch {
            return unsupported(reason(for: error))
        }
    }

    /// Why an entry whose otpauth URI (or fields) did not pass cannot be carried, in a few words.
    public static func reason(for error: URIError) -> String {
        switch error {
        case let .unknownType(type): return ["motp": "mOTP", "yandex": "Yandex"][type.lowercased()] ?? "type \(type)"
        case let .unsupportedAlgorithm(algorithm): return "unknown algorithm \(algorithm)"
        case .missingParameter("secret"): return "missing secret"
        case .invalidSecret(.empty): return "missing secret"
        default: return "\(error)"
        }
    }

    /// A secret from a format's list of byte values (Java's signed bytes: -1 is 0xFF), written straight
    /// into the secret's memory; nil when a value is not a byte.
    public static func secret(javaBytes values: [Int]) -> SecretBytes? {
        guard values.allSatisfy({ (-128...255).contains($0) }) else { return nil }
        return SecretBytes(count: values.count) { out in
            for (index, value) in values.enumerated() { out[index] = UInt8(truncatingIfNeeded: value) }
        }
    }

    /// A secret from bytes in a buffer authv owns, which is wiped (decrypted data, decoded Base64 or hex).
    public static func secret(taking bytes: inout [UInt8]) -> SecretBytes {
        defer { SecretBytes.wipe(&bytes) }
        return bytes.withUnsafeBytes { SecretBytes(copying: $0) }
    }
}
