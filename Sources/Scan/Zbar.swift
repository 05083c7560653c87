internal import CZbar

/// A QR code a decoder found: its payload's bytes and where it sits.
struct FoundCode {
    var bytes: [UInt8]
    var x: Int
    var y: Int
    var text: String { QRText.decode(bytes) }
}

/// Owns a zbar image scanner set up for QR codes only, in binary mode: zbar hands over the payload's bytes
/// as the code holds them (converted only where an ECI header names a character set), and QRText decodes
/// them, instead of zbar guessing a character set (it reads valid UTF-8 as Shift-JIS).
final class QRScanner {
    private let zbar: ZbarAPI
    private let scanner: OpaquePointer?

    /// `density`: zbar scans every `density`-th row and column; 1 reads every line.
    init(_ zbar: ZbarAPI, density: Int32 = 1) {
        self.zbar = zbar
        scanner = zbar.scannerCreate()
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        _ = zbar.scannerSetConfig(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        _ = zbar.scannerSetConfig(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density)
        _ = zbar.scannerSetConfig(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density)
    }

    deinit { zbar.scannerDestroy(scanner) }

    /// Every QR code in the image, in zbar's order.
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
            defer { zbar.imageSetData(zimage, nil, 0, nil) }
            guard zbar.scanImage(scanner, zimage) > 0 else { return }
            var symbol = zbar.imageFirstSymbol(zimage)
            while let current = symbol {
                if zbar.symbolType(current) == ZBAR_QRCODE, let data = zbar.symbolData(current) {
                    let length = Int(zbar.symbolDataLength(current))
                    let bytes = [UInt8](UnsafeRawBufferPointer(start: data, count: length))
                    var x = Int.max, y = Int.max
                    for i in 0..<zbar.symbolLocationSize(current) {
                        x = min(x, Int(zbar.symbolLocationX(current, i)))
                        y = min(y, Int(zbar.symbolLocationY(current, i)))
                    }
                    found.append(FoundCode(bytes: bytes, x: x, y: y))
                }
                symbol = zbar.symbolNext(current)
            }
        }
        return found
    }
}
