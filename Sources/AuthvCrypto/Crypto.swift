internal import COpenSSL

/// The hash functions that OTP codes are built on.
public enum HashAlgorithm: String, Sendable, CaseIterable, Hashable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    /// Parses a name as written in otpauth URIs, case-insensitively (`sha256`, `SHA256`).
    public init?(name: String) {
        switch name.uppercased() {
        case "SHA1": self = .sha1
        case "SHA256": self = .sha256
        case "SHA512": self = .sha512
        default: return nil
        }
    }

    var md: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha512: return EVP_sha512()
        }
    }
}

/// A failure inside OpenSSL, or an argument OpenSSL would refuse.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done (`HMAC`, `AES-256-GCM open`, ...).
    public let operation: String
    /// OpenSSL's own reason, or ours for an argument refused before calling it.
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// Reads (and clears) OpenSSL's error queue.
    static func fromOpenSSL(_ operation: String) -> CryptoError {
        var reason = ""
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            if reason.isEmpty {
                reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return CryptoError(operation: operation, reason: reason.isEmpty ? "failed" : reason)
    }

    public var description: String { "\(operation): \(reason)" }
}

/// The cryptographic primitives authv needs, over OpenSSL libcrypto.
public enum Crypto {
    /// OpenSSL's default start-up reads the system configuration and registers every cipher and digest
    /// by name; authv asks for its few algorithms directly (EVP_sha1, EVP_aes_256_gcm, ...) and needs
    /// neither, and skipping them takes about a millisecond off every command.
    static let initialised: Bool = {
        let options = UInt64(OPENSSL_INIT_NO_LOAD_CONFIG) | UInt64(OPENSSL_INIT_NO_ADD_ALL_CIPHERS) | UInt64(OPENSSL_INIT_NO_ADD_ALL_DIGESTS)
        return OPENSSL_init_crypto(options, nil) == 1
    }()

    /// Throws when OpenSSL's initialisation (made once) failed.
    static func ready() throws(CryptoError) {
        guard initialised else { throw CryptoError.fromOpenSSL("initialising OpenSSL") }
    }

