import ArgumentParser
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct VaultCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vault",
            abstract: "Keep accounts in an encrypted vault file (Aegis's format) instead of the keyring.",
            discussion: """
                The vault is used when it exists at the default path ($XDG_DATA_HOME/authv/vault.json) or
                when AUTHV_VAULT names it; otherwise accounts live in the keyring. Its password is typed on
                the terminal, or read from the first line of the file that AUTHV_VAULT_PASSWORD_FILE names.

                Examples:
                  authv vault create                  a new vault at the default path
                  authv vault move-from-keyring       every account (and its recovery codes) into it
                  authv unlock --for 2h               no password asked again for two hours
                """,
            subcommands: [Create.self, MoveFromKeyring.self, MoveToKeyring.self]
        )

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create",
                abstract: "Create an encrypted vault file (asks for a new password twice); never overwrites one.")

            @Argument(help: "Where (default: AUTHV_VAULT, else $XDG_DATA_HOME/authv/vault.json).")
            var path: String?

            func run() throws {
                let path = path ?? StoreLocation.vaultPathToCreate
                guard access(path, F_OK) != 0 else { throw Failure("\(path) already exists; nothing was changed") }
                try FileStore.create(at: path, password: try VaultPassword.get(for: path, new: true))
                Console.note("created the vault \(path)")
                if StoreLocation.current != .vault(path: path, named: false), StoreLocation.current != .vault(path: path, named: true) {
                    Console.note("authv uses it where AUTHV_VAULT=\(path) is set")
                } else if let count = try? KeyringStore().load().accounts.count, count > 0 {
                    Console.note("\(count) account\(count == 1 ? " stays" : "s stay") in the keyring: move \(count == 1 ? "it" : "them") with `authv vault move-from-keyring`")
                }
            }
        }

        struct MoveFromKeyring: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "move-from-keyring",
                abstract: "Move every account (with its recovery codes) from the keyring into the vault.")

            func run() throws {
                try VaultCommand.move(toVault: true)
            }
        }

        struct MoveToKeyring: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "move-to-keyring",
                abstract: "Move every account (with its recovery codes) from the vault into the keyring.")

            func run() throws {
                try VaultCommand.move(toVault: false)
            }
        }

        /// Moves every account between the keyring and the vault in use, under the store's lock.
        static func move(toVault: Bool) throws {
            let vault = try VaultCommand.openVault()
            let lock = try Keyring.lock()
            defer { withExtendedLifetime(lock) {} }
            let keyring = try KeyringStore()
            let count = toVault ? try StoreMove.fromKeyring(keyring, to: vault) : try StoreMove.toKeyring(vault, to: keyring)
            let file = StoreLocation.vault(path: vault.path, named: false)
            Keyring.recordMove(count, from: toVault ? .keyring : file, to: toVault ? file : .keyring)
            let accounts = "\(count) account\(count == 1 ? "" : "s")"
            Console.note(toVault ? "moved \(accounts) from the keyring into the vault \(vault.path)"
                                 : "moved \(accounts) from the vault \(vault.path) into the keyring")
        }

        /// The vault in use (AUTHV_VAULT or the default path), opened with its kept key or password.
        static func openVault() throws -> FileStore {
            guard case let .vault(path, _) = StoreLocation.current else {
                throw Failure("no vault at \(StoreLocation.defaultVaultPath) and AUTHV_VAULT is not set: create one with `authv vault create`")
            }
            return try FileStore(path: path) { () throws(StoreError) in try VaultPassword.get(for: path) }
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlock",
            abstract: "Keep the vault's key (never its password) in the kernel keyring for a while.",
            discussion: """
                `code` and `list` then open the vault without asking. `authv lock` forgets the key at once.

                Examples:
                  authv unlock            for 15 minutes
                  authv unlock --for 2h
                """)

        @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30s, 15m, 2h, 1d (at most 7d).", valueName: "DURATION"))
        var duration: String = "15m"

        func run() throws {
            guard let seconds = Unlock.seconds(duration) else {
                throw ValidationError("--for takes a duration such as 30s, 15m or 2h, from 1 s to 7 days")
            }
            let vault = try VaultCommand.openVault()
            guard let key = vault.key else { throw Failure("the vault \(vault.path) is not encrypted: there is no key to keep") }
            try KeyCache.keep(key.masterKey, for: vault.path, seconds: seconds)
            Console.note("unlocked the vault \(vault.path) for \(duration)")
        }

        /// `30s`, `15m`, `2h`, `1d`, or groups of them (`1h30m`); a bare number is seconds.
        static func seconds(_ text: String) -> UInt32? {
            var total = 0
            var number: Int? = nil
            for character in text {
                if let digit = character.wholeNumberValue, character.isASCII {
                    number = (number ?? 0) * 10 + digit
                    guard number! <= 7 * 86_400 else { return nil }
                } else {
                    guard let value = number else { return nil }
                    switch character {
                    case "s": total += value
                    case "m": total += value * 60
                    case "h": total += value * 3600
                    case "d": total += value * 86_400
                    default: return nil
                    }
                    number = nil
                }
                guard total <= 7 * 86_400 else { return nil }
            }
            total += number ?? 0
            return (1...7 * 86_400).contains(total) ? UInt32(total) : nil
        }
    }

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lock", abstract: "Forget the vault's key kept by `authv unlock`.")

        func run() throws {
            guard case let .vault(path, _) = StoreLocation.current else {
                throw Failure("no vault at \(StoreLocation.defaultVaultPath) and AUTHV_VAULT is not set: nothing to lock")
            }
            Console.note(KeyCache.forget(for: path) ? "locked the vault \(path): its key is forgotten" : "the vault \(path) was not unlocked")
        }
    }
}
