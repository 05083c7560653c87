import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

struct Authv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authv",
        abstract: "A two-factor authenticator for the terminal: TOTP, HOTP and Steam codes kept in the desktop keyring.",
        discussion: """
            Examples:
              authv add qr.png              add the account(s) in a QR code screenshot
              authv list                    every account's code and the seconds it has left
              authv code github | wl-copy   one code, straight to the clipboard
            """,
        version: "0.1.0",
        subcommands: [Add.self, List.self, Code.self, Watch.self, Remove.self, Rename.self, Export.self, Recovery.self, Doctor.self,
                      ClearClipboard.self]
    )
}

/// Runs the command; library errors become one line on standard error and exit status 1.
@main
enum Main {
    static func main() {
        do {
            var command = try Authv.parseAsRoot()
            try command.run()
        } catch let error as CleanExit {
            Authv.exit(withError: error)
        } catch let error as ExitCode {
            Authv.exit(withError: error)
        } catch let error where Main.isParserError(error) {
            Authv.exit(withError: error)
        } catch {
            Console.error("\(error)")
            exit(1)
        }
    }

    /// Errors from argument parsing and validation keep swift-argument-parser's usage output.
    static func isParserError(_ error: Error) -> Bool {
        error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
