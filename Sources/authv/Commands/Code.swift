import ArgumentParser
import OTP
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code",
            abstract: "Print the current code of one account, and nothing else.",
            discussion: """
                For HOTP accounts the next counter value is stored before the code is printed.

                Examples:
                  authv code github | wl-copy
                  authv code github -n | xclip -selection clipboard
                  authv code github --copy --fresh 10     a code good for 10 s more, on the clipboard
                  authv code 'GitHub (alice)' --at 2026-11-29T13:00:00Z
                """
        )

        @Argument(help: "Selects the account: its name, issuer or account name, or a part of its name.",
                  completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String

        @Flag(name: .customShort("n"), help: "No newline after the code.")
        var noNewline = false

        @Flag(help: "Put the code on the clipboard (wl-copy, xclip or xsel) instead of printing it.")
        var copy = false

        @Option(help: ArgumentHelp("With --copy: empty the clipboard after SECONDS, unless it changed meanwhile.", valueName: "SECONDS"))
        var clearAfter: Int = 45

        @Option(help: ArgumentHelp("Wait for the next window when fewer than SECONDS are left in this one.", valueName: "SECONDS"))
        var fresh: Int?

        @OptionGroup var time: TimeOptions

        func validate() throws {
            if clearAfter < 0 { throw ValidationError("--clear-after takes 0 or more seconds") }
            if let fresh, fresh < 0 { throw ValidationError("--fresh takes 0 or more seconds") }
        }

        func run() throws {
            try CodeRequest(query: query, noNewline: noNewline, copy: copy, clearAfter: clearAfter, fresh: fresh,
                            at: time.at?.seconds).execute()
        }

        /// Sleeps until the wall clock has moved on by `seconds` (to the next window's first second).
        static func sleep(seconds: Int) {
            let target = Moment.now() + UInt64(seconds)
            while Moment.now() < target { usleep(50_000) }
        }
    }

    /// The detached helper behind `code --copy`: reads the code on standard input, waits, and empties
    /// the clipboard if it still holds that code.
    struct ClearClipboard: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "_clear-clipboard", shouldDisplay: false)
        @Argument var tool: String
        @Argument var seconds: Int

        func run() throws {
            guard let clipboard = Clipboard.tools.first(where: { $0.name == tool }),
                  let code = readLine(strippingNewline: true) else { return }
            clipboard.clearIfUnchanged(code, after: seconds)
        }
    }
}

/// What `code` does, apart from parsing its command line: the parsed command and the fast path in
/// `Main` (for the plain `authv code QUERY` that hotkeys run) both come here.
struct CodeRequest {
    var query: String
    var noNewline = false
    var copy = false
    var clearAfter = 45
    var fresh: Int? = nil
    var at: UInt64? = nil

    func execute() throws {
        var now = at ?? Moment.now()
        let clipboard = copy ? try Clipboard.available() : nil
        let book = try Keyring.open()
        var selected = try Keyring.one(query, in: book)
        ClockCheck.warnIfUnsynchronised()
        let code: String
        if selected.account.type == .hotp {
            (selected, code) = try book.nextHOTPCode(selected)  // the counter is stored before it is shown
        } else {
            if let fresh, let left = selected.account.secondsLeft(at: now), left < fresh {
                guard fresh < selected.account.period else {
                    throw Failure("--fresh \(fresh): \(selected.account.displayName) changes its code every \(selected.account.period) s")
                }
                if at == nil {
                    Console.note("waiting \(left) s for a fresh code (only \(left) s left in this one)")
                    Authv.Code.sleep(seconds: left)
                } else {
                    // Nothing is waited for with --at: say what was computed instead.
                    Console.note("only \(left) s left at \(now): the code of the next window, from \(now + UInt64(left))")
                }
                now += UInt64(left)
            }
            code = try selected.account.code(at: now)
        }
        if let clipboard {
            try clipboard.set(code)
            if clearAfter > 0 { clipboard.clear(code, after: clearAfter) }
            Console.note("copied the code of \(selected.account.displayName) with \(clipboard.name)"
                         + (clearAfter > 0 ? "; cleared in \(clearAfter) s" : ""))
        } else {
            let lost = selected.account.type == .hotp
                ? "the HOTP counter of \(selected.account.displayName) has moved on, so this code is used: run `authv code` again for the next one"
                : nil
            Console.out(code, newline: !noNewline, ifLost: lost)
        }
    }
}
