import Foundation
import AuthvCrypto
import OTP
import Testing
import TestSupport
@testable import Vault

/// One private keyring for every in-process test: libsecret keeps one connection per process, and this
/// points it at a throwaway daemon before the first use, so no test ever touches a real keyring. A global
/// is never deinitialised, so the daemons are stopped (and the folder removed) when the test process exits.
let sharedKeyring: PrivateKeyring = {
    let keyring = try! PrivateKeyring()
    for (key, value) in keyring.environment where key != "PATH" { setenv(key, value, 1) }
    atexit { sharedKeyring.stop() }
    return keyring
}()

func freshStore() throws -> KeyringStore {
    _ = sharedKeyring
    let store = try KeyringStore()
    for stored in try store.load().accounts { try store.remove(stored) }
    return store
}

private let hello: [UInt8] = Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]

func sample(_ i: Int, type: OTPType = .totp) -> Account {
    Account(type: type, issuer: "Site \(i)", name: "user\(i)", secret: SecretBytes(hello + [UInt8(i)]), counter: type == .hotp ? 10 : 0)
}

@Suite("The keyring store (real gnome-keyring-daemon)", .serialized)
struct KeyringStoreTests {
    @Test func addLoadUpdateRemove() throws {
        let store = try freshStore()
        try store.add([sample(1), sample(2, type: .hotp), sample(3)])
        var loaded = try store.load()
        #expect(loaded.unreadable.isEmpty)
        #expect(loaded.accounts.map(\.account) == [sample(1), sample(2, type: .hotp), sample(3)])

        let hotp = loaded.accounts[1]
        var next = hotp.account
        next.counter = 11
        try store.update(hotp, to: next)
        loaded = try store.load()
        #expect(loaded.accounts.map(\.account) == [sample(1), next, sample(3)])
        #expect(loaded.accounts.first { $0.handle == hotp.handle }?.account.counter == 11)

        var renamed = loaded.accounts[0].account
        renamed.issuer = "Another Site"
        try store.update(loaded.accounts[0], to: renamed)
        loaded = try store.load()
        #expect(loaded.accounts.map(\.account.issuer) == ["Another Site", "Site 2", "Site 3"])
        // The rename reached the attributes too: a search by the new case-folded issuer finds it.
        #expect(try store.read(matching: ["issuer": "another site"]).accounts.map(\.account) == [renamed])
        #expect(try store.read(matching: ["issuer": "site 1"]).accounts.isEmpty)

        try store.remove(loaded.accounts[1])
        #expect(try store.load().accounts.map(\.account.name) == ["user1", "user3"])
    }

    @Test func addIsAllOrNothing() throws {
        let store = try freshStore()
        try store.add([sample(9)])
        store.failAfterStoring = 2
        #expect(throws: StoreError.self) { try store.add([sample(1), sample(2), sample(3), sample(4), sample(5)]) }
        store.failAfterStoring = nil
        // The two stored before the failure were taken back; what was there before is untouched.
        #expect(try store.load().accounts.map(\.account) == [sample(9)])
    }

    /// Recovery codes stored with their accounts in one add: found under the new items' ids, and taken
    /// back with them when the add fails (no recovery item is left without its account).
    @Test func recoveryCodesComeAndGoWithTheirAccounts() throws {
        let store = try freshStore()
        let codes = RecoveryCodes(codes: [.init(code: "aaaa-1111", used: true), .init(code: "bbbb-2222")])
        try store.add([(sample(1), codes), (sample(2), nil)])
        let loaded = try store.load().accounts
        #expect(try loaded.map { try store.recoveryCodes(for: $0) } == [codes, nil])
        // secret-tool as the independent reader: the account ids of the recovery items the keyring holds.
        let recoveryItems = { () throws -> [String] in
            let result = try run("secret-tool", ["search", "--all", "xdg:schema", KeyringStore.recoverySchemaName],
                                 environment: sharedKeyring.environment, replaceEnvironment: true)
            return (result.stdout + result.stderr).split(separator: "\n").filter { $0.hasPrefix("attribute.account-id") }.map(String.init).sorted()
        }
        let before = try recoveryItems()
        // (The keyring is shared with the other tests of this process: theirs are there too.)
        #expect(before.contains("attribute.account-id = \(loaded[0].id)") && !before.contains("attribute.account-id = \(loaded[1].id)"))
        store.failAfterStoring = 1
        #expect(throws: StoreError.self) { try store.add([(sample(3), codes), (sample(4), codes)]) }
        store.failAfterStoring = nil
        #expect(try store.load().accounts.map(\.account) == [sample(1), sample(2)])
        #expect(try recoveryItems() == before, "the recovery item of the account taken back is gone too")
    }

    @Test func accountsWithTheSameNamesNeverReplaceEachOther() throws {
        let store = try freshStore()
        var renewed = sample(1)
        renewed.secret = [1, 2, 3, 4, 5]
        try store.add([sample(1)])
        try store.add([renewed])
        let loaded = try store.load().accounts
        #expect(loaded.count == 2)
        #expect(Set(loaded.map(\.id)).count == 2)
    }

    @Test func loadsManyAccountsInOneSearch() throws {
        let store = try freshStore()
        try store.add((0..<120).map { sample($0) })
        let loaded = try store.load().accounts
        #expect(loaded.count == 120)
        #expect(Set(loaded.map(\.account.uri)) == Set((0..<120).map { sample($0).uri }), "every account, every field")
    }

