import OTP
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
        "\(InputName.shown(file)): \(detail)"
    }

    /// What is wrong, without the file's name (for a message that names the file itself).
    public var detail: String {
        switch reason {
        case .notFound: return "no such file"
        case .permissionDenied: return "permission denied"
        case .isDirectory: return "is a directory, not a file"
        case let .readFailed(why): return "cannot read (\(why))"
        case .empty: return "empty file"
        case .notAnImage: return "not an image (PNG, JPEG, GIF, BMP, TIFF, WebP or SVG expected)"
        case let .unsupportedFormat(format): return "unsupported image format (\(format))"
        case .truncated: return "truncated image (the file ends too early)"
        case let .corrupt(why): return "damaged image (\(why))"
        case let .tooLarge(why): return "too large (\(why))"
        case .noQRCode: return "no QR code found"
        case let .libraryMissing(why): return "cannot decode QR codes: \(why)"
        }
    }
}
