/// Turns image bytes into the text of every QR code in them.
public struct Scanner: Sendable {
    /// Decoded images above this many pixels are refused (formats that decode at reduced scale,
    /// JPEG and SVG, are reduced to it instead).
    public var maxPixels: Int
    /// The longer side of the reduced copy that JPEG and SVG images are decoded to for the first pass;
    /// zbar's time grows with the pixel count.
    public var firstPassSide: Int

    public init(maxPixels: Int = 40_000_000, firstPassSide: Int = 1024) {
        self.maxPixels = maxPixels
        self.firstPassSide = firstPassSide
    }

    /// The payloads of the QR codes in a file (or `-`, standard input), in reading order.
    public func scan(file: String) throws(ScanError) -> [String] {
        try scan(bytes: InputFile.read(file), file: file)
    }

    /// The payloads of the QR codes in an image, in reading order; `file` names it in errors.
    public func scan(bytes: [UInt8], file: String) throws(ScanError) -> [String] {
        guard !bytes.isEmpty else { throw ScanError(file: file, reason: .empty) }
        guard let format = ImageFormat.sniff(bytes) else { throw ScanError(file: file, reason: .notAnImage) }
        let zbar: ZbarAPI
        switch ZbarAPI.shared {
        case let .success(api): zbar = api
        case let .failure(missing): throw ScanError(file: file, reason: .libraryMissing(missing.message))
        }
        let first = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: firstPassSide, maxPixels: maxPixels)
        let quick = QRScanner(zbar, density: 2)
        if let codes = passes(first.image, quick) { return codes }
        // JPEG decodes straight to a reduced copy (a phone photo's QR code is large); the full size comes
        // only when that found nothing (a small code in a large photo).
        if first.image.width < first.originalWidth && format != .svg {
            let full = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: nil, maxPixels: maxPixels).image
            if let codes = found(quick.scan(full)) ?? found(ZXingDecoder.scan(full)) { return codes }
        }
        throw ScanError(file: file, reason: .noQRCode)
    }

    /// The payloads of the QR codes in already decoded images (the monitors of a screen), in reading order
    /// within each image; `name` names them in errors.
    public func scan(images: [GreyImage], name: String) throws(ScanError) -> [String] {
        let zbar: ZbarAPI
        switch ZbarAPI.shared {
        case let .success(api): zbar = api
        case let .failure(missing): throw ScanError(file: name, reason: .libraryMissing(missing.message))
        }
        let quick = QRScanner(zbar, density: 2)
        var seen = Set<String>()
        let codes = images.flatMap { passes($0, quick) ?? [] }.filter { seen.insert($0).inserted }
        guard !codes.isEmpty else { throw ScanError(file: name, reason: .noQRCode) }
        return codes
    }

    /// The passes over one image, in the order of what they find per millisecond on the zxing photo corpus
    /// (Benchmarks/qr-photos.md; docs/design.md has the figures), stopping at the first that finds a code:
    /// zbar reading every other line (half its time, enough for codes of three or more pixels per module),
    /// then zxing-cpp (perspective, uneven light, version 40, one pixel per module; a few milliseconds
    /// where there is no code), then zxing-cpp on the inverted image (light-on-dark codes).
    private func passes(_ image: GreyImage, _ quick: QRScanner) -> [String]? {
        found(quick.scan(image)) ?? found(ZXingDecoder.scan(image)) ?? found(ZXingDecoder.scan(image.inverted()))
    }

    /// Distinct payloads in reading order, or nil when there are none.
    private func found(_ codes: [FoundCode]) -> [String]? {
        guard !codes.isEmpty else { return nil }
        // Rows within 1/20 of each other read left to right.
        let sorted = codes.sorted { a, b in
            abs(a.y - b.y) > 20 ? a.y < b.y : a.x < b.x
        }
        var seen = Set<String>()
        return sorted.map(\.text).filter { seen.insert($0).inserted }
    }
}
