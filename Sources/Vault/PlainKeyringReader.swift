internal import CLibsecret
import OTP

/// A read-only path to the keyring for `list` and `code`, straight over D-Bus: one connection, a
/// "plain" Secret Service session, the searches, and one GetSecrets call.
///
/// libsecret's own path opens a Diffie-Hellman session (a 1024-bit key exchange on both sides) and
/// builds a proxy with its properties before the first search: a few milliseconds on every command. The
/// plain session carries secrets over the session bus unencrypted; that bus is a socket of this user's,
/// and any process that could read it (same user) could ask the unlocked keyring for the same secrets.
/// Whatever this path cannot do (locked items, which need a prompt; any error) returns nil, and the
/// caller takes libsecret's path, which handles it.
public final class PlainKeyringReader {
    private let connection: OpaquePointer
    private let session: String

    /// Nil when no session bus or no Secret Service answers (the caller then reports it through libsecret).
    public init?() {
        var error: UnsafeMutablePointer<GError>? = nil
        guard let connection = g_bus_get_sync(G_BUS_TYPE_SESSION, nil, &error) else {
            g_clear_error(&error)
            return nil
        }
        self.connection = connection
        let parameters = PlainKeyringReader.tuple([g_variant_new_string("plain"), g_variant_new_variant(g_variant_new_string(""))])
        guard let reply = PlainKeyringReader.call(connection, "OpenSession", parameters, path: "/org/freedesktop/secrets",
                                                  interface: "org.freedesktop.Secret.Service"),
              let path = PlainKeyringReader.string(reply, child: 1) else {
            g_object_unref(UnsafeMutableRawPointer(connection))
            return nil
        }
        g_variant_unref(reply)
        session = path
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(connection))
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

    private func search(_ attributes: [String: String]) -> [String]? {
        var all = attributes
        all["xdg:schema"] = KeyringStore.schemaName
        let type = g_variant_type_new("{ss}")
        defer { g_variant_type_free(type) }
        var entries: [OpaquePointer?] = all.map { g_variant_new_dict_entry(g_variant_new_string($0.key), g_variant_new_string($0.value)) }
        let dictionary = entries.withUnsafeMutableBufferPointer { g_variant_new_array(type, $0.baseAddress, gsize($0.count)) }
        guard let reply = call("SearchItems", PlainKeyringReader.tuple([dictionary]), path: "/org/freedesktop/secrets",
                               interface: "org.freedesktop.Secret.Service") else { return nil }
        defer { g_variant_unref(reply) }
        let unlocked = PlainKeyringReader.paths(reply, child: 0)
        let locked = PlainKeyringReader.paths(reply, child: 1)
        return locked.isEmpty ? unlocked : nil  // locked items need libsecret's prompt
    }

    private func read(_ paths: [String]) -> StoreContents? {
        guard !paths.isEmpty else { return StoreContents(accounts: []) }
        let strings = paths.map { strdup($0) } + [nil]
        defer { strings.forEach { free($0) } }
        let objectPaths = strings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<gchar>?.self, capacity: buffer.count) {
                g_variant_new_objv($0, gssize(paths.count))
            }
        }
        guard let reply = call("GetSecrets", PlainKeyringReader.tuple([objectPaths, g_variant_new_object_path(session)]),
                               path: "/org/freedesktop/secrets", interface: "org.freedesktop.Secret.Service") else { return nil }
        defer { g_variant_unref(reply) }
        let dictionary = g_variant_get_child_value(reply, 0)!
        defer { g_variant_unref(dictionary) }
        var items: [(path: String, text: String)] = []
        for index in 0..<g_variant_n_children(dictionary) {
            let entry = g_variant_get_child_value(dictionary, index)!
            defer { g_variant_unref(entry) }
            guard let path = PlainKeyringReader.string(entry, child: 0) else { continue }
            let secret = g_variant_get_child_value(entry, 1)!       // (oayays): session, parameters, value, type
            let value = g_variant_get_child_value(secret, 2)!
            var length: gsize = 0
            let bytes = g_variant_get_fixed_array(value, &length, 1)
            let text = bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(length)), as: UTF8.self) } ?? ""
            g_variant_unref(value)
            g_variant_unref(secret)
            items.append((path, text))
        }
        return StoreContents(items: items)
    }

    private func call(_ method: String, _ parameters: OpaquePointer?, path: String, interface: String) -> OpaquePointer? {
        PlainKeyringReader.call(connection, method, parameters, path: path, interface: interface)
    }

    /// A method call on the Secret Service; nil on any error.
    private static func call(_ connection: OpaquePointer, _ method: String, _ parameters: OpaquePointer?, path: String,
                             interface: String) -> OpaquePointer? {
        var error: UnsafeMutablePointer<GError>? = nil
        let reply = g_dbus_connection_call_sync(connection, "org.freedesktop.secrets", path, interface, method,
                                                parameters, nil, G_DBUS_CALL_FLAGS_NONE, 5000, nil, &error)
        g_clear_error(&error)
        return reply
    }

    private static func tuple(_ children: [OpaquePointer?]) -> OpaquePointer? {
        var children = children
        return children.withUnsafeMutableBufferPointer { g_variant_new_tuple($0.baseAddress, gsize($0.count)) }
    }

    private static func string(_ variant: OpaquePointer, child: Int) -> String? {
        guard let value = g_variant_get_child_value(variant, gsize(child)) else { return nil }
        defer { g_variant_unref(value) }
        var inner = value
        if g_variant_is_of_type(value, g_variant_type_checked_("v")) != 0, let unboxed = g_variant_get_variant(value) {
            inner = unboxed
        }
        defer { if inner != value { g_variant_unref(inner) } }
        return g_variant_get_string(inner, nil).map { String(cString: $0) }
    }

    private static func paths(_ variant: OpaquePointer, child: Int) -> [String] {
        guard let array = g_variant_get_child_value(variant, gsize(child)) else { return [] }
        defer { g_variant_unref(array) }
        return (0..<g_variant_n_children(array)).compactMap { index in
            guard let item = g_variant_get_child_value(array, index) else { return nil }
            defer { g_variant_unref(item) }
            return g_variant_get_string(item, nil).map { String(cString: $0) }
        }
    }
}
