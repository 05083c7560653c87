import ArgumentParser
import OTP
import Vault

extension Authv {
    struct SetSettings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change one account's settings: the clock offset of its verifier.",
            discussion: """
                Some verifiers (old hardware tokens, misconfigured servers) run ahead of the real time or behind
                it: --offset makes this account's codes follow that clock. 0 removes the offset. `list --json`
                shows it as `offset`.

                Examples:
                  authv set vpn --offset 30        the VPN accepts the code of the next 30-second window
                  authv set vpn --offset -60       ... of two windows ago
                  authv set vpn --offset 0
                """
        )

        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames))
        var query: String

        @Option(parsing: .unconditional,
                help: ArgumentHelp("Seconds the verifier's clock is ahead (positive) or behind (negative), -86400 to 86400.", valueName: "SECONDS"))
        var offset: Int

        func validate() throws {
            guard (-OTPAuthURI.maxOffset...OTPAuthURI.maxOffset).contains(offset) else {
                throw ValidationError("--offset takes whole seconds from -\(OTPAuthURI.maxOffset) to \(OTPAuthURI.maxOffset)")
            }
        }

        func run() throws {
            let name = try Keyring.open().setOffset(query, seconds: offset).account.displayName
            Console.note(offset == 0 ? "\(name): no clock offset"
                         : "\(name): codes follow a clock \(abs(offset)) s \(offset > 0 ? "ahead of" : "behind") the real time")
        }
    }
}
