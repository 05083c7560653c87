import ArgumentParser
import OTP
import Scan
import Vault

extension Authv {
    struct Recovery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recovery",
            abstract: "Keep a site's backup (recovery) codes with its account, as secret as the account.",
            discussion: """
                Examples:
                  authv recovery add github github-recovery-codes.txt
                  authv recovery add google Backup-codes.pdf
                  authv recovery list github
                  authv recovery use github          the next unused code, marked used
                """,
            subcommands: [AddCodes.self, ListCodes.self, UseCode.self]
        )

    }

    struct AddCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Store the recovery codes in FILE (text, or the site's PDF) with one account.",
            discussion: "Example:\n  authv recovery add github github-recovery-codes.txt"
        )
        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse) var query: String
        @Argument(help: ArgumentHelp("A text or PDF file with the codes; - for standard input.", valueName: "FILE")) var file: String

        func run() throws {
            let bytes = try InputFile.read(file)
            let text: String
            if bytes.starts(with: Array("%PDF-".utf8)) {
                text = try AddCodes.pdfText(bytes, file: file)
            } else if let decoded = String(validating: bytes, as: UTF8.self), !bytes.contains(0) {
                text = decoded
            } else {
                throw Failure("\(InputName.shown(file)): neither text nor PDF")
            }
            let found = RecoveryCodes.parse(text)
            guard !found.isEmpty else { throw Failure("\(InputName.shown(file)): no recovery codes found") }
            let (selected, earlier) = try Keyring.open().setRecoveryCodes(found, for: query)
            var note = "stored \(found.count) recovery code\(found.count == 1 ? "" : "s") for \(selected.account.displayName)"
            if let earlier { note += " (replacing \(earlier.codes.count) kept before)" }
            Console.note(note)
        }

        /// The text of a PDF, by poppler's pdftotext (the bytes go on its standard input, never to a file).
        static func pdfText(_ bytes: [UInt8], file: String) throws -> String {
            guard Spawn.find("pdftotext") != nil else {
                throw Failure("\(file): reading PDF needs pdftotext (Debian's poppler-utils)")
            }
            guard let result = Spawn.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input: bytes, capture: true),
                  result.status == 0 else {
                throw Failure("\(file): not a readable PDF")
            }
            return result.text
        }
    }

    struct ListCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show an account's recovery codes and which are used.",
            discussion: "Example:\n  authv recovery list github"
        )
        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse) var query: String

        func run() throws {
            let (_, codes) = try Keyring.open().recoveryCodes(of: query)
            let width = codes.codes.map(\.code.count).max() ?? 0
            for code in codes.codes {
                Console.out(code.code + String(repeating: " ", count: width - code.code.count + 2) + (code.used ? "used" : "unused"))
            }
        }
    }

    struct UseCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "use",
            abstract: "Print the next unused recovery code of an account, and mark it used (stored before it is printed).",
            discussion: "Example:\n  authv recovery use github | wl-copy"
        )
        @Argument(help: "Selects the account.", completion: .custom(Completion.accountNames), transform: QueryArgument.parse) var query: String

        func run() throws {
            let (selected, code, unused) = try Keyring.open().useRecoveryCode(of: query)  // marked used before it is shown
            Console.out(code, ifLost: "that recovery code of \(selected.account.displayName) is marked used all the same: take the next one, or read it with `authv recovery list`")
            Console.note("\(unused) unused recovery code\(unused == 1 ? "" : "s") left for \(selected.account.displayName)")
        }
    }
}
