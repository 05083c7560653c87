#if canImport(Glibc)
import Glibc
#endif

/// Reads what the user names: a file path, or `-` for standard input.
public enum InputFile {
    /// Inputs larger than this are refused before they are read whole (a QR screenshot or photo is far smaller).
    public static let maxBytes = 128 << 20

    public static func read(_ path: String, maxBytes: Int = InputFile.maxBytes) throws(ScanError) -> [UInt8] {
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw ScanError(file: path, reason: reason(for: errno)) }
        }
        defer { if path != "-" { close(fd) } }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw ScanError(file: path, reason: .isDirectory) }
            if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > maxBytes {
                throw ScanError(file: path, reason: .tooLarge("\(info.st_size) bytes; the limit is \(maxBytes)"))
            }
        }
        var bytes: [UInt8] = []
        if (info.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(max(0, Int(info.st_size))) }  // bounded above
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ScanError(file: path, reason: errno == EISDIR ? .isDirectory : reason(for: errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes {
                throw ScanError(file: path, reason: .tooLarge("more than \(maxBytes) bytes"))
            }
        }
        return bytes
    }

    static func reason(for code: Int32) -> ScanError.Reason {
        switch code {
        case ENOENT, ENOTDIR: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case EISDIR: return .isDirectory
        default: return .readFailed(String(cString: strerror(code)))
        }
    }
}
