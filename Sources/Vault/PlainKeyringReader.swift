import OTP

/// A read-only path to the keyring for `list` and `code`, straight over D-Bus with sd-bus: one
/// connection, a "plain" Secret Service session, the searches, and one GetSecrets call.
///
/// libsecret's own path opens a Diffie-Hellman session (a 1024-bit key exchange on both sides) and
/// builds a proxy with its properties before the first search: a few milliseconds on every command; and
/// GIO's D-Bus connection alone (two threads, its type system) costs about a millisecond more than
/// sd-bus's. The plain session carries secrets over the session bus unencrypted; that bus is a socket of
/// this user's, and any process that could read it (same user) could ask the unlocked keyring for the
/// same secrets. Whatever this path cannot do (locked items, which need a prompt; no libsystemd; any
/// error) returns nil, and the caller takes libsecret's path, which handles or reports it.
public final class PlainKeyringReader {
    private let sd: SDBus
    private let bus: OpaquePointer
    private let session: String

    /// Nil when no session bus or no Secret Service answers (the caller then reports it through libsecret).
    public init?() {
        guard case let .success(sd) = SDBus.shared else { return nil }
        var opened: OpaquePointer? = nil
        guard sd.openUser(&opened) >= 0, let bus = opened else { return nil }
        // OpenSession("plain", <"">) -> (v output, o session)
        let reply = sd.callSecretService(bus, "OpenSession") { message in
            sd.append(message, "s", "plain") && sd.openContainer(message, busType("v"), "s") >= 0
                && sd.append(message, "s", "") && sd.closeContainer(message) >= 0
        }
        let path = reply.flatMap { reply in sd.skip(reply, "v") >= 0 ? sd.read(reply, "o") : nil }
        if let reply { _ = sd.messageUnref(reply) }
        guard let path else {
            _ = sd.flushCloseUnref(bus)
            return nil
        }
        self.sd = sd
        self.bus = bus
        session = path
    }

    deinit {
        _ = sd.flushCloseUnref(bus)
    }

    /// Every account, as `KeyringStore.load()` reads them; nil when some item is locked or a call fails.
    public func load() -> StoreContents? {
        guard let paths = search([:]) else { return nil }
        return read(paths)
    }

    /// The accounts a QUERY matches exactly, as `KeyringStore.exactMatches(for:)` finds them.
    public func exactMatches(for query: String) -> [StoredAccount]? {
        guard let searches = KeyringStore.exactSearches(for: query) else { return nil }
        var paths: [String] = []
        for attributes in searches {
            guard let found = search(attributes) else { return nil }
            for path in found where !paths.contains(path) { paths.append(path) }
        }
        return read(paths)?.accounts
    }

    /// SearchItems(a{ss} attributes) -> (ao unlocked, ao locked); nil when any is locked.
    private func search(_ attributes: [String: String]) -> [String]? {
        var all = attributes
        all["xdg:schema"] = KeyringStore.schemaName
        let sd = self.sd
        let reply = sd.callSecretService(bus, "SearchItems") { message in
            guard sd.openContainer(message, busType("a"), "{ss}") >= 0 else { return false }
            for (key, value) in all {
                guard sd.openContainer(message, busType("e"), "ss") >= 0, sd.append(message, "s", key),
                      sd.append(message, "s", value), sd.closeContainer(message) >= 0 else { return false }
            }
            return sd.closeContainer(message) >= 0
        }
        guard let reply else { return nil }
        defer { _ = sd.messageUnref(reply) }
        guard let unlocked = sd.paths(reply), let locked = sd.paths(reply) else { return nil }
        return locked.isEmpty ? unlocked : nil  // locked items need libsecret's prompt
    }

    /// GetSecrets(ao items, o session) -> a{o(oayays)}: each item's path and its secret (session,
    /// parameters, value, content type).
    private func read(_ paths: [String]) -> StoreContents? {
        guard !paths.isEmpty else { return StoreContents(accounts: []) }
        let sd = self.sd
        let session = self.session
        let reply = sd.callSecretService(bus, "GetSecrets") { message in
            guard sd.openContainer(message, busType("a"), "o") >= 0 else { return false }
            for path in paths where !sd.append(message, "o", path) { return false }
            return sd.closeContainer(message) >= 0 && sd.append(message, "o", session)
        }
        guard let reply else { return nil }
        defer { _ = sd.messageUnref(reply) }
        guard sd.enterContainer(reply, busType("a"), "{o(oayays)}") > 0 else { return nil }
        var items: [(path: String, text: String)] = []
        while sd.enterContainer(reply, busType("e"), "o(oayays)") > 0 {
            guard let path = sd.read(reply, "o"), sd.enterContainer(reply, busType("r"), "oayays") > 0,
                  sd.skip(reply, "oay") >= 0 else { return nil }
            var bytes: UnsafeRawPointer? = nil
            var length = 0
            guard sd.readArray(reply, busType("y"), &bytes, &length) >= 0, sd.skip(reply, "s") >= 0,
                  sd.exitContainer(reply) >= 0, sd.exitContainer(reply) >= 0 else { return nil }
            let text = bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
            items.append((path, text))
        }
        return StoreContents(items: items)
    }
}
