internal import CSignals
#if canImport(Glibc)
import Glibc
#endif

/// The vault's password: the first line of the file that `AUTHV_VAULT_PASSWORD_FILE` names (for scripts
/// and tests), else typed on the terminal without echo. Never from program arguments or an environment
/// variable's value (other processes can read those).
public enum VaultPassword {
    public static let fileVariable = "AUTHV_VAULT_PASSWORD_FILE"
    /// The longest password accepted, in UTF-8 bytes.
    public static let maxBytes = 4096

    /// The password for the vault at `path`; a new one (`new`) is asked twice on a terminal.
    public static func get(for path: String, new: Bool = false) throws(StoreError) -> [UInt8] {
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

    static func firstLine(of file: String) throws(StoreError) -> [UInt8] {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .vault("\(fileVariable): \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count <= maxBytes, !bytes.contains(10) {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk.prefix(n)
        }
        return try checked(Array(bytes.prefix { $0 != 10 }), from: "\(fileVariable) (\(file))")
    }

    private static func checked(_ line: [UInt8], from source: String) throws(StoreError) -> [UInt8] {
        var line = line
        if line.last == 13 { line.removeLast() }  // a file written on Windows
        guard !line.isEmpty else { throw .vault("\(source): the password is empty") }
        guard line.count <= maxBytes else { throw .vault("\(source): the password is longer than \(maxBytes) bytes") }
        return line
    }

    private static func ask(_ tty: Int32, _ prompt: String) throws(StoreError) -> [UInt8] {
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
        var byte: UInt8 = 0
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
        return try checked(line, from: "the typed password")
    }
}
