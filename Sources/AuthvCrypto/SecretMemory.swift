import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the pages that hold secrets out of swap with mlock(2) (`PageLocks` does the counting), for
/// every `SecretBytes`. When the kernel refuses (RLIMIT_MEMLOCK reached: often 8 MiB for a user,
/// sometimes 64 KiB), the secret lives in memory that may be swapped, as every other process's does, and
/// this process asks no more. A refusal is never an error: no command fails for it, and the secret is
/// still wiped when freed. docs/design.md gives the measurements that show the locking costs nothing
/// measurable.
enum SecretMemory {
    static let pageSize: UInt = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? UInt(size) : 4096
    }()

    static let state = Mutex(PageLocks(pageSize: pageSize))

    /// Locks the pages of `size` bytes (>= 1) at `base`; true when they are locked and counted.
    static func lock(_ base: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        #if AUTHV_NO_MLOCK  // Benchmarks/secrets.sh builds this, to measure what locking costs
        return false
        #else
        state.withLock { $0.lock(UInt(bitPattern: base), size, lockPage: lockPage, unlockPage: unlockPage) }
        #endif
    }

    /// Gives back what `lock` took (only called for secrets that `lock` answered true for).
    static func unlock(_ base: UnsafeMutableRawPointer, _ size: Int) {
        state.withLock { $0.unlock(UInt(bitPattern: base), size, unlockPage: unlockPage) }
    }

    private static func lockPage(_ page: UInt) -> Bool {
        mlock(UnsafeRawPointer(bitPattern: page), Int(pageSize)) == 0
    }

    private static func unlockPage(_ page: UInt) {
        munlock(UnsafeRawPointer(bitPattern: page), Int(pageSize))
    }
}

/// Which pages are locked, with the number of live secrets on each. Locks do not nest (one munlock
/// unlocks a page however often it was locked), and the allocator puts several secrets, and other data,
/// on one page: a page is locked when the first secret on it arrives and unlocked when the last one
/// leaves. A secret's pages are counted all or none, so that freeing it gives back exactly what it took.
/// After the first refusal nothing more is locked (the limit is reached; asking again per secret would
/// cost a system call each time for nothing).
struct PageLocks {
    let pageSize: UInt
    /// Locked page (its address) -> the number of live secrets on it.
    private(set) var pages: [UInt: Int] = [:]
    /// The kernel refused once.
    private(set) var refused = false

    init(pageSize: UInt) {
        self.pageSize = pageSize
    }

    /// The pages of `size` bytes (>= 1) at `start`.
    private func range(_ start: UInt, _ size: Int) -> StrideThrough<UInt> {
        let mask = ~(pageSize - 1)
        return stride(from: start & mask, through: (start + UInt(size) - 1) & mask, by: Int(pageSize))
    }

    /// Counts a secret of `size` bytes at `start`, locking (`lockPage`) each of its pages not yet locked.
    /// False when a page could not be locked (now or before): then none of its pages is counted.
    mutating func lock(_ start: UInt, _ size: Int, lockPage: (UInt) -> Bool, unlockPage: (UInt) -> Void) -> Bool {
        let pages = range(start, size)
        if pages.contains(where: { self.pages[$0] == nil }) {
            guard !refused else { return false }
            var lockedNow: [UInt] = []
            for page in pages where self.pages[page] == nil {
                guard lockPage(page) else {
                    for undo in lockedNow { unlockPage(undo); self.pages[undo] = nil }
                    refused = true
                    return false
                }
                lockedNow.append(page)
                self.pages[page] = 0
            }
        }
        for page in pages { self.pages[page, default: 0] += 1 }
        return true
    }

    /// Gives back what `lock` counted for a secret of `size` bytes at `start`; a page whose last secret
    /// this was is unlocked.
    mutating func unlock(_ start: UInt, _ size: Int, unlockPage: (UInt) -> Void) {
        for page in range(start, size) {
            guard let count = pages[page] else { continue }
            if count <= 1 {
                unlockPage(page)
                pages[page] = nil
            } else {
                pages[page] = count - 1
            }
        }
    }
}
