import Foundation
import OTP
import Testing
import TestSupport

@Suite("Daily use: fresh codes, clipboard, live view, completion, recovery codes, clock")
struct DailyUseTests {
    @Test func freshWaitsForTheNextWindow() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        // 5 s left at 1700000035 (its window is 1700000010 to 1700000039): --fresh 10 takes the next
        // window's code, and says so.
        let waited = try s.authv("code", "example", "--fresh", "10", "--at", "1700000035")
        #expect(waited.status == 0)
        #expect(waited.stdout == Codes.p1At1700000040 + "\n")
        #expect(waited.stderr == "only 5 s left at 1700000035: the code of the next window, from 1700000040\n")  // nothing waited for
        // Enough time left: the current code, no message.
        let now = try s.authv("code", "example", "--fresh", "3", "--at", "1700000025")
        let current = Codes.p1At1700000010
        #expect(now.stdout == current + "\n" && now.stderr.isEmpty)
        expectFailure(try s.authv("code", "example", "--fresh", "30", "--at", "1700000025"), status: 1,
                      line: "authv: --fresh 30: Example (alice@example.com) changes its code every 30 s")
    }

    @Test func copyPutsTheCodeOnTheClipboardAndClearsIt() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let x = try VirtualDisplay()
        var env = s.environment
        env["DISPLAY"] = x.display
        let result = try run(authvBinary, ["code", "example", "--copy", "--clear-after", "2"], environment: env, replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing on standard output")
        #expect(result.stderr.contains("xclip"))
        let paste = { try run("xclip", ["-selection", "clipboard", "-o"], environment: env, replaceEnvironment: true).stdout }
        let copied = try paste()
        #expect(copied.count == 6 && copied.allSatisfy(\.isNumber))
        // Cleared after 2 s: polled until it is, for at most 20 s (a loaded machine may be slow to run the helper).
        var cleared = false
        for _ in 0..<200 where !cleared {
            cleared = try paste().isEmpty
            if !cleared { usleep(100_000) }
        }
        #expect(cleared, "cleared after 2 s")

        // Changed meanwhile: left alone.
        #expect(try run(authvBinary, ["code", "example", "--copy", "--clear-after", "2"], environment: env, replaceEnvironment: true).status == 0)
        // xclip stays in the background to serve the selection: keep it off our pipes.
        try run("xclip", ["-selection", "clipboard"], stdin: Data("something else".utf8), environment: env, replaceEnvironment: true, capture: false)
        usleep(3_500_000)
        #expect(try paste() == "something else")
    }

    @Test func copyWithoutAClipboardToolSaysWhichToInstall() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let emptyBin = try temporaryFolder()
        var env = s.environment
        env["DISPLAY"] = ":999"
        env["PATH"] = emptyBin
        expectFailure(try run(authvBinary, ["code", "example", "--copy"], environment: env, replaceEnvironment: true),
                      status: 1, line: "authv: --copy: no clipboard tool found: install wl-clipboard (Wayland), xclip or xsel (X11)")
    }

    @Test func watchShowsFiltersAndRestoresTheTerminal() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/three-codes.png").status == 0)
        let after = s.folder + "/stty-after"
        let t = try TerminalSession("\(authvBinary) watch; stty -a > \(after).part; mv \(after).part \(after); sleep 60", environment: s.environment, folder: s.folder)
        let (shown, screen) = t.waitFor("GitHub (bob)")
        #expect(shown, "\(screen)")
        #expect(screen.contains("Example (alice@example.com)"))
        // Codes grouped for reading, and a countdown.
        #expect(screen.range(of: #"\d{3} \d{3} "#, options: .regularExpression) != nil, "\(screen)")
        #expect(screen.range(of: #"\d{4} \d{4} "#, options: .regularExpression) != nil)
        #expect(screen.range(of: #"\d+s"#, options: .regularExpression) != nil)
        t.send("g", "i", "t")
        let (filtered, filteredScreen) = t.waitFor("filter: git")
        #expect(filtered)
        #expect(filteredScreen.contains("GitHub (bob)") && !filteredScreen.contains("Example (alice"))
        t.send("Escape")
        t.waitFor("type to filter")
        t.send("q")
        // The shell writes stty's report beside and renames it: once `after` exists it is whole.
        for _ in 0..<400 where !FileManager.default.fileExists(atPath: after) { usleep(50_000) }
        let stty = try String(contentsOfFile: after, encoding: .utf8)
        #expect(stty.contains(" icanon") && stty.contains(" echo "), "terminal restored: \(stty)")
    }

    @Test func watchRestoresTheTerminalOnSIGTERM() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let after = s.folder + "/stty-after"
        let t = try TerminalSession("\(authvBinary) watch; echo status=$? > \(after).status; stty -a > \(after).part; mv \(after).part \(after); sleep 60",
                                    environment: s.environment, folder: s.folder)
        #expect(t.waitFor("Example (alice@example.com)").0)
        // This pane's authv alone: the child of the pane's shell (never another test's watch).
        let shell = try #require(t.panePID())
        let pids = try run("pgrep", ["-P", String(shell), "-x", "authv"]).stdout.split(separator: "\n").compactMap { Int32($0) }
        try #require(pids.count == 1, "\(pids)")
        kill(pids[0], SIGTERM)
        // The shell writes stty's report beside and renames it: once `after` exists it is whole.
        for _ in 0..<400 where !FileManager.default.fileExists(atPath: after) { usleep(50_000) }
        let stty = try String(contentsOfFile: after, encoding: .utf8)
        #expect(stty.contains(" icanon") && stty.contains(" echo "))
        #expect(try String(contentsOfFile: after + ".status", encoding: .utf8).contains("status=143"))
    }

    @Test func watchRefusesWithoutATerminal() throws {
        let s = try Session()
        expectFailure(try s.authv("watch"), status: 1, line: "authv: watch needs a terminal (for one code in a script, use `authv code QUERY`)")
    }

    @Test func removeAsksTwiceWhenRecoveryCodesAreUnused() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        #expect(try s.authv("recovery", "add", "example", fixtures + "recovery/github-recovery-codes.txt").status == 0)
        let t = try TerminalSession("\(authvBinary) remove example; sleep 60", environment: s.environment, folder: s.folder)
        #expect(t.waitFor("Remove Example (alice@example.com)?").0)
        t.send("y", "Enter")
        #expect(t.waitFor("4 unused recovery codes").0)
        t.send("n", "Enter")
        #expect(t.waitFor("not removed").0)
        #expect(try s.stored().count == 1)

        let t2 = try TerminalSession("\(authvBinary) remove example; sleep 60", environment: s.environment, folder: s.folder)
        #expect(t2.waitFor("Remove Example").0)
        t2.send("y", "Enter")
        #expect(t2.waitFor("unused recovery codes").0)
        t2.send("y", "Enter")
        #expect(t2.waitFor("removed: Example").0)
        #expect(try s.stored().isEmpty)
        let left = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes"],
                           environment: s.keyring.environment, replaceEnvironment: true)
        #expect(!left.stdout.contains("secret ="), "the recovery codes went with the account")
    }

    /// A session holding three-codes.png's accounts, and an environment where `authv` is on the PATH
    /// (completion scripts call it by name).
    private func completionSession() throws -> (Session, [String: String]) {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/three-codes.png").status == 0)
        let bin = try temporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: bin + "/authv", withDestinationPath: authvBinary)
        var env = s.environment
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        return (s, env)
    }

    @Test func completionOffersAccountNames() throws {
        let (s, env) = try completionSession()
        let script = """
            source <(authv --generate-completion-script bash)
            COMP_WORDS=(authv code Gi); COMP_CWORD=2; COMP_LINE="authv code Gi"; COMP_POINT=${#COMP_LINE}
            _authv; printf '%s\\n' "${COMPREPLY[@]}"
            COMP_WORDS=(authv re); COMP_CWORD=1; COMP_LINE="authv re"; COMP_POINT=${#COMP_LINE}
            _authv; printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try run("bash", ["-c", script], environment: env, replaceEnvironment: true)
        let offered = result.stdout.split(separator: "\n").map(String.init)
        #expect(offered.contains("GitHub (bob)") && offered.contains("GitHub"), "\(result.stdout) \(result.stderr)")
        #expect(offered.contains("remove") && offered.contains("rename") && offered.contains("recovery"))
        withExtendedLifetime(s) {}  // its keyring answers until the end
    }

    /// zsh and fish complete only in an interactive shell (fish's `complete -C` cannot run the generated
    /// script's `commandline` calls without one), so: the shell in a terminal, a QUERY typed, Tab.
    @Test(arguments: [
        ("zsh -f", "autoload -Uz compinit && compinit -u && source <(authv --generate-completion-script zsh)"),
        ("fish --no-config", "authv --generate-completion-script fish | source"),
    ])
    func completionInAnInteractiveShell(shell: String, setUp: String) throws {
        let (s, env) = try completionSession()
        let t = try TerminalSession(shell, environment: env, folder: s.folder)
        t.send(setUp, "Enter")
        t.send("echo set-up\\ done", "Enter")
        #expect(t.waitFor("set-up done").0, "\(t.screen())")
        // zsh's first Tab completes the common prefix and its second lists; fish lists at once.
        t.send("authv code Gi", "Tab")
        t.send("Tab")
        let (listed, screen) = t.waitFor("GitHub (bob)")
        #expect(listed, "\(shell): \(screen)")
        #expect(!screen.contains("Example"), "only the accounts that match: \(screen)")
        withExtendedLifetime(s) {}  // its keyring answers until the end
    }

    @Test func recoveryCodesFromTextAndPDF() throws {
        let s = try Session()
        let path = try s.file("a.txt", [P1, P2].joined(separator: "\n"))
        #expect(try s.authv("add", path).status == 0)
        let added = try s.authv("recovery", "add", "github", fixtures + "recovery/github-recovery-codes.txt")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("stored 4 recovery codes"))
        #expect(!added.stderr.contains("a7c3e"), "codes never appear in messages")
        let expected = try String(contentsOfFile: fixtures + "recovery/expected-github.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        var listed = try s.authv("recovery", "list", "github").stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(listed == expected)

        // Use: the next unused code, marked used before it is printed.
        #expect(try s.authv("recovery", "use", "github").stdout == expected[0] + "\n")
        let list = try s.authv("recovery", "list", "github").stdout
        #expect(list.split(separator: "\n").first?.hasSuffix(" used") == true)
        #expect(list.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix("unused") })
        if let vault = s.vault {
            // In the vault: the entry's note, read by the oracle.
            let kept = try vaultContents(vault.path, passwordFile: vault.passwordFile).recovery.values.first { $0.first?.code == expected[0] }
            #expect(kept?.first?.used == true && kept?.dropFirst().allSatisfy { !$0.used } == true, "the used code marked")
        } else {
            let raw = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes"],
                              environment: s.keyring.environment, replaceEnvironment: true).stdout
            #expect(raw.contains("secret = used:\(expected[0]) unused:"), "one line, the used code marked")
        }
        #expect(try s.authv("recovery", "use", "github").stdout == expected[1] + "\n")
        #expect(try s.authv("recovery", "use", "github").status == 0)
        #expect(try s.authv("recovery", "use", "github").status == 0)
        expectFailure(try s.authv("recovery", "use", "github"), status: 1, line: "authv: every recovery code of GitHub (bob) is used: ask the site for new ones")

        // A PDF with two columns of codes.
        #expect(try s.authv("recovery", "add", "example", fixtures + "recovery/google-backup-codes.pdf").status == 0)
        let pdfExpected = try String(contentsOfFile: fixtures + "recovery/expected-google.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        listed = try s.authv("recovery", "list", "example").stdout.split(separator: "\n").map { line in
            String(line.dropLast(line.hasSuffix("unused") ? 6 : 4)).trimmingCharacters(in: .whitespaces)
        }
        #expect(Set(listed) == Set(pdfExpected))

        // Bad inputs: no codes, an unknown account, an account without codes.
        let none = try s.file("none.txt", "nothing to see here\n")
        expectFailure(try s.authv("recovery", "add", "github", none), status: 1, line: "authv: \(none): no recovery codes found")
        expectFailure(try s.authv("recovery", "add", "nobody", fixtures + "recovery/github-recovery-codes.txt"), status: 1,
                      line: "authv: no account matches 'nobody'")
        #expect(try s.authv("add", "-", stdin: Data(P3.utf8)).status == 0)
        expectFailure(try s.authv("recovery", "list", "corp"), status: 1,
                      line: "authv: no recovery codes kept for Corp VPN (carol) (add them with `authv recovery add`)")
        // Nothing was written outside the keyring.
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.folder).sorted() == ["a.txt", "none.txt"])
    }

    @Test func doctorAndTheClockWarning() throws {
        let s = try Session()
        #expect(try s.authv("add", fixtures + "qr/png-rgb.png").status == 0)
        let good = try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "synchronised"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains(TestStore.onKeyring ? "ok    keyring" : "ok    vault: decrypts") && good.stdout.contains("ok    accounts: 1 stored") && good.stdout.contains("ok    clock"))
        let bad = try s.authv("doctor", extra: ["AUTHV_CLOCK_STATUS": "unsynchronised"])
        #expect(bad.status != 0)
        #expect(bad.stdout.contains("FAIL  clock"))
        // list and code warn once on standard error; the code itself is unchanged.
        let code = try s.authv("code", "example", "--at", "59", extra: ["AUTHV_CLOCK_STATUS": "unsynchronised"])
        let expected = Codes.p1At59
        #expect(code.status == 0 && code.stdout == expected + "\n")
        #expect(code.stderr.split(separator: "\n").count == 1 && code.stderr.contains("not synchronised"))
        let list = try s.authv("list", extra: ["AUTHV_CLOCK_STATUS": "unsynchronised"])
        #expect(list.stderr.split(separator: "\n").count == 1)
        #expect(try s.authv("list", extra: ["AUTHV_CLOCK_STATUS": "synchronised"]).stderr.isEmpty)
        // No keyring: doctor says so.
        let folder = try temporaryFolder()
        let none = try run(authvBinary, ["doctor"], environment: ["PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": folder,
                                                                  "AUTHV_NTP_SERVER": "127.0.0.1:9",
                                                                  "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(folder)/none"], replaceEnvironment: true)
        #expect(none.status != 0 && none.stdout.contains("FAIL  keyring"))
    }
}
