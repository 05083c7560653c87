#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock held around every read-modify-write of the store, so that two authv processes
/// never lose an account or an HOTP step. Released when the value is freed (or the process ends).
public final class StoreLock {
    private let fd: Int32

    /// `$XDG_RUNTIME_DIR/authv.lock`, or a private folder under /tmp when there is no runtime directory.
    public static func defaultPath() throws(StoreError) -> String {
        if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !runtime.isEmpty {
            return runtime + "/authv.lock"
        }
        let folder = "/tmp/authv-\(getuid())"
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .lockUnavailable("\(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        // Refuse a folder someone else made for us, or one others can write into.
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid(),
              info.st_mode & 0o077 == 0 else {
            throw .lockUnavailable("\(folder) is not a private folder of this user")
        }
        return folder + "/authv.lock"
    }

    /// Waits (up to `timeout` seconds) for the lock.
    public init(path: String? = nil, timeout: Double = 30) throws(StoreError) {
        let path = if let path { path } else { try StoreLock.defaultPath() }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .lockUnavailable("\(path): \(String(cString: strerror(errno)))") }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw .lockUnavailable("\(path): \(String(cString: strerror(errno)))")
            }
            guard waited < timeout else {
                close(fd)
                throw .lockUnavailable("another authv has held \(path) for \(Int(timeout)) s")
            }
            usleep(5_000)
            waited += 0.005
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
