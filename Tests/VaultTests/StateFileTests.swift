import Testing
@testable import Vault

/// The state file is read back by every list and code: whatever it holds (hand-edited, truncated,
/// hostile) is read without a crash, and only well-formed records count.
@Suite("authv's state file")
struct StateFileTests {
    @Test func recordsRoundTrip() {
        var state = StateFile()
        state.counts["keyring"] = .init(expected: 12, seen: 9)
        state.counts["vault:/home/a b/vault.json"] = .init(expected: 3, seen: 3)
        state.warnedPlaintext = ["/home/a/.local/share/keyrings/login.keyring"]
        #expect(StateFile(text: state.text) == state)
        #expect(state.text.hasPrefix("# authv state: no secrets, no names\n"))
    }

    @Test func badLinesAreSkipped() {
        let text = """
            count 5 4 keyring
            count -1 2 negative
            count 99999999999999999999999 1 huge
            count 1 x notanumber
            count 1 2
            warned-plaintext
            warned-plaintext a\u{1B}b
            something else
            count 7 7 vault:/v.json
            """
        let state = StateFile(text: text + "\n" + String(repeating: "x", count: 100_000))
        #expect(state.counts == ["keyring": .init(expected: 5, seen: 4), "vault:/v.json": .init(expected: 7, seen: 7)])
        #expect(state.warnedPlaintext.isEmpty)
    }

    @Test func recordsAreBounded() {
        let text = (0..<1000).map { "count 1 1 store\($0)\nwarned-plaintext /k\($0)" }.joined(separator: "\n")
        let state = StateFile(text: text)
        #expect(state.counts.count == StateFile.maximumRecords && state.warnedPlaintext.count == StateFile.maximumRecords)
    }
}
