import ArgumentParser
import OTP
import Scan
import Vault

extension Authv {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add the accounts in QR code images, text files of otpauth URIs, or typed in.",
            discussion: """
                A FILE may be an image with one or more QR codes (PNG, JPEG, GIF, BMP, TIFF, SVG), or text with
                otpauth:// or otpauth-migration:// URIs, one per line; `-` reads standard input.

                Examples:
                  authv add qr.png
                  authv add export-1.png export-2.png      a Google Authenticator export in two QR codes
                  grim -g "$(slurp)" - | authv add -       a screenshot straight from the screen
                  authv add --dry-run qr.png               show what would be added
                  authv add --manual                       type the key a site shows as text
                """
        )

        @Argument(help: ArgumentHelp("Images or text files; - for standard input.", valueName: "FILE"))
        var files: [String] = []

        @Flag(help: "Check the FILEs and name what would be added; store nothing.")
        var dryRun = false

        @Flag(help: "Type issuer, account and secret (the secret without echo).")
        var manual = false

        @OptionGroup(title: "With --manual")
        var manualOptions: ManualOptions

        func validate() throws {
            if manual && !files.isEmpty { throw ValidationError("--manual takes no FILE") }
            if !manual && files.isEmpty { throw ValidationError("name at least one FILE (or - for standard input), or use --manual") }
            if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
            if !manual && manualOptions.isSet { throw ValidationError("--type, --algorithm, --digits, --period and --counter go with --manual") }
        }

        func run() throws {
            let accounts = manual ? [try manualOptions.readAccount()] : try Importer.accounts(from: files.map(Add.read))
            try Add.finish(accounts, dryRun: dryRun)
        }

        /// Names what would be added (`dryRun`), or adds: everything after reading the inputs, shared by
        /// the parsed command and the fast path in `Main`.
        static func finish(_ accounts: [Account], dryRun: Bool) throws {
            if dryRun {
                for account in accounts { Console.note(account.displayName) }
                return
            }
            let store = try Keyring.open()
            let lock = try Keyring.lock()
            defer { withExtendedLifetime(lock) {} }
            let existing = try Keyring.load(store)
            var new: [Account] = []
            var notes: [String] = []
            for account in accounts {
                if existing.contains(where: { $0.account.isSameAccount(as: account) }) {
                    notes.append("already stored, not added again: \(account.displayName)")
                    continue
                }
                new.append(account)
                let older = existing.filter {
                    $0.account.issuer.lowercased() == account.issuer.lowercased()
                        && $0.account.name.lowercased() == account.name.lowercased()
                }
                if older.isEmpty {
                    notes.append("added: \(account.displayName)")
                } else {
                    let ids = older.map(\.id).joined(separator: ", ")
                    notes.append("added: \(account.displayName) [\(StoredAccount.fingerprint(account))], a new secret kept beside the old one [\(ids)]; remove the old one once the new codes work")
                }
            }
            try store.add(new)
            for note in notes { Console.note(note) }
        }

        /// Reads one FILE as an image (found from its bytes) or as text.
        static func read(_ file: String) throws -> ImportSource {
            let bytes = try InputFile.read(file)
            if ImageFormat.sniff(bytes) == nil, !bytes.isEmpty, !bytes.contains(0),
               let text = String(validating: bytes, as: UTF8.self) {
                return .text(file: file, content: text)
            }
            return .image(file: file, payloads: try Scanner().scan(bytes: bytes, file: file))
        }
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
        var parameters = ["secret": secret, "issuer": issuer]
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
