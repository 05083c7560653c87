import Foundation
import Testing
import TestSupport

/// `authv code QUERY [-n]` and `authv add [--dry-run] FILE...` are run by a fast path before
/// swift-argument-parser (Main.fastPath). Each command line of the table runs both ways, through the fast
/// path and through the parser, and must give the same standard output, standard error and exit status.
///
/// How each way is forced: a debug-build test hook of authv's own, `AUTHV_FAST_PATH` (Main.fastPathHook).
/// `off` sends every line through the parser; `required` runs a line only if the fast path takes it and
/// otherwise exits 99 without doing anything. No option order or spelling could stand in for it: the
/// point is to run the very same line both ways, and to show which lines the fast path takes (the `fast`
/// column), so that a change in what it takes is seen here too.
///
/// Two sessions with the same accounts run the table side by side, one line after another, so that the
/// lines that change something (an add, an HOTP code) leave both in the same state. Ids (the store's
/// own, random in a vault) are shown as `[id]`. The TOTP accounts have a period of a day; a pair of runs
/// that straddles midnight UTC is run again.
@Suite("The fast path and the parser agree", .serialized)
struct FastPathTests {
    struct Form: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// Whether the fast path takes this line (else the parser has it, hook or not).
        var fast: Bool
        var stdin = ""
        var testDescription: String { arguments.map { $0.isEmpty ? "''" : $0 }.joined(separator: " ") }
    }

    static let accounts = [
        "otpauth://totp/Daily:alice?secret=JBSWY3DPEHPK3PXP&issuer=Daily&period=86400",
        "otpauth://totp/Weekly:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Weekly&period=86400&digits=8",
        "otpauth://hotp/Corp%20VPN:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Corp%20VPN&counter=5",
    ]
    static let more = "otpauth://totp/More:dan?secret=MZXW6YTBOI&issuer=More&period=86400\n"

    static let forms: [Form] = [
        // code QUERY [-n]
        Form(arguments: ["code", "daily"], fast: true),
        Form(arguments: ["code", "Daily (alice)"], fast: true),
        Form(arguments: ["code", "daily", "-n"], fast: true),
        Form(arguments: ["code", "-n", "daily"], fast: false),
        Form(arguments: ["code", "corp"], fast: true),  // HOTP: the counter moves, in both sessions alike
        Form(arguments: ["code", "corp", "-n"], fast: true),
        Form(arguments: ["code", "nobody"], fast: true),
        Form(arguments: ["code", "alice"], fast: true),  // two matches
        Form(arguments: ["code", "x\u{1B}[2J"], fast: true),  // shown escaped
        Form(arguments: ["code"], fast: false),
        Form(arguments: ["code", ""], fast: false),
        Form(arguments: ["code", "", "-n"], fast: false),
        Form(arguments: ["code", "-"], fast: false),
        Form(arguments: ["code", "--", "daily"], fast: false),
        Form(arguments: ["code", "--", "-n"], fast: false),
        Form(arguments: ["code", "daily", "extra"], fast: false),
        Form(arguments: ["code", "daily", "-n", "-n"], fast: false),
        Form(arguments: ["code", "daily", "-n", "3"], fast: false),
        Form(arguments: ["code", "daily", "-n=3"], fast: false),
        Form(arguments: ["code", "daily", "-x"], fast: false),
        Form(arguments: ["code", "daily", "--bogus"], fast: false),
        Form(arguments: ["code", "daily", "--help"], fast: false),
        Form(arguments: ["code", "daily", "--at", "1700000000"], fast: false),
        Form(arguments: ["code", "daily", "--at=1700000000"], fast: false),
        Form(arguments: ["code", "daily", "--at"], fast: false),
        Form(arguments: ["code", "daily", "--at", "yesterday"], fast: false),
        Form(arguments: ["code", "daily", "a", "b"], fast: false),
        // add [--dry-run] FILE...
        Form(arguments: ["add", "--dry-run", "more.txt"], fast: true),
        Form(arguments: ["add", "more.txt", "--dry-run"], fast: false),
        Form(arguments: ["add", "--dry-run", "-"], fast: true, stdin: more),
        Form(arguments: ["add", "--dry-run"], fast: false),
        Form(arguments: ["add", "--dry-run", "--dry-run", "more.txt"], fast: false),
        Form(arguments: ["add"], fast: false),
        Form(arguments: ["add", "missing.png"], fast: true),
        Form(arguments: ["add", "bad.txt"], fast: true),
        Form(arguments: ["add", "more.txt", "missing.png"], fast: true),  // nothing stored
        Form(arguments: ["add", "-", "-"], fast: false),
        Form(arguments: ["add", "--", "more.txt"], fast: false),
        Form(arguments: ["add", "--bogus", "more.txt"], fast: false),
        Form(arguments: ["add", "-x", "more.txt"], fast: false),
        Form(arguments: ["add", "more.txt", "--skip-unsupported"], fast: false),
        Form(arguments: ["add", "--manual", "more.txt"], fast: false),
        Form(arguments: ["add", "--password-file"], fast: false),
        Form(arguments: ["add", fixtures + "imports/2fas-v4-encrypted.2fas"], fast: true),  // no terminal, no password file
        Form(arguments: ["add", "more.txt"], fast: true),
        Form(arguments: ["add", "more.txt"], fast: true),  // already stored
        Form(arguments: ["add", "-"], fast: true, stdin: more),
        Form(arguments: ["add", "-", "more.txt"], fast: true, stdin: "otpauth://totp/Stdin:erin?secret=ONSWG4TF&period=86400\n"),
        Form(arguments: ["add", "--dry-run", "more.txt", "-"], fast: true, stdin: more),
    ]

    /// A session with the accounts and the files the table names (relative names: both sessions run in
    /// their own folder, so that messages naming a file are the same).
    static func session() throws -> Session {
        let s = try Session()
        let added = try s.authv("add", "-", stdin: Data(accounts.joined(separator: "\n").utf8))
        try #require(added.status == 0, "\(added.stderr)")
        _ = try s.file("more.txt", more)
        _ = try s.file("bad.txt", "otpauth://totp/Bad:x?secret=JBSWY3DPEHPK3PX1\n")
        return s
    }

    /// The result with ids replaced by `[id]`.
    static func normalised(_ result: RunResult) -> String {
        let text = "status \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
        return text.replacingOccurrences(of: #"\[[0-9a-f]{8}\]"#, with: "[id]", options: .regularExpression)
    }

    @Test func bothWaysGiveTheSameResult() throws {
        let (fast, parsed) = (try Self.session(), try Self.session())
        let declined = "authv: the fast path declined this command line"
        for form in Self.forms {
            let stdin = Data(form.stdin.utf8)
            var pair: (fast: RunResult, parsed: RunResult)
            repeat {
                let day = Self.day()
                if form.fast {
                    pair.fast = try fast.authv(arguments: form.arguments, stdin: stdin, extra: ["AUTHV_FAST_PATH": "required"])
                    #expect(pair.fast.stderr != declined + "\n", "the fast path takes \(form.testDescription)")
                } else {
                    // The fast path declines it; both sessions then run it (through the parser) to stay alike.
                    expectFailure(try fast.authv(arguments: form.arguments, stdin: stdin, extra: ["AUTHV_FAST_PATH": "required"]),
                                  status: 99, line: declined)
                    pair.fast = try fast.authv(arguments: form.arguments, stdin: stdin)
                }
                pair.parsed = try parsed.authv(arguments: form.arguments, stdin: stdin, extra: ["AUTHV_FAST_PATH": "off"])
                if Self.day() == day || form.arguments.first != "code" { break }
            } while true
            #expect(Self.normalised(pair.fast) == Self.normalised(pair.parsed), "\(form.testDescription)")
        }
        // The same accounts in the end, every field of each.
        #expect(try fast.stored() == parsed.stored())
    }

    /// The TOTP window of the table's accounts.
    static func day() -> UInt64 { UInt64(Date().timeIntervalSince1970) / 86400 }
}
