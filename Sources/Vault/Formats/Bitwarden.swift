import FoundationEssentials

/// Bitwarden's unencrypted JSON export (docs/formats/bitwarden.md): `items[].login.totp`, each an otpauth
/// URI, `steam://SECRET` or a bare Base32 secret. Items without one are passwords, not entries.
public enum BitwardenJSON: ExportFormat {
    public static let name = "Bitwarden"

    struct Export: Decodable {
        let encrypted: Bool?
        let items: [Item]?
    }
    struct Item: Decodable {
        let name: String?
        let notes: String?
        let login: Login?
    }
    struct Login: Decodable {
        let username: String?
        let totp: String?
    }

    public static func recognises(_ content: ExportContent) -> Bool {
        if content.isDamagedJSON(mentioning: ["encrypted", "items"]) { return true }
        guard let object = content.object, case .array = object["items"] else { return false }
        // Bitwarden writes `encrypted` first; the Authenticator app's export has it too
        return object["encrypted"] != nil || object["folders"] != nil
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        if case .bool(true) = content.object?["encrypted"] {
            throw .unsupportedVersion(format: name, "an encrypted export; export the vault again as unencrypted JSON (.json)")
        }
        try FormatSupport.checkCount(content.object?["items"]?.array?.count ?? 0, format: name)
        let export = try FormatSupport.decode(Export.self, from: content.bytes, format: name)
        var entries: [ImportedEntry] = []
        for item in export.items ?? [] {
            guard let totp = item.login?.totp, !totp.trimmingCharacters().isEmpty else { continue }
            entries.append(TOTPValue.entry(totp, position: entries.count + 1, issuer: item.name ?? "",
                                           name: item.login?.username ?? "", note: item.notes ?? ""))
        }
        return entries
    }
}

/// Bitwarden's CSV export (docs/formats/bitwarden.md): the columns `name`, `notes`, `login_username` and
/// `login_totp`, found by name; the same three forms of `login_totp` as in the JSON export.
public enum BitwardenCSV: ExportFormat {
    public static let name = "Bitwarden CSV"

    public static func recognises(_ content: ExportContent) -> Bool {
        guard content.json == nil, let text = content.text, let header = CSV.header(of: text) else { return false }
        return header.contains("login_totp") && header.contains("name")
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let table = try CSVTable.read(content, format: name)
        let (title, notes, user, totp) = (table.column("name"), table.column("notes"), table.column("login_username"),
                                          table.column("login_totp"))
        var entries: [ImportedEntry] = []
        for row in table.rows {
            let value = table.field(row, totp)
            guard !value.trimmingCharacters().isEmpty else { continue }
            entries.append(TOTPValue.entry(value, position: entries.count + 1, issuer: table.field(row, title),
                                           name: table.field(row, user), note: table.field(row, notes)))
        }
        return entries
    }
}

/// Reading an export's CSV, shared by the CSV formats.
enum CSVTable {
    static func read(_ content: ExportContent, format: String) throws(FormatError) -> CSV.Table {
        guard let text = content.text else { throw .damaged(format: format, "not UTF-8 text") }
        do {
            let records = try CSV.parse(text)
            try FormatSupport.checkCount(records.count, format: format)
            return CSV.Table(records)
        } catch let CSV.Problem.tooLarge(detail) {
            throw .tooLarge(format: format, detail)
        } catch {
            throw .damaged(format: format, "\(error)")
        }
    }
}
