import AuthvCrypto
import FoundationEssentials
import OTP

/// FreeOTP 2's backup (docs/formats/freeotp.md, "FreeOTP 2"): a Java-serialized HashMap<String, String>
/// holding `masterKey` (a random key wrapped with AES-GCM under PBKDF2 of the password) and, per token,
/// `UUID` (its secret sealed with AES-GCM under the master key) and `UUID-token` (its parameters, as
/// FreeOTP 1's JSON without the secret). FreeOTP 2 keeps the next HOTP counter.
public enum FreeOTP2: ExportFormat {
    public static let name = "FreeOTP 2"
    /// Master-key and secret lengths, and the GCM tag, as FreeOTP writes them.
    static let keyLength = 32
    static let tagLength = 16

    struct MasterKey: Decodable {
        let mAlgorithm: String
        let mEncryptedKey: Sealed
        let mIterations: Int
        let mSalt: [Int]
    }
    struct Sealed: Decodable {
        let mCipher: String
        let mCipherText: [Int]
        let mParameters: [Int]
        let mToken: String
    }
    struct Key: Decodable { let key: String }

    public static func recognises(_ content: ExportContent) -> Bool {
        content.bytes.starts(with: JavaHashMap.magic) && ExportContent.contains(content.bytes, Array("masterKey".utf8))
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let pairs: [(key: String, value: String)]
        do { pairs = try JavaHashMap.parse(content.bytes) } catch { throw .damaged(format: name, "\(error)") }
        try FormatSupport.checkCount(pairs.count, format: name)
        let values = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let masterJSON = values["masterKey"] else { throw .malformed(format: name, "no masterKey") }
        let master = try FormatSupport.decode(MasterKey.self, from: Array(masterJSON.utf8), format: name)
        let algorithm: HashAlgorithm
        switch master.mAlgorithm {
        case "PBKDF2withHmacSHA512": algorithm = .sha512
        case "PBKDF2withHmacSHA1": algorithm = .sha1
        default: throw .unsupportedVersion(format: name, "master key derivation \(master.mAlgorithm)")
        }
        guard (1...ExportLimits.maxPBKDF2Iterations).contains(master.mIterations) else {
            throw .tooLarge(format: name, "\(master.mIterations) key-derivation iterations; the limit is \(ExportLimits.maxPBKDF2Iterations)")
        }
        let wrapping: SecretBytes
        do {
            wrapping = try Crypto.pbkdf2(algorithm, password: SecretBytes(utf8: try password()), salt: try bytes(master.mSalt),
                                         iterations: master.mIterations, length: keyLength)
        } catch let error as FormatError {
            throw error
        } catch {
            throw .damaged(format: name, "\(error)")
        }
        // The master key's GCM tag is the check of the password.
        guard var unwrapped = try? open(master.mEncryptedKey, key: wrapping), unwrapped.count == keyLength else {
            throw .wrongPassword(format: name)
        }
        let masterKey = FormatSupport.secret(taking: &unwrapped)

        var entries: [ImportedEntry] = []
        for (id, value) in pairs where id != "masterKey" && !id.hasSuffix("-token") {
            let position = entries.count + 1
            guard let tokenJSON = values[id + "-token"] else { throw .malformed(format: name, "no \(id)-token beside \(id)") }
            let token = try FormatSupport.decode(FreeOTP.Token.self, from: Array(tokenJSON.utf8), format: name)
            let sealed = try FormatSupport.decode(Sealed.self, from: Array(try FormatSupport.decode(Key.self, from: Array(value.utf8), format: name).key.utf8), format: name)
            guard var secret = try? open(sealed, key: masterKey) else {
                throw .damaged(format: name, "the secret of entry \(position) does not decrypt (altered or cut short)")
            }
            guard secret.count <= ExportLimits.maxSecretBytes else {
                SecretBytes.wipe(&secret)
                entries.append(.unsupported(UnsupportedEntry(position: position, name: FormatSupport.entryName(
                    issuer: token.issuerAlt ?? token.issuerExt ?? "", name: token.labelAlt ?? token.label ?? ""),
                    reason: "a secret longer than authv accepts")))
                continue
            }
            entries.append(FreeOTP.entry(token, id: id, position: position, storesLastCounter: false,
                                         secret: FormatSupport.secret(taking: &secret)))
        }
        return entries
    }

