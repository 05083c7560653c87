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
