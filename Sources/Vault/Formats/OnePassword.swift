import FoundationEssentials

/// 1Password's `.1pux` export (docs/formats/1password.md): a zip whose `export.data` JSON holds accounts,
/// vaults and items; every item field whose value is `{"totp": ...}` is one entry (an otpauth URI or a
/// bare Base32 secret). The zip is read with libarchive.
public enum OnePassword: ExportFormat {
    public static let name = "1Password"
    /// `export.data` larger than this is refused before it is read.
    public static let maxDataBytes = 64 << 20
    /// Accounts, vaults, items, sections and fields: each list at most this long.
    public static let maxListLength = ExportLimits.maxEntries

    struct ExportData: Decodable { let accounts: [AccountEntry]? }
    struct AccountEntry: Decodable { let vaults: [Vault]? }
    struct Vault: Decodable { let items: [Item]? }
    struct Item: Decodable {
        let details: Details?
        let overview: Overview?
    }
    struct Details: Decodable {
        let loginFields: [LoginField?]?
        let notesPlain: String?
        let sections: [Section?]?
    }
    struct LoginField: Decodable {
        let designation: String?
        let value: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            designation = try? container.decodeIfPresent(String.self, forKey: .designation)
            value = try? container.decodeIfPresent(String.self, forKey: .value)  // linked values are objects
        }
        enum CodingKeys: String, CodingKey { case designation, value }
    }
    struct Section: Decodable { let fields: [Field]? }
    struct Field: Decodable {
        let value: Value?
        struct Value: Decodable {
            let totp: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                totp = try? container.decodeIfPresent(String.self, forKey: .totp)
            }
            enum CodingKeys: String, CodingKey { case totp }
        }
    }
    struct Overview: Decodable { let title: String? }

    public static func recognises(_ content: ExportContent) -> Bool {
        guard content.isZip else { return false }
        if let names = try? ZipArchive.names(content.bytes) { return names.contains("export.data") }
        // an archive libarchive cannot read: 1Password's if a local header names export.data (then the
        // error says the 1Password file is damaged, not that the zip is unknown)
        return ExportContent.contains(content.bytes, Array("export.data".utf8))
    }

    public static func entries(_ content: ExportContent, password: PasswordSource) throws(FormatError) -> [ImportedEntry] {
        let data: [UInt8]
        do {
            guard let member = try ZipArchive.read("export.data", from: content.bytes, limit: maxDataBytes) else {
                throw FormatError.malformed(format: name, "no export.data in the archive")
            }
            data = member
        } catch let error as FormatError {
            throw error
        } catch let error as ZipArchive.Problem {
            switch error {
            case .tooLarge, .tooManyMembers: throw .tooLarge(format: name, "\(error)")
            case let .libraryMissing(detail): throw .libraryMissing(detail)
            case .damaged: throw .damaged(format: name, "\(error)")
            }
        } catch {
            throw .damaged(format: name, "\(error)")
        }
        let export = try FormatSupport.decode(ExportData.self, from: data, format: name)
        var entries: [ImportedEntry] = []
        for account in export.accounts ?? [] {
            for vault in account.vaults ?? [] {
                try FormatSupport.checkCount(vault.items?.count ?? 0, format: name)
                for item in vault.items ?? [] {
                    let title = item.overview?.title ?? ""
                    let user = item.details?.loginFields?.first { $0?.designation == "username" }??.value ?? ""
                    for section in item.details?.sections ?? [] {
                        for field in section?.fields ?? [] {
                            guard let totp = field.value?.totp, !totp.trimmingCharacters().isEmpty else { continue }
                            try FormatSupport.checkCount(entries.count + 1, format: name)
                            entries.append(TOTPValue.entry(totp, position: entries.count + 1, issuer: title, name: user,
                                                           note: item.details?.notesPlain ?? ""))
                        }
                    }
                }
            }
        }
        return entries
    }
}
