import ChildProcess
import Foundation

/// The result of running a program.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data
}

/// Runs a program to completion, feeding `stdin`, with `environment` added to (or replacing, where
/// `replaceEnvironment`) this process's environment; PATH (from that environment) is searched when
/// `program` has no slash. With `capture: false` the output goes to /dev/null: for programs that leave a
/// child in the background holding their output open (tmux, xclip), whose pipes never reach end-of-file.
///
/// ChildProcess (posix_spawn and waitpid, the code authv runs its tools with) rather than Foundation's
/// Process, whose reaping depends on SIGCHLD (blocked in the test runner's threads) and which at times
/// never saw a program exit.
@discardableResult
public func run(_ program: String, _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
                replaceEnvironment: Bool = false, directory: String? = nil, capture: Bool = true) throws -> RunResult {
    var env = replaceEnvironment ? [:] : ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    let resolved = ChildProcess.find(program, path: env["PATH"] ?? "/usr/bin:/bin") ?? program
    // A working folder is set by env(1), which then runs the program.
    let command = directory.map { ["/usr/bin/env", "-C", $0, resolved] } ?? [resolved]
    guard let finished = ChildProcess.run(command[0], Array(command.dropFirst()) + arguments,
                                          environment: env.map { "\($0.key)=\($0.value)" }, input: [UInt8](stdin),
                                          stdout: capture ? .capture : .discard, stderr: capture ? .capture : .discard) else {
        throw NSError(domain: "run", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot start \(program)"])
    }
    return RunResult(status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
                     stderr: String(decoding: finished.stderr, as: UTF8.self), stdoutBytes: Data(finished.stdout))
}

/// Waits for a process from `start` and returns its exit status (128 + signal when a signal ended it).
public func waitForExit(_ pid: pid_t) -> Int32 {
    ChildProcess.wait(pid)
}

/// Starts a program in the background (no standard input or output; standard error into the file
/// `errors`) with exactly `environment`; returns its pid, for `waitForExit`.
public func start(_ program: String, _ arguments: [String], environment: [String: String], errors: String) throws -> pid_t {
    guard let pid = ChildProcess.start(program, arguments, environment: environment.map { "\($0.key)=\($0.value)" }, errors: errors) else {
        throw NSError(domain: "start", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot start \(program)"])
    }
    return pid
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

