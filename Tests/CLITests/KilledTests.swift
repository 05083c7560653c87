import Foundation
import OTP
import Testing
import TestSupport

/// authv killed with SIGKILL (which it cannot catch) at random moments, on the keyring and on the vault
/// file: whatever a kill leaves, running the command again repairs it, nothing is ever half-written, and
/// no HOTP or recovery code is ever shown twice.
@Suite("Killed at the worst moment (SIGKILL), keyring and vault", .serialized, .enabled(if: TestStore.onKeyring, "runs both stores itself"))
struct KilledTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case keyring, vault
        var testDescription: String { rawValue }
    }

    /// A session on either store; for the vault, a new vault file under a password file.
    final class Place {
        let session: Session
        var extra: [String: String] = [:]
        /// The vault file as `vault create` wrote it (no accounts).
        var emptyVault: Data?

        init(_ store: Store) throws {
            session = try Session(store: .keyring)
            if store == .vault {
                let password = try session.file("password", "kill test\n")
                extra = ["AUTHV_VAULT": session.folder + "/vault.json", "AUTHV_VAULT_PASSWORD_FILE": password]
                try #require(try session.authv("vault", "create", extra: extra).status == 0)
                emptyVault = try Data(contentsOf: URL(fileURLWithPath: session.folder + "/vault.json"))
            }
        }

        /// Back to no accounts, behind authv's back (secret-tool; the vault's first version) and quickly.
        func empty() throws {
            if let emptyVault {
                try emptyVault.write(to: URL(fileURLWithPath: session.folder + "/vault.json"))
            } else {
                try run("secret-tool", ["clear", "xdg:schema", "io.github.authv.Account"],
                        environment: session.keyring.environment, replaceEnvironment: true)
            }
        }

        @discardableResult
        func authv(_ arguments: String...) throws -> RunResult {
            try run(authvBinary, arguments, environment: session.keyring.environment.merging(extra) { $1 },
                    replaceEnvironment: true, directory: session.folder)
        }

        /// Starts authv and kills it after `delay` seconds (or lets it end first); what it printed.
        func authvKilled(after delay: Double, _ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: authvBinary)
            process.arguments = arguments
            process.environment = session.keyring.environment.merging(extra) { $1 }
            process.currentDirectoryURL = URL(fileURLWithPath: session.folder)
            let out = session.folder + "/killed-\(UUID().uuidString).out"
            FileManager.default.createFile(atPath: out, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay * 1_000_000))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(atPath: out) }
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }

        /// The accounts as authv lists them, and that nothing stored is unreadable (doctor's count).
        func accounts() throws -> [String] {
            let list = try authv("list", "--json", "--at", "1700000000")
            try #require(list.status == 0, "list: \(list.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            return rows.compactMap { $0["name"] as? String }.sorted()
        }

        func expectNothingHalfWritten(_ sourceLocation: SourceLocation = #_sourceLocation) throws {
            let doctor = try authv("doctor")
            #expect(!doctor.stdout.contains("unreadable") && !doctor.stdout.contains("not valid"),
                    "doctor: \(doctor.stdout)", sourceLocation: sourceLocation)
        }
    }

    static let uris = (1...50).map {
        "otpauth://totp/Kill\($0):user\($0)?secret=\(Base32.encode(Array("kill-test-secret-\($0)".utf8)))&issuer=Kill\($0)"
    }
    static let names = (1...50).map { "Kill\($0) (user\($0))" }.sorted()

    @Test(arguments: Store.allCases)
    func addKilledAndRunAgainHasEveryAccountOnce(store: Store) throws {
        let place = try Place(store)
        let file = try place.session.file("fifty.txt", Self.uris.joined(separator: "\n") + "\n")
        let start = Date()
        #expect(try place.authv("add", file).status == 0)
        let whole = Date().timeIntervalSince(start)
        for round in 0..<25 {
            try place.empty()
            try #require(try place.accounts().isEmpty)
            _ = try place.authvKilled(after: Double.random(in: 0...(whole * 1.2)), ["add", file])
            let again = try place.authv("add", file)
            #expect(again.status == 0, "round \(round): the add run again: \(again.stderr)")
            #expect(try place.accounts() == Self.names, "round \(round): exactly the 50 accounts, each once")
            try place.expectNothingHalfWritten()
        }
    }

    @Test(arguments: Store.allCases)
    func renameAndRemoveKilledLeaveOneAccountOrNone(store: Store) throws {
        let place = try Place(store)
        #expect(try place.authv("add", try place.session.file("one.txt", Self.uris[0] + "\n")).status == 0)
        for round in 0..<10 {
            let from = round % 2 == 0 ? "user1" : "renamed"
            let to = round % 2 == 0 ? "renamed" : "user1"
            _ = try place.authvKilled(after: Double.random(in: 0...0.3), ["rename", "Kill1 (\(from))", "--account", to])
            let names = try place.accounts()
            #expect(names == ["Kill1 (user1)"] || names == ["Kill1 (renamed)"], "round \(round): one account, old or new name: \(names)")
            if names == ["Kill1 (renamed)"] { try place.authv("rename", "Kill1 (renamed)", "--account", "user1") }
            try place.expectNothingHalfWritten()
        }
        _ = try place.authvKilled(after: Double.random(in: 0...0.2), ["remove", "Kill1 (user1)", "--yes"])
        let left = try place.accounts()
        #expect(left == [] || left == ["Kill1 (user1)"], "removed or still there, nothing between: \(left)")
        try place.expectNothingHalfWritten()
    }

    @Test(arguments: Store.allCases)
    func hotpAndRecoveryCodesKilledAreNeverShownTwice(store: Store) throws {
        let place = try Place(store)
        let secret = Array("12345678901234567890".utf8)   // RFC 4226's
        let hotp = "otpauth://hotp/Counter:kill?secret=\(Base32.encode(secret))&issuer=Counter&counter=0"
        #expect(try place.authv("add", try place.session.file("hotp.txt", hotp + "\n")).status == 0)
        var shown: [String] = []
        for run in 0..<40 {
            let output = run % 2 == 0
                ? try place.authvKilled(after: Double.random(in: 0...0.15), ["code", "counter"])
                : try place.authv("code", "counter").stdout
            shown += output.split(separator: "\n").map(String.init)
        }
        #expect(Set(shown).count == shown.count, "an HOTP code shown twice: \(shown)")
        // Every code shown is RFC 4226's for some counter (Appendix D: counters 0-9), taken in order.
        let appendixD = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        let early = shown.filter { appendixD.contains($0) }
        #expect(early == appendixD.filter { early.contains($0) }, "codes in counter order")

        let codes = try place.session.file("codes.txt", (1...12).map { "code-\($0)-\(1000 + $0)" }.joined(separator: "\n") + "\n")
        #expect(try place.authv("recovery", "add", "counter", codes).status == 0)
        var used: [String] = []
        for run in 0..<12 {
            let output = run % 2 == 0
                ? try place.authvKilled(after: Double.random(in: 0...0.15), ["recovery", "use", "counter"])
                : try place.authv("recovery", "use", "counter").stdout
            used += output.split(separator: "\n").map(String.init)
        }
        #expect(Set(used).count == used.count, "a recovery code shown twice: \(used)")
        try place.expectNothingHalfWritten()
    }
}
