import Foundation
import AuthvCrypto
import OTP
import Testing
import TestSupport
@testable import Vault

/// RFC 4226's secret ("12345678901234567890") and its table of HOTP values (appendix D).
private let rfc4226Secret = SecretBytes(Array("12345678901234567890".utf8))
private let rfc4226Codes = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "520489", "403154"]

/// A book on the shared private keyring, emptied, with a lock file of its own.
private func freshBook(lockTimeout: Double = 30) throws -> (AccountBook, String) {
    let store = try freshStore()
    let folder = try temporaryFolder("authv-book")
    return (AccountBook(store: store, lockPath: folder + "/lock", lockTimeout: lockTimeout), folder)
}

/// The lock file held the way the kernel defines it (flock(2) on a file description of its own, which
/// conflicts with any other, in this process or another), so a rule that forgets the lock is caught
/// whatever authv's own lock code does.
private final class HeldLock {
    private var fd: Int32

    init(_ path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw POSIXError(.EBUSY) }
    }

    func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}

/// Nested in KeyringStoreTests, whose `.serialized` covers it: both empty the one shared keyring.
extension KeyringStoreTests {
@Suite("The store's rules (AccountBook, real gnome-keyring-daemon)")
struct AccountBookTests {
    @Test func addTellsDuplicatesAndReEnrolmentsApart() throws {
        let (book, _) = try freshBook()
        let first = Account(issuer: "Site", name: "ann", secret: [1, 2, 3])
        var renewed = first
        renewed.secret = [9, 9, 9]
        #expect(try book.add([first]) == AddReport(outcomes: [.added(first)], before: 0))
        let firstID = try book.contents().accounts[0].id
        let report = try book.add([first, renewed])
        // The renewed account's id is its new entry's.
        let renewedID = try #require(try book.contents().accounts.first { $0.account.secret == [9, 9, 9] }?.id)
        #expect(report.outcomes == [.alreadyStored(first), .renewed(renewed, id: renewedID, older: [firstID])])
        #expect(report.before == 1 && report.stored == 1)
        #expect(try book.contents().accounts.map { $0.account.secret.withUnsafeBytes { Array($0) } }.sorted { $0.lexicographicallyPrecedes($1) } == [[1, 2, 3], [9, 9, 9]])
    }

    /// Each `code` of an HOTP account gives the RFC's next value and stores the next counter first.
    @Test func hotpStepsThroughTheRFCTable() throws {
        let (book, _) = try freshBook()
        _ = try book.add([Account(type: .hotp, issuer: "RFC", name: "4226", secret: rfc4226Secret, counter: 0)])
        var codes: [String] = []
        for _ in 0..<4 {
            let selected = try book.one("rfc")
            codes.append(try book.nextHOTPCode(selected).code)
        }
        #expect(codes == Array(rfc4226Codes.prefix(4)))
        #expect(try book.contents().accounts.first?.account.counter == 4)
        // A selection made before another process stepped the counter still gets the next value.
        let stale = try book.one("rfc")
        _ = try book.nextHOTPCode(stale)
        #expect(try book.nextHOTPCode(stale).code == rfc4226Codes[5])
    }

    @Test func renameRefusesACollisionAndRenamesOtherwise() throws {
        let (book, _) = try freshBook()
        _ = try book.add([Account(issuer: "A", name: "x", secret: [1]), Account(issuer: "B", name: "x", secret: [1])])
        #expect(throws: BookError.renameCollision("B (x)")) { try book.rename("a", issuer: "B", name: nil) }
        let (from, to) = try book.rename("a", issuer: nil, name: "y")
        #expect(from.displayName == "A (x)" && to.displayName == "A (y)")
        #expect(try book.contents().accounts.map(\.account.displayName) == ["A (y)", "B (x)"])
    }

