import Foundation

/// One account of Fixtures/imports/canonical.json, the set every import fixture reproduces, as the file
/// writes it (both the CLI tests and the format tests read it here).
public struct CanonicalAccount: Decodable, Sendable {
    public var issuer: String
    public var name: String
    public var type: String
    public var algorithm: String
    public var digits: Int
    public var period: Int?
    public var counter: UInt64?
    public var secret: String
    public var note: String
}

/// The canonical accounts, read from the JSON file the fixture generators read.
public let canonicalAccounts: [CanonicalAccount] = {
    struct File: Decodable { var accounts: [CanonicalAccount] }
    let data = (try? Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Fixtures/imports/canonical.json"))) ?? Data()
    return (try? JSONDecoder().decode(File.self, from: data).accounts) ?? []
}()
