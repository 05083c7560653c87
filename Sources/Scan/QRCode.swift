internal import CQRencode
internal import CGdkPixbuf

/// Why a QR code could not be made or written.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case libraryMissing(String)
    case tooLong(bytes: Int)
    case encodingFailed
    case pngFailed(String)

    public var description: String {
        switch self {
        case let .libraryMissing(detail): return "\(detail): install libqrencode4 and libgdk-pixbuf-2.0-0"
        case let .tooLong(bytes): return "\(bytes) bytes are more than a QR code holds (\(QRCode.maxBytes))"
        case .encodingFailed: return "libqrencode could not encode the text"
        case let .pngFailed(detail): return "the PNG could not be made: \(detail)"
        }
    }
}

/// A QR code's modules, made by libqrencode (byte mode, error correction M), without the quiet zone.
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [Bool]
    /// Modules of light margin around the symbol, as ISO/IEC 18004 asks.
    public static let quietZone = 4
    /// The most bytes a version 40 code holds at level M.
    public static let maxBytes = 2331

    public init(text: String) throws(QRCodeError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= QRCode.maxBytes else { throw .tooLong(bytes: bytes.count) }
        let api: QRencodeAPI
        do { api = try QRencodeAPI.shared.get() } catch { throw .libraryMissing(error.message) }
        guard let code = bytes.withUnsafeBufferPointer({ api.encodeData(Int32($0.count), $0.baseAddress, 0, QR_ECLEVEL_M) }) else {
            throw .encodingFailed
        }
        defer { api.free(code) }
        let width = Int(code.pointee.width)
        guard width > 0, width <= 177, let data = code.pointee.data else { throw .encodingFailed }
        size = width
        modules = (0..<width * width).map { data[$0] & 1 == 1 }
    }

    /// Whether the module at (x, y) is dark, counting the quiet zone (0 is the margin's first module).
    public func dark(_ x: Int, _ y: Int) -> Bool {
        let (mx, my) = (x - QRCode.quietZone, y - QRCode.quietZone)
        guard mx >= 0, my >= 0, mx < size, my < size else { return false }
        return modules[my * size + mx]
    }

    /// Modules per side with the quiet zone.
    public var sideWithMargin: Int { size + 2 * QRCode.quietZone }

    /// The code as a grey image, `scale` pixels per module, with the quiet zone.
    public func image(scale: Int) -> GreyImage {
        let side = sideWithMargin * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<side where true {
            for x in 0..<side where dark(x / scale, y / scale) { pixels[y * side + x] = 0 }
        }
        return GreyImage(width: side, height: side, pixels: pixels)
    }

    /// A PNG of the code (gdk-pixbuf's PNG saver, which uses libpng), `scale` pixels per module.
    public func png(scale: Int = 8) throws(QRCodeError) -> [UInt8] {
        let api: PixbufSaverAPI
        do { api = try PixbufSaverAPI.shared.get() } catch { throw .libraryMissing(error.message) }
        let grey = image(scale: scale)
        var rgb = [UInt8](repeating: 0, count: grey.pixels.count * 3)
        for (index, value) in grey.pixels.enumerated() { rgb[3 * index] = value; rgb[3 * index + 1] = value; rgb[3 * index + 2] = value }
        return try rgb.withUnsafeBufferPointer { (pixels) throws(QRCodeError) -> [UInt8] in
            guard let pixbuf = api.newFromData(pixels.baseAddress, GDK_COLORSPACE_RGB, 0, 8, Int32(grey.width), Int32(grey.height),
                                               Int32(grey.width * 3), nil, nil) else {
                throw QRCodeError.pngFailed("gdk_pixbuf_new_from_data failed")
            }
            defer { api.objectUnref(UnsafeMutableRawPointer(pixbuf)) }
            var buffer: UnsafeMutablePointer<gchar>? = nil
            var length: gsize = 0
            var error: UnsafeMutablePointer<GError>? = nil
            guard api.saveToBufferv(pixbuf, &buffer, &length, "png", nil, nil, &error) != 0, let buffer else {
                let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
                if let error { api.errorFree(error) }
                throw QRCodeError.pngFailed(message)
            }
            defer { api.gFree(buffer) }
            return buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
        }
    }
}
