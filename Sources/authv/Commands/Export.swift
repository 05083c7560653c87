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

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case uri, migration
        }

        @Option(help: "uri: otpauth:// URIs, one per line; migration: otpauth-migration:// URIs for Google Authenticator.")
        var format: Format = .uri

        @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
        var output: String?

        @Flag(help: "Replace FILE if it exists.")
        var force = false

        func validate() throws {
            if force && output == nil { throw ValidationError("--force goes with --output") }
        }

        func run() throws {
            let store = try Keyring.open()
            let accounts = try Keyring.load(store).map(\.account)
            var lines: [String]
            switch format {
            case .uri:
                lines = accounts.map(\.uri)
            case .migration:
                let encoded = Migration.encode(accounts, batchID: Int32.random(in: 1...Int32.max))
                guard encoded.unsupported.isEmpty else {
                    let names = encoded.unsupported.map { "\($0.account.displayName) (\($0.reason))" }
                    throw Failure("not exported: Google Authenticator exports cannot carry \(names.joined(separator: "; ")); use --format uri")
                }
                lines = encoded.uris
            }
            let text = lines.map { $0 + "\n" }.joined()
            if let output {
                try AtomicFile.write(Array(text.utf8), to: output, replace: force)
                Console.note("exported \(accounts.count) account\(accounts.count == 1 ? "" : "s") to \(output)")
            } else {
                Console.out(text, newline: false)
            }
        }
    }
}
