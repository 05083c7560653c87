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

    /// A copy whose longer side is at most `maxSide`, each pixel the mean of the block it replaces.
    public func reduced(toFit maxSide: Int) -> GreyImage {
        let factor = (max(width, height) + maxSide - 1) / maxSide
        guard factor > 1 else { return self }
        let w = width / factor
        let h = height / factor
        guard w > 0, h > 0 else { return self }
        var out = [UInt8](repeating: 0, count: w * h)
        let area = UInt32(factor * factor)
        pixels.withUnsafeBufferPointer { src in
            var sums = [UInt32](repeating: 0, count: w)
            for y in 0..<h {
                for i in 0..<w { sums[i] = 0 }
                for dy in 0..<factor {
                    let row = (y * factor + dy) * width
                    for x in 0..<w {
                        var sum: UInt32 = 0
                        let start = row + x * factor
                        for dx in 0..<factor { sum &+= UInt32(src[start + dx]) }
                        sums[x] &+= sum
                    }
                }
                for x in 0..<w { out[y * w + x] = UInt8(sums[x] / area) }
            }
        }
        return GreyImage(width: w, height: h, pixels: out)
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
