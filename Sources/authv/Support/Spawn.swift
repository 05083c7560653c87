import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Runs other programs (clipboard tools, clock tools, pdftotext) without Foundation.
enum Spawn {
    struct Result {
        var status: Int32
        var output: [UInt8]
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// The full path of `program` on PATH, or nil.
    static func find(_ program: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `arguments` (searched on PATH), feeding `input` on standard input. Its standard output is
    /// captured when `capture`, else discarded (a tool that stays in the background, like xclip, must not
    /// hold our pipe open); standard error is discarded. Returns nil when the program cannot start.
    /// Reading stops once more than `limit` bytes have come (the output then holds limit + 1 or more).
    static func run(_ arguments: [String], input: [UInt8] = [], capture: Bool = false, detach: Bool = false,
                    limit: Int = Int.max) -> Result? {
        var inPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        // Close-on-exec, so that no other program started later inherits them (dup2 clears the flag on 0 and 1).
        guard pipe(&inPipe) == 0 else { return nil }
        if capture { guard pipe(&outPipe) == 0 else { return nil } }
        for fd in inPipe + (capture ? outPipe : []) { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, inPipe[1])
        if capture {
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, outPipe[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if detach { flags |= Int16(AUTHV_POSIX_SPAWN_SETSID) }
        posix_spawnattr_setflags(&attributes, flags)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        close(inPipe[0])
        if capture { close(outPipe[1]) }
        guard spawned == 0 else {
            close(inPipe[1])
            if capture { close(outPipe[0]) }
            return nil
        }
        signal(SIGPIPE, SIG_IGN)
        var offset = 0
        while offset < input.count {
            let n = input[offset...].withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
            offset += n
        }
        close(inPipe[1])
        var output: [UInt8] = []
        if capture {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                output += buffer[0..<n]
                if output.count > limit { break }
            }
            close(outPipe[0])
        }
        if detach { return Result(status: 0, output: []) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}