    /// AES-GCM with the nonce from the DER parameters and the token name as additional data.
    static func open(_ sealed: Sealed, key: SecretBytes) throws -> [UInt8] {
        guard sealed.mCipher == "AES/GCM/NoPadding" else { throw FormatError.unsupportedVersion(format: name, "cipher \(sealed.mCipher)") }
        let data = try bytes(sealed.mCipherText)
        guard data.count >= tagLength else { throw FormatError.damaged(format: name, "a ciphertext shorter than its tag") }
        let nonce = try gcmNonce(try bytes(sealed.mParameters))
        return try Crypto.aesGCMOpen(key: key, nonce: nonce,
                                     sealed: Crypto.Sealed(ciphertext: Array(data.dropLast(tagLength)), tag: Array(data.suffix(tagLength))),
                                     aad: Array(sealed.mToken.utf8))
    }

    /// The nonce in Java's GCMParameterSpec encoding: SEQUENCE { OCTET STRING nonce, INTEGER tag bits }.
    static func gcmNonce(_ der: [UInt8]) throws(FormatError) -> [UInt8] {
        guard der.count >= 4, der[0] == 0x30, Int(der[1]) == der.count - 2, der[2] == 0x04 else {
            throw .damaged(format: name, "GCM parameters that are not DER")
        }
        let length = Int(der[3])
        guard length >= 12, length <= 16, 4 + length <= der.count else { throw .damaged(format: name, "a GCM nonce of \(length) bytes") }
        return Array(der[4..<(4 + length)])
    }

    /// Java's signed bytes as bytes, refusing numbers outside -128...255 and more than the secret limit.
    static func bytes(_ signed: [Int]) throws(FormatError) -> [UInt8] {
        guard signed.count <= ExportLimits.maxSecretBytes * 4, signed.allSatisfy({ (-128...255).contains($0) }) else {
            throw .damaged(format: name, "a byte array out of range")
        }
        return signed.map { UInt8(truncatingIfNeeded: $0) }
    }
}

/// The one shape of Java Object Serialization (java.io.ObjectOutputStream, protocol version 5) that
/// FreeOTP 2 writes: a java.util.HashMap whose keys and values are Strings. No library reads this
/// format; the parser accepts that shape alone and bounds every length before reading it.
enum JavaHashMap {
    static let magic: [UInt8] = [0xAC, 0xED, 0x00, 0x05]
    static let className = "java.util.HashMap"
    /// Entries in one map.
    static let maxEntries = ExportLimits.maxEntries

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ bytes: [UInt8]) throws(Problem) -> [(key: String, value: String)] {
        var reader = Reader(bytes: bytes)
        guard try reader.take(4) == magic else { throw Problem(description: "not a Java serialization stream") }
        guard try reader.byte() == 0x73, try reader.byte() == 0x72 else { throw Problem(description: "not a serialized object") }
        guard try reader.utf() == className else { throw Problem(description: "not a serialized HashMap") }
        _ = try reader.take(8)                          // serialVersionUID
        _ = try reader.byte()                           // flags
        let fields = try reader.u16()
        guard fields <= 16 else { throw Problem(description: "\(fields) fields in HashMap's descriptor") }
        var valueBytes = 0
        for _ in 0..<fields {
            let kind = try reader.byte()
            _ = try reader.utf()
            guard kind == UInt8(ascii: "F") || kind == UInt8(ascii: "I") else { throw Problem(description: "an unexpected HashMap field") }
            valueBytes += 4
        }
        guard try reader.byte() == 0x78, try reader.byte() == 0x70 else { throw Problem(description: "an unexpected class annotation") }
        _ = try reader.take(valueBytes)                 // loadFactor, threshold
        guard try reader.byte() == 0x77, try reader.byte() == 0x08 else { throw Problem(description: "no capacity and size block") }
        _ = try reader.take(4)                          // capacity
        let size = try reader.u32()
        guard size <= maxEntries else { throw Problem(description: "\(size) entries; the limit is \(maxEntries)") }
        var pairs: [(key: String, value: String)] = []
        for _ in 0..<size {
            let key = try reader.string()
            let value = try reader.string()
            pairs.append((key, value))
        }
        return pairs
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) throws(Problem) -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else { throw Problem(description: "cut short at byte \(offset)") }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }
        mutating func byte() throws(Problem) -> UInt8 { try take(1)[0] }
        mutating func u16() throws(Problem) -> Int { try take(2).reduce(0) { $0 << 8 | Int($1) } }
        mutating func u32() throws(Problem) -> Int { try take(4).reduce(0) { $0 << 8 | Int($1) } }
        /// A length-prefixed (modified) UTF-8 string.
        mutating func utf() throws(Problem) -> String {
            let raw = try take(try u16())
            guard let text = String(validating: raw, as: UTF8.self) else { throw Problem(description: "a string that is not UTF-8") }
            return text
        }
        /// A String object (TC_STRING); long strings and back-references are not in FreeOTP's backups.
        mutating func string() throws(Problem) -> String {
            guard try byte() == 0x74 else { throw Problem(description: "an entry that is not a string at byte \(offset - 1)") }
            return try utf()
        }
    }
}
