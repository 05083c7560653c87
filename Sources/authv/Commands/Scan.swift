import ArgumentParser
import Scan

extension Authv {
    struct ScanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Print the text of every QR code in images, whatever it holds; stores nothing.",
            discussion: """
                One line per QR code, in reading order (top to bottom, then left to right), as `zbarimg --raw`
                prints them; control characters in the text are shown escaped (a line break as \\n).

                Examples:
                  authv scan qr.png                what does this QR code say?
                  authv scan export-*.png
                """
        )

        @Argument(help: ArgumentHelp("Images; - for standard input.", valueName: "FILE"))
        var files: [String]

        func validate() throws {
            if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
        }

        func run() throws {
            // Every file is read before anything is printed: a failure prints nothing on standard output.
            let scanner = Scanner()
            let texts = try files.flatMap { try scanner.scan(file: $0) }
            for text in texts { Console.out(text.shownOnOneLine()) }
        }
    }
}

extension String {
    /// The text on one line with every control character, C1 control and bidirectional formatting
    /// character escaped (`\n`, `\x1b`, `\u202e`), so that a QR code's text cannot talk to the terminal.
    func shownOnOneLine() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
            case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
                out += "\\u" + hex(scalar.value, width: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
