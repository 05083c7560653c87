import Foundation
import Testing
import TestSupport

/// Names that talk to the terminal, one per kind of character that must be shown escaped, with what
/// authv must show for them (docs/cli.md: `\xHH` for C0 and DEL, `\uHHHH` for C1 and bidirectional
/// controls, `\\` for a backslash).
let hostileNames: [(raw: String, shown: String)] = [
    ("clear\u{1B}[2J", "clear\\x1b[2J"),                       // ESC: erase the screen
    ("title\u{1B}]0;owned\u{07}", "title\\x1b]0;owned\\x07"),   // OSC: set the window title, BEL
    ("real\rFAKE", "real\\x0dFAKE"),                           // CR: overwrite what was shown
    ("row\nFAKE ROW", "row\\x0aFAKE ROW"),                     // LF: a fake extra row
    ("tab\tdel\u{7F}", "tab\\x09del\\x7f"),                    // TAB, DEL
    ("csi\u{9B}31m", "csi\\u009b31m"),                         // C1 CSI
    ("rlo\u{202E}gpj.exe", "rlo\\u202egpj.exe"),               // right-to-left override
    ("iso\u{2066}x\u{2069}", "iso\\u2066x\\u2069"),             // isolates
    ("marks\u{200E}\u{200F}\u{061C}", "marks\\u200e\\u200f\\u061c"),
    ("back\\slash", "back\\\\slash"),                          // a backslash, doubled
]

/// The URI of a TOTP account (issuer "Evil", the given account name), percent-encoded by Foundation.
func hostileURI(_ name: String, secret: String = "JBSWY3DPEHPK3PXP") -> String {
    "otpauth://totp/Evil:" + name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "?secret=\(secret)&issuer=Evil"
}

