import Foundation
import Testing
import TestSupport

/// What other processes can learn of a secret while authv runs: a core file (none: authv makes itself
/// non-dumpable), its command line and environment, and those of the clipboard tool it starts.
@Suite("Secrets while authv runs: no core file, nothing in /proc's cmdline or environ", .enabled(if: TestStore.onKeyring, "the processes are the same on either store"))
struct SecretsInMemoryTests {
    static let secret = "JBSWY3DPEHPK3PXP"   // P1's secret, in Fixtures/qr/png-rgb.png

    /// The NUL-separated strings of /proc/PID/FILE (cmdline, environ), or nil once the process is gone.
    static func procStrings(_ pid: Int32, _ file: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/\(file)") else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aRunningWatchShowsNoSecretAndLeavesNoCoreFile() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let cores = s.folder + "/cores"
        try FileManager.default.createDirectory(atPath: cores, withIntermediateDirectories: false)
        // core_pattern is the kernel's; where it names a plain file (`core`), a dumpable process killed by
        // SIGQUIT leaves it in its working folder when the core size limit allows. Swift's backtracer is
        // turned off so that the signal reaches the kernel's default action, as in a release build
        // without it.
        let pattern = (try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8)) ?? ""
        let t = try TerminalSession("sh -c 'ulimit -c unlimited; cd \(cores) && SWIFT_BACKTRACE=enable=no exec \(authvBinary) watch'",
                                    environment: s.keyring.environment, folder: s.folder)
        defer { t.stop() }
        #expect(t.waitFor("Example").0, "watch shows the account")
        let pid = try #require(t.panePID())
        let command = try #require(Self.procStrings(pid, "cmdline"))
        #expect(command.last == "watch")
        let environment = try #require(Self.procStrings(pid, "environ"))
        for text in command + environment {
            #expect(!text.contains(Self.secret), "the secret in /proc/\(pid): \(text.prefix(40))")
        }
        kill(pid, SIGQUIT)
        for _ in 0..<100 where Self.procStrings(pid, "cmdline") != nil { usleep(50_000) }
        let left = try FileManager.default.contentsOfDirectory(atPath: cores)
        if pattern.hasPrefix("|") || pattern.contains("/") {
            print("core_pattern is \(pattern.trimmingCharacters(in: .whitespacesAndNewlines)): a core file would not land in the working folder")
        } else {
            #expect(left.isEmpty, "authv watch left a core file: \(left)")
        }
    }

    @Test func theClipboardToolGetsTheCodeOnItsStandardInputOnly() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let x = try VirtualDisplay()
        defer { x.stop() }
        var env = s.keyring.environment
        env["DISPLAY"] = x.display
        let result = try run(authvBinary, ["code", "example", "--copy", "--clear-after", "30"], environment: env, replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        let code = try run("xclip", ["-selection", "clipboard", "-o"], environment: env, replaceEnvironment: true).stdout
        #expect(code.count == 6)
        // Every process on this private display (found by its DISPLAY, which no other test shares): the
        // xclip that holds the selection, and authv's own clearer waiting to empty it.
        var found = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(name), pid != getpid(),
                  let environment = Self.procStrings(pid, "environ"), environment.contains("DISPLAY=\(x.display)"),
                  let command = Self.procStrings(pid, "cmdline"), !(command.first ?? "").hasSuffix("Xvfb") else { continue }
            found += 1
            for text in command + environment {
                #expect(!text.contains(code), "the code in /proc/\(pid) (\(command.first ?? "")): \(text)")
                #expect(!text.contains(Self.secret), "the secret in /proc/\(pid) (\(command.first ?? ""))")
            }
        }
        #expect(found >= 1, "the clipboard tool is running")
    }

    /// The writable memory of process `pid` (its heap and anonymous maps), region by region, read through
    /// /proc/PID/mem; nil when that is refused.
    static func writableMemory(_ pid: Int32) -> [Data]? {
        guard let maps = try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8),
              let memory = FileHandle(forReadingAtPath: "/proc/\(pid)/mem") else { return nil }
        defer { try? memory.close() }
        var regions: [Data] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1].hasPrefix("rw"), !line.hasSuffix("[vvar]") else { continue }
            let range = fields[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
            guard range.count == 2, range[1] > range[0], range[1] - range[0] <= 256 << 20 else { continue }
            do {
                try memory.seek(toOffset: range[0])
                if let data = try memory.read(upToCount: Int(range[1] - range[0])) { regions.append(data) }
            } catch {
                continue
            }
        }
        return regions.isEmpty ? nil : regions
    }

    /// Every message authv's sd-bus sends or receives is marked sensitive, so that sd-bus wipes it when
    /// it frees it. The GetSecrets reply holds each secret read, in D-Bus's wire form: the URI's bytes, then
    /// the content type as a string of length 10 (`\n\0\0\0text/plain\0`). `list` of 100 accounts, stopped
    /// (debug hook `AUTHV_FAULT=stop-after-keyring-read`) once it has read and freed that reply, holds no
    /// such copy in its memory; without the marking (`messageSensitive` not called) it held 40. Another
    /// process's memory is readable only with CAP_SYS_PTRACE here, since authv makes itself non-dumpable:
    /// root, as in CI.
    @Test(.enabled(if: getuid() == 0, "reading a non-dumpable process's memory needs CAP_SYS_PTRACE (root)"))
    func theKeyringsRepliesAreWipedWhenFreed() throws {
        let s = try Session()
        let uris = (1...100).map { "otpauth://totp/Site\($0):user\($0)?secret=JBSWY3DPEHPK3PXP&issuer=Site\($0)" }
        #expect(try s.authv("add", "-", stdin: Data((uris.joined(separator: "\n") + "\n").utf8)).status == 0)
        let list = Process()
        list.executableURL = URL(fileURLWithPath: authvBinary)
        list.arguments = ["list"]
        list.environment = s.environment.merging(["AUTHV_FAULT": "stop-after-keyring-read"]) { $1 }
        list.standardOutput = FileHandle.nullDevice
        list.standardError = FileHandle.nullDevice
        try list.run()
        defer {
            kill(list.processIdentifier, SIGKILL)
            list.waitUntilExit()
        }
        let pid = list.processIdentifier
        var stopped = false
        for _ in 0..<400 where !stopped {
            stopped = ((try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "").contains("State:\tT")
            if !stopped { usleep(25_000) }
        }
        try #require(stopped, "list stopped itself after reading the keyring")
        let regions = try #require(Self.writableMemory(pid), "/proc/\(pid)/mem is readable")
        let contentType = Data("\n\0\0\0text/plain\0".utf8)
        var copies = 0
        for region in regions {
            var from = region.startIndex
            while let found = region.range(of: contentType, in: from..<region.endIndex) {
                copies += 1
                from = found.upperBound
            }
        }
        #expect(copies == 0, "\(copies) secrets of the GetSecrets reply left in list's memory")
    }
}
