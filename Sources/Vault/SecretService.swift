internal import CSystemd
import SharedLibrary
#if canImport(Glibc)
import Glibc
#endif

/// Why a D-Bus call to the keyring failed, from the error's name (`org.freedesktop.DBus.Error.*`,
/// `org.freedesktop.Secret.Error.*`) or sd-bus's errno, never from its message text.
public enum KeyringReason: Equatable, Sendable {
    /// No session bus to connect to (no address, no socket, connection refused).
    case noSessionBus
    /// Nothing on the bus provides org.freedesktop.secrets.
    case noService
    /// No answer within the time allowed (seconds).
    case timedOut(seconds: Double)
    /// The item or collection is locked and was not unlocked.
    case locked
    /// The person asked (an unlock prompt, an "allow access?" dialog) said no or closed it.
    case dismissed
    /// The item is gone (removed meanwhile).
    case noSuchObject
    /// The Secret Service refused (a policy, a KeePassXC confirmation denied).
    case accessDenied
    /// The keyring daemon left the bus without answering (it stopped or crashed).
    case serviceLeft
    /// The reply did not have the shape the Secret Service specification gives.
    case badReply
    /// Any other error: its D-Bus name, or the errno sd-bus gave.
    case other(name: String?, errno: Int32)

    /// The reason for a D-Bus error `name` (nil when sd-bus gave only an errno).
    init(name: String?, errno: Int32, timeout: Double) {
        switch name {
        case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
             "org.freedesktop.DBus.Error.Spawn.ServiceNotFound", "org.freedesktop.DBus.Error.Spawn.ExecFailed",
             "org.freedesktop.DBus.Error.Spawn.ChildExited", "org.freedesktop.DBus.Error.Spawn.ChildSignaled":
            self = .noService
        case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout", "org.freedesktop.DBus.Error.TimedOut":
            self = .timedOut(seconds: timeout)
        case "org.freedesktop.Secret.Error.IsLocked":
            self = .locked
        case "org.freedesktop.Secret.Error.NoSuchObject", "org.freedesktop.DBus.Error.UnknownObject",
             "org.freedesktop.DBus.Error.UnknownMethod":
            self = .noSuchObject
        case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.AuthFailed":
            self = .accessDenied
        case .some(let name):
            self = .other(name: name, errno: errno)
        case nil:
            switch errno {
            case ETIMEDOUT: self = .timedOut(seconds: timeout)
            case ENOENT, ECONNREFUSED, ENOTCONN, ECONNRESET, ENOMEDIUM: self = .noSessionBus
            case EACCES, EPERM: self = .accessDenied
            case ENXIO, ESRCH: self = .noService
            default: self = .other(name: nil, errno: errno)
            }
        }
    }
}

/// The one client of the desktop keyring: the Secret Service D-Bus API over sd-bus, with a "plain"
/// session. Every call is bounded: `timeout` seconds where no person is asked (a stopped or stuck daemon,
/// a bus that never answers, gives `.timedOut` instead of a hang), `personTimeout` where the Secret
/// Service may ask the user (an unlock prompt, KeePassXC's "allow access?" confirmation on reading or
/// writing secrets).
///
/// The plain session carries secrets over the session bus unencrypted; that bus is a socket of this
/// user's, and any process that could read it (same user) could ask the unlocked keyring for the same
/// secrets. libsecret's Diffie-Hellman session (a 1024-bit key exchange on both sides) cost a few
/// milliseconds on every command and protects against nothing more here.
final class SecretService {
    static let name = "org.freedesktop.secrets"
    static let servicePath = "/org/freedesktop/secrets"
    static let defaultCollection = "/org/freedesktop/secrets/aliases/default"
    static let serviceInterface = "org.freedesktop.Secret.Service"
    private static let itemInterface = "org.freedesktop.Secret.Item"
    private static let collectionInterface = "org.freedesktop.Secret.Collection"
    private static let promptInterface = "org.freedesktop.Secret.Prompt"

    /// Seconds allowed for a call no person answers: `AUTHV_KEYRING_TIMEOUT` when it is a positive number,
    /// else 10.
    static var defaultTimeout: Double {
        if let text = getenv("AUTHV_KEYRING_TIMEOUT").map({ String(cString: $0) }), let seconds = Double(text),
           seconds.isFinite, seconds > 0 {
            return seconds
        }
        return 10
    }
    /// Seconds allowed where a person is asked.
    static let personTimeout: Double = 300

