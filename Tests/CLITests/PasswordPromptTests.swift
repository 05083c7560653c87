import Foundation
import Testing
import TestSupport

/// A signal that ends authv while it asks for a password (echo off) puts the terminal's settings back
/// first: CSignals' handler, which touches only what it was handed before the prompt.
@Suite("A signal during the password prompt", .enabled(if: TestStore.onKeyring, "needs no store: the keyring pass runs it"))
struct PasswordPromptTests {
    /// SIGINT takes the same handler; it is left out here because the shell around authv, seeing its child
    /// die of SIGINT, ends itself too before it could run stty.
    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT]) func leavesTheTerminalEchoing(signal: Int32) throws {
        let s = try Session(store: .keyring)
        let vault = s.folder + "/prompted.json", settings = s.folder + "/stty-after"
        let t = try TerminalSession("\(authvBinary) vault create \(vault); echo ended $?; stty -a > \(settings).part; mv \(settings).part \(settings); sleep 60",
                                    environment: s.keyring.environment, folder: s.folder)
        defer { t.stop() }
        let (asked, screen) = t.waitFor("New password for the vault")
        try #require(asked, "\(screen)")
        t.send("typed-unseen")
        let shell = try #require(t.panePID())
        let child = try run("pgrep", ["-P", String(shell)]).stdout.split(separator: "\n").first.flatMap { Int32($0) }
        let pid = try #require(child)
        #expect(!t.screen().contains("typed-unseen"), "echo is off while it asks")
        kill(pid, signal)
        let (ended, last) = t.waitFor("ended \(128 + signal)")
        #expect(ended, "\(last)")
        var words: [Substring] = []
        // Written beside and renamed by the shell: what is read is the whole report or nothing.
        for _ in 0..<400 where words.isEmpty {
            words = ((try? String(contentsOfFile: settings, encoding: .utf8)) ?? "").split(whereSeparator: { " ;\n".contains($0) })
            if words.isEmpty { usleep(50_000) }
        }
        #expect(words.contains("echo") && !words.contains("-echo"), "stty after authv: \(words.filter { $0.contains("echo") })")
        #expect(access(vault, F_OK) != 0, "no vault was created")
    }
}
