import ArgumentParser
import OTP
import Vault

extension Authv {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show every account's current code and the seconds left in its window.",
            discussion: """
                HOTP accounts show no code: showing one would use up a counter value (use `authv code`).

                Examples:
                  authv list
                  authv list github
                  authv list --json | jq -r '.[] | .name'
                """
        )

        @Argument(help: "Show only the accounts this selects.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse)
        var query: String?

        @Flag(help: "A JSON array, one object per account.")
        var json = false

        @OptionGroup var time: TimeOptions

        func run() throws {
            let now = time.time
            let accounts = try Keyring.accounts(matching: query, checkingCount: true)
            ClockCheck.warnIfUnsynchronised()
            let rows = try accounts.map { stored in
                (stored, stored.account.type == .hotp ? nil : try stored.account.code(at: now), stored.account.secondsLeft(at: now))
            }
            if json {
                Console.out(JSON.array(rows.map { List.object($0.0, code: $0.1, remaining: $0.2) }).rendered)
                return
            }
            if rows.isEmpty {
                Console.note("no accounts yet: add one with `authv add qr.png`")
                return
            }
            let width = rows.map { Escape.text($0.0.account.displayName).count }.max() ?? 0
            let codeWidth = rows.map { $0.1?.count ?? 1 }.max() ?? 6
            let colour = Console.colourOut
            for (stored, code, remaining) in rows {
                let name = Escape.text(stored.account.displayName)
                var line = name + String(repeating: " ", count: width - name.count + 2)
                let shown = code ?? "-"
                line += shown + String(repeating: " ", count: codeWidth - shown.count + 2)
                if let remaining {
                    let text = "\(remaining)s"
                    line += colour && remaining <= 5 ? "\u{1B}[31m\(text)\u{1B}[0m" : text
                } else {
                    line += "hotp"
                }
                Console.out(line)
            }
        }

        static func object(_ stored: StoredAccount, code: String?, remaining: Int?) -> JSON {
            let account = stored.account
            var fields: [(String, JSON)] = [
                ("name", .string(account.displayName)),
                ("issuer", .string(account.issuer)),
                ("account", .string(account.name)),
                ("type", .string(account.type.rawValue)),
                ("algorithm", .string(account.algorithm.rawValue)),
                ("digits", .int(account.digits)),
                ("period", account.type == .hotp ? .null : .int(account.period)),
                ("code", code.map(JSON.string) ?? .null),
                ("remaining", remaining.map(JSON.int) ?? .null),
            ]
            if account.type == .hotp { fields.append(("counter", .uint(account.counter))) }
            if account.type != .hotp { fields.append(("offset", .int(account.offset))) }
            fields.append(("id", .string(stored.id)))
            return .object(fields)
        }
    }
}
