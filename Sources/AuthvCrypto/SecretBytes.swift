internal import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a secret: an account's key, a vault's master key or a key derived from a password, a
/// password itself. In the spirit of swift-crypto's `SecureBytes`:
/// - the bytes live in heap memory this type allocates and owns, shared (never copied) by copies of the
///   value, and wiped with `OPENSSL_cleanse` (which the optimiser may not drop) before that memory is freed;
/// - the pages that hold them are locked out of swap where the kernel allows it (`SecretMemory`); where
///   it does not (RLIMIT_MEMLOCK used up), they stay unlocked and nothing fails;
/// - two secrets compare in constant time (`CRYPTO_memcmp`: the time depends on the lengths alone);
/// - no text shows them: `description`, `debugDescription`, the mirror (`dump`, a failing `#expect`)
///   give the length only; the hash is the process's keyed `Hasher`, which reveals nothing of them.
/// The bytes are read through `withUnsafeBytes`, which makes no copy. The type is deliberately not a
/// Collection, so that no `Array(secret)` copy, which nobody would wipe, is made by accident.
public struct SecretBytes: Sendable {
    let storage: Storage

    /// `count` bytes that `body` writes into the new secret's memory (zeroed before `body` runs). When
    /// `body` throws, whatever it wrote is wiped and freed with the memory.
    public init<E: Error>(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        storage = try Storage.make(capacity: count, onRelease: nil) { buffer throws(E) in
            try body(buffer)
            return count
        }
    }

    /// At most `capacity` bytes written by `body`, which returns how many it wrote (a cipher's output,
    /// shorter than its input). The bytes past that count are wiped with the rest when freed.
    public init<E: Error>(capacity: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) {
        storage = try Storage.make(capacity: capacity, onRelease: nil, body)
    }

    /// A copy of `bytes` (the caller's buffer is left as it is: wiping it is the caller's business).
    public init(copying bytes: UnsafeRawBufferPointer) {
        storage = Storage.make(capacity: bytes.count, onRelease: nil) { buffer in
            buffer.copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// A copy of `bytes`. The array itself is not wiped: for literals, tests, and bytes that arrived in an
    /// array authv does not own; production code that makes the bytes writes them with `init(count:initializingWith:)`.
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { SecretBytes(copying: $0) }
    }

    /// The UTF-8 bytes of `text` (a password given as text), written straight into the secret's memory.
    /// The String itself cannot be wiped (Swift strings are immutable and shared): keep it short-lived.
    public init(utf8 text: String) {
        let utf8 = text.utf8
        storage = Storage.make(capacity: utf8.count, onRelease: nil) { buffer in
            buffer.copyBytes(from: utf8)
            return utf8.count
        }
    }

    /// A copy of `bytes` whose memory, once wiped, is passed to `onRelease` just before it is freed: the
    /// one way a test can look at that memory at that moment (reading it after `free` would be undefined).
    @_spi(Testing)
    public init(_ bytes: [UInt8], onRelease: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        storage = bytes.withUnsafeBytes { source in
            Storage.make(capacity: source.count, onRelease: onRelease) { buffer in
                buffer.copyMemory(from: source)
                return source.count
            }
        }
    }

    /// The number of bytes (not itself a secret: descriptions show it).
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.count == 0 }

    /// Reads the bytes in place, without a copy. `body` must not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// Whether the pages that hold these bytes are locked out of swap (`SecretMemory`).
    public var isLocked: Bool { storage.locked }
}

extension SecretBytes: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }
}

extension SecretBytes: Hashable {
    /// Constant time: `CRYPTO_memcmp` reads every byte whatever the first difference; only a difference in
    /// length (which is not secret) answers at once.
    public static func == (a: SecretBytes, b: SecretBytes) -> Bool {
        guard a.count == b.count else { return false }
        if a.storage === b.storage || a.count == 0 { return true }
        return CRYPTO_memcmp(a.storage.base, b.storage.base, a.count) == 0
    }

    /// The bytes go into the process's randomly keyed SipHash (`Hasher`), whose value says nothing about
    /// them to anyone without the key; nothing is shown or kept.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// Text for logs, debuggers, `dump` and failing test expectations: the length alone.
extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "\(count) bytes hidden" }
    public var debugDescription: String { "SecretBytes(\(count) bytes hidden)" }
    public var customMirror: Mirror { Mirror(self, children: ["count": count], displayStyle: .struct) }
}

extension SecretBytes {
    /// The memory a secret's bytes live in. Written only inside `make`, before any `SecretBytes` holds it,
    /// and never after: immutable once shared, which is why `@unchecked Sendable` is sound here (the
    /// compiler cannot see that a raw pointer's memory is never written again).
    final class Storage: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        let count: Int
        let locked: Bool
        let onRelease: (@Sendable (UnsafeRawBufferPointer) -> Void)?

        private init(base: UnsafeMutableRawPointer, capacity: Int, count: Int, locked: Bool,
                     onRelease: (@Sendable (UnsafeRawBufferPointer) -> Void)?) {
            self.base = base
            self.capacity = capacity
            self.count = count
            self.locked = locked
            self.onRelease = onRelease
        }

        static func make<E: Error>(capacity: Int, onRelease: (@Sendable (UnsafeRawBufferPointer) -> Void)?,
                                   _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) -> Storage {
            precondition(capacity >= 0, "a negative size")
            let size = max(capacity, 1)
            let base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            let locked = SecretMemory.lock(base, size)
            let count: Int
            do {
                count = try body(UnsafeMutableRawBufferPointer(start: base, count: capacity))
            } catch {
                release(base, size, locked: locked, onRelease: onRelease)
                throw error
            }
            precondition(count >= 0 && count <= capacity, "more bytes written than there is room for")
            return Storage(base: base, capacity: capacity, count: count, locked: locked, onRelease: onRelease)
        }

        deinit {
            Storage.release(base, max(capacity, 1), locked: locked, onRelease: onRelease)
        }

        /// Wipes, unlocks and frees.
        private static func release(_ base: UnsafeMutableRawPointer, _ size: Int, locked: Bool,
                                    onRelease: (@Sendable (UnsafeRawBufferPointer) -> Void)?) {
            OPENSSL_cleanse(base, size)
            if locked { SecretMemory.unlock(base, size) }
            onRelease?(UnsafeRawBufferPointer(start: base, count: size))
            base.deallocate()
        }
    }
}

extension SecretBytes {
    /// Wipes an array of secret bytes that authv owns (a password typed, a decrypted buffer) before it is
    /// dropped, with `OPENSSL_cleanse` (which the optimiser may not remove as a dead store), and empties it.
    /// Only the array's own buffer is wiped: call it on the last holder (a buffer shared with another array
    /// is copied first, and only the copy is wiped).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { OPENSSL_cleanse(base, $0.count) } }
        bytes.removeAll()
    }

    /// Wipes raw memory authv owns.
    public static func wipe(_ bytes: UnsafeMutableRawBufferPointer) {
        if let base = bytes.baseAddress { OPENSSL_cleanse(base, bytes.count) }
    }
}
