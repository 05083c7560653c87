internal import CZbar
import SharedLibrary

/// The zbar functions QRScanner calls, looked up once in libzbar.so.0 at the first scan (see
/// SharedLibrary for why it is not linked: zbar alone brings fourteen libraries, X11 and V4L among them,
/// that no other command needs). Types as zbar.h declares them.
struct ZbarAPI: Sendable {
    typealias Scanner = OpaquePointer?
    typealias Image = OpaquePointer?
    typealias Symbol = OpaquePointer?

    let scannerCreate: @convention(c) () -> Scanner
    let scannerDestroy: @convention(c) (Scanner) -> Void
    let scannerSetConfig: @convention(c) (Scanner, zbar_symbol_type_t, zbar_config_t, Int32) -> Int32
    let imageCreate: @convention(c) () -> Image
    let imageDestroy: @convention(c) (Image) -> Void
    let imageSetFormat: @convention(c) (Image, UInt) -> Void
    let imageSetSize: @convention(c) (Image, UInt32, UInt32) -> Void
    let imageSetData: @convention(c) (Image, UnsafeRawPointer?, UInt, (@convention(c) (Image) -> Void)?) -> Void
    let scanImage: @convention(c) (Scanner, Image) -> Int32
    let imageFirstSymbol: @convention(c) (Image) -> Symbol
    let symbolNext: @convention(c) (Symbol) -> Symbol
    let symbolType: @convention(c) (Symbol) -> zbar_symbol_type_t
    let symbolData: @convention(c) (Symbol) -> UnsafePointer<CChar>?
    let symbolDataLength: @convention(c) (Symbol) -> UInt32
    let symbolLocationSize: @convention(c) (Symbol) -> UInt32
    let symbolLocationX: @convention(c) (Symbol, UInt32) -> Int32
    let symbolLocationY: @convention(c) (Symbol, UInt32) -> Int32

    /// zbar, or why it is not there; opened on first use, once per process.
    static let shared = Result { () throws(SharedLibrary.Missing) -> ZbarAPI in
        try ZbarAPI(SharedLibrary("libzbar.so.0"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        scannerCreate = try library.function("zbar_image_scanner_create")
        scannerDestroy = try library.function("zbar_image_scanner_destroy")
        scannerSetConfig = try library.function("zbar_image_scanner_set_config")
        imageCreate = try library.function("zbar_image_create")
        imageDestroy = try library.function("zbar_image_destroy")
        imageSetFormat = try library.function("zbar_image_set_format")
        imageSetSize = try library.function("zbar_image_set_size")
        imageSetData = try library.function("zbar_image_set_data")
        scanImage = try library.function("zbar_scan_image")
        imageFirstSymbol = try library.function("zbar_image_first_symbol")
        symbolNext = try library.function("zbar_symbol_next")
        symbolType = try library.function("zbar_symbol_get_type")
        symbolData = try library.function("zbar_symbol_get_data")
        symbolDataLength = try library.function("zbar_symbol_get_data_length")
        symbolLocationSize = try library.function("zbar_symbol_get_loc_size")
        symbolLocationX = try library.function("zbar_symbol_get_loc_x")
        symbolLocationY = try library.function("zbar_symbol_get_loc_y")
    }
}
