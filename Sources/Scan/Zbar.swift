internal import CZbar
#if canImport(Glibc)
import Glibc
#endif

/// libzbar's functions, looked up once in the library opened at first use.
struct ZbarAPI: @unchecked Sendable {
    typealias Scanner = OpaquePointer
    typealias Image = OpaquePointer
    typealias Symbol = OpaquePointer

    let scannerCreate: @convention(c) () -> Scanner?
    let scannerDestroy: @convention(c) (Scanner?) -> Void
    let scannerSetConfig: @convention(c) (Scanner?, zbar_symbol_type_t, zbar_config_t, Int32) -> Int32
    let imageCreate: @convention(c) () -> Image?
    let imageDestroy: @convention(c) (Image?) -> Void
    let imageSetFormat: @convention(c) (Image?, UInt) -> Void
    let imageSetSize: @convention(c) (Image?, UInt32, UInt32) -> Void
    let imageSetData: @convention(c) (Image?, UnsafeRawPointer?, UInt, OpaquePointer?) -> Void
    let scanImage: @convention(c) (Scanner?, Image?) -> Int32
    let firstSymbol: @convention(c) (Image?) -> Symbol?
    let nextSymbol: @convention(c) (Symbol?) -> Symbol?
    let symbolType: @convention(c) (Symbol?) -> zbar_symbol_type_t
    let symbolData: @convention(c) (Symbol?) -> UnsafePointer<CChar>?
    let symbolDataLength: @convention(c) (Symbol?) -> UInt32
    let symbolLocSize: @convention(c) (Symbol?) -> UInt32
    let symbolLocX: @convention(c) (Symbol?, UInt32) -> Int32
    let symbolLocY: @convention(c) (Symbol?, UInt32) -> Int32

    /// The library, or why it could not be loaded.
    static let shared: Result<ZbarAPI, ScanError.Reason> = load()

    private static func load() -> Result<ZbarAPI, ScanError.Reason> {
        guard let handle = dlopen("libzbar.so.0", RTLD_NOW | RTLD_LOCAL) else {
            return .failure(.unsupportedFormat("libzbar.so.0 cannot be loaded: install libzbar0"))
        }
        func symbol<T>(_ name: String, _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let scannerCreate = symbol("zbar_image_scanner_create", (@convention(c) () -> Scanner?).self),
              let scannerDestroy = symbol("zbar_image_scanner_destroy", (@convention(c) (Scanner?) -> Void).self),
              let scannerSetConfig = symbol("zbar_image_scanner_set_config",
                                            (@convention(c) (Scanner?, zbar_symbol_type_t, zbar_config_t, Int32) -> Int32).self),
              let imageCreate = symbol("zbar_image_create", (@convention(c) () -> Image?).self),
              let imageDestroy = symbol("zbar_image_destroy", (@convention(c) (Image?) -> Void).self),
              let imageSetFormat = symbol("zbar_image_set_format", (@convention(c) (Image?, UInt) -> Void).self),
              let imageSetSize = symbol("zbar_image_set_size", (@convention(c) (Image?, UInt32, UInt32) -> Void).self),
              let imageSetData = symbol("zbar_image_set_data", (@convention(c) (Image?, UnsafeRawPointer?, UInt, OpaquePointer?) -> Void).self),
              let scanImage = symbol("zbar_scan_image", (@convention(c) (Scanner?, Image?) -> Int32).self),
              let firstSymbol = symbol("zbar_image_first_symbol", (@convention(c) (Image?) -> Symbol?).self),
              let nextSymbol = symbol("zbar_symbol_next", (@convention(c) (Symbol?) -> Symbol?).self),
              let symbolType = symbol("zbar_symbol_get_type", (@convention(c) (Symbol?) -> zbar_symbol_type_t).self),
              let symbolData = symbol("zbar_symbol_get_data", (@convention(c) (Symbol?) -> UnsafePointer<CChar>?).self),
              let symbolDataLength = symbol("zbar_symbol_get_data_length", (@convention(c) (Symbol?) -> UInt32).self),
              let symbolLocSize = symbol("zbar_symbol_get_loc_size", (@convention(c) (Symbol?) -> UInt32).self),
              let symbolLocX = symbol("zbar_symbol_get_loc_x", (@convention(c) (Symbol?, UInt32) -> Int32).self),
              let symbolLocY = symbol("zbar_symbol_get_loc_y", (@convention(c) (Symbol?, UInt32) -> Int32).self)
        else {
            return .failure(.unsupportedFormat("libzbar.so.0 lacks a function authv needs"))
        }
        return .success(ZbarAPI(scannerCreate: scannerCreate, scannerDestroy: scannerDestroy, scannerSetConfig: scannerSetConfig,
                                imageCreate: imageCreate, imageDestroy: imageDestroy, imageSetFormat: imageSetFormat,
                                imageSetSize: imageSetSize, imageSetData: imageSetData, scanImage: scanImage,
                                firstSymbol: firstSymbol, nextSymbol: nextSymbol, symbolType: symbolType, symbolData: symbolData,
                                symbolDataLength: symbolDataLength, symbolLocSize: symbolLocSize, symbolLocX: symbolLocX,
                                symbolLocY: symbolLocY))
    }
}

/// A QR code zbar found: its text and where it sits.
struct FoundCode {
    var text: String
    var x: Int
    var y: Int
}

/// Owns a zbar image scanner set up for QR codes only.
final class QRScanner {
    private let zbar: ZbarAPI
    private let scanner: OpaquePointer?

