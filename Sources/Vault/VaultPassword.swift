internal import CSignals
public import AuthvCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The vault's password: the first line of the file that `AUTHV_VAULT_PASSWORD_FILE` names (for scripts
/// and tests), else typed on the terminal without echo. Never from program arguments or an environment
/// variable's value (other processes can read those). The password is `SecretBytes`; the buffers it is
/// read into are reserved whole up front (so no growth leaves a copy behind) and wiped after use.
public enum VaultPassword {
    public static let fileVariable = "AUTHV_VAULT_PASSWORD_FILE"
    /// The longest password accepted, in UTF-8 bytes.
    public static let maxBytes = 4096

    /// The password for the vault at `path`; a new one (`new`) is asked twice on a terminal.
    public static func get(for path: String, new: Bool = false) throws(StoreError) -> SecretBytes {
        if let file = getenv(fileVariable).map({ String(cString: $0) }), !file.isEmpty {
            return try firstLine(of: file)
        }
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard tty >= 0 else {
            throw .vault(new ? "no terminal to ask for the new vault's password on: set \(fileVariable) to a file whose first line is the password"
                             : "the vault \(path) needs its password and there is no terminal to ask on: run `authv unlock` in a terminal first, or set \(fileVariable) to a file whose first line is the password")
        }
        defer { close(tty) }
        let first = try ask(tty, new ? "New password for the vault \(path): " : "Password for the vault \(path): ")
        guard new else { return first }
        let again = try ask(tty, "The same password again: ")
        guard first == again else { throw .vault("the two passwords differ; nothing was created") }
        return first
    }

    static func firstLine(of file: String) throws(StoreError) -> SecretBytes {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .vault("\(fileVariable): \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let chunkBytes = 1024
        var bytes: [UInt8] = []
        bytes.reserveCapacity(maxBytes + 1 + chunkBytes)  // never grown, so never copied
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        defer { SecretBytes.wipe(&bytes); SecretBytes.wipe(&chunk) }
        while bytes.count <= maxBytes, !bytes.contains(10) {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return try checked(bytes[..<(bytes.firstIndex(of: 10) ?? bytes.endIndex)], from: "\(fileVariable) (\(file))")
    }

    /// The password in `line` (a carriage return at its end dropped), copied into `SecretBytes`; the
    /// caller wipes `line`'s buffer.
    private static func checked(_ line: ArraySlice<UInt8>, from source: String) throws(StoreError) -> SecretBytes {
        let line = line.last == 13 ? line.dropLast() : line  // a file written on Windows
        guard !line.isEmpty else { throw .vault("\(source): the password is empty") }
        guard line.count <= maxBytes else { throw .vault("\(source): the password is longer than \(maxBytes) bytes") }
        return line.withUnsafeBytes { SecretBytes(copying: $0) }
    }

    private static func ask(_ tty: Int32, _ prompt: String) throws(StoreError) -> SecretBytes {
        var saved = termios()
        let isTerminal = tcgetattr(tty, &saved) == 0
        if isTerminal {
            // A signal meanwhile puts these settings back (CSignals' handler) before it ends authv.
            authv_guard_terminal(tty, &saved)
            var settings = saved
            settings.c_lflag &= ~tcflag_t(ECHO)
            settings.c_lflag |= tcflag_t(ICANON)
            tcsetattr(tty, TCSAFLUSH, &settings)
        }
        defer {
            if isTerminal {
                tcsetattr(tty, TCSAFLUSH, &saved)
                authv_unguard_terminal()
                _ = "\n".withCString { write(tty, $0, 1) }
            }
        }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var line: [UInt8] = []
        line.reserveCapacity(maxBytes + 1)  // never grown, so never copied
        var byte: UInt8 = 0
        defer { SecretBytes.wipe(&line); byte = 0 }
        while true {
            let n = read(tty, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else {
                if line.isEmpty { throw .vault("no password typed") }
                break
            }
            if byte == 10 { break }
            guard line.count <= maxBytes else { throw .vault("the password is longer than \(maxBytes) bytes") }
            line.append(byte)
        }
        return try checked(line[...], from: "the typed password")
    }
}
