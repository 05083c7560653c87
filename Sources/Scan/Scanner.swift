/// Turns image bytes into the text of every QR code in them.
public struct Scanner: Sendable {
    /// Decoded images above this many pixels are refused (formats that decode at reduced scale,
    /// JPEG and SVG, are reduced to it instead).
    public var maxPixels: Int
    /// The longer side of the reduced copy scanned first; zbar's time grows with the pixel count.
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
        let scanner = QRScanner()

        // First a reduced copy: cheap, and enough for most screenshots and photos.
        let first = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: firstPassSide, maxPixels: maxPixels)
        var candidates: [GreyImage] = []
        let small = first.image.reduced(toFit: firstPassSide)
        candidates.append(small)
        if let codes = found(scanner.scan(small)) { return codes }

        // Then the full image (decoded again only where the decoder had reduced it).
        var full = first.image
        if full.width < first.originalWidth && format != .svg {
            full = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: nil, maxPixels: maxPixels).image
        }
        if full != small {
            candidates.append(full)
            if let codes = found(scanner.scan(full)) { return codes }
        }
        // Light-on-dark codes, then codes drawn at one pixel per module.
        for image in candidates {
            if let codes = found(scanner.scan(image.inverted())) { return codes }
        }
        if max(full.width, full.height) <= 600 {
            let enlarged = full.enlarged(by: 3)
            if let codes = found(scanner.scan(enlarged)) ?? found(scanner.scan(enlarged.inverted())) { return codes }
        }
        throw ScanError(file: file, reason: .noQRCode)
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
