import Foundation
import OTP
import AuthvCrypto
import Testing
import TestSupport
@testable import Vault

private let aegisFixtures = repositoryRoot + "/Fixtures/aegis/"

private func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The accounts of Aegis's published example vaults (its test data; see docs/vault.md), written out here
/// from that file's entries.
private let aegisExampleAccounts: [Account] = [
    Account(type: .totp, issuer: "Deno", name: "Mason", secret: try! Base32.decode("4SJHB4GSD43FZBAI7C2HLRJGPQ")),
    Account(type: .totp, issuer: "SPDX", name: "James", secret: try! Base32.decode("5OM4WOOGPLQEF6UGN3CPEOOLWU"),
            algorithm: .sha256, digits: 7, period: 20),
    Account(type: .totp, issuer: "Airbnb", name: "Elijah", secret: try! Base32.decode("7ELGJSGXNCCTV3O6LKJWYFV2RA"),
            algorithm: .sha512, digits: 8, period: 50),
    Account(type: .hotp, issuer: "Issuu", name: "James", secret: try! Base32.decode("YOOMIXWS5GN6RTBPUFFWKTW5M4"), counter: 1),
    Account(type: .hotp, issuer: "Air Canada", name: "Benjamin", secret: try! Base32.decode("KUVJJOM753IHTNDSZVCNKL7GII"),
            algorithm: .sha256, digits: 7, counter: 50),
    Account(type: .hotp, issuer: "WWE", name: "Mason", secret: try! Base32.decode("5VAML3X35THCEBVRLV24CGBKOY"),
            algorithm: .sha512, digits: 8, counter: 10300),
    Account(type: .steam, issuer: "Boeing", name: "Sophia", secret: try! Base32.decode("JRZCL47CMXVOQMNPZR2F7J4RGI")),
]

