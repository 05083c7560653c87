internal import CGdkPixbuf
#if canImport(Glibc)
import Glibc
#endif

/// The size an image is decoded to, decided from its header before any pixel memory exists: nil refuses
/// it (no pixels, more than `maxDeclaredPixels`, or more than `maxPixels` in a format that cannot be
/// decoded smaller). Both decoders ask it (gdk-pixbuf's size callback, PNGDecoder).
struct SizeLimits {
    let maxSide: Int?
    let maxPixels: Int
    let format: ImageFormat

    func decide(width w: Int, height h: Int) -> (Int, Int)? {
        guard w > 0, h > 0 else { return nil }
        if format != .svg, Double(w) * Double(h) > Double(PixbufDecoder.maxDeclaredPixels) { return nil }
        var scale = 1.0
        if format == .svg {
            // Vector: render at a size zbar reads well, whatever size the file declares.
            scale = Double(maxSide ?? PixbufDecoder.svgSide) / Double(max(w, h))
        } else if let maxSide, max(w, h) > maxSide, format.scalesWhileDecoding {
            scale = Double(maxSide) / Double(max(w, h))
        }
        let pixels = Double(w) * Double(h) * scale * scale
        if pixels > Double(maxPixels) {
            guard format.scalesWhileDecoding else { return nil }
            scale *= (Double(maxPixels) / pixels).squareRoot()
        }
        return (max(1, Int(Double(w) * scale)), max(1, Int(Double(h) * scale)))
    }

    /// Why an image of `width` by `height` was refused.
    func refusal(width: Int, height: Int) -> ScanError.Reason {
        let limit = format != .svg && width * height > PixbufDecoder.maxDeclaredPixels ? PixbufDecoder.maxDeclaredPixels : maxPixels
        return .tooLarge("\(width)x\(height) pixels; the limit is \(limit / 1_000_000) megapixels")
    }
}

/// What the decoder is asked for, and what it learns from the header; shared with the size callback.
private final class SizeRequest {
    let gdk: GdkPixbufAPI
    let limits: SizeLimits
    var width = 0
    var height = 0
    var refused = false

    init(gdk: GdkPixbufAPI, limits: SizeLimits) {
        self.gdk = gdk
        self.limits = limits
    }

    /// Called with the dimensions from the header, before any pixel memory exists.
    func decide(width w: Int, height h: Int) -> (Int, Int)? {
        width = w
        height = h
        let size = limits.decide(width: w, height: h)
        refused = size == nil
        return size
    }
}

/// The callback gdk-pixbuf calls once it has read the image's size.
private let sizePrepared: @convention(c) (UnsafeMutablePointer<GdkPixbufLoader>?, Int32, Int32, UnsafeMutableRawPointer?) -> Void = {
    loader, width, height, data in
    guard let loader, let data else { return }
    let request = Unmanaged<SizeRequest>.fromOpaque(data).takeUnretainedValue()
    if let (w, h) = request.decide(width: Int(width), height: Int(height)) {
        if w != Int(width) || h != Int(height) { request.gdk.loaderSetSize(loader, Int32(w), Int32(h)) }
    } else {
        request.gdk.loaderSetSize(loader, 0, 0)  // 0 by 0 makes the loader stop before it allocates
    }
}

/// Drops the reference that the signal connection holds on its SizeRequest, when the loader lets go of
/// the connection (at the loader's end at the latest): the request lives as long as the loader can call back.
private let releaseRequest: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<GClosure>?) -> Void = { data, _ in
    if let data { Unmanaged<SizeRequest>.fromOpaque(data).release() }
}

/// Owns a GdkPixbufLoader.
private final class Loader {
    let gdk: GdkPixbufAPI
    let pointer: UnsafeMutablePointer<GdkPixbufLoader>
    init(_ gdk: GdkPixbufAPI, _ pointer: UnsafeMutablePointer<GdkPixbufLoader>) {
        self.gdk = gdk
        self.pointer = pointer
    }
    deinit {
        // A loader must be closed before it is freed; closing twice is harmless.
        _ = gdk.loaderClose(pointer, nil)
        gdk.objectUnref(pointer)
    }
}

