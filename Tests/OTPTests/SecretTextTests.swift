@_spi(Testing) @testable import AuthvCrypto
import Foundation
import Synchronization
import Testing
@testable import OTP

/// An account's secret never reaches text: print, dump, String(reflecting:), string interpolation, and the
/// values Swift Testing shows when an expectation fails.
@Suite("Secrets stay out of text")
struct SecretTextTests {
    static let bytes = Array("12345678901234567890".utf8)
    static let secret = SecretBytes(bytes)
    static let account = Account(type: .hotp, issuer: "Ex", name: "bob", secret: secret, counter: 7, note: "backup 1234-5678")

    static func leaks(_ text: String) -> Bool {
        text.contains("GEZDGNBVGY3TQOJQ") || text.contains("12345678901234567890") || text.contains("49, 50, 51")
            || text.contains("49") || text.contains("0x31") || text.contains("1234-5678")
    }

    static func texts(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped, String(describing: [value]),
                String(reflecting: [value]), Mirror(reflecting: value).children.map { "\($0.label ?? ""): \($0.value)" }.joined()]
    }

    @Test func noTextHoldsTheSecret() {
        for text in SecretTextTests.texts(SecretTextTests.account) + SecretTextTests.texts(SecretTextTests.secret) {
            #expect(!SecretTextTests.leaks(text), "\(text)")
            #expect(text.contains("20"), "\(text)")
        }
        #expect(String(describing: SecretTextTests.account)
                == #"Account(hotp, issuer: "Ex", name: "bob", secret: 20 bytes hidden, SHA1, digits: 6, period: 30, counter: 7, offset: 0, note: 16 characters)"#)
        #expect(String(describing: SecretTextTests.secret) == "20 bytes hidden")
        #expect(String(reflecting: SecretTextTests.secret) == "SecretBytes(20 bytes hidden)")
        #expect(Mirror(reflecting: SecretTextTests.secret).children.map { "\($0.label ?? "")=\($0.value)" } == ["count=20"])
    }

    /// Equality still sees every field, the secret included (compared in constant time).
    @Test func equalityComparesTheSecret() {
        var other = SecretTextTests.account
        #expect(other == SecretTextTests.account)
        var flipped = SecretTextTests.bytes
        flipped[19] ^= 1
        other.secret = SecretBytes(flipped)
        #expect(other != SecretTextTests.account)
        #expect(!other.isSameAccount(as: SecretTextTests.account))
        other = SecretTextTests.account
        other.counter = 8
        #expect(other != SecretTextTests.account && other.isSameAccount(as: SecretTextTests.account))
    }
}

/// The secret type itself: equality, hashing, wiping when freed, locking out of swap.
@Suite("Secret bytes")
struct SecretBytesTests {
    @Test func equality() {
        let a: SecretBytes = [1, 2, 3, 4]
        #expect(a == SecretBytes([1, 2, 3, 4]))       // equal bytes in two buffers
        #expect(a == a)
        #expect(a != [0, 2, 3, 4] && a != [1, 2, 3, 5])  // the first byte, the last byte
        #expect(a != [1, 2, 3] && a != [1, 2, 3, 4, 0])  // a prefix, a longer one
        #expect(a != [] && SecretBytes([]) == [] && SecretBytes([]).isEmpty)
        #expect(SecretBytes([UInt8](repeating: 0, count: 300)) != SecretBytes([UInt8](repeating: 0, count: 299) + [1]))
    }

    @Test func hashing() {
        let a: SecretBytes = [9, 8, 7]
        #expect(a.hashValue == SecretBytes([9, 8, 7]).hashValue)
        #expect(Set<SecretBytes>([a, [9, 8, 7], [9, 8, 6], [9, 8]]).count == 3)
    }

    @Test func readsInPlace() throws {
        let a = SecretBytes([5, 6, 7])
        let first = a.withUnsafeBytes { $0.baseAddress }
        let copy = a  // a copy of the value shares the one buffer
        #expect(copy.withUnsafeBytes { $0.baseAddress } == first)
        #expect(a.withUnsafeBytes { Array($0) } == [5, 6, 7] && a.count == 3)
        let written = try SecretBytes(capacity: 8) { (out: UnsafeMutableRawBufferPointer) throws(Base32Error) -> Int in
            out[0] = 1
            out[1] = 2
            return 2
        }
        #expect(written == [1, 2])
    }

