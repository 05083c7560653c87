import OTP
import Testing
@testable import Vault

/// `Importer.plan` keeps the first of each account, in the inputs' order, and counts every repeat.
@Suite("The plan of an import: each account once, in order")
struct ImportPlanTests {
    static func uri(_ n: Int, secret: String = "JBSWY3DPEHPK3PXP", type: String = "totp", counter: Int? = nil) -> String {
        "otpauth://\(type)/Site\(n):user\(n)?secret=\(secret)&issuer=Site\(n)" + (counter.map { "&counter=\($0)" } ?? "")
    }

    @Test func repeatsAreCountedAndTheFirstStays() throws {
        let lines = [Self.uri(1), Self.uri(2), Self.uri(1), Self.uri(3), Self.uri(2), Self.uri(1),
                     Self.uri(4, type: "hotp", counter: 1), Self.uri(4, type: "hotp", counter: 9),  // the same HOTP account
                     Self.uri(1, secret: "GEZDGNBVGY3TQOJQ")]  // another secret: another account
        let plan = try Importer.plan(from: [.text(file: "a.txt", content: lines.joined(separator: "\n"))])
        #expect(plan.accounts.map(\.displayName) == ["Site1 (user1)", "Site2 (user2)", "Site3 (user3)", "Site4 (user4)", "Site1 (user1)"])
        #expect(plan.accounts.first { $0.type == .hotp }?.counter == 1)
        #expect(plan.repeated.map(\.displayName) == ["Site1 (user1)", "Site2 (user2)", "Site1 (user1)", "Site4 (user4)"])
        #expect(plan.repeated.last?.counter == 9)
        #expect(plan.isComplete && plan.entryCount == lines.count)
    }

    /// Many accounts, each given three times in a shuffled order: every one kept once, where it came first.
    @Test func manyRepeatsInAnyOrder() throws {
        var order = (0..<3000).map { $0 % 1000 }
        var state: UInt64 = 7
        for i in order.indices.reversed() {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        var firstSeen: [Int] = []
        var seen = Set<Int>()
        for n in order where seen.insert(n).inserted { firstSeen.append(n) }
        let plan = try Importer.plan(from: [.text(file: "a.txt", content: order.map { Self.uri($0) }.joined(separator: "\n"))])
        #expect(plan.accounts.map(\.displayName) == firstSeen.map { "Site\($0) (user\($0))" })
        #expect(plan.repeated.count == 2000)
    }
}
