import AuthvCrypto
import Testing
import TestSupport
@testable import OTP

/// What a URI should parse to.
enum Expected: Sendable, CustomTestStringConvertible {
    case account(Account)
    case error(URIError)

    var testDescription: String {
        switch self {
        case let .account(a): "\(a.type) \(a.displayName)"
        case let .error(e): "error: \(e)"
        }
    }
}

private let hello: [UInt8] = Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF]
private let rfc: [UInt8] = Array("12345678901234567890".utf8)
private func totp(_ issuer: String, _ name: String, secret: [UInt8] = hello, algorithm: HashAlgorithm = .sha1,
                  digits: Int = 6, period: Int = 30) -> Expected {
    totp(issuer, name, secret: SecretBytes(secret), algorithm: algorithm, digits: digits, period: period)
}
private func totp(_ issuer: String, _ name: String, secret: SecretBytes, algorithm: HashAlgorithm = .sha1,
                  digits: Int = 6, period: Int = 30) -> Expected {
    .account(Account(type: .totp, issuer: issuer, name: name, secret: secret, algorithm: algorithm, digits: digits, period: period))
}

@Suite("otpauth:// URIs (Google's Key Uri Format)")
struct URITests {
    static let rows: [(String, Expected)] = [
        // Google's Key Uri Format example (formats.md).
        ("otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
         totp("ACME Co", "john.doe@email.com", secret: try! Base32.decode("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"))),
        // Defaults: SHA1, 6 digits, 30 s.
        ("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP", totp("", "alice")),
        // The label prefix is the issuer when there is no parameter.
        ("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "alice")),
        // The colon written %3A, and spaces after it.
        ("otpauth://totp/GitHub%3Aalice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "alice")),
        ("otpauth://totp/GitHub:%20%20alice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "alice")),
        ("otpauth://totp/GitHub%3A%20alice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "alice")),
        // The issuer parameter wins over a different label prefix.
        ("otpauth://totp/Old%20Name:alice?secret=JBSWY3DPEHPK3PXP&issuer=New%20Name", totp("New Name", "alice")),
        ("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub", totp("GitHub", "alice")),
        // An empty issuer parameter leaves the label prefix.
        ("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=", totp("GitHub", "alice")),
        // '+' as a space in the query; lower-case and padded secrets; parameter names in any case.
        ("otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co", totp("ACME Co", "bob")),
        ("otpauth://totp/x?secret=jbswy3dpehpk3pxp", totp("", "x")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP%3D%3D%3D%3D%3D%3D", totp("", "x")),
        ("otpauth://totp/x?Secret=JBSWY3DPEHPK3PXP&DIGITS=8", totp("", "x", digits: 8)),
        ("OTPAUTH://TOTP/x?secret=JBSWY3DPEHPK3PXP", totp("", "x")),
        // Unicode names, percent-encoded.
        ("otpauth://totp/B%C3%BCcher:j%C3%BCrgen?secret=JBSWY3DPEHPK3PXP", totp("Bücher", "jürgen")),
        // Raw UTF-8 in a label (not percent-encoded, as some generators write it).
        ("otpauth://totp/B\u{fc}cher:j\u{fc}rgen?secret=JBSWY3DPEHPK3PXP", totp("B\u{fc}cher", "j\u{fc}rgen")),
        // The parts are cut at their separators in the bytes, as RFC 3986 reads a URI: a combining mark
        // after '&', ':' or '?' does not hide the separator (it becomes part of the next name or value).
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&\u{301}issuer=A", totp("", "x")),
        ("otpauth://totp/GitHub:\u{301}alice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "\u{301}alice")),
        ("otpauth://totp/x?\u{301}secret=JBSWY3DPEHPK3PXP", .error(.missingParameter("secret"))),
        // Empty pairs are skipped; the scheme's case does not matter; %3a in lower case.
        ("otpauth://totp/x?&&secret=JBSWY3DPEHPK3PXP&&issuer=A&", totp("A", "x")),
        ("OtPaUtH://totp/x?secret=JBSWY3DPEHPK3PXP", totp("", "x")),
        ("otpauth://totp/GitHub%3aalice?secret=JBSWY3DPEHPK3PXP", totp("GitHub", "alice")),
        // The first ':' divides, later ones belong to the name; a '%3A' is only looked for without one.
        ("otpauth://totp/A:b:c%3Ad?secret=JBSWY3DPEHPK3PXP", totp("A", "b:c:d")),
        // No '?': no parameters, so no secret.
        ("otpauth://totp/x", .error(.missingParameter("secret"))),
        ("otpauth://", .error(.unknownType(""))),
        ("otpauth:/", .error(.notOTPAuth)),
        ("otpauth\u{301}://totp/x?secret=JBSWY3DPEHPK3PXP", .error(.notOTPAuth)),
        // Algorithms, digits, periods.
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256", totp("", "x", algorithm: .sha256)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=sha512&digits=8&period=60", totp("", "x", algorithm: .sha512, digits: 8, period: 60)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=10", totp("", "x", digits: 10)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1", totp("", "x", period: 1)),
        // Unknown parameters are ignored.
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fexample.com%2Fa.png&lock=false&color=ff0000", totp("", "x")),
        // Short secrets are fine (no minimum length).
        ("otpauth://totp/x?secret=MFRGG", totp("", "x", secret: Array("abc".utf8))),
        // HOTP with its counter.
        ("otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7",
         .account(Account(type: .hotp, issuer: "Ex", name: "bob", secret: SecretBytes(rfc), counter: 7))),
        ("otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0&period=0",
         .account(Account(type: .hotp, issuer: "Ex", name: "bob", secret: SecretBytes(rfc), counter: 0))),
        // Steam, both spellings; Steam fixes algorithm, length and period.
        ("otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP",
         .account(Account(type: .steam, issuer: "Steam", name: "gabe", secret: SecretBytes(hello)))),
        ("otpauth://totp/Steam:gabe?secret=JBSWY3DPEHPK3PXP&encoder=steam&digits=5",
         .account(Account(type: .steam, issuer: "Steam", name: "gabe", secret: SecretBytes(hello)))),
        ("otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30",
         .account(Account(type: .steam, issuer: "Steam", name: "gabe", secret: SecretBytes(hello)))),

        // Rejections, each naming what is wrong.
        ("otpauth://totp/x?issuer=GitHub", .error(.missingParameter("secret"))),
        ("otpauth://totp/x?secret=", .error(.invalidSecret(.empty))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", .error(.invalidSecret(.invalidCharacter("1", position: 16)))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3P", .error(.invalidSecret(.invalidLength(14)))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5", .error(.invalidParameter("digits", reason: "'5' is not a whole number from 6 to 10"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11", .error(.invalidParameter("digits", reason: "'11' is not a whole number from 6 to 10"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six", .error(.invalidParameter("digits", reason: "'six' is not a whole number from 6 to 10"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0", .error(.invalidParameter("period", reason: "'0' is not a whole number of seconds from 1 to 86400"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=-30", .error(.invalidParameter("period", reason: "'-30' is not a whole number of seconds from 1 to 86400"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", .error(.unsupportedAlgorithm("MD5"))),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA3-256", .error(.unsupportedAlgorithm("SHA3-256"))),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", .error(.missingParameter("counter"))),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1", .error(.invalidParameter("counter", reason: "'-1' is not a whole number from 0"))),
        ("otpauth://motp/x?secret=JBSWY3DPEHPK3PXP", .error(.unknownType("motp"))),
        ("otpauth:///x?secret=JBSWY3DPEHPK3PXP", .error(.unknownType(""))),
        ("https://example.com/totp?secret=JBSWY3DPEHPK3PXP", .error(.notOTPAuth)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBVGY3TQOJQ", .error(.duplicateParameter("secret"))),
        ("otpauth://totp/x%ZZ?secret=JBSWY3DPEHPK3PXP", .error(.invalidLabel)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=%E2%28", .error(.invalidParameter("issuer", reason: "bad percent-encoding"))),
    ]

    @Test(arguments: URITests.rows.map { (MaskedURI($0.0), $0.1) })
    func parse(masked: MaskedURI, expected: Expected) throws {
        let uri = masked.text
        switch expected {
        case let .account(account):
            let parsed = try Account(uri: uri)
            #expect(parsed == account)
        case let .error(error):
            #expect(throws: error) { try Account(uri: uri) }
        }
    }

    /// Printing gives a canonical URI that parses back to the same account, and printing again changes nothing.
    @Test(arguments: URITests.rows.compactMap { if case let .account(a) = $0.1 { a } else { nil } } + [
        Account(type: .totp, issuer: "A:B", name: "c:d", secret: SecretBytes(hello)),
        Account(type: .totp, issuer: "", name: "c:d", secret: SecretBytes(hello)),
        Account(type: .totp, issuer: "Q&A = ?", name: "50% #1 / +x", secret: SecretBytes(hello), digits: 7, period: 45),
        Account(type: .hotp, issuer: "", name: "", secret: SecretBytes(rfc), counter: UInt64.max),
    ])
    func canonicalRoundTrip(account: Account) throws {
        let uri = account.uri
        let parsed = try Account(uri: uri)
        #expect(parsed == account)
        #expect(parsed.uri == uri)
    }

    @Test func canonicalForm() {
        let account = Account(type: .totp, issuer: "ACME Co", name: "john.doe@email.com", secret: SecretBytes(hello))
        #expect(account.uri == "otpauth://totp/ACME%20Co:john.doe@email.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
        let hotp = Account(type: .hotp, issuer: "Ex", name: "bob", secret: SecretBytes(rfc), counter: 3)
        #expect(hotp.uri == "otpauth://hotp/Ex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex&algorithm=SHA1&digits=6&counter=3")
    }

    @Test func errorsNeverCarryTheSecret() {
        let secret = "JBSWY3DPEHPK3PX1"
        do {
            _ = try Account(uri: "otpauth://totp/x?secret=\(secret)")
            Issue.record("accepted a bad secret")
        } catch {
            #expect(!"\(error)".contains("JBSWY3DP"))
            #expect("\(error)".contains("secret"))
        }
    }

    @Test func displayNames() {
        #expect(Account(issuer: "GitHub", name: "alice", secret: SecretBytes(hello)).displayName == "GitHub (alice)")
        #expect(Account(issuer: "GitHub", name: "", secret: SecretBytes(hello)).displayName == "GitHub")
        #expect(Account(issuer: "", name: "alice", secret: SecretBytes(hello)).displayName == "alice")
    }

    @Test func sameAccountIgnoresCounter() {
        let a = Account(type: .hotp, issuer: "Ex", name: "bob", secret: SecretBytes(rfc), counter: 1)
        var b = a
        b.counter = 9
        #expect(a.isSameAccount(as: b))
        b.name = "Bob"
        #expect(!a.isSameAccount(as: b))
    }
}
