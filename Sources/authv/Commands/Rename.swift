import ArgumentParser
import OTP
import Vault

extension Authv {
    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename",
            abstract: "Change the issuer or account name of one account.",
            discussion: """
                Examples:
                  authv rename github --account alice@work.example
                  authv rename 'Example (bob)' --issuer 'Example Corp'
                """
        )

        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String

        @Option(help: "The new issuer (the site's name).")
        var issuer: String?

        @Option(help: "The new account name.")
        var account: String?

        func validate() throws {
            if issuer == nil && account == nil { throw ValidationError("give --issuer, --account or both") }
        }

        func run() throws {
            let (from, to) = try Keyring.open().rename(query, issuer: issuer, name: account)
            Console.note("renamed: \(from.displayName) -> \(to.displayName)")
        }
    }
}
