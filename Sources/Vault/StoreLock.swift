#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock held around every read-modify-write of the store, so that two authv processes
/// never lose an account or an HOTP step. Released when the value is freed (or the process ends).
public final class StoreLock {
    private let fd: Int32

    /// How long a command waits for another to release the lock before giving up, unless
    /// `AUTHV_LOCK_WAIT` (seconds) says otherwise.
    public static let defaultWait = 10.0
    /// After this long, the waiting command says who holds the lock.
    public static let quietWait = 1.0

    /// Another process holding the lock: its pid and program name, as far as they can be found out.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32?
        public var program: String?
        public var description: String {
            guard let pid else { return "another process" }
            return "\(program ?? "process") (pid \(pid))"
        }
    }

    /// `$XDG_RUNTIME_DIR/authv/lock`, or `/tmp/authv-UID/lock` when there is no runtime directory; the
    /// folder is made 0700 and must be this user's own and private.
    public static func defaultPath() throws(StoreError) -> String {
        let folder: String
        if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !runtime.isEmpty {
            folder = runtime + "/authv"
        } else {
            folder = "/tmp/authv-\(getuid())"
        }
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .lockUnavailable("\(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        // Refuse a folder someone else made for us, or one others can write into.
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid(),
              info.st_mode & 0o077 == 0 else {
            throw .lockUnavailable("\(folder) is not a private folder of this user")
        }
        return folder + "/lock"
    }

    /// The wait limit: `AUTHV_LOCK_WAIT` when it is a number of seconds, else `defaultWait`.
    public static var waitLimit: Double {
        if let text = getenv("AUTHV_LOCK_WAIT").map({ String(cString: $0) }), let seconds = Double(text),
           seconds.isFinite, seconds >= 0 {
            return seconds
        }
        return defaultWait
    }

    /// What a lock that has waited `quietWait` seconds calls, once, with the process that holds it; the
    /// executable sets it (at start-up) to say so on standard error. Library code prints nothing.
    /// `nonisolated(unsafe)`: written once, on the main thread, before any lock is taken or thread started.
    nonisolated(unsafe) public static var waitingNotice: (Holder) -> Void = { _ in }

    /// Waits (up to `timeout` seconds) for the lock. When it has waited `quietWait` seconds, calls
    /// `waiting` (by default `waitingNotice`) once with the process that holds it.
    public init(path: String? = nil, timeout: Double = StoreLock.waitLimit,
                waiting: ((Holder) -> Void)? = nil) throws(StoreError) {
        let waiting = waiting ?? StoreLock.waitingNotice
        let path = if let path { path } else { try StoreLock.defaultPath() }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .lockUnavailable("\(path): \(String(cString: strerror(errno)))") }
        let start = StoreLock.monotonic()
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw .lockUnavailable("\(path): \(String(cString: strerror(errno)))")
            }
            let waited = StoreLock.monotonic() - start
            if !told && waited >= min(StoreLock.quietWait, timeout) {
                told = true
                waiting(StoreLock.holder(of: fd))
            }
            guard waited < timeout else {
                let holder = StoreLock.holder(of: fd)
                close(fd)
                throw .lockUnavailable("\(holder) has held \(path) for \(StoreLock.seconds(timeout)) s; try again when it is done")
            }
            usleep(5_000)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The process holding a flock on the file open at `fd`, found in /proc/locks (lines like
    /// `1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF`; waiting requests carry `->` and are skipped).
    static func holder(of fd: Int32) -> Holder {
        var info = stat()
        guard fstat(fd, &info) == 0, let file = fopen("/proc/locks", "r") else { return Holder() }
        defer { fclose(file) }
        let major = (UInt64(info.st_dev) >> 8) & 0xfff | (UInt64(info.st_dev) >> 32) & ~0xfff
        let minor = UInt64(info.st_dev) & 0xff | (UInt64(info.st_dev) >> 12) & ~0xff
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let fields = String(cString: line).split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK" else { continue }
            let where_ = fields[5].split(separator: ":")
            guard where_.count == 3, UInt64(where_[0], radix: 16) == major, UInt64(where_[1], radix: 16) == minor,
                  UInt64(where_[2]) == UInt64(info.st_ino), let pid = Int32(fields[4]) else { continue }
            return Holder(pid: pid, program: program(of: pid))
        }
        return Holder()
    }

    /// The program name of a process (its `comm`), or nil.
    private static func program(of pid: Int32) -> String? {
        guard let file = fopen("/proc/\(pid)/comm", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingCharacters(in: "\n")
        return name.isEmpty ? nil : name
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.last == set { text.removeLast() }
        return text
    }
}
