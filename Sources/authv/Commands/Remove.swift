import ArgumentParser
import Vault

extension Authv {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove one account (asks first unless --yes).",
            discussion: """
                Removing an account's secret can lock you out of that account: first turn two-factor
                authentication off at the site, or make sure another authenticator holds the secret.

                Examples:
                  authv remove github
                  authv remove 'GitHub (alice)' --yes
                """
        )

        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String

        @Flag(name: [.short, .long], help: "Do not ask.")
        var yes = false

        func run() throws {
            let book = try Keyring.open()
            // An id of an item that holds no valid account (half-written): that item, asked about first.
            if let handle = try Keyring.unreadableHandle(for: query, in: book) {
                guard try Keyring.removeUnreadable(handle, from: book, yes: yes) else { throw Failure("not removed: item [\(query)]") }
                return
            }
            let selected = try Keyring.one(query, in: book)
            let name = selected.account.displayName
            let recovery = try book.recoveryCodes(for: selected)
            if !yes {
                var questions = ["Remove \(name)? Its codes will be gone for good. [y/N] "]
                if let recovery, recovery.unused > 0 {
                    questions.append("\(name) has \(recovery.unused) unused recovery code\(recovery.unused == 1 ? "" : "s"), removed with it. Remove it all the same? [y/N] ")
                }
                for question in questions {
                    guard let answer = Console.ask(question) else {
                        throw Failure("not removing \(name): no terminal to ask on (use --yes)")
                    }
                    guard ["y", "yes"].contains(answer.lowercased()) else { throw Failure("not removed: \(name)") }
                }
            }
            try book.remove(selected)  // under the lock, checked again; the count recorded there (`Keyring.open`)
            Console.note("removed: \(name)")
        }
    }
}
