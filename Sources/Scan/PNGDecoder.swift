internal import CPNG
import SharedLibrary

/// The libpng functions PNGDecoder calls (its simplified reading API, which reports errors by its return
/// value and `message`, never by longjmp through Swift), looked up once in libpng16.so.16 at the first
/// PNG. Types as the header declares them (SignatureTests).
struct LibPNGAPI: Sendable {
    let beginReadFromMemory: @convention(c) (png_imagep?, png_const_voidp?, Int) -> Int32
    let finishRead: @convention(c) (png_imagep?, png_const_colorp?, UnsafeMutableRawPointer?, png_int_32,
                                    UnsafeMutableRawPointer?) -> Int32
    let free: @convention(c) (png_imagep?) -> Void

    static let shared = Result { () throws(SharedLibrary.Missing) -> LibPNGAPI in
        try LibPNGAPI(SharedLibrary("libpng16.so.16"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        beginReadFromMemory = try library.function("png_image_begin_read_from_memory")
        finishRead = try library.function("png_image_finish_read")
        free = try library.function("png_image_free")
    }
}

/// Decodes PNG files with libpng: to 8-bit RGBA (palette, grey, 16-bit and interlaced files all come out
/// so), then to grey as gdk-pixbuf's pixels are (`PixbufDecoder.grey`). The size is checked from the
/// header before any pixel memory is allocated.
enum PNGDecoder {
    /// The decoded image; nil when libpng is not installed (gdk-pixbuf decodes PNG then).
    static func decode(_ bytes: [UInt8], file: String, limits: SizeLimits) throws(ScanError) -> Decoded? {
        guard case let .success(png) = LibPNGAPI.shared else { return nil }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png.free(&image) }  // frees what a failed read left; harmless after a finished one
        func failure() -> ScanError {
            let message = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return ScanError(file: file, reason: .corrupt(message.isEmpty ? "undecodable" : message))
        }
        // libpng keeps the address it began reading from until the read is finished: both happen inside
        // one withUnsafeBytes, where that address is valid.
        let read = bytes.withUnsafeBytes { memory -> Result<(width: Int, height: Int, pixels: [UInt8]), ScanError> in
            guard png.beginReadFromMemory(&image, memory.baseAddress, memory.count) != 0 else { return .failure(failure()) }
            let width = Int(image.width), height = Int(image.height)
            guard limits.decide(width: width, height: height) != nil else {
                return .failure(ScanError(file: file, reason: limits.refusal(width: width, height: height)))
            }
            image.format = authv_png_format_rgba
            var pixels = [UInt8](repeating: 0, count: width * 4 * height)
            let finished = pixels.withUnsafeMutableBytes {
                png.finishRead(&image, nil, $0.baseAddress, png_int_32(width * 4), nil) != 0
            }
            return finished ? .success((width, height, pixels)) : .failure(failure())
        }
        let (width, height, pixels) = try read.get()
        let stride = width * 4
        let grey = pixels.withUnsafeBufferPointer {
            PixbufDecoder.grey(pixels: $0.baseAddress!, width: width, height: height, channels: 4, alpha: true, stride: stride)
        }
        return Decoded(image: grey, originalWidth: width, originalHeight: height)
    }
}