/// The table the oracle and authv exchange: every type, algorithm, length 6 to 10, odd periods, HOTP
/// counters, Steam, UTF-8 names, notes and recovery codes.
let oracleTable: [AegisOracle.Account] = [
    .init(type: "totp", issuer: "GitHub", name: "alice", secret: "JBSWY3DPEHPK3PXP"),
    .init(type: "totp", issuer: "Sha256", name: "b", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", algo: "SHA256", digits: 8),
    .init(type: "totp", issuer: "Sha512", name: "c", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA",
          algo: "SHA512", digits: 10, period: 60),
    .init(type: "totp", issuer: "Seven", name: "d", secret: "MFRGGZDFMZTWQ2LK", digits: 7, period: 15),
    .init(type: "totp", issuer: "Nine", name: "e", secret: "MFRGGZDFMZTWQ2LK", algo: "SHA256", digits: 9, period: 86400),
    .init(type: "hotp", issuer: "Corp VPN", name: "carol", secret: "MFRGGZDFMZTWQ2LK", counter: 5),
    .init(type: "hotp", issuer: "Big", name: "counter", secret: "MFRGGZDFMZTWQ2LL", algo: "SHA512", digits: 8, counter: 4_000_000_000),
    .init(type: "steam", issuer: "Steam", name: "gabe", secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", digits: 5),
    .init(type: "totp", issuer: "Bücher 📚", name: "jürgen@例え.jp", secret: "JBSWY3DPEHPK3PXQ", note: "Zweitkonto\nline two"),
    .init(type: "totp", issuer: "", name: "no issuer", secret: "JBSWY3DPEHPK3PXR",
          recovery: [.init(code: "1234-5678", used: false), .init(code: "abcd efgh 99", used: true)]),
    .init(type: "totp", issuer: "Both", name: "", secret: "JBSWY3DPEHPK3PXS", note: "kept with codes",
          recovery: [.init(code: "9876543210", used: false)]),
]

extension AegisOracle.Account {
    /// What authv's codec makes of the same entry.
    init(_ entry: AegisEntry) throws {
        let account = try #require(entry.account)
        self.init(type: account.type.rawValue, issuer: account.issuer, name: account.name,
                  secret: Base32.encode(account.secret), algo: account.algorithm.rawValue, digits: account.digits,
                  period: account.period, counter: Int(account.counter), note: entry.note,
                  recovery: entry.recoveryCodes?.codes.map { .init(code: $0.code, used: $0.used) } ?? [])
    }

    var entry: AegisEntry {
        get throws {
            let account = Account(type: OTPType(rawValue: type)!, issuer: issuer, name: name, secret: try Base32.decode(secret),
                                  algorithm: HashAlgorithm(name: algo)!, digits: digits, period: period ?? 30,
                                  counter: UInt64(counter ?? 0))
            return try AegisEntry(account: account, note: note,
                                  recoveryCodes: recovery.isEmpty ? nil : RecoveryCodes(codes: recovery.map { .init(code: $0.code, used: $0.used) }))
        }
    }
}

/// A scratch folder with a password file (password `correct horse`, UTF-8 accented to test the bytes).
final class Scratch: @unchecked Sendable {
    let folder: String
    let passwordFile: String
    static let password = "correct hörse"

    init() throws {
        folder = try temporaryFolder("authv-aegis")
        passwordFile = folder + "/password"
        try Data((Scratch.password + "\nsecond line is not the password\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite("The Aegis vault codec")
struct AegisVaultTests {
    /// Every kind of JSON value is read as itself (the reader tries the kinds in an order of its own) and
    /// written back as the same text.
    @Test func jsonValuesKeepTheirKinds() throws {
        let text = #"{"a":true,"b":1.5,"c":[1,"x",null,{"d":false}],"e":-3,"f":"","g":{},"h":[],"i":"12"}"#
        let value = try #require(JSONValue.parse(Array(text.utf8)))
        #expect(value == .object(["a": .bool(true), "b": .double(1.5),
                                  "c": .array([.int(1), .string("x"), .null, .object(["d": .bool(false)])]),
                                  "e": .int(-3), "f": .string(""), "g": .object([:]), "h": .array([]), "i": .string("12")]))
        #expect(String(decoding: value.serialized(), as: UTF8.self) == text)
    }

    @Test func aegisExampleVaultsOpen() throws {
        let plain = try AegisVault.decode(try bytes(aegisFixtures + "aegis_plain.json"), password: nil)
        #expect(plain.entries.map(\.account) == aegisExampleAccounts)
        #expect(plain.key == nil)
        let encrypted = try AegisVault.decode(try bytes(aegisFixtures + "aegis_encrypted.json"), password: SecretBytes(utf8: "test"))
        #expect(encrypted.entries.map(\.account) == aegisExampleAccounts)
        #expect(encrypted.entries.map(\.uuid) == plain.entries.map(\.uuid))
        #expect(encrypted.key?.masterKey.count == 32)
    }

    @Test func wrongOrMissingPassword() throws {
        let file = try bytes(aegisFixtures + "aegis_encrypted.json")
        #expect(throws: AegisError.wrongPassword) { try AegisVault.decode(file, password: SecretBytes(utf8: "Test")) }
        #expect(throws: AegisError.passwordNeeded) { try AegisVault.decode(file, password: nil) }
    }

    @Test func authvWritesWhatTheOracleReads() throws {
        let scratch = try Scratch()
        var vault = AegisVault(key: try AegisKey.new(password: SecretBytes(utf8: Scratch.password)))
        vault.entries = try oracleTable.map { try $0.entry }
        let path = try scratch.write("authv.json", try vault.encoded())
        #expect(try AegisOracle.read(path, passwordFile: scratch.passwordFile) == oracleTable)
        // And back through authv's own reader.
        let again = try AegisVault.decode(try bytes(path), password: SecretBytes(utf8: Scratch.password))
        #expect(try again.entries.map(AegisOracle.Account.init) == oracleTable)
        // Plain too (the export helper's --plain).
        let plainPath = try scratch.write("plain.json", try vault.encoded(plain: true))
        #expect(try AegisOracle.read(plainPath) == oracleTable)
    }

    @Test func theOracleWritesWhatAuthvReads() throws {
        let scratch = try Scratch()
        let path = scratch.folder + "/oracle.json"
        try AegisOracle.write(oracleTable, to: path, passwordFile: scratch.passwordFile)
        let vault = try AegisVault.decode(try bytes(path), password: SecretBytes(utf8: Scratch.password))
        #expect(try vault.entries.map(AegisOracle.Account.init) == oracleTable)
        #expect(throws: AegisError.wrongPassword) { try AegisVault.decode(try bytes(path), password: SecretBytes(utf8: "correct horse")) }
        let plain = scratch.folder + "/oracle-plain.json"
        try AegisOracle.write(oracleTable, to: plain, passwordFile: nil)
        #expect(try AegisVault.decode(try bytes(plain), password: nil).entries.map(AegisOracle.Account.init) == oracleTable)
    }

    /// What authv does not use (icons, favourites, groups, unknown keys, other slots) survives a rewrite:
    /// only the field that changed differs.
    @Test func rewritingKeepsWhatAuthvDoesNotUse() throws {
        let original = """
            {"version": 1, "header": {"slots": null, "params": null}, "future": {"x": [1, 2.5, null]},
             "db": {"version": 3, "groups": [{"uuid": "00000000-0000-4000-8000-000000000001", "name": "Work"}],
                    "something": true,
              "entries": [
               {"type": "hotp", "uuid": "u1", "name": "n", "issuer": "i", "note": "own note", "favorite": true,
                "icon": "iVBORw0KGgo=", "icon_mime": "image/png", "icon_hash": "abc",
                "groups": ["00000000-0000-4000-8000-000000000001"], "unknown": {"k": "v"},
                "info": {"secret": "mfrggzdfmztwq2lk", "algo": "SHA1", "digits": 6, "counter": 7, "extra": 1}},
               {"type": "motp", "uuid": "u2", "name": "m", "issuer": "", "info": {"secret": "ABCDEFGH", "algo": "MD5", "digits": 6, "period": 10, "pin": "1234"}}
              ]}}
            """
        var vault = try AegisVault.decode(Array(original.utf8), password: nil)
        #expect(vault.entries[1].account == nil)
        #expect(vault.entries[1].problem?.contains("motp") == true)
        let before = try #require(JSONValue.parse(Array(original.utf8)))
        // Unchanged: the same JSON value comes out (the lower-case secret too).
        #expect(JSONValue.parse(try vault.encoded()) == before)

        vault.entries[0].account!.counter = 8
        vault.entries[0].recoveryCodes = RecoveryCodes(codes: [.init(code: "11112222")])
        let after = try #require(JSONValue.parse(try vault.encoded()))
        var expected = before.object!
        var db = expected["db"]!.object!
        var entries = db["entries"]!.array!
        var first = entries[0].object!
        var info = first["info"]!.object!
        info["counter"] = .int(8)
        first["info"] = .object(info)
        first["note"] = .string("own note\n\nauthv recovery codes:\n- 11112222")
        entries[0] = .object(first)
        db["entries"] = .array(entries)
        expected["db"] = .object(db)
        #expect(after == .object(expected))
    }

    /// The plain vault's content encrypted under a known key, and opened again: through the typed view
    /// of the content (`ContentView`), as an encrypted vault is read by `code` and `list`.
    static func encryptedCopy(of plain: AegisVault) throws -> (file: AegisFile, key: AegisKey) {
        var copy = plain
        let key = AegisKey(masterKey: SecretBytes([UInt8](repeating: 7, count: 32)), slots: [])
        copy.key = key
        return (try AegisFile(bytes: try copy.encoded()), key)
    }

    /// The same, read through the typed view: the whole objects come back when it is written.
    @Test func rewritingAnEncryptedVaultReadThroughItsTypedViewKeepsWhatAuthvDoesNotUse() throws {
        let original = """
            {"version": 1, "header": {"slots": null, "params": null},
             "db": {"version": 3, "groups": [{"uuid": "00000000-0000-4000-8000-000000000001", "name": "Work"}], "something": true,
              "entries": [
               {"type": "hotp", "uuid": "u1", "name": "n", "issuer": "i", "note": "own note", "favorite": true,
                "icon": "iVBORw0KGgo=", "groups": ["00000000-0000-4000-8000-000000000001"], "unknown": {"k": [1, 2.5, null]},
                "info": {"secret": "mfrggzdfmztwq2lk", "algo": "SHA1", "digits": 6, "counter": 7, "extra": 1}},
               {"type": "motp", "uuid": "u2", "name": "m", "issuer": "", "info": {"secret": "ABCDEFGH", "algo": "MD5", "digits": 6, "period": 10, "pin": "1234"}}
              ]}}
            """
        let plain = try AegisVault.decode(Array(original.utf8), password: nil)
        let (file, key) = try AegisVaultTests.encryptedCopy(of: plain)
        var vault = try file.open(key)
        #expect(vault.contentSource != nil, "read through the typed view")
        #expect(vault.entries.map(\.account) == plain.entries.map(\.account))
        #expect(vault.entries.map(\.problem) == plain.entries.map(\.problem))
        #expect(vault.entries.map(\.note) == plain.entries.map(\.note))
        vault.entries[0].account!.counter = 8
        vault.entries.append(try AegisEntry(account: Account(issuer: "New", secret: [1, 2, 3, 4, 5])))
        let written = try AegisFile(bytes: try vault.encoded())
        let content = try #require(JSONValue.parse(try AegisCrypto.open(key: key.masterKey, nonce: written.nonce,
                                                                        ciphertext: written.ciphertext, tag: written.tag)))
        var expected = try #require(JSONValue.parse(Array(original.utf8))?["db"]?.object)
        var entries = expected["entries"]!.array!
        var first = entries[0].object!
        var info = first["info"]!.object!
        info["counter"] = .int(8)
        first["info"] = .object(info)
        entries[0] = .object(first)
        let added = try #require(content["entries"]?.array?.last)
        expected["entries"] = .array(entries + [added])
        #expect(content == .object(expected))
        #expect(added["issuer"]?.string == "New")
    }

    /// Entries the typed view does not expect (a null or a fraction where a number belongs, a number
    /// where text belongs, an entry that is not an object) are read by the tree's reader instead, with
    /// the same outcome as in a plain vault: the same accounts and problems, or the same error.
    @Test(arguments: [
        #"{"type": "totp", "uuid": "a", "name": "n", "issuer": "i", "info": {"secret": "JBSWY3DPEHPK3PXP", "digits": null}}"#,
        #"{"type": "totp", "uuid": "a", "name": "n", "issuer": "i", "info": {"secret": "JBSWY3DPEHPK3PXP", "digits": 6.5}}"#,
        #"{"type": "totp", "uuid": "a", "name": 5, "issuer": "i", "info": {"secret": "JBSWY3DPEHPK3PXP"}}"#,
        #"{"type": "totp", "uuid": "a", "name": null, "issuer": "i", "note": null, "info": null}"#,
        #"{"type": 3, "uuid": "a", "info": {"secret": "JBSWY3DPEHPK3PXP"}}"#,
        #"{"type": "hotp", "uuid": "a", "info": {"secret": "JBSWY3DPEHPK3PXP", "counter": -1}}"#,
        #"{"type": "totp", "info": {"secret": "JBSWY3DPEHPK3PXP"}}"#,
        #""not an entry""#,
    ])
    func oddEntriesReadAsInAPlainVault(entry: String) throws {
        let original = #"{"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3, "entries": [\#(entry)]}}"#
        let plainOutcome = Result { () throws(AegisError) in try AegisVault.decode(Array(original.utf8), password: nil) }
        // An encrypted copy of the same content (sealed by hand: authv would not write these).
        let key = AegisKey(masterKey: SecretBytes([UInt8](repeating: 7, count: 32)), slots: [])
        let content = try #require(JSONValue.parse(Array(original.utf8))?["db"])
        let nonce = [UInt8](repeating: 1, count: 12)
        let sealed = try AegisCrypto.seal(key: key.masterKey, nonce: nonce, plaintext: content.serialized())
        let encrypted = JSONValue.object([
            "version": .int(1),
            "header": .object(["slots": .array([]), "params": .object(["nonce": .string(Hex.encode(nonce)), "tag": .string(Hex.encode(sealed.tag))])]),
            "db": .string(Data(sealed.ciphertext).base64EncodedString()),
        ]).serialized()
        let encryptedOutcome = Result { () throws(AegisError) in try AegisFile(bytes: encrypted).open(key) }
        switch (plainOutcome, encryptedOutcome) {
        case let (.success(plain), .success(vault)):
            #expect(vault.entries.map(\.account) == plain.entries.map(\.account))
            #expect(vault.entries.map(\.problem) == plain.entries.map(\.problem))
        case let (.failure(plain), .failure(vault)):
            #expect("\(vault)" == "\(plain)")
        default:
            Issue.record("plain: \(plainOutcome), encrypted: \(encryptedOutcome)")
        }
    }

    /// A vault Aegis encrypted keeps its master key and slots (with their unknown fields): Aegis's own
    /// example, changed by authv, opens with its password in the oracle.
    @Test func rewritingAnEncryptedVaultKeepsItsSlots() throws {
        let scratch = try Scratch()
        let file = try bytes(aegisFixtures + "aegis_encrypted.json")
        var vault = try AegisVault.decode(file, password: SecretBytes(utf8: "test"))
        vault.entries[0].account!.name = "Mason Renamed"
        let rewritten = try vault.encoded()
        let slotsBefore = JSONValue.parse(file)?["header"]?["slots"]
        #expect(JSONValue.parse(rewritten)?["header"]?["slots"] == slotsBefore)
        #expect(JSONValue.parse(rewritten)?["header"]?["params"] != JSONValue.parse(file)?["header"]?["params"])
        let password = try scratch.write("test-password", Array("test\n".utf8))
        let path = try scratch.write("rewritten.json", rewritten)
        let read = try AegisOracle.read(path, passwordFile: password)
        #expect(read.map(\.name) == ["Mason Renamed", "James", "Elijah", "James", "Benjamin", "Mason", "Sophia"])
        // The cached-key path: the master key alone opens the file again.
        let parsed = try AegisFile(bytes: rewritten)
        #expect(try parsed.open(parsed.key(masterKey: vault.key!.masterKey)).entries.count == 7)
        #expect(throws: AegisError.self) { try parsed.open(parsed.key(masterKey: SecretBytes([UInt8](repeating: 1, count: 32)))) }
    }

    @Test(arguments: [
        ("", "not a JSON file"),
        ("[1, 2]", "not an Aegis vault"),
        ("{\"version\": 2, \"header\": {}, \"db\": {}}", "version 2 is not supported"),
        ("{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 4, \"entries\": []}}", "content version 4"),
        ("{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": \"abc\"}", "db is not an object"),
        ("{\"version\": 1, \"header\": {\"slots\": [], \"params\": {\"nonce\": \"00\", \"tag\": \"00\"}}, \"db\": \"\"}", "header.params.nonce"),
        ("{\"version\": 1, \"header\": {\"slots\": [], \"params\": {\"nonce\": \"000000000000000000000000\", \"tag\": \"00000000000000000000000000000000\"}}, \"db\": \"!!\"}", "Base64"),
        ("{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 3, \"entries\": [{\"uuid\": \"a\", \"type\": \"totp\"}, {\"uuid\": \"a\", \"type\": \"totp\"}]}}", "used by two entries"),
        ("{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 3, \"entries\": [{\"type\": \"totp\"}]}}", "db.entries[0].uuid"),
        ("{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 3, \"entries\": [{\"uuid\": \"a\", \"name\": 5}]}}", "db.entries[0].name"),
    ])
    func hostileFilesAreRefused(text: String, message: String) throws {
        let error = #expect(throws: AegisError.self) { try AegisVault.decode(Array(text.utf8), password: SecretBytes(utf8: "x")) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func boundsComeBeforeWork() throws {
        #expect(throws: AegisError.tooLarge(bytes: AegisLimits.maxFileBytes + 1, limit: AegisLimits.maxFileBytes)) {
            try AegisFile(bytes: [UInt8](repeating: 32, count: AegisLimits.maxFileBytes + 1))
        }
        let entry = "{\"uuid\": \"U\", \"type\": \"totp\", \"info\": {\"secret\": \"JBSWY3DP\"}}"
        var many = (0...AegisLimits.maxEntries).map { entry.replacingOccurrences(of: "\"U\"", with: "\"\($0)\"") }
        let tooMany = "{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 3, \"entries\": [\(many.joined(separator: ","))]}}"
        #expect(throws: AegisError.tooMany("entries", count: AegisLimits.maxEntries + 1, limit: AegisLimits.maxEntries)) {
            try AegisVault.decode(Array(tooMany.utf8), password: nil)
        }
        many.removeLast()
        let longName = String(repeating: "n", count: AegisLimits.maxTextBytes + 1)
        let long = "{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {\"version\": 3, \"entries\": [{\"uuid\": \"a\", \"name\": \"\(longName)\"}]}}"
        #expect(throws: AegisError.badField("db.entries[0].name", "longer than \(AegisLimits.maxTextBytes) bytes")) {
            try AegisVault.decode(Array(long.utf8), password: nil)
        }
        // A slot asking scrypt for 2^30 rounds is refused before scrypt runs.
        var fixture = try #require(JSONValue.parse(try bytes(aegisFixtures + "aegis_encrypted.json"))?.object)
        var header = fixture["header"]!.object!
        var slot = header["slots"]!.array![0].object!
        slot["n"] = .int(1 << 30)
        header["slots"] = .array([.object(slot)])
        fixture["header"] = .object(header)
        #expect(throws: AegisError.badField("header.slots[0].n", "not a power of two from 2 to \(AegisLimits.maxScryptN)")) {
            try AegisVault.decode(JSONValue.object(fixture).serialized(), password: SecretBytes(utf8: "test"))
        }
    }

    @Test func alteredOrTruncatedFilesAreRefused() throws {
        let file = try bytes(aegisFixtures + "aegis_encrypted.json")
        var fixture = try #require(JSONValue.parse(file)?.object)
        var db = Array(Data(base64Encoded: fixture["db"]!.string!.replacingOccurrences(of: "\\/", with: "/"))!)
        db[10] ^= 1
        fixture["db"] = .string(Data(db).base64EncodedString())
        let error = #expect(throws: AegisError.self) { try AegisVault.decode(JSONValue.object(fixture).serialized(), password: SecretBytes(utf8: "test")) }
        #expect(error?.description.contains("damaged") == true)
        for length in [1, file.count / 2, file.count - 2] {
            #expect(throws: AegisError.self) { try AegisVault.decode(Array(file.prefix(length)), password: SecretBytes(utf8: "test")) }
        }
    }

    @Test func notesAndRecoveryCodes() {
        let (own, codes) = AegisEntry.splitNote("first\n\nauthv recovery codes:\n- a1b2c3d4\n- 5555-6666 (used)")
        #expect(own == "first")
        #expect(codes == RecoveryCodes(codes: [.init(code: "a1b2c3d4"), .init(code: "5555-6666", used: true)]))
        #expect(AegisEntry.splitNote("no codes here") == ("no codes here", nil))
    }
}

