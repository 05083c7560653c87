internal import CXcb
import SharedLibrary
#if canImport(Glibc)
import Glibc
#endif

/// The libxcb functions the X11 capture calls, looked up in libxcb.so.1 (and libxcb-xinerama.so.0 for the
/// monitors) the first time `add --screen` runs under X11. Types as the headers declare them.
struct XcbAPI: Sendable {
    typealias Connection = OpaquePointer?
    let connect: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Connection
    let hasError: @convention(c) (Connection) -> Int32
    let disconnect: @convention(c) (Connection) -> Void
    let getSetup: @convention(c) (Connection) -> UnsafePointer<xcb_setup_t>?
    let rootsIterator: @convention(c) (UnsafePointer<xcb_setup_t>?) -> xcb_screen_iterator_t
    let screenNext: @convention(c) (UnsafeMutablePointer<xcb_screen_iterator_t>?) -> Void
    let pixmapFormats: @convention(c) (UnsafePointer<xcb_setup_t>?) -> UnsafeMutablePointer<xcb_format_t>?
    let pixmapFormatsLength: @convention(c) (UnsafePointer<xcb_setup_t>?) -> Int32
    let getImage: @convention(c) (Connection, UInt8, xcb_drawable_t, Int16, Int16, UInt16, UInt16, UInt32) -> xcb_get_image_cookie_t
    let getImageReply: @convention(c) (Connection, xcb_get_image_cookie_t, UnsafeMutablePointer<UnsafeMutablePointer<xcb_generic_error_t>?>?) -> UnsafeMutablePointer<xcb_get_image_reply_t>?
    let imageData: @convention(c) (UnsafePointer<xcb_get_image_reply_t>?) -> UnsafeMutablePointer<UInt8>?
    let imageDataLength: @convention(c) (UnsafePointer<xcb_get_image_reply_t>?) -> Int32
    /// Xinerama's monitor list; nil when libxcb-xinerama is not installed (the root is then one monitor).
    let xinerama: Xinerama?

    struct Xinerama {
        let queryScreens: @convention(c) (Connection) -> xcb_xinerama_query_screens_cookie_t
        let queryScreensReply: @convention(c) (Connection, xcb_xinerama_query_screens_cookie_t, UnsafeMutablePointer<UnsafeMutablePointer<xcb_generic_error_t>?>?) -> UnsafeMutablePointer<xcb_xinerama_query_screens_reply_t>?
        let screenInfo: @convention(c) (UnsafePointer<xcb_xinerama_query_screens_reply_t>?) -> UnsafeMutablePointer<xcb_xinerama_screen_info_t>?
        let screenInfoLength: @convention(c) (UnsafePointer<xcb_xinerama_query_screens_reply_t>?) -> Int32

        init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
            queryScreens = try library.function("xcb_xinerama_query_screens")
            queryScreensReply = try library.function("xcb_xinerama_query_screens_reply")
            screenInfo = try library.function("xcb_xinerama_query_screens_screen_info")
            screenInfoLength = try library.function("xcb_xinerama_query_screens_screen_info_length")
        }
    }

    static let shared = Result { () throws(SharedLibrary.Missing) -> XcbAPI in try XcbAPI(SharedLibrary("libxcb.so.1")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        connect = try library.function("xcb_connect")
        hasError = try library.function("xcb_connection_has_error")
        disconnect = try library.function("xcb_disconnect")
        getSetup = try library.function("xcb_get_setup")
        rootsIterator = try library.function("xcb_setup_roots_iterator")
        screenNext = try library.function("xcb_screen_next")
        pixmapFormats = try library.function("xcb_setup_pixmap_formats")
        pixmapFormatsLength = try library.function("xcb_setup_pixmap_formats_length")
        getImage = try library.function("xcb_get_image")
        getImageReply = try library.function("xcb_get_image_reply")
        imageData = try library.function("xcb_get_image_data")
        imageDataLength = try library.function("xcb_get_image_data_length")
        xinerama = try? Xinerama(SharedLibrary("libxcb-xinerama.so.0"))
    }
}

/// Why the screen could not be captured.
public struct CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Captures every monitor of an X11 display in process: the root window's pixels over the X connection
/// (GetImage), one image per monitor that Xinerama names; nothing is written anywhere.
public enum X11Capture {
    /// A monitor larger than this (in pixels) is refused: 8K is 33 megapixels.
    static let maxMonitorPixels = 40_000_000
    /// At most this many monitors are read.
    static let maxMonitors = 16

