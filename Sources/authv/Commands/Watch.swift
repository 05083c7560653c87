import ArgumentParser
import OTP
import Vault
#if canImport(Glibc)
import Glibc
#endif

import CSignals

extension Authv {
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch",
            abstract: "A live view of every matching account's code, with a countdown.",
            discussion: """
                Redraws once a second. Type to filter; Backspace deletes, Esc clears the filter;
                q (with an empty filter) or Ctrl-C quits. Needs a terminal.

                Examples:
                  authv watch
                  authv watch github
                """
        )

        @Argument(help: "Show only the accounts this selects.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String?

        func run() throws {
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                throw Failure("watch needs a terminal (for one code in a script, use `authv code QUERY`)")
            }
            let accounts = try Keyring.accounts(matching: query)
            let screen = try LiveScreen()
            defer { screen.restore() }
            var filter = ""
            var lastDrawn = ""
            while authv_caught_signal() == 0 {
                let now = Moment.now()
                let shown = filter.isEmpty ? accounts : AccountQuery.select(filter, from: accounts)
                let frame = try Watch.frame(shown, total: accounts.count, filter: filter, now: now, size: screen.size(),
                                            colour: getenv("NO_COLOR") == nil)
                if frame != lastDrawn {
                    screen.draw(frame)
                    lastDrawn = frame
                }
                // Sleep until the next second begins, a key arrives or a signal (resize, quit) wakes us.
                var spec = timespec()
                clock_gettime(CLOCK_REALTIME, &spec)
                let wait = Int32(max(1, 1000 - spec.tv_nsec / 1_000_000))
                guard let keys = screen.waitForKeys(milliseconds: wait) else { return }  // the terminal is gone
                for key in keys {
                    switch key {
                    case 3: authv_set_caught_signal(SIGINT)             // Ctrl-C when ISIG is off
                    case UInt8(ascii: "q") where filter.isEmpty: return
                    case 27: filter = ""                                 // Esc
                    case 127, 8: if !filter.isEmpty { filter.removeLast() }
                    case 32...126: filter.append(Character(Unicode.Scalar(key)))
                    default: break
                    }
                }
            }
            let signal = authv_caught_signal()
            if signal == SIGINT { return }
            screen.restore()
            Glibc.exit(128 + signal)
        }

        /// One screenful: a header, then a row per account (name, grouped code, countdown bar).
        static func frame(_ accounts: [StoredAccount], total: Int, filter: String, now: UInt64,
                          size: (rows: Int, columns: Int), colour: Bool) throws -> String {
            let columns = max(20, size.columns)
            var lines = ["authv  " + (filter.isEmpty ? "type to filter, q to quit" : "filter: \(filter)_   (Esc clears)")
                         + "   \(accounts.count)/\(total)"]
            lines.append("")
            let nameWidth = min(max(accounts.map { Escape.text($0.account.displayName).count }.max() ?? 0, 8), max(8, columns / 2))
            let codeWidth = accounts.map { $0.account.type == .hotp ? 0 : grouped(String(repeating: "0", count: $0.account.digits)).count }.max() ?? 0
            for stored in accounts.prefix(max(0, size.rows - 3)) {
                let account = stored.account
                var name = Escape.text(account.displayName)
                if name.count > nameWidth { name = String(name.prefix(nameWidth - 1)) + "…" }
                name += String(repeating: " ", count: nameWidth - name.count)
                guard let left = account.secondsLeft(at: now) else {
                    lines.append(name + "  (HOTP: authv code)")
                    continue
                }
                var code = grouped(try account.code(at: now))
                code += String(repeating: " ", count: max(0, codeWidth - code.count))
                let barWidth = max(0, min(30, columns - nameWidth - codeWidth - 12))
                let filled = barWidth * left / account.period
                var bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
                var seconds = (left < 10 ? " " : "") + "\(left)s"
                if colour && left <= 5 {
                    bar = "\u{1B}[31m" + bar + "\u{1B}[0m"
                    seconds = "\u{1B}[31m" + seconds + "\u{1B}[0m"
                }
                lines.append(name + "  " + (colour ? "\u{1B}[1m\(code)\u{1B}[0m" : code) + "  " + bar + " " + seconds)
            }
            if accounts.isEmpty { lines.append("no account matches '\(Escape.text(filter))'") }
            return lines.joined(separator: "\n")
        }

        /// Codes in groups for reading: 492 039, 4920 3912, STEAM codes as they are.
        static func grouped(_ code: String) -> String {
            let characters = Array(code)
            let groups: [Int]
            switch characters.count {
            case 6: groups = [3, 3]
            case 7: groups = [3, 4]
            case 8: groups = [4, 4]
            case 9: groups = [3, 3, 3]
            case 10: groups = [5, 5]
            default: return code
            }
            var out = "", index = 0
            for size in groups {
                if !out.isEmpty { out += " " }
                out += String(characters[index..<index + size])
                index += size
            }
            return out
        }
    }
}

/// The terminal in the live view's state: raw keys, the alternate screen, no cursor. Restored on every
/// way out: return, error, Ctrl-C, SIGTERM, SIGHUP.
final class LiveScreen {
    private var saved = termios()
    private var restored = false
    /// The pipe the signal handler (CSignals) wakes the view through.
    private var wakePipe: [Int32] = [-1, -1]

    init() throws {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw Failure("watch: cannot read the terminal's settings") }
        guard pipe(&wakePipe) == 0 else { throw Failure("watch: cannot make a pipe") }
        _ = fcntl(wakePipe[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(wakePipe[1], F_SETFL, O_NONBLOCK)  // a full pipe never blocks the handler
        guard authv_watch_signals(wakePipe[1]) == 0 else { throw Failure("watch: cannot catch signals") }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        Console.out("\u{1B}[?1049h\u{1B}[?25l", newline: false)   // alternate screen, hide the cursor
    }

    func restore() {
        guard !restored else { return }
        restored = true
        Console.out("\u{1B}[?25h\u{1B}[?1049l", newline: false)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    }

    deinit { restore() }

    func size() -> (rows: Int, columns: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return (24, 80) }
        return (Int(size.ws_row), Int(size.ws_col))
    }

    /// Draws over the previous frame line by line (cursor home, each line cleared to its end, the rest of
    /// the screen cleared), in one write: no blank moment, so no flicker.
    func draw(_ frame: String) {
        let body = frame.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\u{1B}[K" }.joined(separator: "\r\n")
        Console.out("\u{1B}[H" + body + "\u{1B}[J", newline: false)
    }

    /// Keys typed within `milliseconds` (empty on time-out or when a signal woke us); nil when the
    /// terminal has gone away (its window closed), so the view ends instead of spinning.
    func waitForKeys(milliseconds: Int32) -> [UInt8]? {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, milliseconds)
        if ready < 0 { return errno == EINTR ? [] : nil }
        guard ready > 0 else { return [] }
        var drain = [UInt8](repeating: 0, count: 64)
        if fds[1].revents != 0 { while read(wakePipe[0], &drain, 64) > 0 {} }
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return nil }
        guard fds[0].revents & Int16(POLLIN) != 0 else { return [] }
        var keys = [UInt8](repeating: 0, count: 64)
        let n = read(STDIN_FILENO, &keys, 64)
        if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) { return nil }
        return n > 0 ? Array(keys[0..<n]) : []
    }
}
