import OTP

/// Why a QUERY did not select exactly one account.
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    case noMatch(String)
    /// Several accounts match; each is named with its id so one can be chosen.
    case ambiguous(String, matches: [String])

    public var description: String {
        switch self {
        case let .noMatch(query): return "no account matches '\(query)'"
        case let .ambiguous(query, matches):
            return "'\(query)' matches \(matches.count) accounts: \(matches.joined(separator: ", ")); be more specific"
        }
    }
}

/// Selects accounts the way docs/cli.md says: an id selects its one account; else an exact display name, issuer, account name
/// (case-insensitive) wins; otherwise every account whose display name contains the query. A name
/// matches as it is stored and as it is shown (`Escape.text`: `real\x0dFAKE`), so that what `list` shows
/// can be typed back.
public enum AccountQuery {
    public static func select(_ query: String, from accounts: [StoredAccount]) -> [StoredAccount] {
        let q = query.lowercased()
        // An id names one entry: it selects that one, whatever other names match.
        let byID = accounts.filter { $0.id == q }
        if !byID.isEmpty { return byID }
        let exact = accounts.filter { stored in
            [stored.account.displayName, stored.account.issuer, stored.account.name].contains {
                $0.lowercased() == q || Escape.text($0).lowercased() == q
            }
        }
        if !exact.isEmpty { return exact }
        return accounts.filter {
            $0.account.displayName.lowercased().contains(q) || Escape.text($0.account.displayName).lowercased().contains(q)
        }
    }

    /// The one account a query selects, or an error naming every match.
    public static func one(_ query: String, from accounts: [StoredAccount]) throws(QueryError) -> StoredAccount {
        let matches = select(query, from: accounts)
        guard let first = matches.first else { throw .noMatch(query) }
        guard matches.count == 1 else {
            throw .ambiguous(query, matches: matches.map { "\($0.account.displayName) [\($0.id)]" })
        }
        return first
    }
}
