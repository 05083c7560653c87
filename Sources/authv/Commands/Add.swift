import ArgumentParser
import OTP
import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add the accounts in QR code images, text files of otpauth URIs, or typed in.",
            discussion: """
                A FILE may be an image with one or more QR codes (PNG, JPEG, GIF, BMP, TIFF, SVG), text with
                otpauth:// or otpauth-migration:// URIs, one per line, or the export or backup file of another
                authenticator (recognised from its content); `-` reads standard input. An encrypted export's
                password is asked on the terminal, or read from the first line of --password-file.

                Examples:
                  authv add qr.png
                  authv add export-1.png export-2.png      a Google Authenticator export in two QR codes
                  grim -g "$(slurp)" - | authv add -       a screenshot straight from the screen
                  authv add --dry-run qr.png               show what would be added
                  authv add --manual                       type the key a site shows as text
                  authv add --password-file pw backup.2fas an encrypted 2FAS backup
                """
        )

        @Argument(help: ArgumentHelp("Images or text files; - for standard input.", valueName: "FILE"))
        var files: [String] = []

        @Flag(help: "Check the FILEs and name what would be added; store nothing.")
        var dryRun = false

        @Flag(help: "Type issuer, account and secret (the secret without echo).")
        var manual = false

        @Flag(help: "Add the account(s) in the QR codes on the screen (every monitor).")
        var screen = false

        @Flag(help: "Add the account(s) on the clipboard: an image with QR codes, or otpauth text.")
        var clipboard = false

        @Option(help: ArgumentHelp("Read an encrypted export's password from the first line of this file.", valueName: "PFILE"))
        var passwordFile: String?

        @Flag(help: "Add the entries authv can carry and name each one skipped (mOTP, Yandex, ...).")
        var skipUnsupported = false

        @OptionGroup(title: "With --manual")
        var manualOptions: ManualOptions

        func validate() throws {
            if [manual, screen, clipboard].filter({ $0 }).count > 1 {
                throw ValidationError("--manual, --screen and --clipboard exclude one another")
            }
            if screen || clipboard {
                if !files.isEmpty { throw ValidationError("\(screen ? "--screen" : "--clipboard") takes no FILE") }
                if manualOptions.isSet { throw ValidationError("--type, --algorithm, --digits, --period and --counter go with --manual") }
                if passwordFile != nil || skipUnsupported { throw ValidationError("--password-file and --skip-unsupported go with FILEs") }
                return
            }
            if manual && !files.isEmpty { throw ValidationError("--manual takes no FILE") }
            if !manual && files.isEmpty { throw ValidationError("name at least one FILE (or - for standard input), or use --manual") }
            if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
            if !manual && manualOptions.isSet { throw ValidationError("--type, --algorithm, --digits, --period and --counter go with --manual") }
            if manual && (passwordFile != nil || skipUnsupported) { throw ValidationError("--password-file and --skip-unsupported go with FILEs") }
            if passwordFile == "-" && files.contains("-") { throw ValidationError("standard input (-) can be read only once") }
        }

        func run() throws {
            if manual {
                var plan = ImportPlan()
                plan.accounts = [try manualOptions.readAccount()]
                plan.entryCount = 1
                try Add.finish(plan, dryRun: dryRun)
                return
            }
            if screen || clipboard {
                let source = screen ? try ScreenCapture.source() : try Add.readClipboard()
                try Add.finish(try Importer.plan(from: [source]), dryRun: dryRun)
                return
            }
            let passwords = Passwords(file: passwordFile)
            let plan = try Importer.plan(from: files.map { try Add.read($0, passwords: passwords) })
            try Add.finish(plan, dryRun: dryRun, skipUnsupported: skipUnsupported)
        }

        /// Names what would be added (`dryRun`), or adds: everything after reading the inputs, shared by
        /// the parsed command and the fast path in `Main`. Every entry of the inputs is accounted for: added,
        /// already stored, or (with `skipUnsupported`) skipped and named; an entry authv cannot carry fails
        /// the whole add otherwise.
        static func finish(_ plan: ImportPlan, dryRun: Bool, skipUnsupported: Bool = false) throws {
            guard plan.isComplete else { throw Failure("internal error: the inputs' \(plan.entryCount) entries were not all accounted for; nothing was added") }
            if !plan.unsupported.isEmpty && !skipUnsupported { throw ImportError.unsupported(plan.unsupported) }
            let accounts = plan.accounts
            if dryRun {
                Console.notes(accounts.lazy.map(\.displayName))
                Console.notes(plan.unsupported.lazy.map { "would skip: \($0)" })
                return
            }
            let book = try Keyring.open()
            // SIGINT, SIGTERM and SIGHUP are held off from the first write until every outcome is told: the
            // store takes back what it wrote when one comes during the writes; after them, the add stands.
            try Interruption.deferring {
                let report = try book.add(plan)
                if report.stored > 0 { Keyring.warnIfPlainText() }  // the count is recorded under the lock (`Keyring.open`)
                for outcome in report.outcomes {
                    switch outcome {
                    case let .added(account):
                        Console.note("added: \(account.displayName)")
                    case let .renewed(account, id, older):
                        Console.note("added: \(account.displayName) [\(id)], a new secret kept beside the old one [\(older.joined(separator: ", "))]; remove the old one once the new codes work")
                    case let .alreadyStored(account):
                        Console.note("already stored, not added again: \(account.displayName)")
                    }
                }
                for skipped in plan.unsupported { Console.note("skipped, not added: \(skipped)") }
                if let signal = Interruption.caught {
                    throw Interrupted(signal: signal, description: "interrupted by \(Interruption.name(signal)) after the writes had finished: the \(report.stored) account\(report.stored == 1 ? "" : "s") added above \(report.stored == 1 ? "is" : "are") stored")
                }
            }
        }

        /// What the clipboard holds, as an image or as text, named "clipboard" in messages.
        static func readClipboard() throws -> ImportSource {
            let (bytes, isImage) = try Clipboard.available(for: "--clipboard").content(limit: InputFile.maxBytes)
            if !isImage, ImageFormat.sniff(bytes) == nil {
                guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
                    throw Failure("--clipboard: the clipboard holds neither an image nor UTF-8 text")
                }
                return .text(file: "clipboard", content: text)
            }
            return .image(file: "clipboard", payloads: try Scanner().scan(bytes: bytes, file: "clipboard"))
        }

        /// Reads one FILE: another authenticator's export (recognised from its bytes), an image, or text.
        static func read(_ file: String, passwords: Passwords = Passwords(file: nil)) throws -> ImportSource {
            let bytes = try InputFile.read(file)
            if ImageFormat.sniff(bytes) == nil {
                let content = ExportContent(bytes)
                do {
                    if let format = try ExportFormats.detect(content, lastResort: passwords.available) {
                        let entries = try format.entries(content) { () throws(FormatError) -> String in
                            try passwords.password(for: file, format: format.name)
                        }
                        return .export(file: file, entries: entries)
                    }
                } catch {
                    throw ImportError.format(file: file, error)
                }
                if !bytes.isEmpty, !bytes.contains(0), let text = content.text {  // (a byte-order mark dropped)
                    return .text(file: file, content: text)
                }
                if let problem = TextInput.problem(bytes) { throw ImportError.notText(file: file, reason: problem) }
            }
            return .image(file: file, payloads: try Scanner().scan(bytes: bytes, file: file))
        }
    }
}

