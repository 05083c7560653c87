import ArgumentParser
import OTP
import Vault
#if canImport(Glibc)
import Glibc
#endif

extension Authv {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check what makes codes fail: the keyring, the system clock, the stored accounts.",
            discussion: """
                Prints one line per check; exits non-zero when a check fails.

                Examples:
                  authv doctor
                  authv doctor --accept-missing     the accounts that vanished are gone for good: stop warning
                  authv doctor --repair             remove half-written keyring items (asks about each; --yes for scripts)
                """
        )

        @Flag(help: "Take the number of accounts the store holds now as right: ends the warning about missing accounts.")
        var acceptMissing = false

        @Flag(help: "Remove the keyring items that hold no valid account (half-written), asking about each first.")
        var repair = false

        @Flag(name: [.short, .long], help: "With --repair: do not ask.")
        var yes = false

        func validate() throws {
            if yes && !repair { throw ValidationError("--yes goes with --repair") }
        }

        func run() throws {
            if repair && !yes && isatty(STDIN_FILENO) != 1 {
                throw Failure("doctor --repair asks on the terminal before it removes anything: without one, add --yes")
            }
            var failed = 0
            func report(_ ok: Bool?, _ text: String) {
                Console.out((ok == true ? "ok    " : ok == false ? "FAIL  " : "?     ") + Escape.text(text))
                if ok == false { failed += 1 }
            }
            let location = StoreLocation.current
            switch location {
            case .keyring: report(true, "store: the keyring (no vault at \(StoreLocation.defaultVaultPath), AUTHV_VAULT not set)")
            case let .vault(path, named): report(true, "store: the vault \(path)" + (named ? " (AUTHV_VAULT)" : ""))
            }
            do {
                let book = try Keyring.open()
                let contents = try book.contents()
                if let vault = book.store as? FileStore {
                    report(vault.key != nil ? true : false, vault.key != nil ? "vault: decrypts (AES-256-GCM, key from scrypt)"
                                                         : "vault: not encrypted: anyone who reads the file reads the secrets")
                } else {
                    report(true, "keyring: reachable and unlocked")
                }
                if contents.unreadable.isEmpty {
                    report(true, "accounts: \(contents.accounts.count) stored, all readable")
                } else if book.store is FileStore {
                    // A vault's entries are written whole: one authv cannot compute is another app's (mOTP,
                    // Yandex) or a hand edit, kept as it is and never removed by --repair.
                    let other = contents.unreadable.count
                    report(nil, "accounts: \(contents.accounts.count) stored; "
                        + (other == 1 ? "1 more vault entry is kept as it is: authv cannot compute it ("
                                      : "\(other) more vault entries are kept as they are: authv cannot compute them (")
                        + contents.unreadable.joined(separator: "; ") + ")" + (repair ? "; --repair leaves a vault's entries alone" : ""))
                } else if repair {
                    var removed = 0
                    for (_, handle) in contents.unreadableIDs {
                        if try Keyring.removeUnreadable(handle, from: book, yes: yes) { removed += 1 }
                    }
                    report(removed == contents.unreadable.count,
                           "accounts: \(removed) of \(contents.unreadable.count) item(s) that held no valid otpauth URI removed")
                } else {
                    let items = contents.unreadableIDs.map { "[\($0.id)] \($0.handle)" }.joined(separator: ", ")
                    report(false, "accounts: \(contents.unreadable.count) item(s) hold no valid otpauth URI: \(items); `authv doctor --repair` removes them")
                }
                let count = contents.accounts.count
                if acceptMissing {
                    let before = AccountCount.lastShortfall(store: Keyring.countKey)
                    try AccountCount.accept(store: Keyring.countKey, count: count)
                    report(true, "accounts: \(count) taken as the number \(Keyring.storeName) holds from now on"
                        + (before.map { " (\($0.missing) missing accepted)" } ?? ""))
                } else if let shortfall = Keyring.shortfall(count: count, in: book) {
                    report(false, "accounts: " + Keyring.vanished(shortfall) + "; " + Keyring.restoreAdvice)
                } else {
                    report(true, "accounts: none missing since authv last read \(Keyring.storeName)")
                }
                if Keyring.opened != .keyring {
                    // A vault file is encrypted by authv itself.
                } else if let storage = KeyringStorage.inspect(itemPaths: contents.accounts.map(\.handle) + contents.unreadable),
                   !storage.collections.isEmpty {
                    for collection in storage.collections {
                        let (ok, line) = Keyring.storageLine(collection)
                        report(ok, line)
                    }
                } else {
                    report(nil, "keyring storage: cannot tell whether secrets are encrypted on disk (the Secret Service names no default collection)")
                }
            } catch {
                report(false, (location == .keyring ? "keyring: " : "vault: ") + "\(error)")
            }
            let offset = ClockOffsetCheck.check()
            report(offset.ok, offset.line)
            // Whether a time service keeps the clock synchronised. The kernel's flag alone is never a
            // failure (containers and minimal installs have no service, and their clock may be exact); a
            // service that says "not synchronised" is one unless the measurement shows the clock right.
            let rightNow = offset.ok == true
            switch ClockCheck.service() {
            case let .synchronised(why)?: report(true, "clock sync: synchronised (\(why))")
            case let .unsynchronised(why)?:
                report(rightNow ? nil : false, "clock sync: not synchronised (\(why))" + (rightNow
                    ? "; the clock is right now but will drift: enable NTP (sudo timedatectl set-ntp true)"
                    : "; codes depend on the time: enable NTP (sudo timedatectl set-ntp true)"))
            case let .unknown(why)?: report(nil, "clock sync: cannot tell (\(why))")
            case nil:
                switch ClockCheck.kernel() {
                case let .synchronised(why): report(true, "clock sync: \(why)")
                case let .unsynchronised(why), let .unknown(why):
                    report(nil, "clock sync: no time service to ask, and \(why)"
                        + (rightNow ? "; the measured offset above is what counts" : ""))
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
