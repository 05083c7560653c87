/// Why an input yielded no QR payloads. Every case names the file it is about.
public struct ScanError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case notFound
        case permissionDenied
        case isDirectory
        case readFailed(String)
        case empty
        /// Bytes that are no image format authv knows.
        case notAnImage
        /// An image format authv recognises but cannot decode here (no loader).
        case unsupportedFormat(String)
        /// The image ends before its data does.
        case truncated
        /// The image data is damaged.
        case corrupt(String)
        /// The file, or the decoded image, would exceed authv's memory limit.
        case tooLarge(String)
        case noQRCode
        /// A library that decoding needs cannot be loaded (the message names it).
        case libraryMissing(String)
    }

    /// The file as the user named it (`-` reads as "standard input").
    public let file: String
    public let reason: Reason

    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        let name = file == "-" ? "standard input" : file
        switch reason {
        case .notFound: return "\(name): no such file"
        case .permissionDenied: return "\(name): permission denied"
        case .isDirectory: return "\(name): is a directory, not a file"
        case let .readFailed(why): return "\(name): cannot read (\(why))"
        case .empty: return "\(name): empty file"
        case .notAnImage: return "\(name): not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)"
        case let .unsupportedFormat(format): return "\(name): unsupported image format (\(format))"
        case .truncated: return "\(name): truncated image (the file ends too early)"
        case let .corrupt(why): return "\(name): damaged image (\(why))"
        case let .tooLarge(why): return "\(name): too large (\(why))"
        case .noQRCode: return "\(name): no QR code found"
        case let .libraryMissing(why): return "\(name): cannot decode QR codes: \(why)"
        }
    }
}
