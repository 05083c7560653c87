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
            let store = try Keyring.open()
            let lock = try Keyring.lock()
            defer { withExtendedLifetime(lock) {} }
            let all = try Keyring.load(store)
            let selected = try AccountQuery.one(query, from: all)
            var renamed = selected.account
            if let issuer { renamed.issuer = issuer }
            if let account { renamed.name = account }
            if let problem = renamed.limitProblem { throw Failure(problem) }
            if all.contains(where: { $0.handle != selected.handle && $0.account.isSameAccount(as: renamed) }) {
                throw Failure("\(renamed.displayName) with this secret is already stored; remove one instead of renaming")
            }
            try store.update(selected, to: renamed)
            Console.note("renamed: \(selected.account.displayName) -> \(renamed.displayName)")
        }
    }
}
