import Foundation

/// The result of running a program.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data
}

private let spawnLock = NSLock()

/// Runs a program to completion, feeding `stdin`, with `environment` added to (or replacing, where
/// `replaceEnvironment`) this process's environment; PATH (from that environment) is searched when
/// `program` has no slash. With `capture: false` the output goes to /dev/null: for programs that leave a
/// child in the background holding their output open (tmux, xclip), whose pipes never reach end-of-file.
///
/// posix_spawn and waitpid rather than Foundation's Process, whose reaping depends on SIGCHLD (blocked in
/// the test runner's threads) and which at times never saw a program exit.
@discardableResult
public func run(_ program: String, _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
                replaceEnvironment: Bool = false, directory: String? = nil, capture: Bool = true) throws -> RunResult {
    var env = replaceEnvironment ? [:] : ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    let path = env["PATH"] ?? "/usr/bin:/bin"
    let resolved = program.contains("/") ? program
        : path.split(separator: ":").map { "\($0)/\(program)" }.first { access($0, X_OK) == 0 } ?? program

    var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
    // Close-on-exec: a program started meanwhile from another thread must not inherit these pipes
    // (it would hold our standard input open, and its reader would never see the end).
    // (Made under a lock that every spawn here takes, so no spawn slips in before the flag is set.)
    spawnLock.lock()
    guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
        spawnLock.unlock()
        throw POSIXError(.EMFILE)
    }
    for fd in input + output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    if capture {
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    for fd in input + output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
    var attributes = defaultSignalAttributes()
    defer { posix_spawnattr_destroy(&attributes) }
    // A working folder is set by env(1), which then runs the program.
    let command = directory.map { ["/usr/bin/env", "-C", $0, resolved] } ?? [resolved]
    let argv = (command + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
    spawnLock.unlock()
    close(input[0]); close(output[1]); close(errors[1])
    guard spawned == 0 else {
        close(input[1]); close(output[0]); close(errors[0])
        throw NSError(domain: "run", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(program)"])
    }
    // Feed standard input and read both outputs together, so no pipe fills up and blocks the program.
    let bytes = [UInt8](stdin)
    var written = 0
    var inFD: Int32 = input[1]
    if bytes.isEmpty { close(inFD); inFD = -1 } else { _ = fcntl(inFD, F_SETFL, O_NONBLOCK) }
    var out: [UInt8] = [], err: [UInt8] = []
    var open: [Int32] = [output[0], errors[0]]
    var buffer = [UInt8](repeating: 0, count: 65536)
    signal(SIGPIPE, SIG_IGN)
    while !open.isEmpty || inFD >= 0 {
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if inFD >= 0 { fds.append(pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0)) }
        if poll(&fds, nfds_t(fds.count), -1) < 0 { if errno == EINTR { continue }; break }
        for entry in fds where entry.revents != 0 {
            if entry.fd == inFD {
                let n = bytes[written...].withUnsafeBytes { write(inFD, $0.baseAddress, $0.count) }
                if n > 0 { written += n }
                if n < 0 && errno != EAGAIN && errno != EINTR || written == bytes.count { close(inFD); inFD = -1 }
            } else {
                let n = read(entry.fd, &buffer, buffer.count)
                if n > 0 {
                    if entry.fd == output[0] { out += buffer[0..<n] } else { err += buffer[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return RunResult(status: exitStatus, stdout: String(decoding: out, as: UTF8.self),
                     stderr: String(decoding: err, as: UTF8.self), stdoutBytes: Data(out))
}

/// Spawn attributes that give the child every signal unblocked and at its default action (the test
/// runner's threads block most of them, and children would inherit that). Destroy them after use.
func defaultSignalAttributes() -> posix_spawnattr_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return attributes
}

/// Starts a program in the background (no standard input or output; standard error into the file
/// `errors`) with exactly `environment`; returns its pid, for `waitForExit`.
public func start(_ program: String, _ arguments: [String], environment: [String: String], errors: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attributes = defaultSignalAttributes()
    defer { posix_spawnattr_destroy(&attributes) }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    spawnLock.lock()
    let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
    spawnLock.unlock()
    guard spawned == 0 else {
        throw NSError(domain: "start", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(program)"])
    }
    return pid
}

/// Waits for a process from `start` and returns its exit status (128 + signal when a signal ended it).
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// The repository's top folder (where Package.swift is), found from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// A fresh private folder (0700) under the system's temporary folder.
public func temporaryFolder(_ name: String = "authv-test") throws -> String {
    let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return path
}