    /// `density`: zbar scans every `density`-th row and column; 1 reads every line.
    init(_ zbar: ZbarAPI, density: Int32 = 1) {
        self.zbar = zbar
        scanner = zbar.scannerCreate()
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        _ = zbar.scannerSetConfig(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density)
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density)
    }

    deinit { zbar.scannerDestroy(scanner) }

    /// Every QR code in the image, in reading order (top to bottom, then left to right).
    func scan(_ image: GreyImage) -> [FoundCode] {
        guard image.width > 0, image.height > 0, let zimage = zbar.imageCreate() else { return [] }
        defer { zbar.imageDestroy(zimage) }
        // "Y800": 8-bit grey.
        let y800 = UInt(UInt8(ascii: "Y")) | UInt(UInt8(ascii: "8")) << 8 | UInt(UInt8(ascii: "0")) << 16 | UInt(UInt8(ascii: "0")) << 24
        zbar.imageSetFormat(zimage, y800)
        zbar.imageSetSize(zimage, UInt32(image.width), UInt32(image.height))
        var found: [FoundCode] = []
        image.pixels.withUnsafeBufferPointer { pixels in
            // zbar reads the buffer only during zbar_scan_image; no cleanup handler, the array owns it.
            zbar.imageSetData(zimage, pixels.baseAddress, UInt(pixels.count), nil)
            guard zbar.scanImage(scanner, zimage) > 0 else { return }
            var symbol = zbar.firstSymbol(zimage)
            while let current = symbol {
                if zbar.symbolType(current) == ZBAR_QRCODE, let data = zbar.symbolData(current) {
                    let length = Int(zbar.symbolDataLength(current))
                    let bytes = UnsafeRawBufferPointer(start: data, count: length)
                    var x = Int.max, y = Int.max
                    for i in 0..<zbar.symbolLocSize(current) {
                        x = min(x, Int(zbar.symbolLocX(current, i)))
                        y = min(y, Int(zbar.symbolLocY(current, i)))
                    }
                    found.append(FoundCode(text: String(decoding: bytes, as: UTF8.self), x: x, y: y))
                }
                symbol = zbar.nextSymbol(current)
            }
            zbar.imageSetData(zimage, nil, 0, nil)
        }
        return found
    }
}

/// So that a failure to load libzbar can be kept in a Result until a scan reports it.
extension ScanError.Reason: Error {}
