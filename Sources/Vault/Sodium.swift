internal import CSodium
import SharedLibrary

/// The libsodium functions Ente's encrypted export needs (Argon2id, XChaCha20-Poly1305 secretstream),
/// looked up in libsodium.so.23 the first time an import needs them: nothing else in authv loads it.
/// Types as sodium.h declares them (its nonnull pointers are not optional; checked by Tests/SignatureTests).
struct Sodium: Sendable {
    typealias Bytes = UnsafePointer<UInt8>
    typealias Out = UnsafeMutablePointer<UInt8>
    typealias State = UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>

    let initialise: @convention(c) () -> Int32
    /// crypto_pwhash(out, outlen, passwd, passwdlen, salt, opslimit, memlimit, alg)
    let pwhash: @convention(c) (Out, UInt64, UnsafePointer<CChar>, UInt64, Bytes, UInt64, Int, Int32) -> Int32
    let pwhashArgon2id: @convention(c) () -> Int32
    let pwhashSaltBytes: @convention(c) () -> Int
    let stateBytes: @convention(c) () -> Int
    /// crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    let initPull: @convention(c) (State, Bytes, Bytes) -> Int32
    /// crypto_secretstream_xchacha20poly1305_pull(state, m, mlen_p, tag_p, c, clen, ad, adlen)
    let pull: @convention(c) (State, Out?, UnsafeMutablePointer<UInt64>?, Out?, Bytes?, UInt64, Bytes?, UInt64) -> Int32
    /// crypto_core_hchacha20(out, in, k, c) and crypto_stream_chacha20_ietf_xor_ic(c, m, mlen, n, ic, k):
    /// the secretstream's keystream, for telling a wrong password from damage (see EnteAuth).
    let hchacha20: @convention(c) (Out, Bytes, Bytes, Bytes?) -> Int32
    let chacha20IETFXorIC: @convention(c) (Out, Bytes, UInt64, Bytes, UInt32, Bytes) -> Int32

    static let headerBytes = 24, keyBytes = 32, aBytes = 17

    /// libsodium, opened and initialised once (sodium_init is safe to call again; it fails only when the
    /// system has no randomness source, which decryption does not use).
    static let shared = Result { () throws(SharedLibrary.Missing) -> Sodium in
        let sodium = try Sodium(SharedLibrary("libsodium.so.23"))
        _ = sodium.initialise()
        return sodium
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        initialise = try library.function("sodium_init")
        pwhash = try library.function("crypto_pwhash")
        pwhashArgon2id = try library.function("crypto_pwhash_alg_argon2id13")
        pwhashSaltBytes = try library.function("crypto_pwhash_saltbytes")
        stateBytes = try library.function("crypto_secretstream_xchacha20poly1305_statebytes")
        initPull = try library.function("crypto_secretstream_xchacha20poly1305_init_pull")
        pull = try library.function("crypto_secretstream_xchacha20poly1305_pull")
        hchacha20 = try library.function("crypto_core_hchacha20")
        chacha20IETFXorIC = try library.function("crypto_stream_chacha20_ietf_xor_ic")
    }

    /// Argon2id (version 1.3) of `password` over `salt`: `length` bytes.
    func argon2id(password: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: Int, length: Int) -> [UInt8]? {
        guard salt.count == pwhashSaltBytes() else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        let ok = withUnsafePointer(to: CChar(0)) { none in  // crypto_pwhash wants a pointer even for no password
            password.withUnsafeBufferPointer { pw in
                pw.withMemoryRebound(to: CChar.self) { chars in
                    pwhash(&out, UInt64(length), chars.baseAddress ?? none, UInt64(pw.count), salt, opsLimit, memLimit,
                           pwhashArgon2id()) == 0
                }
            }
        }
        return ok ? out : nil
    }

    /// The messages of a secretstream under `key` with `header`; nil when one does not authenticate or
    /// the stream ends without its final tag.
    func openStream(header: [UInt8], key: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard header.count == Sodium.headerBytes, key.count == Sodium.keyBytes, ciphertext.count >= Sodium.aBytes else { return nil }
        var state = crypto_secretstream_xchacha20poly1305_state()
        guard MemoryLayout.size(ofValue: state) == stateBytes(), initPull(&state, header, key) == 0 else { return nil }
        var message = [UInt8](repeating: 0, count: ciphertext.count - Sodium.aBytes)
        var length: UInt64 = 0
        var tag: UInt8 = 0
        guard pull(&state, &message, &length, &tag, ciphertext, UInt64(ciphertext.count), nil, 0) == 0 else { return nil }
        return Array(message.prefix(Int(length)))
    }

    /// The first message of a secretstream decrypted WITHOUT its check: never used as data, only to see
    /// whether the right key was used on altered bytes (the text keeps its shape) or a wrong key (noise).
    func unverifiedStream(header: [UInt8], key: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        guard header.count == Sodium.headerBytes, key.count == Sodium.keyBytes, ciphertext.count > Sodium.aBytes else { return [] }
        var subkey = [UInt8](repeating: 0, count: 32)
        guard hchacha20(&subkey, Array(header.prefix(16)), key, nil) == 0 else { return [] }
        // The stream's nonce: a 32-bit counter starting at 1, then the header's last 8 bytes; the message
        // follows the tag byte, from keystream block 2.
        let nonce: [UInt8] = [1, 0, 0, 0] + header[16..<24]
        let body = Array(ciphertext[1..<(ciphertext.count - Sodium.aBytes + 1)])
        var out = [UInt8](repeating: 0, count: body.count)
        guard chacha20IETFXorIC(&out, body, UInt64(body.count), nonce, 2, subkey) == 0 else { return [] }
        return out
    }
}