/// A decoded image and the size its header declared.
struct Decoded {
    var image: GreyImage
    var originalWidth: Int
    var originalHeight: Int
}

/// Decodes image bytes to grey pixels with gdk-pixbuf, refusing oversized images before allocating them.
enum PixbufDecoder {
    static let svgSide = 1000
    /// Raster images whose header declares more pixels than this are refused before decoding, even in the
    /// formats that decode at a reduced scale (JPEG): 200 megapixels is the largest phone camera's.
    static let maxDeclaredPixels = 200_000_000

    static func decode(_ bytes: [UInt8], format: ImageFormat, file: String, maxSide: Int?,
                       maxPixels: Int) throws(ScanError) -> Decoded {
        if format == .png, !hasPNGEnd(bytes) { throw ScanError(file: file, reason: .truncated) }
        if let declared = declaredLength(bytes, format: format), bytes.count < declared {
            throw ScanError(file: file, reason: .truncated)
        }
        if format == .bmp, let size = bmpHeaderSize(bytes), !bmpHeaderSizes.contains(size) {
            // gdk-pixbuf's BMP loader allocates what the header declares before it reads it.
            throw ScanError(file: file, reason: .corrupt("a BMP header of \(size) bytes, which is none BMP defines"))
        }
        let limits = SizeLimits(maxSide: maxSide, maxPixels: maxPixels, format: format)
        // PNG through libpng alone when it is there: gdk-pixbuf, GLib and GObject take about 2 ms to load.
        if format == .png, let decoded = try PNGDecoder.decode(bytes, file: file, limits: limits) { return decoded }
        return try decodeWithPixbuf(bytes, file: file, limits: limits)
    }

    /// The image decoded by gdk-pixbuf (every format; PNG when libpng is missing).
    static func decodeWithPixbuf(_ bytes: [UInt8], file: String, limits: SizeLimits) throws(ScanError) -> Decoded {
        let format = limits.format
        let gdk: GdkPixbufAPI
        switch GdkPixbufAPI.shared {
        case let .success(api): gdk = api
        case let .failure(missing): throw ScanError(file: file, reason: .unsupportedFormat(missing.message))
        }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let raw = gdk.loaderNewWithType(format.loaderName, &error) else {
            gdk.clearError(&error)
            throw ScanError(file: file, reason: .unsupportedFormat("\(format.displayName): no decoder installed"))
        }
        let loader = Loader(gdk, raw)
        defer { withExtendedLifetime(loader) {} }
        let request = SizeRequest(gdk: gdk, limits: limits)
        // The connection holds its own reference, released by the loader (releaseRequest).
        let context = Unmanaged.passRetained(request).toOpaque()
        _ = gdk.signalConnectData(raw, "size-prepared", unsafeBitCast(sizePrepared, to: GCallback.self), context,
                                  releaseRequest, GConnectFlags(0))

        let wrote = bytes.withUnsafeBufferPointer { gdk.loaderWrite(raw, $0.baseAddress, UInt($0.count), &error) != 0 }
        let closed = wrote && gdk.loaderClose(raw, &error) != 0
        let message = error.map { String(cString: $0.pointee.message) } ?? ""
        gdk.clearError(&error)
        if request.refused { throw ScanError(file: file, reason: limits.refusal(width: request.width, height: request.height)) }
        guard wrote else { throw ScanError(file: file, reason: .corrupt(message.isEmpty ? "undecodable" : message)) }
        guard closed else {
            // All bytes were accepted but the decoder wanted more: the file was cut short.
            throw ScanError(file: file, reason: request.width > 0 ? .truncated : .corrupt(message.isEmpty ? "no image header" : message))
        }
        if format == .jpeg, !hasJPEGEnd(bytes) { throw ScanError(file: file, reason: .truncated) }
        guard let pixbuf = gdk.loaderGetPixbuf(raw) else {
            throw ScanError(file: file, reason: .corrupt("no image data"))
        }
        return Decoded(image: grey(of: pixbuf, gdk), originalWidth: request.width, originalHeight: request.height)
    }