    let sd: SDBus
    private let bus: OpaquePointer
    /// The plain session's path, once OpenSession has answered (`session()`).
    private var sessionPath: String? = nil
    /// OpenSession, sent by `init` and not yet answered: its answer is read when a call first needs the
    /// session, or right after a search is sent, so that the two share one round trip to the daemon.
    private var opening: Sent? = nil
    /// Why OpenSession failed, given again to every later call.
    private var sessionFailure: StoreError? = nil
    /// Where calls go: the well-known name until the first reply, then the unique name of the daemon that
    /// sent it, so that a daemon that dies mid-command is an error, not silently another instance started
    /// by D-Bus activation (which knows neither this session nor what the command did so far).
    private var peer = SecretService.name
    let timeout: Double

    /// Connects to the session bus and asks the Secret Service for a plain session; every call settles that
    /// request before its own answer is read, so that a failure to open the session is reported as such.
    init(timeout: Double = SecretService.defaultTimeout) throws(StoreError) {
        self.timeout = timeout
        switch SDBus.shared {
        case let .success(library): sd = library
        case let .failure(missing): throw .libraryMissing(missing.message + ": install libsystemd (Debian: libsystemd0)")
        }
        var opened: OpaquePointer? = nil
        let r = sd.openUser(&opened)
        guard r >= 0, let opened else { throw StoreError(operation: "connecting to the session bus", reason: KeyringReason(name: nil, errno: -r, timeout: timeout)) }
        bus = opened
        // OpenSession("plain", <"">) -> (v output, o session); on failure deinit closes the connection.
        let sd = self.sd
        opening = try send(SecretService.servicePath, SecretService.serviceInterface, "OpenSession", destination: nil,
                           operation: "opening a session", person: false) { m in
            sd.append(m, "s", "plain") && sd.openContainer(m, busType("v"), "s") >= 0 && sd.append(m, "s", "")
                && sd.closeContainer(m) >= 0
        }
    }

    /// Closed without a flush: every call here waits for its reply (and for OpenSession's, before its
    /// own), so nothing is left to send but an OpenSession no call asked for, and a flush would wait
    /// without bound on a connection that never finished its handshake.
    deinit {
        if let opening { _ = sd.slotUnref(opening.slot) }
        _ = sd.closeUnref(bus)
    }

    /// The plain session's path: OpenSession's answer, waited for here the first time.
    private func session() throws(StoreError) -> String {
        if let sessionPath { return sessionPath }
        if let sessionFailure { throw sessionFailure }
        guard let sent = opening else { throw StoreError(operation: "opening a session", reason: .badReply) }
        opening = nil
        let sd = self.sd
        do {
            defer { _ = sd.slotUnref(sent.slot) }
            let path: String = try receive(sent, destination: nil) { m in
                guard sd.skip(m, "v") >= 0 else { return nil }
                return sd.read(m, "o")
            }
            sessionPath = path
            return path
        } catch {
            sessionFailure = error
            throw error
        }
    }

    // MARK: the Secret Service's methods

    /// SearchItems(a{ss}) -> (ao unlocked, ao locked).
    func search(_ attributes: [String: String]) throws(StoreError) -> (unlocked: [String], locked: [String]) {
        try search([attributes])[0]
    }

    /// Several searches at once, answered in order: all are sent before any answer is read, and before
    /// OpenSession's answer is read (a search needs no session), so that they take one round trip together.
    func search(_ list: [[String: String]]) throws(StoreError) -> [(unlocked: [String], locked: [String])] {
        let sd = self.sd
        var sent: [Sent] = []
        defer { for one in sent { _ = sd.slotUnref(one.slot) } }
        for attributes in list {
            sent.append(try send(SecretService.servicePath, SecretService.serviceInterface, "SearchItems", destination: nil,
                                 operation: "searching", person: false) { m in
                sd.appendDictionary(m, attributes)
            })
        }
        _ = try self.session()
        var found: [(unlocked: [String], locked: [String])] = []
        for one in sent {
            found.append(try receive(one, destination: nil) { m in
                guard let unlocked = sd.paths(m), let locked = sd.paths(m) else { return nil }
                return (unlocked, locked)
            })
        }
        return found
    }

