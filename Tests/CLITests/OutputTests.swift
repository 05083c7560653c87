import Foundation
import Testing
import TestSupport

/// Where a command's standard output goes when it cannot be delivered.
enum Sink: String, CaseIterable {
    /// The start of authv's message when output went here.
    var lost: String {
        "authv: standard output: not written (" + [.full: "No space left on device", .closedPipe: "Broken pipe", .closed: "it is closed"][self]! + ")"
    }

    /// /dev/full: every write fails with ENOSPC, as on a full disk.
    case full
    /// A pipe whose reader is gone before authv starts; SIGPIPE at its default action, as a shell leaves it.
    case closedPipe
    /// No standard output at all (`>&-`).
    case closed
}

@Suite("Output that never arrived is a failure")
struct OutputTests {
    @Test(arguments: Sink.allCases)
    func exportListAndHelp(sink: Sink) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data([P1, P2].joined(separator: "\n").utf8)).status == 0)
        for arguments in [["export"], ["export", "--format", "migration"], ["list"], ["list", "--json"],
                          ["code", "github"], ["code", "github", "--at", "0"], ["--help"], ["--version"]] {
            let lost = try s.authvInto(sink, arguments)
            expectFailure(lost, status: 1, line: sink.lost)
        }
    }

    /// HOTP: the counter is stored before the code is shown, so a code that never arrived is used; the
    /// message says so, for the parsed command and the fast path alike, and SIGPIPE does not kill authv.
    @Test(arguments: Sink.allCases)
    func hotpCodeSaysTheCounterMoved(sink: Sink) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P3.utf8)).status == 0)
        var counter: UInt64 = 5
        for arguments in [["code", "corp vpn"], ["code", "corp vpn", "-n"], ["code", "Corp VPN", "--at", "0"]] {
            let lost = try s.authvInto(sink, arguments)
            expectFailure(lost, status: 1, line: sink.lost + "; the HOTP counter of Corp VPN (carol) has moved on, so this code is used: run `authv code` again for the next one")
            counter += 1
            #expect(try s.storedAccounts().first?.counter == counter, "the counter moved, as the message says")
        }
    }

    @Test(arguments: Sink.allCases)
    func recoveryUseSaysTheCodeIsUsed(sink: Sink) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data(P1.utf8)).status == 0)
        #expect(try s.authv("recovery", "add", "example", fixtures + "recovery/github-recovery-codes.txt").status == 0)
        let lost = try s.authvInto(sink, ["recovery", "use", "example"])
        expectFailure(lost, status: 1, line: sink.lost + "; that recovery code of Example (alice@example.com) is marked used all the same: take the next one, or read it with `authv recovery list`")  // not the code itself
        let listed = try s.authv("recovery", "list", "example").stdout
        #expect(listed.hasPrefix("a7c3e-9f21b  used\n"), "\(listed)")
        #expect(try s.authv("recovery", "use", "example").stdout == "04d9b-77ce2\n")
    }

    /// A command that writes nothing to standard output still succeeds without one.
    @Test func noOutputNoFailure() throws {
        let s = try Session()
        let added = try s.authvInto(.closed, ["add", try s.file("a.txt", P1 + "\n")])
        #expect(added.status == 0 && added.stderr == "added: Example (alice@example.com)\n", "\(added.stderr)")
    }
}

extension Session {
    /// Runs authv with its standard output sent to `sink` (by Python's subprocess, which restores SIGPIPE
    /// to its default action in the child); standard error is captured. A death by signal is 128 + signal.
    func authvInto(_ sink: Sink, _ arguments: [String]) throws -> RunResult {
        let script = """
            import os, subprocess, sys
            mode, args = sys.argv[1], sys.argv[2:]
            if mode == "full":
                r = subprocess.run(args, stdout=open("/dev/full", "wb"))
            elif mode == "closedPipe":
                rd, wr = os.pipe()
                os.close(rd)
                r = subprocess.run(args, stdout=wr)
            else:
                r = subprocess.run(args, preexec_fn=lambda: os.close(1))
            sys.exit(r.returncode if r.returncode >= 0 else 128 - r.returncode)
            """
        return try run("/usr/bin/python3", ["-c", script, sink.rawValue, authvBinary] + arguments,
                       environment: environment, replaceEnvironment: true, directory: folder)
    }
}
