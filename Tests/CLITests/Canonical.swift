import Foundation
import OTP
import Testing
import TestSupport

extension CanonicalAccount {
    var displayName: String { Account(issuer: issuer, name: name, secret: []).displayName }
}

let importFixtures = fixtures + "imports/"

extension Session {
    /// A password file holding `password` on its first line (and something else after it).
    func passwordFile(_ password: String = "correct horse battery staple") throws -> String {
        try file("password-\(password.utf8.count).txt", password + "\nthis line is not read\n")
    }
}

/// What the canonical comparison leaves out for a format that cannot carry it.
struct CanonicalOptions: Sendable {
    /// The format keeps no notes.
    var notes = true
    /// The canonical accounts the format can hold (all by default).
    var accounts: @Sendable (CanonicalAccount) -> Bool = { _ in true }
}

/// Imports `fixture` with the built binary into a fresh private keyring and compares what `list --json`
/// shows, and what the keyring holds (secret, note, read with secret-tool), entry by entry with the
/// canonical accounts.
func expectCanonicalImport(_ fixture: String, arguments: [String] = [], _ options: CanonicalOptions = CanonicalOptions(),
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    let s = try Session()
    let expected = canonicalAccounts.filter(options.accounts)
    try #require(!expected.isEmpty, "the canonical set is empty", sourceLocation: sourceLocation)
    let result = try s.authv(arguments: ["add"] + arguments + [fixture])
    #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    for account in expected {
        #expect(result.stderr.contains("added: \(account.displayName)"), "\(account.displayName) not reported added: \(result.stderr)",
                sourceLocation: sourceLocation)
    }

    let list = try s.authv("list", "--json")
    #expect(list.status == 0, "\(list.stderr)", sourceLocation: sourceLocation)
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]],
                            sourceLocation: sourceLocation)
    #expect(rows.count == expected.count, "list --json has \(rows.count) accounts, canonical \(expected.count)",
            sourceLocation: sourceLocation)
    let stored = try s.storedAccounts()
    for account in expected {
        let row = rows.first { $0["issuer"] as? String == account.issuer && $0["account"] as? String == account.name }
        guard let row else {
            Issue.record("\(account.displayName) is not in list --json", sourceLocation: sourceLocation)
            continue
        }
        #expect(row["type"] as? String == account.type, "\(account.displayName): type", sourceLocation: sourceLocation)
        #expect(row["digits"] as? Int == account.digits, "\(account.displayName): digits", sourceLocation: sourceLocation)
        if account.type != "steam" {
            #expect(row["algorithm"] as? String == account.algorithm, "\(account.displayName): algorithm", sourceLocation: sourceLocation)
        }
        if account.type == "hotp" {
            #expect((row["counter"] as? NSNumber)?.uint64Value == account.counter, "\(account.displayName): counter \(row["counter"] ?? "none")",
                    sourceLocation: sourceLocation)
        } else {
            #expect(row["period"] as? Int == account.period, "\(account.displayName): period", sourceLocation: sourceLocation)
        }
        let kept = stored.first { $0.issuer == account.issuer && $0.name == account.name }
        #expect(kept?.secret == (try? Base32.decode(account.secret)), "\(account.displayName): secret", sourceLocation: sourceLocation)
        if options.notes {
            #expect(kept?.note == account.note, "\(account.displayName): note \(kept?.note ?? "none")", sourceLocation: sourceLocation)
        }
    }
    // No raw newline in any stored secret (notes are percent-encoded).
    #expect(try s.stored().allSatisfy { !$0.contains("\n") && !$0.contains("\r") }, sourceLocation: sourceLocation)
}

/// What an encrypted format's damaged files must give, each exactly.
struct EncryptedOutcomes: Sendable, CustomTestStringConvertible {
    /// The encrypted canonical fixture and one with a ciphertext byte flipped (in Fixtures/imports/).
    var encrypted: String
    var flipped: String
    /// The error for a wrong password, a flipped byte, and the file cut in half: each the whole message
    /// after "authv: FILE: ".
    var wrongPassword: String
    var flippedError: String
    var truncatedError: String
    /// The format keeps notes.
    var notes = true

    var testDescription: String { encrypted }
}

/// The four outcomes of an encrypted format: the right password imports the canonical set; a wrong one,
/// the flipped byte and the truncated file are each their own one-line error naming the file, and leave
/// the keyring empty.
func expectEncryptedOutcomes(_ outcomes: EncryptedOutcomes, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let options = CanonicalOptions(notes: outcomes.notes)
    let s = try Session()
    let right = try s.passwordFile()
    try expectCanonicalImport(importFixtures + outcomes.encrypted, arguments: ["--password-file", right], options,
                              sourceLocation: sourceLocation)

    let file = importFixtures + outcomes.encrypted
    let wrong = try s.authv("add", "--password-file", try s.passwordFile("Tr0ub4dor&3"), file)
    expectFailure(wrong, status: 1, line: "authv: \(file): \(outcomes.wrongPassword)", sourceLocation: sourceLocation)

    let flipped = importFixtures + outcomes.flipped
    let damaged = try s.authv("add", "--password-file", right, flipped)
    expectFailure(damaged, status: 1, line: "authv: \(flipped): \(outcomes.flippedError)", sourceLocation: sourceLocation)

    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    let cut = s.folder + "/cut-" + outcomes.encrypted
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
    let truncated = try s.authv("add", "--password-file", right, cut)
    expectFailure(truncated, status: 1, line: "authv: \(cut): \(outcomes.truncatedError)", sourceLocation: sourceLocation)
    #expect(try s.stored().isEmpty, "nothing stored after the failures", sourceLocation: sourceLocation)
}

/// The whole line of an add refused for entries authv cannot carry (`entries`: "entry N \"NAME\" (why)"
/// each, in file order).
func cannotCarry(_ file: String, _ entries: [String]) -> String {
    let count = entries.count == 1 ? "an entry" : "\(entries.count) entries"
    return "authv: \(count) authv cannot carry: " + entries.map { "\(file): \($0)" }.joined(separator: "; ")
        + "; nothing was added (--skip-unsupported adds the rest)"
}