    /// The objects at `paths` unlocked (asking the user where the Secret Service prompts); `.locked`
    /// when any stays locked.
    func unlock(_ paths: [String]) throws(StoreError) -> [String] {
        guard !paths.isEmpty else { return [] }
        let sd = self.sd
        let (unlocked, prompt): ([String], String) = try call(SecretService.servicePath, SecretService.serviceInterface, "Unlock",
                                                              operation: "unlocking", person: true) { m in
            sd.appendPaths(m, paths)
        } reply: { m in
            guard let unlocked = sd.paths(m), let prompt = sd.read(m, "o") else { return nil }
            return (unlocked, prompt)
        }
        var all = unlocked
        if prompt != "/" {
            all += try self.prompt(prompt, operation: "unlocking") { m in
                // The result is a variant holding the unlocked objects (ao).
                guard sd.enterContainer(m, busType("v"), "ao") > 0 else { return [] }
                return sd.paths(m) ?? []
            }
        }
        guard Set(paths).isSubset(of: Set(all)) else { throw .locked }
        return paths
    }

    /// GetSecrets(ao items, o session) -> a{o(oayays)}: each item's path and its secret as text, decoded
    /// straight from the message (no other copy of the bytes is made).
    func secrets(_ paths: [String]) throws(StoreError) -> [(path: String, text: String)] {
        guard !paths.isEmpty else { return [] }
        let sd = self.sd
        let session = try self.session()
        return try call(SecretService.servicePath, SecretService.serviceInterface, "GetSecrets", operation: "reading secrets",
                        person: true) { m in
            sd.appendPaths(m, paths) && sd.append(m, "o", session)
        } reply: { m in
            guard sd.enterContainer(m, busType("a"), "{o(oayays)}") > 0 else { return nil }
            var items: [(path: String, text: String)] = []
            while sd.enterContainer(m, busType("e"), "o(oayays)") > 0 {
                guard let path = sd.read(m, "o"), sd.enterContainer(m, busType("r"), "oayays") > 0, sd.skip(m, "oay") >= 0 else { return nil }
                var bytes: UnsafeRawPointer? = nil
                var length = 0
                guard sd.readArray(m, busType("y"), &bytes, &length) >= 0, sd.skip(m, "s") >= 0,
                      sd.exitContainer(m) >= 0, sd.exitContainer(m) >= 0 else { return nil }
                items.append((path, bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""))
            }
            return items
        }
    }

    /// Collection.CreateItem(a{sv} properties, (oayays) secret, b replace) -> (o item, o prompt), in the
    /// default collection (unlocked first when it is locked). Returns the new item's path.
    @discardableResult
    func createItem(label: String, attributes: [String: String], secret: CheckedSecret, replace: Bool,
                    operation: String) throws(StoreError) -> String {
        do {
            return try create(label: label, attributes: attributes, secret: secret, replace: replace, operation: operation)
        } catch .locked {
            _ = try unlock([SecretService.defaultCollection])
            return try create(label: label, attributes: attributes, secret: secret, replace: replace, operation: operation)
        }
    }

    private func create(label: String, attributes: [String: String], secret: CheckedSecret, replace: Bool,
                        operation: String) throws(StoreError) -> String {
        let sd = self.sd
        let session = try self.session()
        let (item, prompt): (String, String) = try call(SecretService.defaultCollection, SecretService.collectionInterface, "CreateItem",
                                                        operation: operation, person: true) { m in
            guard sd.openContainer(m, busType("a"), "{sv}") >= 0,
                  sd.openContainer(m, busType("e"), "sv") >= 0, sd.append(m, "s", SecretService.itemInterface + ".Label"),
                  sd.openContainer(m, busType("v"), "s") >= 0, sd.append(m, "s", label), sd.closeContainer(m) >= 0,
                  sd.closeContainer(m) >= 0,
                  sd.openContainer(m, busType("e"), "sv") >= 0, sd.append(m, "s", SecretService.itemInterface + ".Attributes"),
                  sd.openContainer(m, busType("v"), "a{ss}") >= 0, sd.appendDictionary(m, attributes), sd.closeContainer(m) >= 0,
                  sd.closeContainer(m) >= 0,
                  sd.closeContainer(m) >= 0 else { return false }
            var flag: Int32 = replace ? 1 : 0
            return sd.appendSecret(m, session: session, secret) && sd.appendBasic(m, busType("b"), &flag) >= 0
        } reply: { m in
            guard let item = sd.read(m, "o"), let prompt = sd.read(m, "o") else { return nil }
            return (item, prompt)
        }
        guard prompt != "/" else { return item }
        return try self.prompt(prompt, operation: operation) { m in
            sd.enterContainer(m, busType("v"), "o") > 0 ? sd.read(m, "o") ?? "/" : "/"
        }
    }