    /// HMAC of `message` under `key` (a key that is not secret: an id's domain separator).
    public static func hmac(_ algorithm: HashAlgorithm, key: [UInt8], message: [UInt8]) throws(CryptoError) -> [UInt8] {
        // Array's withUnsafeBytes rethrows untyped: the typed error travels in a Result.
        try key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in Result { () throws(CryptoError) in try hmac(algorithm, key: k, message: m) { Array($0) } } }
        }.get()
    }

    /// HMAC of `message` under a secret key, read in place (no copy of the key is made); `body` gets the
    /// MAC in a buffer on the stack that is wiped after it returns.
    public static func hmac<R>(_ algorithm: HashAlgorithm, key: SecretBytes, message: UnsafeRawBufferPointer,
                               _ body: (UnsafeRawBufferPointer) -> R) throws(CryptoError) -> R {
        try key.withUnsafeBytes { k throws(CryptoError) in try hmac(algorithm, key: k, message: message, body) }
    }

    /// HMAC of `message` under `key`, both read in place; `body` gets the MAC as above.
    public static func hmac<R>(_ algorithm: HashAlgorithm, key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer,
                        _ body: (UnsafeRawBufferPointer) -> R) throws(CryptoError) -> R {
        try ready()
        return try withUnsafeTemporaryAllocation(byteCount: Int(EVP_MAX_MD_SIZE), alignment: 16) { out throws(CryptoError) in
            defer { SecretBytes.wipe(out) }
            var length: UInt32 = 0
            // HMAC takes no null key pointer even for an empty key.
            guard HMAC(algorithm.md, key.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(key.count),
                       message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                       out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) != nil else {
                throw CryptoError.fromOpenSSL("HMAC-\(algorithm.rawValue)")
            }
            return body(UnsafeRawBufferPointer(rebasing: out.prefix(Int(length))))
        }
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        try ready()
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&out, Int32(count)) == 1 else {
            throw CryptoError.fromOpenSSL("random bytes")
        }
        return out
    }

    /// A new random key of `count` bytes from OpenSSL's CSPRNG, written straight into its secret memory.
    public static func randomKey(_ count: Int) throws(CryptoError) -> SecretBytes {
        try ready()
        return try SecretBytes(count: count) { out throws(CryptoError) in
            guard count == 0 || RAND_bytes(out.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
                throw CryptoError.fromOpenSSL("random bytes")
            }
        }
    }

    /// scrypt key derivation (RFC 7914): the key is written straight into its secret memory.
    public static func scrypt(password: SecretBytes, salt: [UInt8], n: UInt64, r: UInt64, p: UInt64,
                              length: Int) throws(CryptoError) -> SecretBytes {
        try ready()
        // scrypt needs 128 * r * N bytes (plus a little); allow that much and no more.
        let maxMemory = 128 * r * n * 2 + 1 << 20
        return try SecretBytes(count: length) { out throws(CryptoError) in
            let ok = password.withUnsafeBytes { pw in
                salt.withUnsafeBufferPointer { s in
                    EVP_PBE_scrypt(pw.baseAddress?.assumingMemoryBound(to: CChar.self), pw.count, s.baseAddress, s.count,
                                   n, r, p, maxMemory, out.baseAddress?.assumingMemoryBound(to: UInt8.self), length) == 1
                }
            }
            guard ok else { throw CryptoError.fromOpenSSL("scrypt") }
        }
    }

    /// PBKDF2 (RFC 8018) with HMAC over `algorithm`. The caller bounds `iterations` (a file names it).
    /// The key is written straight into its secret memory.
    public static func pbkdf2(_ algorithm: HashAlgorithm, password: SecretBytes, salt: [UInt8], iterations: Int,
                              length: Int) throws(CryptoError) -> SecretBytes {
        try ready()
        guard iterations >= 1, iterations <= Int(Int32.max), length >= 1, length <= 1024 else {
            throw CryptoError(operation: "PBKDF2", reason: "iterations or length out of range")
        }
        return try SecretBytes(count: length) { out throws(CryptoError) in
            let ok = password.withUnsafeBytes { pw in
                salt.withUnsafeBufferPointer { s in
                    PKCS5_PBKDF2_HMAC(pw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(pw.count), s.baseAddress,
                                      Int32(s.count), Int32(iterations), algorithm.md, Int32(length),
                                      out.baseAddress?.assumingMemoryBound(to: UInt8.self)) == 1
                }
            }
            guard ok else { throw CryptoError.fromOpenSSL("PBKDF2") }
        }
    }

    /// SHA-256 of `data`.
    public static func sha256(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try ready()
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = data.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &out, &length, EVP_sha256(), nil) == 1 }
        guard ok else { throw CryptoError.fromOpenSSL("SHA-256") }
        return out
    }

    /// The AES-256-GCM keystream applied to `ciphertext` WITHOUT checking the tag: never a result to use,
    /// only a diagnosis after `aesGCMOpen` failed. Plaintext that still has its expected shape shows the key
    /// was right and the data was altered; noise shows a wrong key (for formats with no password check).
    public static func aesGCMDecryptUnverified(key: SecretBytes, nonce: [UInt8], ciphertext: [UInt8]) throws(CryptoError) -> [UInt8] {
        try ready()
        guard key.count == 32, nonce.count == 12 else { throw CryptoError(operation: "AES-256-CTR", reason: "key must be 32 bytes, nonce 12") }
        // GCM encrypts with CTR mode from the counter block nonce || 2 (block 1 masks the tag).
        let counter = nonce + [0, 0, 0, 2]
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL("AES-256-CTR") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        guard key.withKey({ EVP_DecryptInit_ex(ctx, EVP_aes_256_ctr(), nil, $0, counter) }) == 1,
              ciphertext.isEmpty || EVP_DecryptUpdate(ctx, &out, &length, ciphertext, Int32(ciphertext.count)) == 1 else {
            throw CryptoError.fromOpenSSL("AES-256-CTR")
        }
        out.removeSubrange(Int(length)...)  // in place: no second copy of the plaintext
        return out
    }

    /// Decrypts AES-256-CBC with PKCS#7 padding (32-byte key, 16-byte IV); with `padding: false` the raw
    /// blocks, unchecked (only to look at what a failed decryption produced). Throws on a bad padding.
    public static func aesCBCDecrypt(key: SecretBytes, iv: [UInt8], ciphertext: [UInt8], padding: Bool = true) throws(CryptoError) -> [UInt8] {
        try ready()
        guard key.count == 32, iv.count == 16, !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
            throw CryptoError(operation: "AES-256-CBC", reason: "key must be 32 bytes, IV 16, data whole blocks")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL("AES-256-CBC") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0, final: Int32 = 0
        guard key.withKey({ EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nil, $0, iv) }) == 1,
              EVP_CIPHER_CTX_set_padding(ctx, padding ? 1 : 0) == 1,
              EVP_DecryptUpdate(ctx, &out, &length, ciphertext, Int32(ciphertext.count)) == 1 else {
            throw CryptoError.fromOpenSSL("AES-256-CBC")
        }
        let ok = out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + Int(length), &final) == 1 }
        guard ok else {
            _ = CryptoError.fromOpenSSL("AES-256-CBC")
            SecretBytes.wipe(&out)
            throw CryptoError(operation: "AES-256-CBC", reason: "bad padding (wrong key or altered data)")
        }
        out.removeSubrange(Int(length + final)...)  // in place: no second copy of the plaintext
        return out
    }

    /// The output of AES-256-GCM sealing.
    public struct Sealed: Equatable, Sendable {
        public var ciphertext: [UInt8]
        public var tag: [UInt8]
        public init(ciphertext: [UInt8], tag: [UInt8]) {
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Encrypts and authenticates with AES-256-GCM (32-byte key, 12-byte nonce, 16-byte tag).
    public static func aesGCMSeal(key: SecretBytes, nonce: [UInt8], plaintext: [UInt8],
                                  aad: [UInt8] = []) throws(CryptoError) -> Sealed {
        try ready()
        let context = try GCMContext(key: key, nonce: nonce, encrypt: true)
        try context.authenticate(aad)
        let ciphertext = try context.update(plaintext)
        try context.finish()
        return Sealed(ciphertext: ciphertext, tag: try context.tag())
    }

    /// Decrypts AES-256-GCM; throws when the tag does not verify (wrong key or altered data).
    public static func aesGCMOpen(key: SecretBytes, nonce: [UInt8], sealed: Sealed,
                                  aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try ready()
        guard sealed.tag.count == 16 else { throw CryptoError(operation: "AES-256-GCM open", reason: "tag must be 16 bytes") }
        let context = try GCMContext(key: key, nonce: nonce, encrypt: false)
        try context.authenticate(aad)
        var plaintext = try context.update(sealed.ciphertext)
        try context.setTag(sealed.tag)
        do {
            try context.finish()
        } catch {
            SecretBytes.wipe(&plaintext)
            throw CryptoError(operation: "AES-256-GCM open", reason: "authentication failed (wrong key or altered data)")
        }
        return plaintext
    }
}

/// Owns one EVP_CIPHER_CTX for AES-256-GCM and frees it.
private final class GCMContext {
    let ctx: OpaquePointer
    let encrypt: Bool
    var operation: String { encrypt ? "AES-256-GCM seal" : "AES-256-GCM open" }

    init(key: SecretBytes, nonce: [UInt8], encrypt: Bool) throws(CryptoError) {
        self.encrypt = encrypt
        let name = encrypt ? "AES-256-GCM seal" : "AES-256-GCM open"
        guard key.count == 32 else { throw CryptoError(operation: name, reason: "key must be 32 bytes") }
        guard nonce.count == 12 else { throw CryptoError(operation: name, reason: "nonce must be 12 bytes") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL(name) }
        self.ctx = ctx
        let ok = key.withKey { EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nil, $0, nonce, encrypt ? 1 : 0) } == 1
        guard ok else { throw CryptoError.fromOpenSSL(name) }
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    func authenticate(_ aad: [UInt8]) throws(CryptoError) {
        guard !aad.isEmpty else { return }
        var outLength: Int32 = 0
        guard EVP_CipherUpdate(ctx, nil, &outLength, aad, Int32(aad.count)) == 1 else {
            throw CryptoError.fromOpenSSL(operation)
        }
    }

    func update(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var outLength: Int32 = 0
        guard EVP_CipherUpdate(ctx, &out, &outLength, input, Int32(input.count)) == 1 else {
            throw CryptoError.fromOpenSSL(operation)
        }
        out.removeSubrange(Int(outLength)...)  // in place: no second copy of the plaintext
        return out
    }

    func finish() throws(CryptoError) {
        var out = [UInt8](repeating: 0, count: 16)
        var outLength: Int32 = 0
        guard EVP_CipherFinal_ex(ctx, &out, &outLength) == 1 else { throw CryptoError.fromOpenSSL(operation) }
    }

    func tag() throws(CryptoError) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: 16)
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1 else {
            throw CryptoError.fromOpenSSL(operation)
        }
        return tag
    }

    func setTag(_ tag: [UInt8]) throws(CryptoError) {
        var tag = tag
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, &tag) == 1 else {
            throw CryptoError.fromOpenSSL(operation)
        }
    }
}

extension SecretBytes {
    /// The bytes as the `const unsigned char *` key argument of an OpenSSL call, in place.
    func withKey<R>(_ body: (UnsafePointer<UInt8>?) -> R) -> R {
        withUnsafeBytes { body($0.baseAddress?.assumingMemoryBound(to: UInt8.self)) }
    }
}