    /// What the memory holds at the moment it is given back to the allocator, seen through the test-only
    /// release hook (reading it after free would be undefined): the same buffer, every byte zero.
    final class Released: Sendable {
        let seen = Mutex<[(address: UInt, bytes: [UInt8])]>([])
        func record(_ buffer: UnsafeRawBufferPointer) {
            let entry = (UInt(bitPattern: buffer.baseAddress), Array(buffer))
            seen.withLock { $0.append(entry) }
        }
    }

    @Test func wipedBeforeFreed() throws {
        let released = Released()
        var address: UInt = 0
        do {
            let secret = SecretBytes(Array("a secret that must not outlive its owner".utf8)) { released.record($0) }
            address = secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
            let copy = secret
            #expect(copy.count == 40)
            let early = released.seen.withLock { $0.count }
            #expect(early == 0)  // not freed while a copy lives
        }
        let seen = released.seen.withLock { $0 }
        try #require(seen.count == 1)
        #expect(seen[0].address == address)  // the secret's own memory
        #expect(seen[0].bytes == [UInt8](repeating: 0, count: 40))
    }

    /// A body that fails half-way leaves nothing readable behind either.
    @Test func wipedWhenTheWriterFails() throws {
        struct Stop: Error {}
        let released = Released()
        #expect(throws: Stop.self) {
            _ = try SecretBytes.Storage.make(capacity: 16, onRelease: { released.record($0) }) { (out: UnsafeMutableRawBufferPointer) throws(Stop) -> Int in
                for i in 0..<8 { out[i] = 0xA5 }
                throw Stop()
            }
        }
        let seen = released.seen.withLock { $0 }
        try #require(seen.count == 1)
        #expect(seen[0].bytes == [UInt8](repeating: 0, count: 16))
    }

    @Test func wipesArrays() {
        var password = Array("hunter2".utf8)
        let address = password.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        var seen: [UInt8] = []
        // Look at the buffer through its pointer before `wipe` empties (and frees) the array.
        password.withUnsafeMutableBytes { buffer in
            SecretBytes.wipe(buffer)
            seen = Array(buffer)
            #expect(UInt(bitPattern: buffer.baseAddress) == address)
        }
        #expect(seen == [UInt8](repeating: 0, count: 7))
        SecretBytes.wipe(&password)
        #expect(password.isEmpty)
    }

    /// Page counting: a page is locked with its first secret and unlocked with its last; a refusal locks
    /// nothing more and counts nothing, so that freeing gives back exactly what was taken.
    @Test func pageLocks() {
        var locks = PageLocks(pageSize: 4096)
        var locked: [UInt] = []
        var unlocked: [UInt] = []
        var allowed = 2
        let lock = { (page: UInt) -> Bool in
            guard allowed > 0 else { return false }
            allowed -= 1
            locked.append(page)
            return true
        }
        let unlock = { (page: UInt) in unlocked.append(page) }
        func take(_ start: UInt, _ size: Int) -> Bool { locks.lock(start, size, lockPage: lock, unlockPage: unlock) }
        #expect(take(0x10010, 32))       // page 0x10000
        #expect(take(0x10100, 32))       // the same page: no call
        #expect(locked == [0x10000])
        #expect(!take(0x20ff0, 32))      // 0x20000 locked, 0x21000 refused
        #expect(locked == [0x10000, 0x20000] && unlocked == [0x20000] && locks.refused)  // undone, all or none
        #expect(take(0x10200, 16))       // an already locked page still counts
        #expect(!take(0x30000, 16))      // after a refusal, no new page
        #expect(locks.pages == [0x10000: 3])
        locks.unlock(0x10010, 32, unlockPage: unlock)
        locks.unlock(0x10100, 32, unlockPage: unlock)
        #expect(unlocked == [0x20000])                                             // one secret still on the page
        locks.unlock(0x10200, 16, unlockPage: unlock)
        #expect(unlocked == [0x20000, 0x10000] && locks.pages.isEmpty)
    }

    /// The real thing: a secret's pages are locked (where the limit allows) and unlocked when it goes.
    @Test func realPagesAreLocked() {
        let secret = SecretBytes([UInt8](repeating: 7, count: 64))
        guard secret.isLocked else { return }  // RLIMIT_MEMLOCK already used up: nothing to see
        let page = secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) } & ~(SecretMemory.pageSize - 1)
        let count = SecretMemory.state.withLock { $0.pages[page] ?? 0 }
        #expect(count >= 1)
        // mincore(2) cannot see locks; /proc/self/status's VmLck counts locked memory.
        #expect(SecretBytesTests.lockedKilobytes() ?? 0 >= 4)
    }

    static func lockedKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmLck:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}
