/// 8-bit grey pixels, one byte each, rows packed: what zbar reads ("Y800").
public struct GreyImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Light on dark becomes dark on light.
    public func inverted() -> GreyImage {
        GreyImage(width: width, height: height, pixels: pixels.map { 255 - $0 })
    }

    /// A copy `factor` times larger, each pixel repeated: helps zbar with codes of one pixel per module.
    public func enlarged(by factor: Int) -> GreyImage {
        let w = width * factor
        var out = [UInt8](repeating: 0, count: w * height * factor)
        for y in 0..<height {
            for x in 0..<width {
                let value = pixels[y * width + x]
                for dx in 0..<factor { out[y * factor * w + x * factor + dx] = value }
            }
            let first = y * factor * w
            for dy in 1..<factor {
                out.replaceSubrange((first + dy * w)..<(first + (dy + 1) * w), with: out[first..<(first + w)])
            }
        }
        return GreyImage(width: w, height: height * factor, pixels: out)
    }
}
