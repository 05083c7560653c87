import Foundation

/// A real gnome-keyring-daemon on a private D-Bus session bus, for one test: its own HOME and XDG
/// folders, a login keyring made and unlocked with a throwaway password. Stopped by `stop()` or deinit.
public final class PrivateKeyring: @unchecked Sendable {
    public let folder: String
    public let environment: [String: String]
    private let bus: Process
    private var daemon: Process?
    /// The gnome-keyring-daemon's process id (to stop and continue it), while it runs.
    public var daemonID: pid_t? { daemon.flatMap { $0.isRunning ? $0.processIdentifier : nil } }

    /// Whether the login keyring has no password, so that the daemon keeps it in its textual format.
    public let textual: Bool

    /// `textual`: a login keyring without a password (as automatic login leaves it), which gnome-keyring
    /// writes as a text key file, `$XDG_DATA_HOME/keyrings/login.keyring`, secrets in plain text.
    public init(textual: Bool = false) throws {
        self.textual = textual
        folder = try temporaryFolder("authv-keyring")
        for sub in ["home", "runtime", "data", "config", "cache"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(sub)", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        if textual {
            let keyrings = "\(folder)/data/keyrings"
            try FileManager.default.createDirectory(atPath: keyrings, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Data("[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n".utf8)
                .write(to: URL(fileURLWithPath: keyrings + "/login.keyring"))
            try Data("login".utf8).write(to: URL(fileURLWithPath: keyrings + "/default"))
        }
        let address = "unix:path=\(folder)/runtime/bus"
        environment = [
            "HOME": "\(folder)/home", "XDG_RUNTIME_DIR": "\(folder)/runtime", "XDG_DATA_HOME": "\(folder)/data",
            "XDG_CONFIG_HOME": "\(folder)/config", "XDG_CACHE_HOME": "\(folder)/cache",
            "DBUS_SESSION_BUS_ADDRESS": address, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            // doctor's clock check asks this port on this machine, where nothing listens, never a time
            // server (or a name server) outside it: tests send no traffic off the machine.
            "AUTHV_NTP_SERVER": "127.0.0.1:9",
        ]
        bus = PrivateKeyring.daemonProcess(["/usr/bin/dbus-daemon", "--session", "--address=\(address)", "--nofork", "--nopidfile"])
        bus.environment = environment
        bus.standardOutput = FileHandle.nullDevice
        bus.standardError = FileHandle.nullDevice
        try bus.run()
        try waitFor("the session bus") { FileManager.default.fileExists(atPath: "\(self.folder)/runtime/bus") }
        try startDaemon()
    }

    /// The daemon's standard error, kept for the tests that tell why it died.
    public var daemonLog: String { "\(folder)/gnome-keyring-daemon.log" }

    /// The daemon's last GLib error or critical warning, if it printed one (the cause when it aborted).
    public func daemonFailure() -> String? {
        let text = (try? String(contentsOfFile: daemonLog, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.contains("-ERROR **") || $0.contains("CRITICAL **") }
        return lines.isEmpty ? nil : lines.suffix(4).joined(separator: " | ")
    }

    /// The login keyring's file (a text key file when `textual`).
    public var loginKeyringFile: String { "\(folder)/data/keyrings/login.keyring" }

    /// Starts gnome-keyring-daemon, which creates (or opens) the login keyring and unlocks it (a textual
    /// one needs no password).
    private func startDaemon() throws {
        let daemon = PrivateKeyring.daemonProcess(["/usr/bin/gnome-keyring-daemon", "--foreground"]
                                                  + (textual ? [] : ["--unlock"]) + ["--components=secrets"])
        daemon.environment = environment
        let input = Pipe()
        daemon.standardInput = textual ? FileHandle.nullDevice : input
        daemon.standardOutput = FileHandle.nullDevice
        // What the daemon prints (its warnings, and the GLib error it dies of), appended across restarts.
        if !FileManager.default.fileExists(atPath: daemonLog) { _ = FileManager.default.createFile(atPath: daemonLog, contents: nil) }
        let log = FileHandle(forWritingAtPath: daemonLog)
        _ = try? log?.seekToEnd()
        daemon.standardError = log ?? FileHandle.nullDevice
        try daemon.run()
        if !textual { try input.fileHandleForWriting.write(contentsOf: Data("authv-throwaway-password".utf8)) }
        try input.fileHandleForWriting.close()
        self.daemon = daemon
        try waitFor("gnome-keyring-daemon") { self.serviceIsUp() }
    }

    /// Stops the daemon and starts it again: what a logout and login do. It reads its keyring files
    /// afresh, so what survives is what it wrote to disk.
    public func restartDaemon() throws {
        stopDaemon()
        try startDaemonAgain()
    }

    /// Stops the daemon with `signal` (SIGKILL: it dies as in a crash) and waits until it has left the bus.
    public func stopDaemon(signal: Int32 = SIGTERM) {
        guard let daemon, daemon.isRunning else { return }
        kill(daemon.processIdentifier, signal)
        for _ in 0..<100 where daemon.isRunning { usleep(20_000) }
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        daemon.waitUntilExit()
        try? waitFor("the old daemon to leave the bus") { !self.serviceIsUp() }
    }

    /// Starts the daemon again after `stopDaemon`, on the same keyring files.
    public func startDaemonAgain() throws {
        try startDaemon()
    }

    /// A daemon started with every signal unblocked and at its default action. The test runner's threads
    /// block most signals and children inherit that mask: a dbus-daemon that cannot see SIGCHLD never
    /// learns that a service it activated (the keyring's prompter) has died, and waits for D-Bus's timeout.
    public static func daemonProcess(_ command: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            for s in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGTERM, signal.SIGINT):
                signal.signal(s, signal.SIG_DFL)
            os.execv(sys.argv[1], sys.argv[1:])
            """] + command
        return process
    }

    /// Whether org.freedesktop.secrets has an owner (asked without activating it).
    public func serviceIsUp() -> Bool {
        let result = try? run("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"],
                              environment: environment)
        return result?.stdout.contains("boolean true") == true
    }

    /// Locks the login collection, as the desktop does on screen lock.
    public func lock() throws {
        try run("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
                              "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login"],
                environment: environment)
    }

    private func waitFor(_ what: String, _ ready: () -> Bool) throws {
        for _ in 0..<500 {
            if ready() { return }
            usleep(20_000)
        }
        throw NSError(domain: "PrivateKeyring", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(what) did not start"])
    }

    public func stop() {
        // gnome-keyring-daemon does not always leave on SIGTERM; nothing of it needs keeping.
        for process in [daemon, bus].compactMap({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    deinit { stop() }
}
