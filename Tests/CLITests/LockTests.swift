import Foundation
import OTP
import Testing
import TestSupport

/// Another process holding authv's lock file (a flock, as authv takes it) until it is stopped.
final class LockHolder {
    let process: Process
    private let input = Pipe()

    init(path: String) throws {
        process = PrivateKeyring.daemonProcess(["/usr/bin/python3", "-c", """
            import fcntl, sys
            f = open(sys.argv[1], "a")
            fcntl.flock(f, fcntl.LOCK_EX)
            print("locked", flush=True)
            sys.stdin.read()
            """, path])
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.readData(ofLength: 7), as: UTF8.self)
        guard line == "locked\n" else { stop(); throw NSError(domain: "LockHolder", code: 1) }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

@Suite("authv's lock")
struct LockTests {
    @Test func lockLivesInAPrivateFolderOfTheRuntimeDirectory() throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        let folder = s.environment["XDG_RUNTIME_DIR"]! + "/authv"
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect(attributes[.type] as? FileAttributeType == .typeDirectory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let lock = try FileManager.default.attributesOfItem(atPath: folder + "/lock")
        #expect((lock[.posixPermissions] as? Int) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: s.environment["XDG_RUNTIME_DIR"]! + "/authv.lock"))
    }

    @Test func aWaitSaysWhoHoldsTheLockAndEndsWithAClearError() throws {
        let s = try Session()
        let hotp = "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7"
        #expect(try s.authv("add", "-", stdin: Data(hotp.utf8)).status == 0)
        let path = s.environment["XDG_RUNTIME_DIR"]! + "/authv/lock"
        let holder = try LockHolder(path: path)
        defer { holder.stop() }
        let pid = holder.process.processIdentifier
        let result = try s.authv("code", "ex", extra: ["AUTHV_LOCK_WAIT": "1.5"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").map(String.init) == [
            "waiting for authv's lock, held by python3 (pid \(pid))",
            "authv: cannot take authv's lock: python3 (pid \(pid)) has held \(path) for 1.5 s; try again when it is done",
        ])
        #expect(try s.storedAccounts().first?.counter == 7, "no counter used")
        holder.stop()
        let after = try s.authv("code", "ex")
        #expect(after.status == 0 && after.stderr.isEmpty, "\(after.stderr)")
    }
}
