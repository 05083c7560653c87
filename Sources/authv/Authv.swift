import ArgumentParser
import CLinux
import Vault
#if canImport(Glibc)
import Glibc
#endif

struct Authv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authv",
        abstract: "A two-factor authenticator for the terminal: TOTP, HOTP and Steam codes kept in the desktop keyring.",
        discussion: """
            Examples:
              authv add qr.png              add the account(s) in a QR code screenshot
              authv list                    every account's code and the seconds it has left
              authv code github | wl-copy   one code, straight to the clipboard
            """,
        version: BuildInfo.line,
        subcommands: [Add.self, List.self, Code.self, Show.self, Watch.self, Remove.self, Rename.self, SetSettings.self, Export.self, Recovery.self, Doctor.self,
                      VaultCommand.self, Unlock.self, Lock.self, ScanCommand.self,
                      ClearClipboard.self]
    )
}

/// Runs the command; library errors become one line on standard error and exit status 1. Whatever the
/// command, output that did not reach standard output is a failure too (see Console).
@main
enum Main {
    static func main() {
        // Every command may hold a secret (codes are secrets too): no core file that would write them to
        // disk, and no same-user process reading this one's memory. One system call; children that
        // authv starts (clipboard tools) get their own setting at exec and are given no secret but a code.
        _ = authv_forbid_dumps()
        Console.claimStandardStreams()
        StoreLock.waitingNotice = { holder in Console.note("waiting for authv's lock, held by \(holder)") }
        do {
            let hook = fastPathHook
            if hook != "off", let fast = fastPath(Array(CommandLine.arguments.dropFirst())) {
                try fast()
            } else if hook == "required" {
                Console.error("the fast path declined this command line")
                exit(99)
            } else {
                var command = try Authv.parseAsRoot()
                try command.run()
            }
        } catch let error as CleanExit {
            finish(error)
        } catch let error as ExitCode {
            finish(error)
        } catch let error where Main.isParserError(error) {
            finish(error)
        } catch {
            Console.error("\(error)")
            // A signal that a write was made whole for (all or nothing) still ends authv as that signal would.
            if let signal = (error as? Interrupted)?.signal ?? (error as? StoreError)?.signal { exit(128 + signal) }
            exit(1)
        }
        finish(nil)
    }

    /// Ends the process after the command: with a failure when its output was not delivered, else with
    /// the status that `error` (help, --version, a usage error, an ExitCode) or success asks for. What
    /// swift-argument-parser would print on standard output (help, completions) goes through Console.
    static func finish(_ error: Error?) -> Never {
        let status = error.map { Authv.exitCode(for: $0) } ?? .success
        if let error, status == .success {
            let text = Authv.fullMessage(for: error)
            if !text.isEmpty { Console.out(text) }
        } else if let error {
            if let lost = Console.finishOutput() { Console.error(lost); exit(1) }
            Authv.exit(withError: error)
        }
        if let lost = Console.finishOutput() {
            Console.error(lost)
            exit(1)
        }
        exit(status.rawValue)
    }

    /// The plain forms people run most, `authv code QUERY [-n]` (from hotkeys, dozens of times a day) and
    /// `authv add [--dry-run] FILE...`, without swift-argument-parser: building its argument tables by
    /// reflection costs one to two milliseconds, as long as reading the keyring. Any other form (another
    /// option, an argument that starts with '-', help) goes through the parser as usual.
    static func fastPath(_ arguments: [String]) -> (() throws -> Void)? {
        switch arguments.first {
        case "code":
            guard arguments.count == 2 || arguments.count == 3 else { return nil }
            let query = arguments[1]
            guard !query.isEmpty, !query.hasPrefix("-") else { return nil }  // the parser reports an empty QUERY
            if arguments.count == 3 && arguments[2] != "-n" { return nil }
            return { try CodeRequest(query: query, noNewline: arguments.count == 3).execute() }
        case "add":
            var files = Array(arguments.dropFirst())
            let dryRun = files.first == "--dry-run"
            if dryRun { files.removeFirst() }
            guard !files.isEmpty, files.allSatisfy({ $0 == "-" || !$0.hasPrefix("-") }),
                  files.filter({ $0 == "-" }).count <= 1 else { return nil }
            return {
                let passwords = Passwords(file: nil)
                try Authv.Add.finish(try Importer.plan(from: files.map { try Authv.Add.read($0, passwords: passwords) }), dryRun: dryRun)
            }
        default:
            return nil
        }
    }

    /// A test hook, in debug builds only: `AUTHV_FAST_PATH=off` sends every command line through the
    /// parser, and `AUTHV_FAST_PATH=required` runs only what the fast path takes (anything else: exit
    /// status 99), so that Tests/CLITests/FastPathTests.swift can run one command line both ways.
    static var fastPathHook: String? {
        #if DEBUG
        return getenv("AUTHV_FAST_PATH").map { String(cString: $0) }
        #else
        return nil
        #endif
    }

    /// Errors from argument parsing and validation keep swift-argument-parser's usage output.
    static func isParserError(_ error: Error) -> Bool {
        error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
