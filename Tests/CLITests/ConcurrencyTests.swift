import Foundation
import OTP
import Testing
import TestSupport

/// Runs several authv processes at the same moment and returns their results in order.
func runTogether(_ session: Session, _ commands: [[String]], stdins: [Data]? = nil) -> [RunResult?] {
    nonisolated(unsafe) var results = [RunResult?](repeating: nil, count: commands.count)
    let lock = NSLock()
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for (index, command) in commands.enumerated() {
        done.enter()
        Thread.detachNewThread {
            start.wait()
            let result = try? run(authvBinary, command, stdin: stdins?[index] ?? Data(),
                                  environment: session.environment, replaceEnvironment: true)
            lock.lock()
            results[index] = result
            lock.unlock()
            done.leave()
        }
    }
    for _ in commands { start.signal() }
    done.wait()
    return results
}

@Suite("Two or more authv at once")
struct ConcurrencyTests {
    @Test func eightAddsAtOnceKeepEightAccounts() throws {
        let s = try Session()
        let secrets = ["JBSWY3DPEHPK3PXP", "MFRGGZDFMZTWQ2LK", "GEZDGNBVGY3TQOJQ", "MZXW6YTBOI", "ONSWG4TFOQ", "NBSWY3DP", "KRSXG5A", "IFBEGRCF"]
        let inputs = secrets.enumerated().map { Data("otpauth://totp/Site\($0.offset):user?secret=\($0.element)\n".utf8) }
        let results = runTogether(s, Array(repeating: ["add", "-"], count: 8), stdins: inputs)
        #expect(results.allSatisfy { $0?.status == 0 }, "\(results.map { $0?.stderr ?? "did not run" })")
        #expect(try s.storedAccounts().map(\.issuer).sorted() == (0..<8).map { "Site\($0)" })
    }

    @Test func eightHOTPCodesAtOnceUseEightCounters() throws {
        let s = try Session()
        let c: UInt64 = 100
        let uri = "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=\(c)"
        #expect(try s.authv("add", "-", stdin: Data(uri.utf8)).status == 0)
        let results = runTogether(s, Array(repeating: ["code", "ex"], count: 8))
        #expect(results.allSatisfy { $0?.status == 0 }, "\(results.map { $0?.stderr ?? "did not run" })")
        let printed = results.compactMap { $0?.stdout.trimmingCharacters(in: .newlines) }.sorted()
        let account = try Account(uri: uri)
        let expected = try (c..<c + 8).map { counter -> String in
            var a = account
            a.counter = counter
            return try a.code(at: 0)
        }.sorted()
        #expect(printed == expected)
        #expect(try s.storedAccounts().first?.counter == c + 8)
    }
}