/// Whether text holds any character that must never reach a terminal raw.
func holdsRawControl(_ text: String, allowingNewlines: Bool = true) -> Bool {
    text.unicodeScalars.contains { s in
        if allowingNewlines && s == "\n" { return false }
        switch s.value {
        case 0...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}

@Suite("Names from outside never reach the terminal raw (issue 10, item 3)")
struct HostileNamesTests {
    func sessionWithHostileNames() throws -> (Session, RunResult) {
        let s = try Session()
        let path = try s.file("hostile.txt", hostileNames.map { hostileURI($0.raw) }.joined(separator: "\n") + "\n")
        let dry = try s.authv("add", "--dry-run", path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                == hostileNames.map { "Evil (\($0.shown))" } + [""])
        let added = try s.authv("add", path)
        #expect(added.status == 0)
        return (s, added)
    }

    @Test func addAndDryRunLinesAreEscaped() throws {
        let (s, added) = try sessionWithHostileNames()
        #expect(added.stdout.isEmpty)
        #expect(added.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                == hostileNames.map { "added: Evil (\($0.shown))" } + [""])
        // Stored exactly as given.
        #expect(try Set(s.storedAccounts().map(\.name)) == Set(hostileNames.map(\.raw)))
    }

    @Test func listRowsAreEscaped() throws {
        let (s, _) = try sessionWithHostileNames()
        let result = try s.authv("list", "--at", "1700000000")
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(!holdsRawControl(result.stdout))
        let rows = result.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == hostileNames.count)
        let width = hostileNames.map { "Evil (\($0.shown))".count }.max()!
        let code = Codes.p1At1700000000
        for (_, shown) in hostileNames {
            let name = "Evil (\(shown))"
            #expect(rows.contains(name + String(repeating: " ", count: width - name.count + 2) + code + "  10s"),
                    "no row for \(name): \(rows)")
        }
    }

    @Test func listJSONEscapesEveryControlAsUnicodeEscapes() throws {
        let (s, _) = try sessionWithHostileNames()
        let result = try s.authv("list", "--json")
        #expect(result.status == 0)
        #expect(!holdsRawControl(result.stdout))
        for escape in ["\\u001b", "\\u0007", "\\u000d", "\\u000a", "\\u0009", "\\u007f", "\\u009b", "\\u202e",
                       "\\u2066", "\\u2069", "\\u200e", "\\u200f", "\\u061c", "back\\\\slash"] {
            #expect(result.stdout.contains(escape), "\(escape) missing")
        }
        // And it is JSON that gives back the names exactly.
        let objects = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [[String: Any]])
        #expect(Set(objects.compactMap { $0["account"] as? String }) == Set(hostileNames.map(\.raw)))
    }

    @Test func errorsNameHostileQueriesAndFilesEscaped() throws {
        let (s, _) = try sessionWithHostileNames()
        // no account matches '...': the QUERY is text from outside too (a script's variable).
        let none = try s.authv("code", "\u{1B}]0;owned\u{07}\u{202E}")
        #expect(none.status == 1 && none.stdout.isEmpty)
        #expect(none.stderr == "authv: no account matches '\\x1b]0;owned\\x07\\u202e'\n")
        let listNone = try s.authv("list", "zz\rFAKE")
        #expect(listNone.stderr == "authv: no account matches 'zz\\x0dFAKE'\n")
        // An ambiguity error names every match, escaped, with its id.
        let ids = try #require(try JSONSerialization.jsonObject(with: try s.authv("list", "--json").stdoutBytes) as? [[String: Any]])
            .reduce(into: [String: String]()) { $0[$1["account"] as! String] = $1["id"] as? String }
        let both = try s.authv("code", "FAKE")
        #expect(both.status == 1 && both.stdout.isEmpty)
        #expect(both.stderr == "authv: 'FAKE' matches 2 accounts: Evil (real\\x0dFAKE) [\(ids["real\rFAKE"]!)], Evil (row\\x0aFAKE ROW) [\(ids["row\nFAKE ROW"]!)]; be more specific\n")
        // File names in error messages: missing, and present but not an image.
        let missing = try s.authv("add", "miss\nING\u{1B}[31m.png")
        #expect(missing.status == 1 && missing.stdout.isEmpty)
        #expect(missing.stderr == "authv: miss\\x0aING\\x1b[31m.png: no such file\n")
        _ = try s.file("bad\u{9B}2J\u{202E}.png", "not a URI\n")
        let bad = try s.authv("add", "bad\u{9B}2J\u{202E}.png")
        #expect(bad.status == 1)
        #expect(bad.stderr == "authv: bad\\u009b2J\\u202e.png: line 1: not an otpauth:// or otpauth-migration:// URI\n")
    }

    @Test func theShownFormSelectsTheAccount() throws {
        let (s, _) = try sessionWithHostileNames()
        let code = try s.authv("code", "Evil (real\\x0dFAKE)", "--at", "1700000000")
        let expected = Codes.p1At1700000000
        #expect(code.status == 0 && code.stdout == expected + "\n", "\(code.stderr)")
        let renamed = try s.authv("rename", "real\\x0dFAKE", "--account", "tidy")
        #expect(renamed.status == 0)
        #expect(renamed.stderr == "renamed: Evil (real\\x0dFAKE) -> Evil (tidy)\n")
        let removed = try s.authv("remove", "clear\\x1b[2J", "--yes")
        #expect(removed.stderr == "removed: Evil (clear\\x1b[2J)\n")
    }

    @Test func watchRowsAndTheRemovePromptAreEscaped() throws {
        let s = try Session()
        let uris = [hostileURI("clear\u{1B}[2J"), hostileURI("real\rFAKE"), hostileURI("csi\u{9B}7m")]
        #expect(try s.authv("add", "-", stdin: Data(uris.joined(separator: "\n").utf8)).status == 0)
        let t = try TerminalSession("\(authvBinary) watch; sleep 60", environment: s.environment, folder: s.folder)
        defer { t.stop() }
        let (shown, screen) = t.waitFor("Evil (real\\x0dFAKE)")
        #expect(shown, "\(screen)")
        #expect(screen.contains("Evil (clear\\x1b[2J)") && screen.contains("Evil (csi\\u009b7m)"), "\(screen)")
        #expect(screen.contains("authv  type to filter"), "the header was not erased: \(screen)")
        t.send("q")
        let r = try TerminalSession("\(authvBinary) remove clear; sleep 60", environment: s.environment, folder: s.folder)
        defer { r.stop() }
        let (asked, prompt) = r.waitFor("Remove Evil (clear\\x1b[2J)? Its codes will be gone for good. [y/N]")
        #expect(asked, "\(prompt)")
    }

    @Test func aNULInANameIsRefused() throws {
        let s = try Session()
        let other = "otpauth://totp/Other:abc?secret=MFRGGZDFMZTWQ2LK"
        for (uri, cause) in [("otpauth://totp/Nul:a%00b?secret=JBSWY3DPEHPK3PXP", "account name holds a NUL character"),
                             ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=N%00ul", "issuer holds a NUL character")] {
            let path = try s.file("nul.txt", other + "\n" + uri + "\n")
            for command in [["add", "--dry-run", path], ["add", path]] {
                let result = try s.authv(arguments: command)
                #expect(result.status == 1 && result.stdout.isEmpty)
                #expect(result.stderr == "authv: \(path): line 2: \(cause)\n")
            }
        }
        // Nothing stored, not even the good line before it.
        #expect(try s.stored().isEmpty)
    }
}
