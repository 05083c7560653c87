import OTP
import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

/// QR codes drawn on the terminal to be read by a phone's camera: Unicode half blocks (two module rows a
/// text line), black on white set explicitly (whatever the terminal's own colours), the 4-module quiet
/// zone. Each drawing is read back (the cells rasterised and scanned) before it is shown, and the lines
/// it used are cleared when it ends: Enter, q, Ctrl-C, SIGTERM or SIGHUP.
enum TerminalQR {
    /// Black text on a white background: the 8-colour codes, then the 256-colour ones where understood.
    static let colours = "\u{1B}[0;30;47m\u{1B}[38;5;16;48;5;231m"
    static let reset = "\u{1B}[0m"

    /// The glyph for a cell whose upper and lower modules are dark or not (dark is the foreground).
    static func glyph(top: Bool, bottom: Bool) -> Character {
        switch (top, bottom) {
        case (true, true): return "\u{2588}"
        case (true, false): return "\u{2580}"
        case (false, true): return "\u{2584}"
        case (false, false): return " "
        }
    }

    /// The cells of the text lines that draw `code`, quiet zone included (written between `colours`
    /// and `reset`).
    static func lines(_ code: QRCode) -> [String] {
        let side = code.sideWithMargin
        return stride(from: 0, to: side, by: 2).map { y in
            String((0..<side).map { x in glyph(top: code.dark(x, y), bottom: code.dark(x, y + 1)) })
        }
    }

    /// The picture the lines draw, `scale` pixels a module, read from their glyphs (colours as set).
    static func rasterise(_ lines: [String], scale: Int = 4) -> GreyImage {
        let rows = lines.map { Array($0) }
        let width = (rows.map(\.count).max() ?? 0) * scale
        let height = rows.count * 2 * scale
        var pixels = [UInt8](repeating: 255, count: width * height)
        for (row, cells) in rows.enumerated() {
            for (column, cell) in cells.enumerated() {
                let top = cell == "\u{2588}" || cell == "\u{2580}"
                let bottom = cell == "\u{2588}" || cell == "\u{2584}"
                for (half, dark) in [(0, top), (1, bottom)] where dark {
                    for dy in 0..<scale {
                        let y = (row * 2 + half) * scale + dy
                        for dx in 0..<scale { pixels[y * width + column * scale + dx] = 0 }
                    }
                }
            }
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }

    /// Checks that the drawing of `lines` scans as `text` with authv's scanner.
    static func readBack(_ lines: [String], expecting text: String) throws {
        let found = try Scanner().scan(images: [rasterise(lines)], name: "the QR code drawn")
        guard found == [text] else { throw Failure("the QR code drawn did not read back as its text; nothing was shown") }
    }

    /// How a drawing ended.
    enum Ending { case next, stop }

    /// Draws each text's QR code in turn on the terminal (standard output), waiting for a key between them:
    /// Enter shows the next (ends after the last), q stops. `caption(i)` is the line under code i.
    static func show(_ texts: [String], caption: (Int) -> String) throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            throw Failure("standard output is not a terminal: give --output FILE to write a PNG instead")
        }
        let drawings = try texts.map { text -> [String] in
            let drawn = lines(try QRCode(text: text))
            try readBack(drawn, expecting: text)
            return drawn
        }
        var size = winsize()
        let known = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0
        let needColumns = drawings.map { $0.first?.count ?? 0 }.max() ?? 0
        let needRows = (drawings.map(\.count).max() ?? 0) + 1
        guard known, Int(size.ws_col) >= needColumns, Int(size.ws_row) >= needRows else {
            let have = known ? "\(size.ws_col)x\(size.ws_row)" : "of unknown size"
            throw Failure("the terminal is \(have) characters; this QR code needs \(needColumns)x\(needRows): enlarge the window or use --output FILE")
        }
        let input = KeyInput()
        defer { input.restore() }
        try Interruption.deferring { () throws -> Void in
            for (index, drawing) in drawings.enumerated() {
                let text = drawing.map { colours + $0 + reset + "\n" }.joined() + Escape.text(caption(index))
                _ = writeAll(STDOUT_FILENO, text)
                let ending = input.waitForKey()
                // Clear what was drawn: back to the first line, erase to the end of the screen.
                _ = writeAll(STDOUT_FILENO, "\r\u{1B}[\(drawing.count)A\u{1B}[J")
                if let signal = Interruption.caught {
                    throw Interrupted(signal: signal, description: "interrupted by \(Interruption.name(signal)); the QR code was cleared")
                }
                if ending == .stop { return }
            }
        }
    }

    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            bytes = bytes.dropFirst(n)
        }
        return true
    }
}

/// Standard input read a key at a time without echo (when it is a terminal), for the QR codes' keys.
final class KeyInput {
    private var saved = termios()
    private let changed: Bool

    init() {
        var current = termios()
        changed = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &current) == 0
        if changed {
            saved = current
            current.c_lflag &= ~tcflag_t(ICANON | ECHO)
            current.c_cc.6 = 1  // VMIN
            current.c_cc.5 = 0  // VTIME
            tcsetattr(STDIN_FILENO, TCSANOW, &current)
        }
    }

    func restore() {
        if changed { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }

    /// Waits for Enter (next) or q (stop); a signal recorded by Interruption, or the end of input, stops.
    func waitForKey() -> TerminalQR.Ending {
        while Interruption.caught == nil {
            var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready <= 0 { continue }
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 0 { return .stop }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; return .stop }
            switch byte {
            case 0x0A, 0x0D: return .next
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x1B: return .stop
            default: continue
            }
        }
        return .stop
    }
}
