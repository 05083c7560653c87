import ArgumentParser
import AuthvCrypto
import OTP
import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every account out, with its secret.",
            discussion: """
                The output holds every secret: keep it as safe as the keyring. --output writes a new file
                readable by its owner alone. An Aegis export is read back (decrypted and parsed again) and
                compared with the accounts before authv succeeds.

                Examples:
                  authv export --output backup.txt
                  authv export --format migration     Google Authenticator export URIs (10 accounts each)
                  authv export --format aegis --output backup.json    an encrypted Aegis vault (password asked twice)
                  authv export --format migration --qr                Google Authenticator's transfer QR codes, one at a time
                  authv export --format migration --qr --output-dir codes   the same as PNG files
                """
        )

        @Option(help: "uri: otpauth:// URIs, one per line; migration: otpauth-migration:// URIs for Google Authenticator; aegis: an Aegis vault file.")
        var format: Format = .uri

        @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
        var output: String?

        @Flag(help: "Replace FILE if it exists.")
        var force = false

        @Flag(help: "aegis: write the vault unencrypted.")
        var plain = false

        @Option(help: ArgumentHelp("aegis: the new vault's password is the first line of PFILE (else it is asked twice).", valueName: "PFILE"))
        var passwordFile: String?

        @Flag(help: "migration: QR codes to scan with Google Authenticator's \"Import accounts\", on the terminal one at a time (Enter for the next, q stops).")
        var qr = false

        @Option(help: ArgumentHelp("With --qr: write the codes as DIR/authv-export-N-of-M.png instead.", valueName: "DIR"))
        var outputDir: String?

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case uri, migration, aegis
        }

        /// The step between writing a migration QR code's PNG and scanning it back.
        static let qrReadBackFault = "export-qr-read-back"

        /// The step between writing an Aegis export and reading it back, where tests flip a byte.
        static let readBackFault = "export-read-back"

        func validate() throws {
            if format != .aegis && (plain || passwordFile != nil) { throw ValidationError("--plain and --password-file go with --format aegis") }
            if qr && format != .migration { throw ValidationError("--qr goes with --format migration") }
            if outputDir != nil && !qr { throw ValidationError("--output-dir goes with --qr") }
            if qr && output != nil { throw ValidationError("--qr writes no single FILE: use --output-dir DIR for PNG files") }
            if force && output == nil && outputDir == nil { throw ValidationError("--force goes with --output or --output-dir") }
            if plain && passwordFile != nil { throw ValidationError("--plain writes no password: leave out --password-file") }
        }

        func run() throws {
            if qr { return try migrationCodes() }
            if let output, !force, access(output, F_OK) == 0 {
                throw Failure("\(Escape.text(output)): already exists (use --force to replace it)")
            }
            let written: [UInt8], count: Int
            switch format {
            case .uri, .migration:
                let (text, number) = try Keyring.open().export(format == .uri ? .uri : .migration)
                (written, count) = (Array(text.utf8), number)
                if let output { try AtomicFile.write(written, to: output, replace: force) }
            case .aegis:
                let items = try Keyring.open().exportItems()
                let password = plain ? nil : SecretBytes(utf8: try newPassword())
                written = try AegisExport.encode(items, password: password)
                count = items.count
                if let output {
                    try AtomicFile.write(written, to: output, replace: force) { (temp) throws(FileWriteError) in
                        FaultInjection.damage(temp, at: Export.readBackFault)
                        do {
                            try AegisExport.verify(try InputFile.read(temp, maxBytes: AegisLimits.maxFileBytes), password: password, against: items)
                        } catch {
                            throw FileWriteError(path: output, reason: "\(error)")
                        }
                    }
                } else {
                    try AegisExport.verify(written, password: password, against: items)
                }
            }
            if let output {
                Console.note("exported \(count) account\(count == 1 ? "" : "s") to \(Escape.text(output))")
            } else {
                Console.out(String(decoding: written, as: UTF8.self), newline: false)
            }
        }

        /// The migration export as QR codes: drawn one at a time, or written as PNG files, each read back.
        func migrationCodes() throws {
            if outputDir == nil { try QRFile.requireTerminal() }
            let (text, count) = try Keyring.open().export(.migration)
            let uris = text.split(separator: "\n").map(String.init)
            guard !uris.isEmpty else { throw Failure("export: no accounts to export") }
            guard let outputDir else {
                return try TerminalQR.show(uris) { index in
                    "code \(index + 1) of \(uris.count) (Google Authenticator: Transfer accounts, Import accounts): " +
                        (index + 1 < uris.count ? "Enter for the next, q stops" : "Enter or q ends")
                }
            }
            if access(outputDir, F_OK) != 0, mkdir(outputDir, 0o700) != 0 {
                throw Failure("\(Escape.text(outputDir)): cannot make the folder: \(String(cString: strerror(errno)))")
            }
            let paths = uris.indices.map { "\(outputDir)/authv-export-\($0 + 1)-of-\(uris.count).png" }
            for path in paths { try QRFile.refuseExisting(path, force: force) }
            var written: [String] = []
            do {
                for (uri, path) in zip(uris, paths) {
                    try QRFile.write(uri, to: path, replace: force, fault: Export.qrReadBackFault)
                    written.append(path)
                }
            } catch {
                // All or nothing: the codes written before the one that failed go too.
                for path in written { unlink(path) }
                throw error
            }
            Console.note("exported \(count) account\(count == 1 ? "" : "s") in \(uris.count) QR code\(uris.count == 1 ? "" : "s") to \(Escape.text(outputDir))")
        }

        /// The new vault's password: PFILE's first line, else typed twice on the terminal without echo.
        func newPassword() throws -> String {
            let password: String
            if let passwordFile {
                password = try Passwords(file: passwordFile).password(for: passwordFile, format: "Aegis")
            } else {
                guard let first = Console.ask("New password for the Aegis export: ", echo: false) else {
                    throw Failure("export --format aegis: give the new password with --password-file PFILE (there is no terminal to ask on), or use --plain")
                }
                guard Console.ask("The same password again: ", echo: false) == first else {
                    throw Failure("export --format aegis: the two passwords differ; nothing was written")
                }
                password = first
            }
            guard !password.isEmpty else { throw Failure("export --format aegis: the password is empty; nothing was written") }
            return password
        }
    }
}
