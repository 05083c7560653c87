import ArgumentParser
import OTP
import Scan

extension Authv {
    struct ScanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Print the text of every QR code in images, whatever it holds; stores nothing.",
            discussion: """
                One line per QR code, in reading order (top to bottom, then left to right), as `zbarimg --raw`
                prints them; control characters in the text are shown escaped (a line break as \\x0a, a backslash
                as \\\\).

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
            for text in texts { Console.out(Escape.text(text)) }
        }
    }
}
