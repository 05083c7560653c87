import OTP
#if canImport(Glibc)
import Glibc
#endif

/// Standard output carries data only; every message goes to standard error. Messages carry names and
/// file names from outside: each is written with its control characters escaped (`Escape.text`), so no
/// message can move the cursor, retitle the window or fake a line; data on standard output is escaped
/// where it is shown to people (list and watch rows), never where it is data (codes, exports).
///
/// Every write to standard output is checked, in this one place: the first that fails (a full disk, a
/// closed pipe, a closed descriptor) is kept, later output is dropped, and `finishOutput()`, which Main
/// calls when any command is done, closes standard output and turns a failure into a one-line error.
/// The three variables below are `nonisolated(unsafe)`: the main thread alone writes and reads them
/// (commands run on it; no other thread of authv writes to standard output or error).
enum Console {
    /// errno of the first write to standard output that failed (or of its close).
    nonisolated(unsafe) private static var outputFailure: Int32? = nil
    /// Standard output was closed when authv started (its descriptor now holds /dev/null, see below).
    nonisolated(unsafe) private static var outputClosed = false
    /// What the user must know when output is lost, said by the command that has already acted on it
    /// (an HOTP counter moved, a recovery code marked used).
    nonisolated(unsafe) private static var atStake: String? = nil

    /// Writes to standard output. `ifLost`: what the error says if this text never arrives.
    static func out(_ text: String, newline: Bool = true, ifLost: String? = nil) {
        if let ifLost { atStake = ifLost }
        guard outputFailure == nil else { return }
        if outputClosed {
            outputFailure = EBADF
            return
        }
        if let failure = writeAll(STDOUT_FILENO, newline ? text + "\n" : text) { outputFailure = failure }
    }

    /// A message for people, on standard error: one line; none once output was lost (the command has
    /// failed then, and its one-line error says what happened).
    static func note(_ text: String) {
        writeNotes(Escape.text(text) + "\n")
    }

    /// Messages for people, a line each, as `note` writes them, gathered into writes of about 64 KiB
    /// (`add --dry-run` of a file of 100 000 URIs names every account: one write each would be 100 000).
    static func notes(_ texts: some Sequence<String>) {
        var chunk = ""
        for text in texts {
            chunk += Escape.text(text)
            chunk += "\n"
            if chunk.utf8.count >= 1 << 16 {
                writeNotes(chunk)
                chunk = ""
            }
        }
        if !chunk.isEmpty { writeNotes(chunk) }
    }

    /// Escaped lines, on standard error; nothing once output was lost.
    private static func writeNotes(_ lines: String) {
        guard outputFailure == nil else { return }
        _ = writeAll(STDERR_FILENO, lines)
    }

    /// A failure, on standard error: one line (a newline in it is escaped like any control character).
    static func error(_ text: String) {
        _ = writeAll(STDERR_FILENO, "authv: " + Escape.text(text) + "\n")
    }

    /// Run first of all. A descriptor 0, 1 or 2 that is closed gets /dev/null, so that no file or socket
    /// authv opens later takes its number (a code written to "standard output" would land in it); output
    /// meant for a closed standard output is then a failure. A broken pipe becomes an error to report
    /// (EPIPE), not a silent death by SIGPIPE after an HOTP counter has moved.
    static func claimStandardStreams() {
        signal(SIGPIPE, SIG_IGN)
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if opened != fd && opened >= 0 { dup2(opened, fd); close(opened) }
            if fd == STDOUT_FILENO { outputClosed = true }
        }
    }

    /// Closes standard output and says whether everything written to it arrived: nil, or the one-line
    /// error (with what was at stake).
    static func finishOutput() -> String? {
        if outputFailure == nil, !outputClosed, close(STDOUT_FILENO) != 0, errno != EINTR { outputFailure = errno }
        guard let failure = outputFailure else { return nil }
        let cause = failure == EBADF ? "it is closed" : String(cString: strerror(failure))
        return "standard output: not written (\(cause))" + (atStake.map { "; " + $0 } ?? "")
    }

    /// Writes every byte; errno when it cannot.
    private static func writeAll(_ fd: Int32, _ text: String) -> Int32? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {  // a descriptor someone left non-blocking: wait until it takes more
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                    continue
                }
                return errno
            }
            bytes = bytes.dropFirst(n)
        }
        return nil
    }

    /// Colour and escape codes only on a terminal, and never with NO_COLOR set.
    static var colourOut: Bool { isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil }

    /// Asks a question on the terminal and reads the answer; nil without a terminal.
    static func ask(_ question: String, echo: Bool = true) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        _ = writeAll(STDERR_FILENO, Escape.text(question))
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
                _ = writeAll(STDERR_FILENO, "\n")
            }
        }
        return readLine(strippingNewline: true)
    }
}
