#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be written.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Writes files readable by their owner alone, atomically: a temporary file in the same folder
/// (`.authv-NAME.XXXXXX`, NAME the file's own name, so that the one who writes NAME under a lock can tell
/// its dead writers' leftovers: `temporaryPrefix`), fsync, then rename (or link, when an existing file
/// must not be replaced). `readBack`, when given, is called with the written temporary file's path after
/// fsync and before the rename: when it throws, the file is removed and `path` is left as it was.
public enum AtomicFile {
    /// The start of the name of every temporary file written for `name` (a last path component; its first
    /// 100 bytes, so that the temporary name stays within NAME_MAX).
    public static func temporaryPrefix(for name: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            guard String(kept).utf8.count + String(scalar).utf8.count <= 100 else { break }
            kept.append(scalar)
        }
        return ".authv-\(String(kept))."
    }

    public static func write(_ bytes: [UInt8], to path: String, replace: Bool,
                             readBack: ((String) throws(FileWriteError) -> Void)? = nil) throws(FileWriteError) {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = String(path[(path.lastIndex(of: "/").map(path.index(after:)) ?? path.startIndex)...])
        var template = Array(((folder.isEmpty ? "/" : folder + "/") + temporaryPrefix(for: name) + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mode 0600
        guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        let temp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var finished = false
        defer { if !finished { unlink(temp) } }
        var offset = 0
        // In two halves, so that a test can kill the process between them (`FaultInjection.midway`).
        for end in [bytes.count / 2, bytes.count] {
            while offset < end {
                let n = bytes[offset..<end].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw FileWriteError(path: path, reason: reason)
                }
                offset += n
            }
            if end < bytes.count { FaultInjection.midway(writing: name) }
        }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileWriteError(path: path, reason: reason)
        }
        close(fd)
        try readBack?(temp)
        if replace {
            guard rename(temp, path) == 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        } else {
            // link() fails when the name exists: never replaces a file the user did not ask to replace.
            guard link(temp, path) == 0 else {
                let reason = errno == EEXIST ? "already exists (use --force to replace it)" : String(cString: strerror(errno))
                throw FileWriteError(path: path, reason: reason)
            }
            unlink(temp)
        }
        finished = true
        // Make the rename itself durable.
        let dirfd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }
}
