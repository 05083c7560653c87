import Foundation
import Testing
import TestSupport

@Suite("Selecting accounts: ids, empty queries, the lock around remove (issue 10, item 6)")
struct SelectionTests {
    static let noIssuer = "otpauth://totp/lonely?secret=JBSWY3DPEHPK3PXP"
    static let hotp = "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3"

    /// `code ""` used to print the code of the account without an issuer, `remove "" --yes` to remove it.
    @Test(arguments: [["code", ""], ["code", "", "-n"], ["remove", "", "--yes"], ["rename", "", "--issuer", "X"],
                      ["list", ""], ["watch", ""], ["recovery", "list", ""], ["recovery", "use", ""],
                      ["recovery", "add", "", "-"]])
    func anEmptyQueryIsAUsageError(command: [String]) throws {
        let s = try Session()
        #expect(try s.authv("add", "-", stdin: Data((SelectionTests.noIssuer + "\n" + SelectionTests.hotp).utf8)).status == 0)
        let before = try s.stored()
        let result = try s.authv(arguments: command, stdin: Data("ABCD-1234-EFGH\n".utf8))
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").first
                == "Error: The value '' is invalid for '<query>': QUERY is empty: name the account (its name, issuer, account name or id)")
        #expect(try s.stored() == before, "nothing changed")
    }
}
