import OTP
import FoundationEssentials

/// The one-time-password field of password managers (Bitwarden's `login.totp`, 1Password's `totp`
/// fields, KeePassXC's TOTP column): an otpauth URI, `steam://SECRET`, or a bare Base32 secret. One
/// reading of it for every such format.
enum TOTPValue {
    /// The entry a field's `value` makes. `issuer` and `name` are the item's own (its title and user
    /// name): they name a bare secret or a Steam secret, and fill in what a URI leaves out.
    static func entry(_ value: String, position: Int, issuer: String, name: String, note: String) -> ImportedEntry {
        let text = value.trimmingCharacters()
        let shown = FormatSupport.entryName(issuer: issuer, name: name)
        if OTPAuthURI.isOTPAuth(text) {
            do {
                let parsed = try Account(uri: text)
                return entry(parsed, position: position, issuer: parsed.issuer.isEmpty ? issuer : parsed.issuer,
                             name: parsed.name.isEmpty ? name : parsed.name, note: note)
            } catch {
                return .unsupported(UnsupportedEntry(position: position, name: shown, reason: "\(error)"))
            }
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("steam://") {
            return FormatSupport.account(position: position, type: "steam", issuer: issuer, name: name,
                                         secret: String(text.dropFirst("steam://".count)), algorithm: nil,
                                         digits: nil, period: nil, counter: nil, note: note)
        }
        if lowered.contains("://") {
            let scheme = lowered.prefix { $0 != ":" }
            return .unsupported(UnsupportedEntry(position: position, name: shown,
                                                 reason: "\(scheme):// is not a kind of one-time password authv knows"))
        }
        return FormatSupport.account(position: position, type: "totp", issuer: issuer, name: name, secret: text,
                                     algorithm: nil, digits: nil, period: nil, counter: nil, note: note)
    }

    /// `account` with other names and a note, judged again as every imported entry is (lengths, NUL).
    static func entry(_ account: Account, position: Int, issuer: String, name: String, note: String) -> ImportedEntry {
        FormatSupport.account(position: position, type: account.type.rawValue, issuer: issuer, name: name,
                              secret: Base32.encode(account.secret), algorithm: account.algorithm.rawValue,
                              digits: account.digits, period: account.type == .hotp ? nil : account.period,
                              counter: account.type == .hotp ? account.counter : nil, note: note)
    }
}