/// A plain Aegis file read through its types (`PlainAegisView`, the import's fast path) gives what the
/// tree gives; where the file holds anything the types do not expect, the view declines and the tree
/// (which names the problem) is read instead.
@Suite("Plain Aegis files read through their types")
struct PlainAegisViewTests {
    static let plainFiles = ["aegis/aegis_plain.json", "imports/aegis-v1-plain.json", "imports/aegis-v2-plain.json",
                             "imports/aegis-v3-plain.json", "imports/aegis-mixed.json"]

    struct Read: Equatable {
        var uuid: String, type: String, account: Account?, problem: String?, note: String, codes: RecoveryCodes?
        init(_ entry: AegisEntry) {
            (uuid, type, account, problem, note, codes) = (entry.uuid, entry.type, entry.account, entry.problem, entry.note, entry.recoveryCodes)
        }
    }

    static func viaTree(_ bytes: [UInt8]) -> Result<[Read], AegisError> {
        Result { () throws(AegisError) -> [Read] in try AegisFile(bytes: bytes).open(nil).entries.map(Read.init) }
    }

    static func viaView(_ bytes: [UInt8]) -> Result<[Read], AegisError>? {
        guard let view = PlainAegisView.decode(bytes) else { return nil }
        return Result { () throws(AegisError) -> [Read] in try AegisFile(plain: view).open(nil).entries.map(Read.init) }
    }