/// Where encrypted exports' passwords come from: the first line of `--password-file`, else the terminal
/// (without echo). Read once and kept for the other files of the same `add`.
final class Passwords {
    /// A password file longer than this is not a password file.
    static let maxFileBytes = 64 << 10
    let file: String?
    private var known: String?

    init(file: String?) { self.file = file }

    /// Whether a password can be had without failing: a password file, or a terminal to ask on.
    var available: Bool { file != nil || isatty(STDIN_FILENO) == 1 }

    func password(for input: String, format: String) throws(FormatError) -> String {
        if let known { return known }
        let password: String
        if let file {
            let bytes: [UInt8]
            do { bytes = try InputFile.read(file, maxBytes: Passwords.maxFileBytes) } catch {
                throw .noPassword("--password-file: \(error)")
            }
            let line = bytes.prefix { $0 != 0x0A }
            guard let text = String(validating: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self) else {
                throw .noPassword("--password-file \(file): the first line is not UTF-8 text")
            }
            password = text
        } else {
            let shown = InputName.shown(input)
            guard let typed = Console.ask("Password of \(format) file \(shown): ", echo: false) else {
                throw .noPassword("the \(format) file is encrypted: give its password with --password-file PFILE (there is no terminal to ask on)")
            }
            password = typed
        }
        known = password
        return password
    }
}

/// Parameters for `add --manual`; none of them secret.
struct ManualOptions: ParsableArguments {
    @Option(help: "totp, hotp or steam.")
    var type: String?
    @Option(help: "SHA1, SHA256 or SHA512.")
    var algorithm: String?
    @Option(help: "Code length, 6 to 10.")
    var digits: Int?
    @Option(help: "Seconds per code (TOTP).")
    var period: Int?
    @Option(help: "The next counter value (HOTP).")
    var counter: UInt64?

    var isSet: Bool { type != nil || algorithm != nil || digits != nil || period != nil || counter != nil }

    /// Asks for issuer, account and secret, and checks them exactly as a URI's parameters are checked.
    func readAccount() throws -> Account {
        let issuer = try prompt("Issuer (the site, e.g. GitHub): ")
        let name = try prompt("Account (e.g. alice@example.com): ")
        let secret = try prompt("Secret key (not shown): ", echo: false)
        var parameters: URIParameters = ["secret": secret, "issuer": issuer]
        if let algorithm { parameters["algorithm"] = algorithm }
        if let digits { parameters["digits"] = String(digits) }
        if let period { parameters["period"] = String(period) }
        if let counter { parameters["counter"] = String(counter) }
        let type = type ?? "totp"
        if type.lowercased() == "hotp" && counter == nil { parameters["counter"] = "0" }
        return try OTPAuthURI.account(typeName: type, labelIssuer: issuer, name: name, parameters: parameters)
    }

    private func prompt(_ question: String, echo: Bool = true) throws -> String {
        // On a terminal, ask; otherwise read the answers, one per line, from standard input.
        if let answer = Console.ask(question, echo: echo) { return answer }
        guard let line = readLine(strippingNewline: true) else {
            throw Failure("add --manual: standard input ended before all answers (issuer, account, secret) were given")
        }
        return line
    }
}
