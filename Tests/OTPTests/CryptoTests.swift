import AuthvCrypto
import Testing

func hex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(text.utf8)[...]
    while chars.count >= 2 {
        out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
        chars = chars.dropFirst(2)
    }
    return out
}

@Suite("OpenSSL wrapper")
struct CryptoTests {
    // RFC 2202 test case 2 (SHA1) and RFC 4231 test case 2 (SHA256, SHA512): key "Jefe".
    @Test(arguments: [
        (HashAlgorithm.sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (.sha256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.sha512, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
    ])
    func hmac(algorithm: HashAlgorithm, expected: String) throws {
        let mac = try Crypto.hmac(algorithm, key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == hex(expected))
    }

    @Test func hmacWithEmptyKeyAndMessage() throws {
        // RFC 2104 HMAC-SHA256 of "" under "": a well-known value.
        #expect(try Crypto.hmac(.sha256, key: [], message: []) == hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }

    // The GCM specification (McGrew & Viega), AES-256 test cases 13 and 14: zero key and nonce.
    @Test func aesGCMVectors() throws {
        let key = SecretBytes([UInt8](repeating: 0, count: 32))
        let nonce = [UInt8](repeating: 0, count: 12)
        let empty = try Crypto.aesGCMSeal(key: key, nonce: nonce, plaintext: [])
        #expect(empty.ciphertext.isEmpty)
        #expect(empty.tag == hex("530f8afbc74536b9a963b4f1c4cb738b"))
        let block = try Crypto.aesGCMSeal(key: key, nonce: nonce, plaintext: [UInt8](repeating: 0, count: 16))
        #expect(block.ciphertext == hex("cea7403d4d606b6e074ec5d3baf39d18"))
        #expect(block.tag == hex("d0d1c8a799996bf0265b98b5d48ab919"))
    }

    @Test func aesGCMRoundTripAndTamper() throws {
        var keyBytes = try Crypto.randomBytes(32)
        let key = SecretBytes(keyBytes)
        let nonce = try Crypto.randomBytes(12)
        let plaintext = Array("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".utf8)
        let sealed = try Crypto.aesGCMSeal(key: key, nonce: nonce, plaintext: plaintext, aad: [1, 2, 3])
        #expect(try Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: sealed, aad: [1, 2, 3]) == plaintext)
        var altered = sealed
        altered.ciphertext[0] ^= 1
        #expect(throws: CryptoError.self) { try Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: altered, aad: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try Crypto.aesGCMOpen(key: key, nonce: nonce, sealed: sealed, aad: [1, 2, 4]) }
        keyBytes[31] ^= 0x80
        let wrongKey = SecretBytes(keyBytes)
        #expect(throws: CryptoError.self) { try Crypto.aesGCMOpen(key: wrongKey, nonce: nonce, sealed: sealed, aad: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try Crypto.aesGCMSeal(key: [1, 2], nonce: nonce, plaintext: []) }
        #expect(throws: CryptoError.self) { try Crypto.aesGCMSeal(key: key, nonce: [1], plaintext: []) }
    }

    // RFC 7914 section 12.
    @Test func scryptVectors() throws {
        #expect(try Crypto.scrypt(password: [], salt: [], n: 16, r: 1, p: 1, length: 64) == SecretBytes(hex(
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")))
        #expect(try Crypto.scrypt(password: SecretBytes(utf8: "password"), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64) == SecretBytes(hex(
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")))
        #expect(throws: CryptoError.self) { try Crypto.scrypt(password: [], salt: [], n: 3, r: 1, p: 1, length: 32) }
    }

    @Test func randomBytesDiffer() throws {
        let a = try Crypto.randomBytes(32)
        let b = try Crypto.randomBytes(32)
        #expect(a.count == 32 && a != b)
        #expect(try Crypto.randomBytes(0).isEmpty)
    }
}
