import Foundation

/// Tests/Oracles/aegis_vault.py, the independent Aegis vault reader and writer (Python's `cryptography`),
/// run with Debian's /usr/bin/python3.
public enum AegisOracle {
    public static let script = repositoryRoot + "/Tests/Oracles/aegis_vault.py"

    /// One account as the oracle reads and writes it (see the script's header).
    public struct Account: Codable, Equatable, Sendable {
        public var type: String
        public var issuer: String
        public var name: String
        public var secret: String
        public var algo: String
        public var digits: Int
        public var period: Int?
        public var counter: Int?
        /// authv's clock offset for the account (seconds), absent when 0.
        public var offset: Int?
        public var note: String
        public var recovery: [Recovery]

        public struct Recovery: Codable, Equatable, Sendable {
            public var code: String
            public var used: Bool
            public init(code: String, used: Bool) { self.code = code; self.used = used }
            public init(from decoder: any Decoder) throws {
                var list = try decoder.unkeyedContainer()
                code = try list.decode(String.self)
                used = try list.decode(Bool.self)
            }
            public func encode(to encoder: any Encoder) throws {
                var list = encoder.unkeyedContainer()
                try list.encode(code)
                try list.encode(used)
            }
        }

        public init(type: String, issuer: String, name: String, secret: String, algo: String = "SHA1", digits: Int = 6,
                    period: Int? = 30, counter: Int? = nil, note: String = "", recovery: [Recovery] = []) {
            self.type = type
            self.issuer = issuer
            self.name = name
            self.secret = secret
            self.algo = algo
            self.digits = digits
            self.period = type == "hotp" ? nil : period
            self.counter = type == "hotp" ? (counter ?? 0) : nil
            self.note = note
            self.recovery = recovery
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The accounts in a vault file, as the oracle reads them (password: the first line of `passwordFile`).
    public static func read(_ vault: String, passwordFile: String? = nil) throws -> [Account] {
        let result = try run("/usr/bin/python3", [script, "read", vault] + (passwordFile.map { [$0] } ?? []))
        guard result.status == 0 else { throw Failed(description: "oracle read: \(result.stderr)") }
        return try JSONDecoder().decode([Account].self, from: result.stdoutBytes)
    }

    /// Writes a new vault of `accounts` at `vault`, encrypted under the first line of `passwordFile`
    /// (plain when it is nil).
    public static func write(_ accounts: [Account], to vault: String, passwordFile: String?) throws {
        let input = vault + ".accounts.json"
        try JSONEncoder().encode(accounts).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let arguments = passwordFile.map { [script, "write", input, $0, vault] } ?? [script, "write-plain", input, vault]
        let result = try run("/usr/bin/python3", arguments)
        guard result.status == 0 else { throw Failed(description: "oracle write: \(result.stderr)") }
    }
}