    /// The grey pixels of each monitor on `display` (nil: $DISPLAY).
    public static func monitors(display: String? = nil) throws(CaptureError) -> [GreyImage] {
        let xcb: XcbAPI
        switch XcbAPI.shared {
        case let .success(api): xcb = api
        case let .failure(missing): throw CaptureError("--screen: \(missing.message)")
        }
        var screenNumber: Int32 = 0
        let connection = xcb.connect(display, &screenNumber)
        defer { xcb.disconnect(connection) }
        guard xcb.hasError(connection) == 0, let setup = xcb.getSetup(connection) else {
            throw CaptureError("--screen: cannot connect to the X display \(display ?? getenv("DISPLAY").map { String(cString: $0) } ?? "")")
        }
        var screens = xcb.rootsIterator(setup)
        for _ in 0..<max(0, screenNumber) where screens.rem > 0 { xcb.screenNext(&screens) }
        guard screens.rem > 0, let screen = screens.data?.pointee else { throw CaptureError("--screen: the X display has no screen") }
        guard setup.pointee.image_byte_order == UInt8(XCB_IMAGE_ORDER_LSB_FIRST.rawValue) else {
            throw CaptureError("--screen: the X server's image byte order (most significant first) is not supported")
        }
        let formats = UnsafeBufferPointer(start: xcb.pixmapFormats(setup), count: Int(xcb.pixmapFormatsLength(setup)))
        guard let format = formats.first(where: { $0.depth == screen.root_depth }),
              format.bits_per_pixel == 32, screen.root_depth == 24 || screen.root_depth == 32 else {
            throw CaptureError("--screen: a screen of depth \(screen.root_depth) is not supported (24 or 32 bits expected)")
        }
        var areas = [(x: Int16(0), y: Int16(0), width: screen.width_in_pixels, height: screen.height_in_pixels)]
        if let xinerama = xcb.xinerama, let reply = xinerama.queryScreensReply(connection, xinerama.queryScreens(connection), nil) {
            defer { free(reply) }
            let infos = UnsafeBufferPointer(start: xinerama.screenInfo(reply), count: Int(xinerama.screenInfoLength(reply)))
            let monitors = infos.prefix(maxMonitors).map { (x: $0.x_org, y: $0.y_org, width: $0.width, height: $0.height) }
            if !monitors.isEmpty { areas = monitors }
        }
        var images: [GreyImage] = []
        for area in areas {
            let (w, h) = (Int(area.width), Int(area.height))
            guard w > 0, h > 0 else { continue }
            guard w * h <= maxMonitorPixels else {
                throw CaptureError("--screen: a monitor of \(w)x\(h) pixels is over the limit of \(maxMonitorPixels / 1_000_000) megapixels")
            }
            let cookie = xcb.getImage(connection, UInt8(XCB_IMAGE_FORMAT_Z_PIXMAP.rawValue), screen.root, area.x, area.y,
                                      area.width, area.height, UInt32.max)
            guard let reply = xcb.getImageReply(connection, cookie, nil) else {
                throw CaptureError("--screen: the X server refused to hand over the screen's pixels")
            }
            defer { free(reply) }
            guard let data = xcb.imageData(reply), Int(xcb.imageDataLength(reply)) >= w * h * 4 else {
                throw CaptureError("--screen: the X server sent fewer pixels than the screen holds")
            }
            images.append(grey(bgrx: data, width: w, height: h))
        }
        return images
    }

    /// Luma of 32-bit pixels stored blue, green, red, unused (a depth-24 or 32 TrueColor screen, LSB first).
    static func grey(bgrx data: UnsafePointer<UInt8>, width: Int, height: Int) -> GreyImage {
        var out = [UInt8](repeating: 0, count: width * height)
        out.withUnsafeMutableBufferPointer { dst in
            for i in 0..<(width * height) {
                let p = data + i * 4
                let blue: UInt32 = 117 * UInt32(p[0])
                let green: UInt32 = 601 * UInt32(p[1])
                let red: UInt32 = 306 * UInt32(p[2])
                dst[i] = UInt8((blue + green + red + 512) >> 10)
            }
        }
        return GreyImage(width: width, height: height, pixels: out)
    }
}
