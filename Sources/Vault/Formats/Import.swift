public import OTP

/// One input to `add`: the QR payloads found in an image, or a text file's contents.
public enum ImportSource: Sendable {
    case image(file: String, payloads: [String])
    case text(file: String, content: String)
}

/// Why an input yields no accounts. Each case names the file (and, for text, the line).
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line of a text file that is not an otpauth or otpauth-migration URI.
    case notAURI(file: String, line: Int)
    case badURI(file: String, line: Int?, URIError)
    case badExport(file: String, line: Int?, MigrationError)
    /// An image whose QR codes are none of them otpauth URIs.
    case noOTPQRCode(file: String, found: Int)
    /// A text file with no URI in it.
    case noURIs(file: String)
    /// A multi-part Google Authenticator export with parts missing (across all inputs).
    case incompleteExport(MigrationError)

    static func name(_ file: String) -> String { file == "-" ? "standard input" : file }

    public var description: String {
        switch self {
        case let .notAURI(file, line):
            return "\(ImportError.name(file)): line \(line): not an otpauth:// or otpauth-migration:// URI"
        case let .badURI(file, line, error):
            return "\(ImportError.name(file)): \(line.map { "line \($0): " } ?? "QR code: ")\(error)"
        case let .badExport(file, line, error):
            return "\(ImportError.name(file)): \(line.map { "line \($0): " } ?? "QR code: ")\(error)"
        case let .noOTPQRCode(file, found):
            return "\(ImportError.name(file)): \(found == 1 ? "the QR code is" : "none of the \(found) QR codes is") not an otpauth:// URI"
        case let .noURIs(file):
            return "\(ImportError.name(file)): no otpauth:// URIs in this file"
        case let .incompleteExport(error):
            return "\(error)"
        }
    }
}

/// Reads accounts out of images' QR payloads and text files of URIs, as `authv add` does.
public enum Importer {
    /// Every account in the sources, in order, with the same account given twice kept once.
    /// Fails on the first bad input; nothing partial is returned.
    public static func accounts(from sources: [ImportSource]) throws(ImportError) -> [Account] {
        var accounts: [Account] = []
        var parts: [MigrationPart] = []
        for source in sources {
            switch source {
            case let .image(file, payloads):
                let usable = payloads.filter { OTPAuthURI.isOTPAuth($0) || Migration.isMigration($0) }
                guard !usable.isEmpty else { throw .noOTPQRCode(file: file, found: payloads.count) }
                for payload in usable {
                    try take(payload, file: file, line: nil, into: &accounts, parts: &parts)
                }
            case let .text(file, content):
                var found = false
                var number = 0
                for raw in content.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                    number += 1
                    let line = raw.trimmingWhitespace()
                    if line.isEmpty || line.hasPrefix("#") { continue }
                    guard OTPAuthURI.isOTPAuth(line) || Migration.isMigration(line) else {
                        throw .notAURI(file: file, line: number)
                    }
                    try take(String(line), file: file, line: number, into: &accounts, parts: &parts)
                    found = true
                }
                guard found else { throw .noURIs(file: file) }
            }
        }
        do {
            accounts += try Migration.assemble(parts)
        } catch {
            throw .incompleteExport(error)
        }
        var unique: [Account] = []
        for account in accounts where !unique.contains(where: { $0.isSameAccount(as: account) }) {
            unique.append(account)
        }
        return unique
    }

    private static func take(_ text: String, file: String, line: Int?, into accounts: inout [Account],
                             parts: inout [MigrationPart]) throws(ImportError) {
        if Migration.isMigration(text) {
            do { parts.append(try Migration.decode(text)) } catch { throw .badExport(file: file, line: line, error) }
        } else {
            do { accounts.append(try Account(uri: text)) } catch { throw .badURI(file: file, line: line, error) }
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{FEFF}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
