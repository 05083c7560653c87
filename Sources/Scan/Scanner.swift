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
        let quick = QRScanner(zbar, density: 2)
        // Made only when the quick pass finds nothing: each zbar scanner sets up its own QR decoder.
        lazy var thorough = QRScanner(zbar, density: 1)

        // JPEG and SVG decode straight to a reduced copy (a phone photo's QR code is large); other formats
        // decode whole. The first pass reads every other line: half of zbar's time, and enough for codes
        // of three or more pixels per module.
        let first = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: firstPassSide, maxPixels: maxPixels)
        if let codes = found(quick.scan(first.image)) ?? found(thorough.scan(first.image)) { return codes }
        var candidates = [first.image]
        if first.image.width < first.originalWidth && format != .svg {
            let full = try PixbufDecoder.decode(bytes, format: format, file: file, maxSide: nil, maxPixels: maxPixels).image
            if let codes = found(thorough.scan(full)) { return codes }
            candidates.append(full)
        }
        // Light-on-dark codes, then codes drawn at one pixel per module.
        for image in candidates {
            if let codes = found(thorough.scan(image.inverted())) { return codes }
        }
        let largest = candidates[candidates.count - 1]
        if max(largest.width, largest.height) <= 600 {
            let enlarged = largest.enlarged(by: 3)
            if let codes = found(thorough.scan(enlarged)) ?? found(thorough.scan(enlarged.inverted())) { return codes }
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
