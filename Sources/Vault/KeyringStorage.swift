import OTP
#if canImport(Glibc)
import Glibc
#endif

/// How the Secret Service keeps a collection on disk: encrypted, or (a gnome-keyring login keyring
/// without a password, as automatic login leaves it) in plain text for anyone who can read the file.
public enum KeyringStorage {
    /// gnome-keyring's binary format, which is always encrypted with the keyring's password.
    static let binaryMagic: [UInt8] = Array("GnomeKeyring\n\r\u{0}\n".utf8)
    /// Only the start of a keyring file is read.
    static let headerLength = 4096

    public enum Verdict: Sendable, Equatable {
        /// gnome-keyring's binary, encrypted format (the file).
        case encrypted(file: String)
        /// gnome-keyring's textual format: every secret readable in the file.
        case plainText(file: String)
        /// A collection gnome-keyring keeps in memory alone (`session`): gone when the daemon stops.
        case memoryOnly
        /// Another provider, or no file found: what is known.
        case unknown(String)
    }

    public struct Collection: Sendable, Equatable {
        /// The collection's D-Bus object path.
        public var path: String
        /// Its label (`Login`), when the service gives one.
        public var label: String?
        public var verdict: Verdict
    }

    public struct Report: Sendable, Equatable {
        /// The program that provides the Secret Service (`gnome-keyring-daemon`, `keepassxc`), when known.
        public var provider: String?
        /// The default collection first, then any other that holds authv's items.
        public var collections: [Collection]
    }

    /// Looks at the default collection and at the collections of `itemPaths` (authv's items); nil when no
    /// Secret Service answers on the session bus.
    public static func inspect(itemPaths: [String] = []) -> Report? {
        guard let service = try? SecretService() else { return nil }
        let sd = service.sd
        let provider = providerName(service)
        var paths: [String] = []
        if let path = try? service.call(SecretService.servicePath, SecretService.serviceInterface, "ReadAlias", operation: "reading the default alias",
                                        arguments: { sd.append($0, "s", "default") }, reply: { sd.read($0, "o") }), path != "/" {
            paths.append(path)
        }
        for item in itemPaths {
            guard let slash = item.lastIndex(of: "/") else { continue }
            let collection = String(item[..<slash])
            if collection.hasPrefix(collectionPrefix), !paths.contains(collection) { paths.append(collection) }
        }
        guard provider != nil || !paths.isEmpty else { return nil }
        let collections = paths.map { path in
            let label = self.label(service, path)
            return Collection(path: path, label: label, verdict: verdict(provider: provider, collection: path))
        }
        return Report(provider: provider, collections: collections)
    }

    static let collectionPrefix = "/org/freedesktop/secrets/collection/"

    /// What gnome-keyring's files say about a collection; other providers are named with what is known.
    static func verdict(provider: String?, collection: String) -> Verdict {
        switch provider {
        case "gnome-keyring-daemon"?, "gnome-keyring-d"?:
            break
        case "keepassxc"?, "keepassxc-proxy"?:
            return .unknown("KeePassXC keeps secrets in its database file, encrypted with that database's own key; authv cannot see which file or how strong the key is")
        case let name? where name.hasPrefix("kwalletd") || name == "ksecretd":
            return .unknown("KWallet (\(name)) encrypts a wallet that has a password (Blowfish or GPG); authv cannot tell whether this one has")
        case let name?:
            return .unknown("the Secret Service is \(name); authv cannot tell how it stores secrets")
        case nil:
            return .unknown("authv cannot tell which program provides the Secret Service")
        }
        guard collection.hasPrefix(collectionPrefix) else { return .unknown("an unexpected collection path") }
        let identifier = unescape(String(collection.dropFirst(collectionPrefix.count)))
        if identifier == "session" { return .memoryOnly }
        guard let folder = keyringsFolder else { return .unknown("no XDG_DATA_HOME or HOME to find gnome-keyring's files in") }
        var candidates = [identifier]
        // `keyrings/default` names the default keyring's file.
        if let named = readHeader(folder + "/default").flatMap({ String(validating: $0, as: UTF8.self) }) {
            let name = String(named.prefix { $0 != "\n" && $0 != "\r" })
            if !name.isEmpty, !name.contains("/"), !candidates.contains(name) { candidates.append(name) }
        }
        for name in candidates {
            let file = "\(folder)/\(name).keyring"
            guard let header = readHeader(file) else { continue }
            if header.starts(with: binaryMagic) { return .encrypted(file: file) }
            if isTextual(header) { return .plainText(file: file) }
            return .unknown("\(file) is in neither of gnome-keyring's formats")
        }
        return .unknown("no file \(folder)/\(identifier).keyring for it")
    }

    /// gnome-keyring's keyring folder: `$XDG_DATA_HOME/keyrings`, default `~/.local/share/keyrings`.
    static var keyringsFolder: String? {
        if let data = getenv("XDG_DATA_HOME").map({ String(cString: $0) }), data.hasPrefix("/") { return data + "/keyrings" }
        guard let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") else { return nil }
        return home + "/.local/share/keyrings"
    }

    /// The textual format is a key file whose first group is `[keyring]`.
    static func isTextual(_ header: [UInt8]) -> Bool {
        let text = String(decoding: header, as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            return trimmed.hasPrefix("[keyring]")
        }
        return false
    }

    /// gnome-keyring escapes a collection's identifier for its D-Bus path: `_XX` for each other byte.
    static func unescape(_ text: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.first {
            input = input.dropFirst()
            if byte == UInt8(ascii: "_"), input.count >= 2, let high = Hex.value(input.first!), let low = Hex.value(input.dropFirst().first!) {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first bytes of a file; nil when it cannot be read.
    static func readHeader(_ path: String) -> [UInt8]? {
        readFilePrefix(path, upTo: headerLength)
    }

    /// The name of the program that owns org.freedesktop.secrets (its executable's name, from /proc).
    static func providerName(_ service: SecretService) -> String? {
        let sd = service.sd
        guard let pid = try? service.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                          destination: "org.freedesktop.DBus", operation: "asking who provides the keyring",
                                          arguments: { sd.append($0, "s", SecretService.name) },
                                          reply: { m -> UInt32? in
                                              var pid: UInt32 = 0
                                              return sd.readBasic(m, busType("u"), &pid) > 0 && pid > 0 ? pid : nil
                                          }) else { return nil }
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/\(pid)/exe", &buffer, 4096)
        if n > 0 {
            let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return String(exe.split(separator: "/").last ?? Substring(exe))
        }
        // Another user's process, or no /proc: its short name.
        return readHeader("/proc/\(pid)/comm").map { String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "" }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A collection's `Label` property.
    static func label(_ service: SecretService, _ path: String) -> String? {
        let sd = service.sd
        return try? service.call(path, "org.freedesktop.DBus.Properties", "Get", operation: "reading a collection's label", arguments: {
            sd.append($0, "s", "org.freedesktop.Secret.Collection") && sd.append($0, "s", "Label")
        }, reply: { m in
            sd.enterContainer(m, busType("v"), "s") > 0 ? sd.read(m, "s") : nil
        })
    }
}
