internal import COpenSSL

extension Crypto {
    /// SHA-1 of `data` (for formats that use it outside HMAC, such as Battle.net's restore code).
    public static func sha1(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        _ = initialised
        var out = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let ok = data.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &out, &length, EVP_sha1(), nil) == 1 }
        guard ok else { throw CryptoError.fromOpenSSL("SHA-1") }
        return out
    }
}

extension Crypto {
    /// AES-256-CBC decryption with PKCS#7 padding (Authy's token secrets). Throws when the padding is not
    /// valid, which a wrong key gives almost always.
    public static func aesCBCDecrypt(key: SecretBytes, iv: [UInt8], ciphertext: [UInt8]) throws(CryptoError) -> [UInt8] {
        _ = initialised
        guard key.count == 32, iv.count == 16, !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
            throw CryptoError(operation: "AES-256-CBC", reason: "a key, IV or ciphertext of the wrong length")
        }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL("AES-256-CBC") }
        defer { EVP_CIPHER_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = key.withKey({ EVP_DecryptInit_ex(context, EVP_aes_256_cbc(), nil, $0, iv) }) == 1
            && EVP_DecryptUpdate(context, &out, &written, ciphertext, Int32(ciphertext.count)) == 1
        guard ok else { throw CryptoError.fromOpenSSL("AES-256-CBC") }
        let padded = out.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress! + Int(written), &final) == 1
        }
        guard padded else {
            ERR_clear_error()
            SecretBytes.wipe(&out)
            throw CryptoError(operation: "AES-256-CBC", reason: "the padding is not valid (a wrong key, or altered data)")
        }
        out.removeSubrange(Int(written + final)...)  // in place: no second copy of the plaintext
        return out
    }
}
