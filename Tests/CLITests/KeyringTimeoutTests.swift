import Foundation
import Testing
import TestSupport

/// Every D-Bus call is bounded: a keyring daemon that is stopped, or a bus socket that accepts and never
/// answers, gives one line naming the wait instead of a hang (issue 10 item 6). AUTHV_KEYRING_TIMEOUT makes
/// the bound 1 s here; coreutils' timeout(1) turns a hang into a failure (exit 124) instead of a stuck run.
@Suite("The keyring that does not answer", .enabled(if: TestStore.onKeyring, "the keyring itself"))
struct KeyringTimeoutTests {
    static let bound = ["AUTHV_KEYRING_TIMEOUT": "1"]

    func authv(_ s: Session, _ arguments: [String], environment: [String: String], stdin: Data = Data()) throws -> RunResult {
        try run("timeout", ["30", authvBinary] + arguments, stdin: stdin, environment: environment, replaceEnvironment: true)
    }

    @Test func aStoppedDaemonIsNamedNotWaitedFor() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data("otpauth://totp/Ex:bob?secret=JBSWY3DPEHPK3PXP\n".utf8)).status == 0)
        let daemon = try #require(s.keyring.daemonID)
        kill(daemon, SIGSTOP)
        defer { kill(daemon, SIGCONT) }
        let environment = s.keyring.environment.merging(KeyringTimeoutTests.bound) { $1 }
        for arguments in [["list"], ["code", "ex"], ["remove", "ex", "--yes"]] {
            let result = try authv(s, arguments, environment: environment)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "authv: the keyring did not answer within 1 s (opening a session): its daemon (gnome-keyring-daemon, KeePassXC) is stopped or stuck; restart it and try again\n",
                    "\(arguments)")
        }
        let add = try authv(s, ["add", "-"], environment: environment, stdin: Data("otpauth://totp/New:x?secret=JBSWY3DPEHPK3PXP\n".utf8))
        #expect(add.status == 1)
        #expect(add.stderr.hasPrefix("authv: the keyring did not answer within 1 s ("), "\(add.stderr)")
        kill(daemon, SIGCONT)
        // Nothing was changed meanwhile.
        #expect(try s.storedAccounts().map(\.issuer) == ["Ex"])
    }

    @Test func aSocketThatNeverAnswersIsNamedNotWaitedFor() throws {
        let folder = try temporaryFolder("authv-mute-bus")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A listening socket that nobody ever reads: the kernel accepts each connection into its backlog.
        let path = folder + "/bus"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0 && listen(listener, 16) == 0)
        let environment = ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(path)", "HOME": folder, "XDG_RUNTIME_DIR": folder,
                           "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(KeyringTimeoutTests.bound) { $1 }
        for arguments in [["list"], ["code", "ex"]] {
            let result = try run("timeout", ["30", authvBinary] + arguments, environment: environment, replaceEnvironment: true)
            #expect(result.status == 1, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr == "authv: the keyring did not answer within 1 s (opening a session): its daemon (gnome-keyring-daemon, KeePassXC) is stopped or stuck; restart it and try again\n",
                    "\(arguments)")
        }
    }
}
