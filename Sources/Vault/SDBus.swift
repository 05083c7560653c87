internal import CSystemd
import SharedLibrary

/// The sd-bus functions SecretService calls, looked up once in libsystemd.so.0 when a command first
/// talks to the keyring (see SharedLibrary for why it is not linked: image scans never need it or the
/// compression and crypto libraries it pulls in). Types as the header declares them (checked at compile
/// time by Tests/SignatureTests); every `Int32` result is sd-bus's: negative errno on failure.
struct SDBus: Sendable {
    typealias Bus = OpaquePointer?
    typealias Message = OpaquePointer?
    typealias Text = UnsafePointer<CChar>?

    let openUser: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let closeUnref: @convention(c) (Bus) -> OpaquePointer?
    let newMethodCall: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?, Text, Text, Text, Text) -> Int32
    typealias Handler = @convention(c) (Message, UnsafeMutableRawPointer?, UnsafeMutablePointer<sd_bus_error>?) -> Int32
    let callAsync: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?, Message, Handler?, UnsafeMutableRawPointer?, UInt64) -> Int32
    let process: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let wait: @convention(c) (Bus, UInt64) -> Int32
    let matchSignalAsync: @convention(c) (Bus, UnsafeMutablePointer<OpaquePointer?>?, Text, Text, Text, Text, Handler?, Handler?, UnsafeMutableRawPointer?) -> Int32
    let slotUnref: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let messageRef: @convention(c) (Message) -> OpaquePointer?
    let messageGetError: @convention(c) (Message) -> UnsafePointer<sd_bus_error>?
    let messageGetSender: @convention(c) (Message) -> Text
    let messageUnref: @convention(c) (Message) -> OpaquePointer?
    let messageSensitive: @convention(c) (Message) -> Int32
    let openContainer: @convention(c) (Message, CChar, Text) -> Int32
    let closeContainer: @convention(c) (Message) -> Int32
    let appendBasic: @convention(c) (Message, CChar, UnsafeRawPointer?) -> Int32
    let appendArray: @convention(c) (Message, CChar, UnsafeRawPointer?, Int) -> Int32
    let enterContainer: @convention(c) (Message, CChar, Text) -> Int32
    let exitContainer: @convention(c) (Message) -> Int32
    let readBasic: @convention(c) (Message, CChar, UnsafeMutableRawPointer?) -> Int32
    let readArray: @convention(c) (Message, CChar, UnsafeMutablePointer<UnsafeRawPointer?>?, UnsafeMutablePointer<Int>?) -> Int32
    let skip: @convention(c) (Message, Text) -> Int32

    /// sd-bus, or why it is not there; opened on first use, once per process.
    static let shared = Result { () throws(SharedLibrary.Missing) -> SDBus in try SDBus(SharedLibrary("libsystemd.so.0")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        openUser = try library.function("sd_bus_open_user")
        closeUnref = try library.function("sd_bus_close_unref")
        newMethodCall = try library.function("sd_bus_message_new_method_call")
        callAsync = try library.function("sd_bus_call_async")
        process = try library.function("sd_bus_process")
        wait = try library.function("sd_bus_wait")
        matchSignalAsync = try library.function("sd_bus_match_signal_async")
        slotUnref = try library.function("sd_bus_slot_unref")
        messageRef = try library.function("sd_bus_message_ref")
        messageGetError = try library.function("sd_bus_message_get_error")
        messageGetSender = try library.function("sd_bus_message_get_sender")
        messageUnref = try library.function("sd_bus_message_unref")
        messageSensitive = try library.function("sd_bus_message_sensitive")
        openContainer = try library.function("sd_bus_message_open_container")
        closeContainer = try library.function("sd_bus_message_close_container")
        appendBasic = try library.function("sd_bus_message_append_basic")
        appendArray = try library.function("sd_bus_message_append_array")
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
