import OTP

/// KeePassXC's CSV export (docs/formats/keepassxc.md): the TOTP column holds an otpauth URI (what
/// KeePassXC writes), KeeOtp's `key=...&size=...&step=...`, or the legacy `PERIOD;DIGITS` / `PERIOD;S`
/// whose secret is in a `TOTP Seed` column. issuer = Title, account = Username, note = Notes.
public enum KeePassXC: ExportFormat {
    public static let name = "KeePassXC CSV"

    public static func recognises(_ content: ExportContent) -> Bool {
        guard content.json == nil, let text = content.text, let header = CSV.header(of: text) else { return false }
        return header.contains("Title") && header.contains("Username")
            && (header.contains("TOTP") || header.contains("TOTP Seed"))
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let table = try CSVTable.read(content, format: name)
        let columns = (title: table.column("Title"), user: table.column("Username"), notes: table.column("Notes"),
                       totp: table.column("TOTP"), seed: table.column("TOTP Seed"), settings: table.column("TOTP Settings"))
        var entries: [ImportedEntry] = []
        for row in table.rows {
            let totp = table.field(row, columns.totp).trimmingCharacters()
            let seed = table.field(row, columns.seed).trimmingCharacters()
            let settings = table.field(row, columns.settings).trimmingCharacters()
            guard !totp.isEmpty || !seed.isEmpty else { continue }  // a password entry
            let position = entries.count + 1
            let (issuer, user, note) = (table.field(row, columns.title), table.field(row, columns.user),
                                        table.field(row, columns.notes))
            let shown = FormatSupport.entryName(issuer: issuer, name: user)
            func unsupported(_ reason: String) -> ImportedEntry {
                .unsupported(UnsupportedEntry(position: position, name: shown, reason: reason))
            }

            if OTPAuthURI.isOTPAuth(totp) {
                do {
                    let account = try Account(uri: totp)
                    entries.append(TOTPValue.entry(account, position: position, issuer: issuer, name: user, note: note))
                } catch {
                    entries.append(unsupported("\(error)"))
                }
            } else if totp.contains("key=") {
                entries.append(keeOtp(totp, position: position, issuer: issuer, name: user, note: note))
            } else if let legacy = Legacy(totp.isEmpty ? (settings.isEmpty ? "30;6" : settings) : totp) {
                guard !seed.isEmpty else {
                    entries.append(unsupported("missing secret: the TOTP Seed column is not in this CSV"))
                    continue
                }
                entries.append(FormatSupport.account(position: position, type: legacy.steam ? "steam" : "totp",
                                                     issuer: issuer, name: user, secret: seed, algorithm: nil,
                                                     digits: legacy.digits, period: legacy.period, counter: nil, note: note))
            } else {
                entries.append(unsupported("unknown TOTP setting (not an otpauth URI, KeeOtp or PERIOD;DIGITS)"))
            }
        }
        return entries
    }

    /// KeeOtp's query string: `key` (Base32), `size` (digits), `step` (period), `otpHashMode`, `type`. Its
    /// values are written as an otpauth URI's (percent-encoded), so the URI parser reads them.
    static func keeOtp(_ value: String, position: Int, issuer: String, name: String, note: String) -> ImportedEntry {
        let names = ["key": "secret", "size": "digits", "step": "period", "otphashmode": "algorithm"]
        var query: [String] = []
        var type = "totp"
        for pair in value.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            let raw = parts.count > 1 ? String(parts[1]) : ""
            if key == "type" { type = raw.lowercased() } else if let renamed = names[key] { query.append("\(renamed)=\(raw)") }
        }
        guard type == "totp" else {
            return .unsupported(UnsupportedEntry(position: position, name: FormatSupport.entryName(issuer: issuer, name: name),
                                                 reason: "KeeOtp type \(type)"))
        }
        do {
            let account = try Account(uri: "otpauth://totp/KeeOtp?" + query.joined(separator: "&"))
            return TOTPValue.entry(account, position: position, issuer: issuer, name: name, note: note)
        } catch {
            return .unsupported(UnsupportedEntry(position: position, name: FormatSupport.entryName(issuer: issuer, name: name),
                                                 reason: "\(error)"))
        }
    }

    /// KeePassXC's legacy `TOTP Settings` value: `PERIOD;DIGITS`, or `PERIOD;S` for Steam.
    struct Legacy {
        var period: Int
        var digits: Int?
        var steam: Bool

        init?(_ value: String) {
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            guard parts.count == 2, let period = Int(parts[0].trimmingWhitespace()) else { return nil }
            let second = parts[1].trimmingWhitespace()
            self.period = period
            if second == "S" {
                steam = true
                digits = nil
            } else {
                guard let digits = Int(second) else { return nil }
                steam = false
                self.digits = digits
            }
        }
    }
}
