internal import CSystemd
import SharedLibrary
#if canImport(Glibc)
import Glibc
#endif

/// The sd-bus functions the portal screenshot calls, looked up in libsystemd.so.0 when `add --screen`
/// first runs under Wayland. Types as sd-bus.h declares them; every `Int32` result is negative errno on failure.
struct PortalBus: Sendable {
    typealias Bus = OpaquePointer?
    typealias Message = OpaquePointer?
    typealias Text = UnsafePointer<CChar>?
    typealias Handler = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<sd_bus_error>?) -> Int32

    let openUser: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let flushCloseUnref: @convention(c) (Bus) -> OpaquePointer?
    let uniqueName: @convention(c) (Bus, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    let addMatch: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?, Text, Handler?, UnsafeMutableRawPointer?) -> Int32
    let slotUnref: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let process: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let wait: @convention(c) (Bus, UInt64) -> Int32
    let newMethodCall: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?, Text, Text, Text, Text) -> Int32
    let call: @convention(c) (Bus, Message, UInt64, UnsafeMutablePointer<sd_bus_error>?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let errorFree: @convention(c) (UnsafeMutablePointer<sd_bus_error>?) -> Void
    let messageUnref: @convention(c) (Message) -> OpaquePointer?
    let openContainer: @convention(c) (Message, CChar, Text) -> Int32
    let closeContainer: @convention(c) (Message) -> Int32
    let appendBasic: @convention(c) (Message, CChar, UnsafeRawPointer?) -> Int32
    let enterContainer: @convention(c) (Message, CChar, Text) -> Int32
    let exitContainer: @convention(c) (Message) -> Int32
    let readBasic: @convention(c) (Message, CChar, UnsafeMutableRawPointer?) -> Int32
    let skip: @convention(c) (Message, Text) -> Int32

    static let shared = Result { () throws(SharedLibrary.Missing) -> PortalBus in try PortalBus(SharedLibrary("libsystemd.so.0")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        openUser = try library.function("sd_bus_open_user")
        flushCloseUnref = try library.function("sd_bus_flush_close_unref")
        uniqueName = try library.function("sd_bus_get_unique_name")
        addMatch = try library.function("sd_bus_add_match")
        slotUnref = try library.function("sd_bus_slot_unref")
        process = try library.function("sd_bus_process")
        wait = try library.function("sd_bus_wait")
        newMethodCall = try library.function("sd_bus_message_new_method_call")
        call = try library.function("sd_bus_call")
        errorFree = try library.function("sd_bus_error_free")
        messageUnref = try library.function("sd_bus_message_unref")
        openContainer = try library.function("sd_bus_message_open_container")
        closeContainer = try library.function("sd_bus_message_close_container")
        appendBasic = try library.function("sd_bus_message_append_basic")
        enterContainer = try library.function("sd_bus_message_enter_container")
        exitContainer = try library.function("sd_bus_message_exit_container")
        readBasic = try library.function("sd_bus_message_read_basic")
        skip = try library.function("sd_bus_message_skip")
    }
}

/// The desktop portal's Screenshot (org.freedesktop.portal.Screenshot, as xdg-desktop-portal documents
/// it): the call returns a Request object, whose Response signal brings the screenshot's URI once the
/// portal (and the person, where it asks) is done. The file it names is read and unlinked at once.
public enum PortalScreenshot {
    /// Why the portal gave no screenshot; `unavailable` means no portal answers (another way may work).
    public enum Failure: Error, Equatable, Sendable {
        case unavailable(String)
        case failed(String)
    }

    /// How long a person may take in the portal's dialog.
    static let responseTimeoutSeconds: UInt64 = 300
    static let callTimeoutSeconds: UInt64 = 30

    /// The screenshot's bytes (a PNG, as portals write them), at most `limit` of them.
    public static func capture(interactive: Bool = false, limit: Int) throws(Failure) -> [UInt8] {
        let bus: PortalBus
        switch PortalBus.shared {
        case let .success(api): bus = api
        case let .failure(missing): throw .unavailable(missing.message)
        }
        var connection: OpaquePointer?
        guard bus.openUser(&connection) >= 0 else { throw .unavailable("no D-Bus session bus") }
        defer { _ = bus.flushCloseUnref(connection) }
        var unique: UnsafePointer<CChar>?
        guard bus.uniqueName(connection, &unique) >= 0, let unique else { throw .unavailable("no name on the session bus") }
        // The Request's path is known before the call: subscribe first, so that no Response is missed.
        let sender = String(String(cString: unique).dropFirst()).map { $0 == "." ? "_" : $0 }
        let token = "authv\(UInt32.random(in: 0...UInt32.max))"
        let path = "/org/freedesktop/portal/desktop/request/\(String(sender))/\(token)"
        let response = ResponseBox()
        let box = Unmanaged.passRetained(response)
        defer { box.release() }
        var slot: OpaquePointer?
        let rule = "type='signal',sender='org.freedesktop.portal.Desktop',interface='org.freedesktop.portal.Request',member='Response',path='\(path)'"
        guard bus.addMatch(connection, &slot, rule, responseHandler, box.toOpaque()) >= 0 else {
            throw .unavailable("cannot subscribe to the portal's response")
        }
        defer { _ = bus.slotUnref(slot) }
        response.bus = bus

        var message: OpaquePointer?
        guard bus.newMethodCall(connection, &message, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                                "org.freedesktop.portal.Screenshot", "Screenshot") >= 0 else {
            throw .failed("cannot build the portal call")
        }
        defer { _ = bus.messageUnref(message) }
        var ok = appendString(bus, message, "s", "")  // no parent window
        ok = ok && bus.openContainer(message, CChar(UInt8(ascii: "a")), "{sv}") >= 0
        ok = ok && appendEntry(bus, message, "handle_token") { appendString(bus, message, "s", token) }
        ok = ok && appendEntry(bus, message, "interactive") {
            var flag: Int32 = interactive ? 1 : 0
            return bus.openContainer(message, CChar(UInt8(ascii: "v")), "b") >= 0
                && bus.appendBasic(message, CChar(UInt8(ascii: "b")), &flag) >= 0 && bus.closeContainer(message) >= 0
        }
        ok = ok && bus.closeContainer(message) >= 0
        guard ok else { throw .failed("cannot build the portal call") }

        var error = sd_bus_error()
        var reply: OpaquePointer?
        if bus.call(connection, message, callTimeoutSeconds * 1_000_000, &error, &reply) < 0 {
            let name = error.name.map { String(cString: $0) } ?? ""
            let text = error.message.map { String(cString: $0) } ?? name
            bus.errorFree(&error)
            if ["org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
                "org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownInterface",
                "org.freedesktop.DBus.Error.UnknownObject"].contains(name) {
                throw .unavailable(text)
            }
            throw .failed("the desktop portal refused the screenshot (\(text))")
        }
        _ = bus.messageUnref(reply)

        let deadline = monotonicSeconds() + Double(responseTimeoutSeconds)
        while response.code == nil {
            let processed = bus.process(connection, nil)
            if processed < 0 { throw .failed("the session bus connection broke") }
            if processed > 0 { continue }
            let left = deadline - monotonicSeconds()
            if left <= 0 { throw .failed("the desktop portal gave no screenshot within \(responseTimeoutSeconds) s") }
            _ = bus.wait(connection, UInt64(left * 1_000_000))
        }
        switch response.code {
        case 0: break
        case 1: throw .failed("the screenshot was cancelled")
        default: throw .failed("the desktop portal could not take the screenshot")
        }
        guard let uri = response.uri, uri.hasPrefix("file://") else { throw .failed("the desktop portal named no screenshot file") }
        let file = percentDecoded(String(uri.dropFirst("file://".count)))
        // Read it and remove it at once: the screenshot holds the secret.
        defer { unlink(file) }
        do {
            return try InputFile.read(file, maxBytes: limit)
        } catch {
            throw .failed("the portal's screenshot cannot be read (\(error))")
        }
    }

    private static func appendString(_ bus: PortalBus, _ message: OpaquePointer?, _ type: String, _ value: String) -> Bool {
        value.withCString { bus.appendBasic(message, CChar(UInt8(ascii: "s")), $0) >= 0 }
    }

    /// One `{sv}` entry: the key, then `value` appends the variant.
    private static func appendEntry(_ bus: PortalBus, _ message: OpaquePointer?, _ key: String, value: () -> Bool) -> Bool {
        bus.openContainer(message, CChar(UInt8(ascii: "e")), "sv") >= 0 && appendString(bus, message, "s", key)
            && (key == "interactive" ? value() : (bus.openContainer(message, CChar(UInt8(ascii: "v")), "s") >= 0 && value()
                && bus.closeContainer(message) >= 0))
            && bus.closeContainer(message) >= 0
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// What the Response signal carried.
private final class ResponseBox {
    var bus: PortalBus?
    var code: UInt32?
    var uri: String?
}

/// Reads Response(u response, a{sv} results): the code, and results["uri"].
private let responseHandler: PortalBus.Handler = { message, data, _ in
    guard let data else { return 0 }
    let box = Unmanaged<ResponseBox>.fromOpaque(data).takeUnretainedValue()
    guard let bus = box.bus else { return 0 }
    var code: UInt32 = 2
    guard bus.readBasic(message, CChar(UInt8(ascii: "u")), &code) >= 0 else { box.code = 2; return 1 }
    if bus.enterContainer(message, CChar(UInt8(ascii: "a")), "{sv}") > 0 {
        while bus.enterContainer(message, CChar(UInt8(ascii: "e")), "sv") > 0 {
            var key: UnsafePointer<CChar>?
            guard bus.readBasic(message, CChar(UInt8(ascii: "s")), &key) >= 0, let key else { break }
            if String(cString: key) == "uri", bus.enterContainer(message, CChar(UInt8(ascii: "v")), "s") > 0 {
                var value: UnsafePointer<CChar>?
                if bus.readBasic(message, CChar(UInt8(ascii: "s")), &value) >= 0, let value { box.uri = String(cString: value) }
                _ = bus.exitContainer(message)
            } else {
                _ = bus.skip(message, "v")
            }
            _ = bus.exitContainer(message)
        }
        _ = bus.exitContainer(message)
    }
    box.code = code
    return 1
}
