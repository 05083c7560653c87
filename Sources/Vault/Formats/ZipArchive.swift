internal import CArchive
import SharedLibrary

/// Members of a zip archive held in memory, read with libarchive (opened with dlopen at the first zip
/// import, so `code` and `list` never load it). A pure function of the bytes.
public enum ZipArchive {
    /// Members looked at in one archive: an export has a handful.
    public static let maxMembers = 10_000

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// libarchive could not read the archive or a member (cut short, a bad checksum, encrypted).
        case damaged(String)
        /// The member holds more bytes than the caller accepts.
        case tooLarge(member: String, limit: Int)
        case tooManyMembers
        case libraryMissing(String)

        public var description: String {
            switch self {
            case let .damaged(detail): return detail
            case let .tooLarge(member, limit): return "\(member) is larger than \(limit >> 20) MiB"
            case .tooManyMembers: return "more than \(ZipArchive.maxMembers) members"
            case let .libraryMissing(detail): return detail
            }
        }
    }

    /// The names of the archive's members, in archive order.
    public static func names(_ bytes: [UInt8]) throws(Problem) -> [String] {
        var names: [String] = []
        try walk(bytes) { (name, _) throws(Problem) in
            names.append(name)
            return false
        }
        return names
    }

    /// The bytes of the member `member` (nil when there is none), refusing more than `limit` bytes: the
    /// size the archive declares is checked first, and what is read is counted too.
    public static func read(_ member: String, from bytes: [UInt8], limit: Int) throws(Problem) -> [UInt8]? {
        var found: [UInt8]? = nil
        try walk(bytes) { (name, reader) throws(Problem) in
            guard name == member else { return false }
            found = try reader(limit)
            return true
        }
        return found
    }

    private typealias Reader = (Int) throws(Problem) -> [UInt8]

    /// Calls `visit` with each member's name and a reader of its data, until it returns true.
    private static func walk(_ bytes: [UInt8], _ visit: (String, Reader) throws(Problem) -> Bool) throws(Problem) {
        let api: LibArchiveAPI
        do { api = try LibArchiveAPI.shared.get() } catch { throw .libraryMissing(error.message) }
        guard let archive = api.readNew() else { throw .damaged("libarchive could not start") }
        defer { _ = api.readFree(archive) }
        // The seekable reader reads the central directory, so a cut-short archive is an error even when
        // the member itself is whole; each member's CRC is checked as it is read.
        _ = api.supportFormatZip(archive)
        func failure() -> Problem {
            .damaged("the zip archive is cut short or damaged (libarchive: \(api.errorString(archive).map { String(cString: $0) } ?? "no message"))")
        }
        let result: Result<Void, Problem> = bytes.withUnsafeBytes { buffer in
            Result { () throws(Problem) in try walkOpen(buffer) }
        }
        try result.get()

        func walkOpen(_ buffer: UnsafeRawBufferPointer) throws(Problem) {
            guard api.openMemory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else { throw failure() }
            var count = 0
            while true {
                var entry: OpaquePointer? = nil
                let status = api.nextHeader(archive, &entry)
                if status == ARCHIVE_EOF { return }
                guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure() }
                count += 1
                guard count <= maxMembers else { throw .tooManyMembers }
                let name = api.pathname(entry).map { String(cString: $0) } ?? ""
                let reader: Reader = { (limit) throws(Problem) in
                    if api.sizeIsSet(entry) != 0, api.size(entry) > Int64(limit) {
                        throw .tooLarge(member: name, limit: limit)
                    }
                    var data: [UInt8] = []
                    var chunk = [UInt8](repeating: 0, count: 64 << 10)
                    while true {
                        let got = chunk.withUnsafeMutableBytes { api.readData(archive, $0.baseAddress, $0.count) }
                        if got == 0 { return data }
                        guard got > 0 else { throw failure() }
                        guard data.count + got <= limit else { throw .tooLarge(member: name, limit: limit) }
                        data += chunk[..<got]
                    }
                }
                if try visit(name, reader) { return }
            }
        }
    }
}

/// The libarchive functions ZipArchive calls, looked up once in libarchive.so.13 at the first zip import
/// (see SharedLibrary for why it is not linked). Types as archive.h declares them.
struct LibArchiveAPI: Sendable {
    let readNew: @convention(c) () -> OpaquePointer?
    let supportFormatZip: @convention(c) (OpaquePointer?) -> Int32
    let openMemory: @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
    let nextHeader: @convention(c) (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let pathname: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let size: @convention(c) (OpaquePointer?) -> Int64
    let sizeIsSet: @convention(c) (OpaquePointer?) -> Int32
    let readData: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int) -> Int
    let readFree: @convention(c) (OpaquePointer?) -> Int32
    let errorString: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?

    static let shared = Result { () throws(SharedLibrary.Missing) -> LibArchiveAPI in
        try LibArchiveAPI(SharedLibrary("libarchive.so.13"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        readNew = try library.function("archive_read_new")
        supportFormatZip = try library.function("archive_read_support_format_zip_seekable")
        openMemory = try library.function("archive_read_open_memory")
        nextHeader = try library.function("archive_read_next_header")
        pathname = try library.function("archive_entry_pathname")
        size = try library.function("archive_entry_size")
        sizeIsSet = try library.function("archive_entry_size_is_set")
        readData = try library.function("archive_read_data")
        readFree = try library.function("archive_read_free")
        errorString = try library.function("archive_error_string")
    }
}
