import Foundation
import Testing
import TestSupport

/// Secrets in memory are locked out of swap where the kernel allows it, and a refusal (RLIMIT_MEMLOCK
/// used up) makes no command fail: both shown on the real binary, on either store.
@Suite("Secrets locked out of swap, and nothing fails where the kernel refuses")
struct LockedMemoryTests {
    /// RFC 6238's SHA1 seed ("12345678901234567890"); its code at T = 59 is 94287082, 287082 in 6 digits.
    static let uri = "otpauth://totp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex\n"

    /// The command line that runs `command` with every mlock refused: a locked-memory limit of 0, and for
    /// root also no CAP_IPC_LOCK (which lets root lock past any limit).
    static func refusingLocks(_ command: [String]) -> [String] {
        ["prlimit", "--memlock=0:0"] + (getuid() == 0 ? ["setpriv", "--bounding-set=-ipc_lock", "--inh-caps=-ipc_lock", "--"] : ["--"])
            + command
    }

    /// The `VmLck:` line of /proc/PID/status, in kB.
    static func lockedKB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmLck:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }

    @Test func aRefusedLockFailsNoCommand() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(Self.uri.utf8)).status == 0)
        let line = Self.refusingLocks([authvBinary, "code", "Ex", "--at", "59"])
        let result = try run(line[0], Array(line.dropFirst()), environment: s.environment, replaceEnvironment: true, directory: s.folder)
        #expect(result.status == 0 && result.stdout == "287082\n" && result.stderr.isEmpty, "\(result.stderr)")
        let listed = Self.refusingLocks([authvBinary, "list"])
        let list = try run(listed[0], Array(listed.dropFirst()), environment: s.environment, replaceEnvironment: true, directory: s.folder)
        #expect(list.status == 0 && list.stdout.contains("Ex (bob)"), "\(list.stderr)")
    }

    /// A running `watch` holds its accounts' secrets in locked pages; under a refusing limit the same
    /// watch runs with none locked.
    @Test func aRunningWatchLocksItsSecretsWhereAllowed() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(Self.uri.utf8)).status == 0)
        for refused in [false, true] {
            // The pane's shell execs prlimit, which execs setpriv, which execs authv: the pane's one process.
            let command = "exec " + (refused ? Self.refusingLocks([authvBinary, "watch"]) : [authvBinary, "watch"]).joined(separator: " ")
            let t = try TerminalSession(command, environment: s.environment, folder: s.folder)
            defer { t.stop() }
            #expect(t.waitFor("Ex (bob)").0, "watch shows the account")
            let pid = try #require(t.panePID())
            let locked = try #require(Self.lockedKB(pid))
            if refused {
                #expect(locked == 0)
            } else {
                #expect(locked >= 4, "VmLck \(locked) kB")
            }
        }
    }
}
