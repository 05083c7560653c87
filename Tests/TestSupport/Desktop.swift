import Foundation

/// A terminal a person would use: a tmux session running one command, read with capture-pane and typed
/// into with send-keys.
public final class TerminalSession: @unchecked Sendable {
    let socket: String
    let environment: [String: String]

    public init(_ command: String, environment: [String: String], folder: String, width: Int = 100, height: Int = 25) throws {
        socket = folder + "/tmux-\(UUID().uuidString.prefix(8))"
        var env = environment
        env["TERM"] = "xterm-256color"
        self.environment = env
        let result = try run("tmux", ["-S", socket, "-f", "/dev/null", "new-session", "-d", "-s", "t",
                                      "-x", String(width), "-y", String(height), command],
                             environment: env, replaceEnvironment: true, capture: false)
        guard result.status == 0 else {
            throw NSError(domain: "tmux", code: 1, userInfo: [NSLocalizedDescriptionKey: "tmux failed to start"])
        }
    }

    /// What the screen shows now.
    public func screen() -> String {
        (try? run("tmux", ["-S", socket, "capture-pane", "-p", "-t", "t"], environment: environment, replaceEnvironment: true).stdout) ?? ""
    }

    /// Types keys (tmux key names: "Enter", "Escape", "C-c", or text).
    public func send(_ keys: String...) {
        _ = try? run("tmux", ["-S", socket, "send-keys", "-t", "t"] + keys, environment: environment, replaceEnvironment: true, capture: false)
    }

    /// Waits until the screen shows `text` (up to `seconds`); the last screen either way.
    @discardableResult
    public func waitFor(_ text: String, seconds: Double = 5) -> (Bool, String) {
        let end = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < end {
            last = screen()
            if last.contains(text) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }

    /// The process running in the pane (for sending it signals).
    public func panePID() -> Int32? {
        let result = try? run("tmux", ["-S", socket, "list-panes", "-t", "t", "-F", "#{pane_pid}"], environment: environment, replaceEnvironment: true)
        return result.flatMap { Int32($0.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    public func stop() {
        _ = try? run("tmux", ["-S", socket, "kill-server"], environment: environment, replaceEnvironment: true, capture: false)
    }

    deinit { stop() }
}

/// A real X server (Xvfb) for clipboard and screen tests; `screens` are Xvfb's `-screen` sizes, joined
/// into one root window by Xinerama when there are several.
public final class VirtualDisplay: @unchecked Sendable {
    public let display: String
    private let process: Process

    public init(screens: [String] = ["640x480x24"]) throws {
        var number = Int.random(in: 200..<900)
        while FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") { number += 1 }
        display = ":\(number)"
        var arguments = ["/usr/bin/Xvfb", display, "-nolisten", "tcp"]
        if screens.count > 1 { arguments.append("+xinerama") }
        for (i, size) in screens.enumerated() { arguments += ["-screen", String(i), size] }
        process = PrivateKeyring.daemonProcess(arguments)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<250 {
            if FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") { return }
            usleep(20_000)
        }
        throw NSError(domain: "Xvfb", code: 1, userInfo: [NSLocalizedDescriptionKey: "Xvfb did not start"])
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