    @Test func itemsThatAreNotAccountsAreReportedNotFatal() throws {
        let store = try freshStore()
        try store.add([sample(1)])
        // An item in authv's schema whose secret is not an otpauth URI (written by something else).
        let result = try run("secret-tool", ["store", "--label=broken", "xdg:schema", KeyringStore.schemaName, "uuid", "x", "issuer", "y", "account", "z"],
                             stdin: Data("not a uri".utf8), environment: sharedKeyring.environment, replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        let loaded = try store.load()
        #expect(loaded.accounts.map(\.account) == [sample(1)])
        #expect(loaded.unreadable.count == 1)
        try run("secret-tool", ["clear", "xdg:schema", KeyringStore.schemaName, "uuid", "x"], environment: sharedKeyring.environment, replaceEnvironment: true)
    }

    /// authv's one keyring client (sd-bus, a plain session) against another: libsecret's secret-tool reads
    /// every item authv wrote, with the same secret and attributes; authv's exact searches find what they should.
    @Test func secretToolReadsWhatAuthvWrote() throws {
        let store = try freshStore()
        var unusual = Account(issuer: "Ünïcode & Co: 東京", name: "a b%c@example.com", secret: [0, 255, 1, 254])
        unusual.digits = 8
        try store.add([sample(1), sample(2, type: .hotp), sample(3, type: .steam), unusual] + (10..<60).map { sample($0) })
        let loaded = try store.load().accounts
        #expect(loaded.count == 54)
        let utf8 = sharedKeyring.environment.merging(["LC_ALL": "C.UTF-8"]) { $1 }
        let result = try run("secret-tool", ["search", "--all", "--unlock", "xdg:schema", KeyringStore.schemaName],
                             environment: utf8, replaceEnvironment: true)
        // secret-tool prints each item as "[/N]" (the path's last part) and "label = ", "secret = " lines.
        var items: [String: [String: String]] = [:]
        var current = ""
        for line in result.stdout.split(separator: "\n") {
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = String(line.dropFirst(2).dropLast())
            } else if let range = line.range(of: " = ") {
                items[current, default: [:]][String(line[..<range.lowerBound])] = String(line[range.upperBound...])
            }
        }
        #expect(items.count == 54)
        for stored in loaded {
            let item = items[String(stored.handle.split(separator: "/").last ?? "")]
            #expect(item?["secret"] == stored.account.uri)
            #expect(item?["label"] == "authv: " + stored.account.displayName)
        }
        // The attributes: secret-tool's search by the case-folded issuer finds that one item.
        let one = try run("secret-tool", ["lookup", "xdg:schema", KeyringStore.schemaName, "issuer", "ünïcode & co: 東京"],
                          environment: utf8, replaceEnvironment: true)
        #expect(one.stdout == unusual.uri)
        for (query, count) in [("site 2", 1), ("USER3", 1), ("Ünïcode & Co: 東京 (a b%c@example.com)", 1), ("nobody", 0)] {
            let exact = try #require(try store.exactMatches(for: query), "\(query)")
            #expect(exact.count == count, "\(query)")
            #expect(exact.allSatisfy { AccountQuery.select(query, from: loaded).contains($0) }, "\(query)")
        }
    }
}

@Suite("Query selection")
struct QueryTests {
    static let accounts: [StoredAccount] = [
        StoredAccount(account: Account(issuer: "GitHub", name: "alice", secret: [1]), handle: "1"),
        StoredAccount(account: Account(issuer: "GitHub Enterprise", name: "alice", secret: [2]), handle: "2"),
        StoredAccount(account: Account(issuer: "Gitea", name: "bob", secret: [3]), handle: "3"),
        StoredAccount(account: Account(issuer: "", name: "carol@example.com", secret: [4]), handle: "4"),
    ]

    @Test(arguments: [
        ("github", ["1"]),            // exact issuer wins over "GitHub Enterprise"
        ("GITHUB (ALICE)", ["1"]),    // exact display name
        ("alice", ["1", "2"]),        // exact account name, shared
        ("enterprise", ["2"]),        // substring
        ("git", ["1", "2", "3"]),
        ("carol@example.com", ["4"]),
        ("example", ["4"]),
        ("nobody", []),
    ])
    func select(query: String, handles: [String]) {
        #expect(AccountQuery.select(query, from: QueryTests.accounts).map(\.handle) == handles)
    }

    @Test func fingerprintSelects() throws {
        let id = QueryTests.accounts[1].id
        #expect(id.count == 8)
        #expect(try AccountQuery.one(id, from: QueryTests.accounts).handle == "2")
    }

    @Test func oneNamesEveryMatch() {
        #expect(throws: QueryError.noMatch("nobody")) { try AccountQuery.one("nobody", from: QueryTests.accounts) }
        do {
            _ = try AccountQuery.one("git", from: QueryTests.accounts)
            Issue.record("ambiguous query accepted")
        } catch {
            #expect("\(error)".contains("GitHub (alice)") && "\(error)".contains("Gitea (bob)") && "\(error)".contains("matches 3 accounts"))
        }
    }
}

@Suite("Text and QR import")
struct ImportTests {
    @Test func linesAndNumbers() throws {
        let text = "# c\n\notpauth://totp/A:x?secret=JBSWY3DPEHPK3PXP\r\n  otpauth://totp/B:y?secret=MFRGGZDF  \n"
        #expect(try Importer.accounts(from: [.text(file: "f", content: text)]).map(\.issuer) == ["A", "B"])
        #expect(throws: ImportError.notAURI(file: "f", line: 3)) {
            try Importer.accounts(from: [.text(file: "f", content: "# c\n\nhello\n")])
        }
    }

    @Test func imagesSkipOtherCodesButNeedOne() throws {
        let otp = "otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXP"
        #expect(try Importer.accounts(from: [.image(file: "i", payloads: ["https://x", otp])]).count == 1)
        #expect(throws: ImportError.noOTPQRCode(file: "i", found: 2)) {
            try Importer.accounts(from: [.image(file: "i", payloads: ["https://x", "WIFI:S:x;;"])])
        }
    }
}
