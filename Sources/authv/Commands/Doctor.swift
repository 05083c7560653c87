import ArgumentParser
import Vault

extension Authv {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check what makes codes fail: the keyring, the system clock, the stored accounts.",
            discussion: """
                Prints one line per check; exits non-zero when a check fails.

                Example:
                  authv doctor
                """
        )

        func run() throws {
            var failed = 0
            func report(_ ok: Bool?, _ text: String) {
                Console.out((ok == true ? "ok    " : ok == false ? "FAIL  " : "?     ") + text)
                if ok == false { failed += 1 }
            }
            do {
                let store = try KeyringStore()
                let contents = try store.load()
                report(true, "keyring: reachable and unlocked")
                if contents.unreadable.isEmpty {
                    report(true, "accounts: \(contents.accounts.count) stored, all readable")
                } else {
                    report(false, "accounts: \(contents.unreadable.count) item(s) hold no valid otpauth URI: \(contents.unreadable.joined(separator: ", "))")
                }
            } catch {
                report(false, "keyring: \(error)")
            }
            switch ClockCheck.thorough() {
            case let .synchronised(why): report(true, "clock: synchronised (\(why))")
            case let .unsynchronised(why): report(false, "clock: not synchronised (\(why)); codes depend on the time: enable NTP (timedatectl set-ntp true)")
            case let .unknown(why): report(nil, "clock: cannot tell whether it is synchronised (\(why))")
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