    /// Item.SetSecret((oayays) secret).
    func setSecret(_ item: String, _ secret: CheckedSecret, operation: String) throws(StoreError) {
        let sd = self.sd
        let session = try self.session()
        try call(item, SecretService.itemInterface, "SetSecret", operation: operation, person: true) { m in
            sd.appendSecret(m, session: session, secret)
        } reply: { _ in () }
    }

    /// The item's attributes (Properties.Get of Item.Attributes).
    func attributes(of item: String, operation: String) throws(StoreError) -> [String: String] {
        let sd = self.sd
        return try call(item, "org.freedesktop.DBus.Properties", "Get", operation: operation) { m in
            sd.append(m, "s", SecretService.itemInterface) && sd.append(m, "s", "Attributes")
        } reply: { m in
            guard sd.enterContainer(m, busType("v"), "a{ss}") > 0, sd.enterContainer(m, busType("a"), "{ss}") > 0 else { return nil }
            var attributes: [String: String] = [:]
            while sd.enterContainer(m, busType("e"), "ss") > 0 {
                guard let key = sd.read(m, "s"), let value = sd.read(m, "s"), sd.exitContainer(m) >= 0 else { return nil }
                attributes[key] = value
            }
            return attributes
        }
    }

    /// Properties.Set of Item.Attributes and Item.Label.
    func setAttributes(_ item: String, _ attributes: [String: String], label: String, operation: String) throws(StoreError) {
        let sd = self.sd
        try call(item, "org.freedesktop.DBus.Properties", "Set", operation: operation, person: true) { m in
            sd.append(m, "s", SecretService.itemInterface) && sd.append(m, "s", "Attributes")
                && sd.openContainer(m, busType("v"), "a{ss}") >= 0 && sd.appendDictionary(m, attributes) && sd.closeContainer(m) >= 0
        } reply: { _ in () }
        try call(item, "org.freedesktop.DBus.Properties", "Set", operation: operation, person: true) { m in
            sd.append(m, "s", SecretService.itemInterface) && sd.append(m, "s", "Label")
                && sd.openContainer(m, busType("v"), "s") >= 0 && sd.append(m, "s", label) && sd.closeContainer(m) >= 0
        } reply: { _ in () }
    }

    /// Item.Delete() -> (o prompt).
    func delete(_ item: String, operation: String) throws(StoreError) {
        let sd = self.sd
        let prompt: String = try call(item, SecretService.itemInterface, "Delete", operation: operation, person: true) { _ in true } reply: { m in
            sd.read(m, "o")
        }
        if prompt != "/" { _ = try self.prompt(prompt, operation: operation) { _ in () } }
    }

    // MARK: calls, prompts, waiting

    /// One method call (to the Secret Service unless `destination` names another): `arguments` writes
    /// them, `reply` reads the answer (nil when it has another shape). Bounded by `timeout`, or by
    /// `personTimeout` where the Secret Service may ask the user.
    @discardableResult
    func call<R>(_ path: String, _ interface: String, _ method: String, destination: String? = nil,
                 operation: String, person: Bool = false,
                 arguments: (OpaquePointer) -> Bool, reply read: (OpaquePointer) -> R?) throws(StoreError) -> R {
        // The session first: nothing is sent (a change least of all) on a connection whose session failed.
        if sessionPath == nil { _ = try session() }
        let sent = try send(path, interface, method, destination: destination, operation: operation, person: person,
                            arguments: arguments)
        defer { _ = sd.slotUnref(sent.slot) }
        return try receive(sent, destination: destination, reply: read)
    }

