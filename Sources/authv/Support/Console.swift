#if canImport(Glibc)
import Glibc
#endif

/// Standard output carries data only; every message goes to standard error.
enum Console {
    static func out(_ text: String, newline: Bool = true) {
        var text = text
        if newline { text += "\n" }
        writeAll(STDOUT_FILENO, text)
    }

    /// A message for people, on standard error.
    static func note(_ text: String) {
        writeAll(STDERR_FILENO, text + "\n")
    }

    static func error(_ text: String) {
        writeAll(STDERR_FILENO, "authv: " + text.replacingNewlines() + "\n")
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Colour and escape codes only on a terminal, and never with NO_COLOR set.
    static var colourOut: Bool { isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil }

    /// Asks a question on the terminal and reads the answer; nil without a terminal.
    static func ask(_ question: String, echo: Bool = true) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        writeAll(STDERR_FILENO, question)
        var saved = termios()
        let hide = !echo && tcgetattr(STDIN_FILENO, &saved) == 0
        if hide {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if hide {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                writeAll(STDERR_FILENO, "\n")
            }
        }
        return readLine(strippingNewline: true)
    }
}

extension String {
    /// Keeps an error message on one line.
    func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
