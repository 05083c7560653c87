import ArgumentParser
import OTP
import Vault

extension Authv {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every account out, with its secret.",
            discussion: """
                The output holds every secret: keep it as safe as the keyring. --output writes a new file
                readable by its owner alone.

                Examples:
                  authv export --output backup.txt
                  authv export --format migration     Google Authenticator export URIs (10 accounts each)
                """
        )

        @Option(help: "uri: otpauth:// URIs, one per line; migration: otpauth-migration:// URIs for Google Authenticator.")
        var format: ExportEncoding = .uri

        @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
        var output: String?

        @Flag(help: "Replace FILE if it exists.")
        var force = false

        func validate() throws {
            if force && output == nil { throw ValidationError("--force goes with --output") }
        }

        func run() throws {
            let (text, count) = try Keyring.open().export(format)
            if let output {
                try AtomicFile.write(Array(text.utf8), to: output, replace: force)
                Console.note("exported \(count) account\(count == 1 ? "" : "s") to \(output)")
            } else {
                Console.out(text, newline: false)
            }
        }
    }
}

extension ExportEncoding: ExpressibleByArgument {}
