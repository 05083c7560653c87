internal import CSystemd
import SharedLibrary

/// The sd-bus functions PlainKeyringReader calls, looked up once in libsystemd.so.0 when `list` or `code`
/// first reads the keyring (see SharedLibrary for why it is not linked: `add` and image scans never
/// need it or the compression and crypto libraries it pulls in). Types as the header declares them;
/// every `Int32` result is sd-bus's: negative errno on failure.
struct SDBus: @unchecked Sendable {
    typealias Bus = OpaquePointer?
    typealias Message = OpaquePointer?
    typealias Text = UnsafePointer<CChar>?

    let openUser: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let flushCloseUnref: @convention(c) (Bus) -> OpaquePointer?
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
    let readArray: @convention(c) (Message, CChar, UnsafeMutablePointer<UnsafeRawPointer?>?, UnsafeMutablePointer<Int>?) -> Int32
    let skip: @convention(c) (Message, Text) -> Int32

    /// sd-bus, or why it is not there; opened on first use, once per process.
    static let shared = Result { () throws(SharedLibrary.Missing) -> SDBus in try SDBus(SharedLibrary("libsystemd.so.0")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        openUser = try library.function("sd_bus_open_user")
        flushCloseUnref = try library.function("sd_bus_flush_close_unref")
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
        readArray = try library.function("sd_bus_message_read_array")
        skip = try library.function("sd_bus_message_skip")
    }
}

/// A D-Bus type code (`s`, `o`, `a`, ...) as sd-bus takes it.
func busType(_ code: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: code)) }

extension SDBus {
    /// Calls `method` of the Secret Service, its arguments written by `arguments`; the reply (to be
    /// released with `messageUnref`), or nil on any error.
    func callSecretService(_ bus: OpaquePointer, _ method: String, _ arguments: (OpaquePointer) -> Bool) -> OpaquePointer? {
        callMethod(bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", method, arguments)
    }

    /// Calls any method; the reply (to be released with `messageUnref`), or nil on any error.
    func callMethod(_ bus: OpaquePointer, _ destination: String, _ path: String, _ interface: String, _ method: String,
              _ arguments: (OpaquePointer) -> Bool = { _ in true }) -> OpaquePointer? {
        var message: OpaquePointer? = nil
        guard newMethodCall(bus, &message, destination, path, interface, method) >= 0, let message else { return nil }
        defer { _ = messageUnref(message) }
        guard arguments(message) else { return nil }
        var error = sd_bus_error()
        defer { errorFree(&error) }
        var reply: OpaquePointer? = nil
        guard call(bus, message, 5_000_000, &error, &reply) >= 0 else { return nil }
        return reply
    }

    /// Appends a string-like value (`s` or `o`).
    func append(_ message: OpaquePointer, _ code: Unicode.Scalar, _ value: String) -> Bool {
        value.withCString { appendBasic(message, busType(code), $0) >= 0 }
    }

    /// Reads a string-like value (`s` or `o`); nil at the end of a container or on error.
    func read(_ message: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        var value: UnsafePointer<CChar>? = nil
        guard readBasic(message, busType(code), &value) > 0, let value else { return nil }
        return String(cString: value)
    }

    /// Reads an array of object paths (`ao`).
    func paths(_ message: OpaquePointer) -> [String]? {
        guard enterContainer(message, busType("a"), "o") > 0 else { return nil }
        var paths: [String] = []
        while let path = read(message, "o") { paths.append(path) }
        return exitContainer(message) >= 0 ? paths : nil
    }
}