    /// A method call sent and not yet answered; its slot keeps sd-bus's callback (into `pending`) alive.
    private struct Sent {
        let pending: Pending
        let slot: OpaquePointer?
        let limit: Double
        let start: UInt64
        let operation: String
    }

    /// Sends one method call, bounded by `timeout` (or `personTimeout` where the Secret Service may ask the
    /// user); `receive` reads its answer.
    private func send(_ path: String, _ interface: String, _ method: String, destination: String?, operation: String,
                      person: Bool, arguments: (OpaquePointer) -> Bool) throws(StoreError) -> Sent {
        let limit = person ? max(timeout, SecretService.personTimeout) : timeout
        var message: OpaquePointer? = nil
        guard sd.newMethodCall(bus, &message, destination ?? peer, path, interface, method) >= 0, let message else {
            throw StoreError(operation: operation, reason: .other(name: nil, errno: ENOMEM))
        }
        defer { _ = sd.messageUnref(message) }
        // Every message is wiped when sd-bus frees it (secrets go out in CreateItem and SetSecret).
        _ = sd.messageSensitive(message)
        guard arguments(message) else { throw StoreError(operation: operation, reason: .other(name: nil, errno: EINVAL)) }
        let pending = Pending()
        var slot: OpaquePointer? = nil
        let r = sd.callAsync(bus, &slot, message, Pending.handler, Unmanaged.passUnretained(pending).toOpaque(),
                             UInt64(limit * 1_000_000))
        guard r >= 0 else { throw StoreError(operation: operation, reason: KeyringReason(name: nil, errno: -r, timeout: limit)) }
        return Sent(pending: pending, slot: slot, limit: limit, start: SecretService.monotonic(), operation: operation)
    }

    /// Waits for the answer to `sent` and reads it with `read` (nil when it has another shape). The caller
    /// unrefs the slot.
    private func receive<R>(_ sent: Sent, destination: String?, reply read: (OpaquePointer) -> R?) throws(StoreError) -> R {
        let (pending, limit, start, operation) = (sent.pending, sent.limit, sent.start, sent.operation)
        try wait(for: pending, seconds: limit - Double(SecretService.monotonic() - start) / 1_000_000, operation: operation,
                 limit: limit)
        guard let answer = pending.message else { throw StoreError(operation: operation, reason: .badReply) }
        if let error = sd.messageGetError(answer), error.pointee.name != nil {
            let name = String(cString: error.pointee.name)
            let text = error.pointee.message.map { String(cString: $0) } ?? name
            var reason = KeyringReason(name: name, errno: 0, timeout: limit)
            // The bus's NoReply before the time is up: the daemon disconnected without answering.
            if case .timedOut = reason, Double(SecretService.monotonic() - start) < limit * 900_000 { reason = .serviceLeft }
            throw StoreError(operation: operation, reason: reason, message: text)
        }
        if destination == nil, peer == SecretService.name, let sender = sd.messageGetSender(answer) { peer = String(cString: sender) }
        guard let value = read(answer) else { throw StoreError(operation: operation, reason: .badReply) }
        return value
    }

    /// Prompt.Prompt("") and its Completed(b dismissed, v result) signal: the person's answer, waited for
    /// `personTimeout` seconds. `result` reads the variant.
    private func prompt<R>(_ path: String, operation: String, result: (OpaquePointer) -> R) throws(StoreError) -> R {
        let completed = Pending()
        var match: OpaquePointer? = nil
        let r = sd.matchSignalAsync(bus, &match, SecretService.name, path, SecretService.promptInterface, "Completed",
                                    Pending.handler, nil, Unmanaged.passUnretained(completed).toOpaque())
        guard r >= 0 else { throw StoreError(operation: operation, reason: KeyringReason(name: nil, errno: -r, timeout: timeout)) }
        defer { _ = sd.slotUnref(match) }
        let sd = self.sd
        try call(path, SecretService.promptInterface, "Prompt", operation: operation) { m in sd.append(m, "s", "") } reply: { _ in () }
        try wait(for: completed, seconds: SecretService.personTimeout, operation: operation)
        guard let signal = completed.message else { throw StoreError(operation: operation, reason: .badReply) }
        var dismissed: Int32 = 0
        guard sd.readBasic(signal, busType("b"), &dismissed) > 0 else { throw StoreError(operation: operation, reason: .badReply) }
        if dismissed != 0 { throw StoreError(operation: operation, reason: .dismissed) }
        return result(signal)
    }