    @Test(arguments: plainFiles) func theFixturesAreReadThroughTheTypes(file: String) throws {
        let bytes = try bytes(repositoryRoot + "/Fixtures/" + file)
        let view = try #require(Self.viaView(bytes), "the view declined \(file)")
        #expect(try view.get() == Self.viaTree(bytes).get())
        #expect(try !view.get().isEmpty)
    }

    /// Edits of a real file: each either reads the same both ways, or the view declines.
    static let edits: [(String, String, declines: Bool)] = [
        (#""digits": 6"#, #""digits": null"#, true),
        (#""digits": 6"#, #""digits": 6.5"#, true),
        (#""period": 30"#, #""period": "30""#, true),
        (#""name": "alice@example.com""#, #""name": null"#, false),
        (#""name": "alice@example.com""#, #""name": 7"#, true),
        (#""type": "totp""#, #""type": "motp""#, false),
        (#""uuid": "7c10340f-b90d-4eff-8f18-7a892c541615","#, "", true),
        (#""slots": null"#, #""slots": []"#, true),
        (#""params": null"#, #""params": {}"#, true),
        (#""version": 1,"#, #""version": 2,"#, true),
        (#""version": 3"#, #""version": 4"#, false),
        (#""algo": "SHA1""#, #""algo": "MD5""#, false),
        (#""secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP""#, #""secret": "JBSWY3DPEHPK3PX1""#, false),
        (#""note": "Recovery codes:"#, #""note": "authv recovery codes:\n- ab12cd\n- ef34gh (used)\nRecovery codes:"#, false),
    ]

    @Test(arguments: edits.indices) func anEditReadsTheSameOrIsLeftToTheTree(index: Int) throws {
        let (from, to, declines) = Self.edits[index]
        let original = String(decoding: try bytes(repositoryRoot + "/Fixtures/imports/aegis-v3-plain.json"), as: UTF8.self)
        #expect(original.contains(from))
        let edited = Array(original.replacingOccurrences(of: from, with: to).utf8)
        let view = Self.viaView(edited)
        #expect((view == nil) == declines)
        if let view { #expect(view == Self.viaTree(edited)) }
    }
}
