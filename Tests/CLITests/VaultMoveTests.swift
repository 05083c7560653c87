import Foundation
import OTP
import AuthvCrypto
import Testing
import TestSupport

/// The recovery-code items in the keyring, read with secret-tool: their account ids and secrets, sorted.
/// The recovery codes in the keyring, read with secret-tool, each as "ACCOUNT: codes", the account
/// named by the `account-id` attribute (an entry's id, which a re-created entry changes: what must stay
/// is which account the codes belong to).
private func keyringRecovery(_ s: Session) throws -> [String] {
    let raw = try run("secret-tool", ["search", "--all", "xdg:schema", "io.github.authv.RecoveryCodes"],
                      environment: s.keyring.environment, replaceEnvironment: true)
    let listed = try s.authv("list", "--json")
    let objects = (try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]]) ?? []
    let names = objects.reduce(into: [String: String]()) { $0[$1["id"] as? String ?? ""] = $1["name"] as? String }
    // secret-tool prints each item's secret on standard output and its attributes on standard error, in
    // the same order of items.
    func values(_ text: String, _ prefix: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
    let secrets = values(raw.stdout, "secret = "), ids = values(raw.stderr, "attribute.account-id = ")
    return zip(ids, secrets).map { "\(names[$0] ?? "no account [\($0)]"): \($1)" }.sorted()
        + (secrets.count == ids.count ? [] : ["\(secrets.count) secrets, \(ids.count) ids"])
}

/// The accounts in a vault file, read by the Python oracle, as canonical otpauth URIs (sorted), and
/// their recovery codes.
func vaultContents(_ path: String, passwordFile: String) throws -> (uris: [String], recovery: [String: [AegisOracle.Account.Recovery]]) {
    var uris: [String] = []
    var recovery: [String: [AegisOracle.Account.Recovery]] = [:]
    for entry in try AegisOracle.read(path, passwordFile: passwordFile) {
        var account = Account(type: OTPType(rawValue: entry.type)!, issuer: entry.issuer, name: entry.name,
                              secret: try Base32.decode(entry.secret), algorithm: HashAlgorithm(name: entry.algo)!,
                              digits: entry.digits, period: entry.period ?? 30, counter: UInt64(entry.counter ?? 0),
                              note: entry.note)
        account.offset = entry.offset ?? 0
        uris.append(account.uri)
        if !entry.recovery.isEmpty { recovery[account.uri] = entry.recovery }
    }
    return (uris.sorted(), recovery)
}

@Suite("Moving accounts between the keyring and the vault", .serialized)
struct VaultMoveTests {
    /// 100 accounts (TOTP, HOTP with counters, Steam; three with recovery codes) go into the vault and
    /// back; a fault injected at each step of each move leaves both stores exactly as they were.
    @Test func hundredAccountsBothWaysWithAFaultAtEachStep() throws {
        let s = try Session(store: .keyring)
        let uris = (0..<100).map { i -> String in
            let secret = Base32.encode(Array("move-test-secret-\(i)".utf8))
            switch i % 10 {
            case 3: return "otpauth://hotp/Counter%20\(i):user\(i)?secret=\(secret)&issuer=Counter%20\(i)&counter=\(i * 7)"
            case 7: return "otpauth://steam/Steam%20\(i):gamer\(i)?secret=\(secret)&issuer=Steam%20\(i)"
            case 9: return "otpauth://totp/S%C3%A9rvice%20\(i):jos%C3%A9\(i)?secret=\(secret)&issuer=S%C3%A9rvice%20\(i)&algorithm=SHA512&digits=8&period=60"
            default: return "otpauth://totp/Site%20\(i):user\(i)?secret=\(secret)&issuer=Site%20\(i)"
            }
        }
        #expect(try s.authv("add", try s.file("many.txt", uris.joined(separator: "\n") + "\n")).status == 0)
        let codes = try s.file("codes.txt", "1111-2222\n3333-4444\n5555-6666\n")
        for name in ["Site 0 (user0)", "Counter 13 (user13)", "Site 98 (user98)"] {
            #expect(try s.authv("recovery", "add", name, codes).status == 0)
        }
        #expect(try s.authv("recovery", "use", "Site 0 (user0)").status == 0)
        let keyringBefore = try s.stored()
        let recoveryBefore = try keyringRecovery(s)
        #expect(keyringBefore.count == 100)
        #expect(recoveryBefore.count == 3)

        let password = try s.file("password", "move pässword\n")
        let vault = s.folder + "/vault.json"
        let env = ["AUTHV_VAULT": vault, "AUTHV_VAULT_PASSWORD_FILE": password]
        #expect(try s.authv("vault", "create", extra: env).status == 0)
        let emptyVault = try Data(contentsOf: URL(fileURLWithPath: vault))

        for step in ["move-copy", "vault-write", "move-read-back", "move-remove"] {
            let failed = try s.authv("vault", "move-from-keyring", extra: env.merging(["AUTHV_FAULT": step]) { $1 })
            expectFailure(failed, status: 1, line: "authv: fault injected at \(step)")
            #expect(try s.stored() == keyringBefore, "keyring unchanged after a fault at \(step)")
            #expect(try keyringRecovery(s) == recoveryBefore, "recovery codes unchanged after a fault at \(step)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: vault)) == emptyVault, "vault unchanged after a fault at \(step)")
        }

        let moved = try s.authv("vault", "move-from-keyring", extra: env)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stderr.contains("moved 100 accounts"))
        #expect(try s.stored().isEmpty)
        #expect(try keyringRecovery(s).isEmpty)
        let inVault = try vaultContents(vault, passwordFile: password)
        #expect(inVault.uris == keyringBefore)
        #expect(inVault.recovery.count == 3)
        #expect(inVault.recovery.values.contains([.init(code: "1111-2222", used: true), .init(code: "3333-4444", used: false),
                                                  .init(code: "5555-6666", used: false)]))
        let fullVault = try Data(contentsOf: URL(fileURLWithPath: vault))

        for step in ["move-copy", "move-read-back", "move-remove", "vault-write"] {
            let failed = try s.authv("vault", "move-to-keyring", extra: env.merging(["AUTHV_FAULT": step]) { $1 })
            expectFailure(failed, status: 1, line: "authv: fault injected at \(step)")
            #expect(try s.stored().isEmpty, "keyring unchanged after a fault at \(step)")
            #expect(try keyringRecovery(s).isEmpty, "keyring recovery unchanged after a fault at \(step)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: vault)) == fullVault, "vault unchanged after a fault at \(step)")
        }

        let back = try s.authv("vault", "move-to-keyring", extra: env)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try s.stored() == keyringBefore)
        #expect(try keyringRecovery(s) == recoveryBefore)
        #expect(try vaultContents(vault, passwordFile: password).uris.isEmpty)
        // The previous version is kept beside it.
        #expect(try vaultContents(vault + ".bak", passwordFile: password).uris == keyringBefore)

        // A wrong password: one line, nothing moved.
        let wrong = try s.file("wrong", "not it\n")
        expectFailure(try s.authv("vault", "move-from-keyring", extra: ["AUTHV_VAULT": vault, "AUTHV_VAULT_PASSWORD_FILE": wrong]),
                      status: 1, line: "authv: wrong password for the vault \(vault); nothing was changed")
        #expect(try s.stored() == keyringBefore)
    }
}
