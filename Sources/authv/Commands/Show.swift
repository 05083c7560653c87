import ArgumentParser
import OTP
import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one account's otpauth URI as a QR code, to scan with a phone.",
            discussion: """
                On a terminal the code is drawn with block characters (black on white) and cleared when you
                press Enter or q; --output writes it as a PNG readable by its owner alone. Either is read back
                (scanned) and compared with the URI first.

                Examples:
                  authv show github --qr
                  authv show github --qr --output github.png
                """
        )

        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String

        @Flag(help: "Show the account as a QR code (the only form `show` has).")
        var qr = false

        @Option(name: [.short, .long], help: ArgumentHelp("Write the QR code as a PNG to FILE.", valueName: "FILE"))
        var output: String?

        @Flag(help: "Replace FILE if it exists.")
        var force = false

        /// The step between writing the PNG and scanning it back, where tests flip a byte.
        static let readBackFault = "show-read-back"

        func validate() throws {
            if !qr { throw ValidationError("show needs --qr (the account's QR code is what it shows)") }
            if force && output == nil { throw ValidationError("--force goes with --output") }
        }

        func run() throws {
            if let output { try QRFile.refuseExisting(output, force: force) }
            if output == nil { try QRFile.requireTerminal() }
            let stored = try Keyring.open().one(query)
            let uri = stored.account.uri
            if let output {
                try QRFile.write(uri, to: output, replace: force, fault: Show.readBackFault)
                Console.note("wrote the QR code of \(Escape.text(stored.account.displayName)) to \(Escape.text(output))")
            } else {
                try TerminalQR.show([uri]) { _ in
                    "\(stored.account.displayName): scan it with your phone; Enter or q clears it"
                }
            }
        }
    }
}

/// QR codes written as PNG files: never over a file without --force, 0600 and atomic (AtomicFile), and
/// scanned back with authv's own scanner before they take their names.
enum QRFile {
    static func refuseExisting(_ path: String, force: Bool) throws {
        if !force, access(path, F_OK) == 0 { throw Failure("\(Escape.text(path)): already exists (use --force to replace it)") }
    }

    static func requireTerminal() throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            throw Failure("standard output is not a terminal: give --output FILE to write a PNG instead")
        }
    }

    static func write(_ text: String, to path: String, replace: Bool, fault: String) throws {
        let png = try QRCode(text: text).png()
        try AtomicFile.write(png, to: path, replace: replace) { (temp) throws(FileWriteError) in
            FaultInjection.damage(temp, at: fault)
            let found: [String]
            do throws(ScanError) { found = try Scanner().scan(file: temp) } catch {
                // The temporary file's name means nothing to the user (and is gone): the cause alone.
                throw FileWriteError(path: path, reason: "the PNG written did not read back (\(error.detail)); nothing was kept")
            }
            guard found == [text] else {
                throw FileWriteError(path: path, reason: "the PNG written did not read back as its text; nothing was kept")
            }
        }
    }
}