    /// Luma of each pixel, with transparent pixels composited over white.
    static func grey(of pixbuf: OpaquePointer, _ gdk: GdkPixbufAPI) -> GreyImage {
        grey(pixels: gdk.readPixels(pixbuf)!, width: Int(gdk.width(pixbuf)), height: Int(gdk.height(pixbuf)),
             channels: Int(gdk.channels(pixbuf)), alpha: gdk.hasAlpha(pixbuf) != 0, stride: Int(gdk.rowstride(pixbuf)))
    }

    /// Luma of 8-bit RGB or RGBA pixels (`channels` bytes each, rows `stride` bytes apart), with transparent
    /// pixels composited over white.
    static func grey(pixels source: UnsafePointer<UInt8>, width: Int, height: Int, channels: Int, alpha: Bool,
                     stride: Int) -> GreyImage {
        var out = [UInt8](repeating: 255, count: width * height)
        out.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                let row = source + y * stride
                for x in 0..<width {
                    let p = row + x * channels
                    // ITU-R BT.601 weights, in fixed point (sum 1024).
                    var luma = (306 * UInt32(p[0]) + 601 * UInt32(p[1]) + 117 * UInt32(p[2]) + 512) >> 10
                    if alpha {
                        let a = UInt32(p[3])
                        luma = (luma * a + 255 * (255 - a) + 127) / 255
                    }
                    dst[y * width + x] = UInt8(luma)
                }
            }
        }
        return GreyImage(width: width, height: height, pixels: out)
    }

    /// The file length that a BMP or WebP header declares (BMP: the file size field; WebP: the RIFF
    /// chunk's size plus its 8-byte header); gdk-pixbuf's loaders accept such files cut short without
    /// an error. Nil for other formats and for a BMP whose size field is unset (0).
    static func declaredLength(_ bytes: [UInt8], format: ImageFormat) -> Int? {
        func little32(at offset: Int) -> Int? { PixbufDecoder.little32(bytes, at: offset) }
        switch format {
        case .bmp:
            // A header's size field that is smaller than the headers themselves is unset or damaged.
            guard let size = little32(at: 2), size > 26 else { return nil }
            return size
        case .webp:
            return little32(at: 4).map { $0 + 8 }
        default:
            return nil
        }
    }

    /// The sizes BMP's information header comes in (BITMAPCOREHEADER 12, OS/2 2.x 16 and 64, and
    /// BITMAPINFOHEADER 40 with its versions 52, 56, 108 and 124).
    static let bmpHeaderSizes: Set<Int> = [12, 16, 40, 52, 56, 64, 108, 124]

    /// The size a BMP's information header declares (the 4 bytes after the 14-byte file header).
    static func bmpHeaderSize(_ bytes: [UInt8]) -> Int? {
        little32(bytes, at: 14)
    }

    /// The little-endian 32-bit number at `offset`, if the bytes reach that far.
    static func little32(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard bytes.count >= offset + 4 else { return nil }
        return (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    /// A PNG ends with an IEND chunk; without it the file was cut short.
    static func hasPNGEnd(_ bytes: [UInt8]) -> Bool {
        let iend: [UInt8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        // Trailing bytes after IEND occur in the wild; look in the last kilobyte.
        let tail = bytes.suffix(1024)
        guard tail.count >= iend.count else { return false }
        var i = tail.endIndex - iend.count
        while i >= tail.startIndex {
            if tail[i] == iend[0] && Array(tail[i..<i + iend.count]) == iend { return true }
            i -= 1
        }
        return false
    }

    /// A JPEG ends with an EOI marker (FF D9); some cameras append data after it.
    static func hasJPEGEnd(_ bytes: [UInt8]) -> Bool {
        var i = bytes.count - 2
        let stop = max(0, bytes.count - (1 << 20))
        while i >= stop {
            if bytes[i] == 0xFF && bytes[i + 1] == 0xD9 { return true }
            i -= 1
        }
        return false
    }
}
