internal import CZXing

/// zxing-cpp as the second decoder, asked only when zbar's passes found nothing (docs/design.md says why).
enum ZXingDecoder {
    /// libZXing, or why it cannot be loaded; opened on first use, once per process.
    static let available: Result<Void, SharedLibraryMissing> = {
        var message = [CChar](repeating: 0, count: 512)
        if authv_zxing_open(&message, message.count) == 0 { return .success(()) }
        return .failure(SharedLibraryMissing(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
    }()

    struct SharedLibraryMissing: Error { let message: String }

    /// Every QR code zxing-cpp finds in the image.
    static func scan(_ image: GreyImage) -> [FoundCode] {
        guard case .success = available, image.width > 0, image.height > 0 else { return [] }
        var found: [FoundCode] = []
        withUnsafeMutablePointer(to: &found) { list in
            _ = image.pixels.withUnsafeBufferPointer { pixels in
                authv_zxing_read(pixels.baseAddress, Int32(image.width), Int32(image.height), { context, bytes, length, x, y in
                    guard let context else { return }
                    let codes = context.assumingMemoryBound(to: [FoundCode].self)
                    let data = bytes.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
                    codes.pointee.append(FoundCode(bytes: data, x: Int(x), y: Int(y)))
                }, list)
            }
        }
        return found
    }
}
