import ArgumentParser
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

        /// The account a QUERY selects and the recovery codes kept for it; an error when there are none.
        static func select(_ query: String, in store: KeyringStore) throws -> (StoredAccount, RecoveryCodes) {
            let selected = try AccountQuery.one(query, from: try Keyring.load(store))
            guard let codes = try store.recoveryCodes(for: selected) else {
                throw Failure("no recovery codes kept for \(selected.account.displayName) (add them with `authv recovery add`)")
            }
            return (selected, codes)
        }
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
                throw Failure("\(file == "-" ? "standard input" : file): neither text nor PDF")
            }
            let found = RecoveryCodes.parse(text)
            guard !found.isEmpty else { throw Failure("\(file == "-" ? "standard input" : file): no recovery codes found") }
            let store = try Keyring.open()
            let lock = try Keyring.lock()
            defer { withExtendedLifetime(lock) {} }
            let selected = try AccountQuery.one(query, from: try Keyring.load(store))
            let earlier = try store.recoveryCodes(for: selected)
            try store.setRecoveryCodes(RecoveryCodes(codes: found.map { .init(code: $0) }), for: selected)
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
            let store = try Keyring.open()
            // Under the lock: reading may rewrite codes kept in the earlier, multi-line form.
            let lock = try StoreLock()
            defer { withExtendedLifetime(lock) {} }
            let (_, codes) = try Recovery.select(query, in: store)
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
            let store = try Keyring.open()
            let lock = try Keyring.lock()
            defer { withExtendedLifetime(lock) {} }
            var (selected, codes) = try Recovery.select(query, in: store)
            guard let next = codes.codes.firstIndex(where: { !$0.used }) else {
                throw Failure("every recovery code of \(selected.account.displayName) is used: ask the site for new ones")
            }
            codes.codes[next].used = true
            try store.setRecoveryCodes(codes, for: selected)  // marked used before it is shown
            Console.out(codes.codes[next].code, ifLost: "that recovery code of \(selected.account.displayName) is marked used all the same: take the next one, or read it with `authv recovery list`")
            Console.note("\(codes.unused) unused recovery code\(codes.unused == 1 ? "" : "s") left for \(selected.account.displayName)")
        }
    }
}
