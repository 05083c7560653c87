import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Runs other programs with posix_spawn, without Foundation: authv's clipboard, clock and PDF tools, and
/// every program the tests run. The child gets every signal unblocked and at its default action (the
/// caller may block or ignore some: a test runner's threads, authv's SIGPIPE), its standard input fed
/// from `input`, its outputs captured or sent to /dev/null; the pipes are close-on-exec from the start,
/// so no program started meanwhile by another thread inherits them.
public enum ChildProcess {
    public enum Output: Sendable { case capture, discard }

    /// How a program ended (128 + signal when a signal ended it) and what it wrote.
    public struct Finished: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    /// The full path of `program` on `path` (default: this process's PATH), or nil. A name with a slash
    /// is returned as it is.
    public static func find(_ program: String, path: String? = nil) -> String? {
        if program.contains("/") { return program }
        let path = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `program` (searched on the PATH of `environment`, default this process's environment) with
    /// `arguments`, feeding `input` on its standard input while reading its outputs (no pipe fills up).
    /// Reading standard output stops once more than `limit` bytes have come (it then holds limit + 1 or
    /// more, and the program's pipe is closed). `detach`: the program gets a session of its own and is not
    /// waited for (status 0, nothing read). nil when it cannot start.
    public static func run(_ program: String, _ arguments: [String] = [], environment: [String]? = nil, input: [UInt8] = [],
                           stdout: Output = .discard, stderr: Output = .discard, detach: Bool = false,
                           limit: Int = Int.max) -> Finished? {
        let searched = environment?.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        guard let path = find(program, path: searched) else { return nil }
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        defer { for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) } }
        guard authv_pipe_cloexec(&inPipe) == 0,
              stdout == .discard || authv_pipe_cloexec(&outPipe) == 0,
              stderr == .discard || authv_pipe_cloexec(&errPipe) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO)
        for (output, pipe, fd) in [(stdout, outPipe, STDOUT_FILENO), (stderr, errPipe, STDERR_FILENO)] {
            if output == .capture {
                posix_spawn_file_actions_adddup2(&actions, pipe[1], fd)
            } else {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            }
        }
        guard let pid = spawn(path, arguments, environment: environment, actions: &actions, detach: detach) else { return nil }
        close(inPipe[0]); inPipe[0] = -1
        if outPipe[1] >= 0 { close(outPipe[1]); outPipe[1] = -1 }
        if errPipe[1] >= 0 { close(errPipe[1]); errPipe[1] = -1 }
        var finished = Finished(status: 0, stdout: [], stderr: [])
        exchange(input: input, with: &inPipe[1], stdout: &outPipe[0], stderr: &errPipe[0], limit: limit, into: &finished)
        if detach { return Finished(status: 0, stdout: [], stderr: []) }
        finished.status = wait(pid)
        return finished
    }

    /// Starts `program` (a path) in the background with exactly `environment`: standard input and output
    /// /dev/null, standard error into the file `errors` (made 0600). Its pid, for `wait`; nil when it
    /// cannot start.
    public static func start(_ program: String, _ arguments: [String], environment: [String], errors: String) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        return spawn(program, arguments, environment: environment, actions: &actions, detach: false)
    }

    /// Waits for `pid` and returns its exit status (128 + signal when a signal ended it).
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private static func spawn(_ path: String, _ arguments: [String], environment: [String]?,
                              actions: inout posix_spawn_file_actions_t, detach: Bool) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if detach { flags |= Int16(AUTHV_POSIX_SPAWN_SETSID) }
        posix_spawnattr_setflags(&attributes, flags)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { argv.forEach { free($0) }; envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawn(&pid, path, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        return spawned == 0 ? pid : nil
    }

    /// Writes `input` and reads both outputs together with poll(2), closing each descriptor when done.
    private static func exchange(input: [UInt8], with inFD: inout Int32, stdout outFD: inout Int32, stderr errFD: inout Int32,
                                 limit: Int, into finished: inout Finished) {
        signal(SIGPIPE, SIG_IGN)  // a program that exits without reading all its input must not end us
        var written = 0
        if input.isEmpty { close(inFD); inFD = -1 } else { _ = fcntl(inFD, F_SETFL, O_NONBLOCK) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while inFD >= 0 || outFD >= 0 || errFD >= 0 {
            var fds = [outFD, errFD].filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inFD >= 0 { fds.append(pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 { if errno == EINTR { continue }; break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == inFD {
                    let n = input[written...].withUnsafeBytes { write(inFD, $0.baseAddress, $0.count) }
                    if n > 0 { written += n }
                    if (n < 0 && errno != EAGAIN && errno != EINTR) || written == input.count { close(inFD); inFD = -1 }
                    continue
                }
                let n = read(entry.fd, &buffer, buffer.count)
                if n > 0 {
                    if entry.fd == outFD { finished.stdout += buffer[0..<n] } else { finished.stderr += buffer[0..<n] }
                }
                let over = entry.fd == outFD && finished.stdout.count > limit
                if over || n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    if entry.fd == outFD { outFD = -1 } else { errFD = -1 }
                }
            }
        }
    }
}
