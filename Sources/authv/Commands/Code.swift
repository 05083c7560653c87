import ArgumentParser
import OTP
import Vault

extension Authv {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code",
            abstract: "Print the current code of one account, and nothing else.",
            discussion: """
                For HOTP accounts the next counter value is stored before the code is printed.

                Examples:
                  authv code github | wl-copy
                  authv code github -n | xclip -selection clipboard
                  authv code 'GitHub (alice)' --at 2026-11-29T13:00:00Z
                """
        )

        @Argument(help: "Selects the account: its name, issuer or account name, or a part of its name.")
        var query: String

        @Flag(name: .customShort("n"), help: "No newline after the code.")
        var noNewline = false

        @OptionGroup var time: TimeOptions

        func run() throws {
            let now = time.time
            let store = try Keyring.open()
            // Exact matches come from attribute searches that read no other secret; only a query with
            // none reads every account, for the substring rule.
            var candidates = try store.exactMatches(for: query) ?? []
            if candidates.isEmpty { candidates = try Keyring.load(store) }
            var selected = try AccountQuery.one(query, from: candidates)
            let code: String
            if selected.account.type == .hotp {
                // Read again under the lock: another authv may have moved the counter meanwhile.
                let lock = try StoreLock()
                defer { withExtendedLifetime(lock) {} }
                guard let current = try Keyring.load(store).first(where: { $0.handle == selected.handle }) else {
                    throw Failure("\(selected.account.displayName) was removed meanwhile")
                }
                selected = current
                code = try selected.account.code(at: now)
                var next = selected.account
                next.counter += 1
                try store.update(selected, to: next)  // stored before it is shown
            } else {
                code = try selected.account.code(at: now)
            }
            Console.out(code, newline: !noNewline)
        }
    }
}
