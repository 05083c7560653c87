import AuthvCrypto

/// The vault's cryptography over AuthvCrypto (OpenSSL): scrypt to a 32-byte key, AES-256-GCM without
/// associated data, random bytes. CryptoErrors become AegisErrors here. Keys are `SecretBytes`.
enum AegisCrypto {
    static func random(_ count: Int) throws(AegisError) -> [UInt8] {
        do { return try Crypto.randomBytes(count) } catch { throw .crypto(error.description) }
    }

    static func randomKey(_ count: Int) throws(AegisError) -> SecretBytes {
        do { return try Crypto.randomKey(count) } catch { throw .crypto(error.description) }
    }

    static func scrypt(password: SecretBytes, salt: [UInt8], n: Int64, r: Int64, p: Int64) throws(AegisError) -> SecretBytes {
        do {
            return try Crypto.scrypt(password: password, salt: salt, n: UInt64(n), r: UInt64(r), p: UInt64(p), length: 32)
        } catch {
            throw .crypto(error.description)
        }
    }

    static func seal(key: SecretBytes, nonce: [UInt8], plaintext: [UInt8]) throws(AegisError) -> Crypto.Sealed {
        do { return try Crypto.aesGCMSeal(key: key, nonce: nonce, plaintext: plaintext) } catch { throw .crypto(error.description) }
    }

    static func open(key: SecretBytes, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: Crypto.Sealed(ciphertext: ciphertext, tag: tag))
    }
}