    @Test func removeTakesTheRecoveryCodesWithIt() throws {
        let (book, _) = try freshBook()
        _ = try book.add([Account(issuer: "A", name: "x", secret: [1]), Account(issuer: "B", name: "x", secret: [2])])
        _ = try book.setRecoveryCodes(["1111-2222", "3333-4444"], for: "a")
        _ = try book.setRecoveryCodes(["5555-6666"], for: "b")
        let a = try book.one("a")
        try book.remove(a)
        #expect(try book.contents().accounts.map(\.account.issuer) == ["B"])
        #expect(try book.store.recoveryCodes(for: a) == nil)
        #expect(try book.recoveryCodes(of: "b").codes.codes.map(\.code) == ["5555-6666"])
        // What the user was asked about is gone already: nothing else is removed in its place.
        #expect(throws: BookError.removedMeanwhile("A (x)")) { try book.remove(a) }
    }

    @Test func recoveryCodesAreUsedInOrderUntilNoneIsLeft() throws {
        let (book, _) = try freshBook()
        _ = try book.add([Account(issuer: "A", name: "x", secret: [1])])
        _ = try book.setRecoveryCodes(["1111-2222", "3333-4444"], for: "a")
        #expect(try book.useRecoveryCode(of: "a").code == "1111-2222")
        let second = try book.useRecoveryCode(of: "a")
        #expect(second.code == "3333-4444" && second.unused == 0)
        #expect(throws: BookError.recoveryCodesUsedUp("A (x)")) { try book.useRecoveryCode(of: "a") }
    }

    /// The encodings against committed literals (RFC 6238's SHA1 seed in Base32; Google's migration
    /// payload, checked field by field with an independent protobuf reader when it was committed).
    @Test func exportEncodings() throws {
        let account = Account(issuer: "Ex", name: "bob", secret: SecretBytes(Array("12345678901234567890".utf8)))
        #expect(try AccountBook.encode([account], as: .uri, batchID: 1)
                == "otpauth://totp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex&algorithm=SHA1&digits=6&period=30\n")
        let migration = try AccountBook.encode([account], as: .migration, batchID: 7)
        // Decoded by hand (protobuf wire format): otp_parameters {secret, name "Ex:bob", issuer "Ex",
        // SHA1, SIX, TOTP}, version 1, batch_size 1, batch_index 0, batch_id 7.
        #expect(migration == "otpauth-migration://offline?data=CigKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEgZFeDpib2IaAkV4IAEoATACEAEYASAAKAc%3D\n")
        var steam = account
        steam.type = .steam
        #expect(throws: BookError.self) { try AccountBook.encode([steam], as: .migration, batchID: 1) }
    }

    /// Every rule that changes the store waits for the lock: while another holds it, each gives up
    /// (after its short wait) and changes nothing; once it is released, the same call goes through.
    @Test func everyChangeWaitsForTheLock() throws {
        let (book, folder) = try freshBook(lockTimeout: 0.2)
        _ = try book.add([Account(type: .hotp, issuer: "H", name: "x", secret: rfc4226Secret),
                          Account(issuer: "T", name: "y", secret: [7])])
        _ = try book.setRecoveryCodes(["1111-2222"], for: "t")
        let before = try book.contents().accounts
        let held = try HeldLock(folder + "/lock")
        let changes: [(String, () throws -> Void)] = [
            ("add", { _ = try book.add([Account(issuer: "N", name: "z", secret: [8])]) }),
            ("hotp", { _ = try book.nextHOTPCode(before[0]) }),
            ("recovery add", { _ = try book.setRecoveryCodes(["9999-0000"], for: "t") }),
            ("recovery use", { _ = try book.useRecoveryCode(of: "t") }),
            ("rename", { _ = try book.rename("t", issuer: "U", name: nil) }),
            ("remove", { try book.remove(try book.one("y")) }),
        ]
        for (name, change) in changes {
            #expect(throws: StoreError.self, "\(name) did not wait for the lock") { try change() }
        }
        #expect(try book.contents().accounts == before)
        #expect(try book.store.recoveryCodes(for: before[1]) == RecoveryCodes(codes: [.init(code: "1111-2222")]))
        held.release()
        for (_, change) in changes { try change() }
        #expect(try book.contents().accounts.map(\.account.displayName) == ["H (x)", "N (z)"])
        #expect(try book.contents().accounts[0].account.counter == 1)
    }
}
}
