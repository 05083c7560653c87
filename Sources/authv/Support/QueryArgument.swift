import ArgumentParser

/// The QUERY argument of every command: never empty. An empty QUERY would select the account with no
/// issuer (or every account): a script whose variable came out empty must not remove or use one.
enum QueryArgument {
    static let emptyMessage = "QUERY is empty: name the account (its name, issuer, account name or id)"

    /// The parser's transform for QUERY arguments: refuses an empty one (a usage error, exit status 64).
    @Sendable static func parse(_ text: String) throws -> String {
        guard !text.isEmpty else { throw ValidationError(emptyMessage) }
        return text
    }
}
