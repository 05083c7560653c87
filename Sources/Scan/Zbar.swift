internal import CZbar

/// A QR code zbar found: its text and where it sits.
struct FoundCode {
    var text: String
    var x: Int
    var y: Int
}

/// Owns a zbar image scanner set up for QR codes only.
final class QRScanner {
    private let scanner: OpaquePointer?

    /// `density`: zbar scans every `density`-th row and column; 1 reads every line.
    init(density: Int32 = 1) {
        scanner = zbar_image_scanner_create()
        _ = zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        _ = zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        _ = zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density)
        _ = zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density)
    }

    deinit { zbar_image_scanner_destroy(scanner) }

    /// Every QR code in the image, in reading order (top to bottom, then left to right).
    func scan(_ image: GreyImage) -> [FoundCode] {
        guard image.width > 0, image.height > 0, let zimage = zbar_image_create() else { return [] }
        defer { zbar_image_destroy(zimage) }
        // "Y800": 8-bit grey.
        let y800 = UInt(UInt8(ascii: "Y")) | UInt(UInt8(ascii: "8")) << 8 | UInt(UInt8(ascii: "0")) << 16 | UInt(UInt8(ascii: "0")) << 24
        zbar_image_set_format(zimage, y800)
        zbar_image_set_size(zimage, UInt32(image.width), UInt32(image.height))
        var found: [FoundCode] = []
        image.pixels.withUnsafeBufferPointer { pixels in
            // zbar reads the buffer only during zbar_scan_image; no cleanup handler, the array owns it.
            zbar_image_set_data(zimage, pixels.baseAddress, UInt(pixels.count), nil)
            guard zbar_scan_image(scanner, zimage) > 0 else { return }
            var symbol = zbar_image_first_symbol(zimage)
            while let current = symbol {
                if zbar_symbol_get_type(current) == ZBAR_QRCODE, let data = zbar_symbol_get_data(current) {
                    let length = Int(zbar_symbol_get_data_length(current))
                    let bytes = UnsafeRawBufferPointer(start: data, count: length)
                    var x = Int.max, y = Int.max
                    for i in 0..<zbar_symbol_get_loc_size(current) {
                        x = min(x, Int(zbar_symbol_get_loc_x(current, i)))
                        y = min(y, Int(zbar_symbol_get_loc_y(current, i)))
                    }
                    found.append(FoundCode(text: String(decoding: bytes, as: UTF8.self), x: x, y: y))
                }
                symbol = zbar_symbol_next(current)
            }
            zbar_image_set_data(zimage, nil, 0, nil)
        }
        return found
    }
}