    /// Runs the connection until `pending` has its message, at most `seconds`: sd-bus's own wait is
    /// driven here with the time left, so neither a reply that never comes nor a connection stuck before
    /// its first reply (a socket that accepts and never answers) waits longer.
    /// `limit` is the whole time allowed, for messages (`seconds` may be what is left of it).
    private func wait(for pending: Pending, seconds: Double, operation: String, limit: Double? = nil) throws(StoreError) {
        let limit = limit ?? seconds
        let deadline = SecretService.monotonic() + UInt64(max(0, seconds) * 1_000_000)
        while pending.message == nil {
            let r = sd.process(bus, nil)
            if r < 0 { throw StoreError(operation: operation, reason: KeyringReason(name: nil, errno: -r, timeout: limit)) }
            if r > 0 { continue }
            let now = SecretService.monotonic()
            guard now < deadline else { throw StoreError(operation: operation, reason: .timedOut(seconds: limit)) }
            let w = sd.wait(bus, deadline - now)
            if w < 0 && w != -EINTR { throw StoreError(operation: operation, reason: KeyringReason(name: nil, errno: -w, timeout: limit)) }
        }
    }

    private static func monotonic() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
    }

    /// Where a reply or signal lands (sd-bus calls `handler` with it, from `sd_bus_process`).
    private final class Pending {
        var message: OpaquePointer?
        var sd: SDBus? = nil

        static let handler: SDBus.Handler = { message, userdata, _ in
            guard let userdata else { return 0 }
            let pending = Unmanaged<Pending>.fromOpaque(userdata).takeUnretainedValue()
            guard case let .success(sd) = SDBus.shared else { return 1 }
            // Replies are wiped when freed too: GetSecrets's holds every secret it read.
            _ = sd.messageSensitive(message)
            if pending.message == nil { pending.message = sd.messageRef(message) }
            return 1
        }

        deinit {
            if let message, case let .success(sd) = SDBus.shared { _ = sd.messageUnref(message) }
        }
    }
}

extension StoreError {
    /// The error a user can act on, for a D-Bus failure of `operation`.
    init(operation: String, reason: KeyringReason, message: String? = nil) {
        switch reason {
        case .noSessionBus: self = .noService("no D-Bus session bus")
        case .noService: self = .noService(message ?? "nothing provides org.freedesktop.secrets")
        case .locked, .dismissed: self = .locked
        case let .timedOut(seconds): self = .timedOut(operation: operation, seconds: seconds)
        default: self = .keyring(operation: operation, reason: reason, message: message)
        }
    }
}

extension SDBus {
    /// Appends an `a{ss}` dictionary.
    func appendDictionary(_ message: OpaquePointer, _ entries: [String: String]) -> Bool {
        guard openContainer(message, busType("a"), "{ss}") >= 0 else { return false }
        for key in entries.keys.sorted() {
            guard openContainer(message, busType("e"), "ss") >= 0, append(message, "s", key), append(message, "s", entries[key] ?? ""),
                  closeContainer(message) >= 0 else { return false }
        }
        return closeContainer(message) >= 0
    }

    /// Appends an `ao` array.
    func appendPaths(_ message: OpaquePointer, _ paths: [String]) -> Bool {
        guard openContainer(message, busType("a"), "o") >= 0 else { return false }
        for path in paths where !append(message, "o", path) { return false }
        return closeContainer(message) >= 0
    }

    /// Appends a Secret struct `(oayays)` of the plain session: no parameters, the text's bytes. Only
    /// checked text (`CheckedSecret`) is ever sent.
    func appendSecret(_ message: OpaquePointer, session: String, _ secret: CheckedSecret) -> Bool {
        var text = secret.text
        guard openContainer(message, busType("r"), "oayays") >= 0, append(message, "o", session),
              openContainer(message, busType("a"), "y") >= 0, closeContainer(message) >= 0 else { return false }
        // The text's own UTF-8, in place: no array copy of the secret.
        let appended = text.withUTF8 { appendArray(message, busType("y"), $0.baseAddress, $0.count) >= 0 }
        return appended && append(message, "s", "text/plain") && closeContainer(message) >= 0
    }
}
