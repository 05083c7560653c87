import ArgumentParser

@main
struct Authv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authv",
        abstract: "A two-factor authenticator for the terminal: TOTP, HOTP and Steam codes from the desktop keyring.",
        subcommands: []
    )
}
