import SharedLibrary

/// libargon2's Argon2id, for Authenticator Pro's backups: they use 4 lanes, which libsodium's Argon2
/// does not offer. Opened with dlopen (libargon2.so.1) the first time such a backup is read.
struct Argon2: Sendable {
    /// argon2id_hash_raw(t_cost, m_cost (KiB), parallelism, pwd, pwdlen, salt, saltlen, hash, hashlen)
    let hashRaw: @convention(c) (UInt32, UInt32, UInt32, UnsafeRawPointer?, Int, UnsafeRawPointer?, Int,
                                 UnsafeMutableRawPointer?, Int) -> Int32

    static let shared = Result { () throws(SharedLibrary.Missing) -> Argon2 in try Argon2(SharedLibrary("libargon2.so.1")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        hashRaw = try library.function("argon2id_hash_raw")
    }

    /// Argon2id (version 1.3) of `password` over `salt`: `length` bytes, or nil when libargon2 refuses.
    func argon2id(password: [UInt8], salt: [UInt8], passes: UInt32, memoryKiB: UInt32, lanes: UInt32, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        let status = password.withUnsafeBytes { pw in
            salt.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { o in
                    hashRaw(passes, memoryKiB, lanes, pw.baseAddress, pw.count, s.baseAddress, s.count, o.baseAddress, o.count)
                }
            }
        }
        return status == 0 ? out : nil
    }
}
