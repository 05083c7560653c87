internal import CGdkPixbuf
import SharedLibrary

/// The gdk-pixbuf functions PixbufDecoder calls, looked up once in libgdk_pixbuf-2.0.so.0 at the first
/// decode (see SharedLibrary for why it is not linked). Types as the header declares them.
struct GdkPixbufAPI: Sendable {
    typealias Loader = UnsafeMutablePointer<GdkPixbufLoader>?
    typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<GError>?>?

    let loaderNewWithType: @convention(c) (UnsafePointer<CChar>?, ErrorOut) -> Loader
    let loaderSetSize: @convention(c) (Loader, Int32, Int32) -> Void
    let loaderWrite: @convention(c) (Loader, UnsafePointer<guchar>?, gsize, ErrorOut) -> gboolean
    let loaderClose: @convention(c) (Loader, ErrorOut) -> gboolean
    let loaderGetPixbuf: @convention(c) (Loader) -> OpaquePointer?
    let width: @convention(c) (OpaquePointer?) -> Int32
    let height: @convention(c) (OpaquePointer?) -> Int32
    let channels: @convention(c) (OpaquePointer?) -> Int32
    let hasAlpha: @convention(c) (OpaquePointer?) -> gboolean
    let rowstride: @convention(c) (OpaquePointer?) -> Int32
    let readPixels: @convention(c) (OpaquePointer?) -> UnsafePointer<guint8>?
    let objectUnref: @convention(c) (gpointer?) -> Void
    let clearError: @convention(c) (ErrorOut) -> Void
    let signalConnectData: @convention(c) (gpointer?, UnsafePointer<gchar>?, GCallback?, gpointer?, GClosureNotify?,
                                           GConnectFlags) -> gulong

    /// gdk-pixbuf, or why it is not there; opened on first use, once per process.
    static let shared = Result { () throws(SharedLibrary.Missing) -> GdkPixbufAPI in
        try GdkPixbufAPI(SharedLibrary("libgdk_pixbuf-2.0.so.0"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        loaderNewWithType = try library.function("gdk_pixbuf_loader_new_with_type")
        loaderSetSize = try library.function("gdk_pixbuf_loader_set_size")
        loaderWrite = try library.function("gdk_pixbuf_loader_write")
        loaderClose = try library.function("gdk_pixbuf_loader_close")
        loaderGetPixbuf = try library.function("gdk_pixbuf_loader_get_pixbuf")
        width = try library.function("gdk_pixbuf_get_width")
        height = try library.function("gdk_pixbuf_get_height")
        channels = try library.function("gdk_pixbuf_get_n_channels")
        hasAlpha = try library.function("gdk_pixbuf_get_has_alpha")
        rowstride = try library.function("gdk_pixbuf_get_rowstride")
        readPixels = try library.function("gdk_pixbuf_read_pixels")
        // GObject and GLib come with gdk-pixbuf (its dependencies); dlsym finds them through its handle.
        objectUnref = try library.function("g_object_unref")
        clearError = try library.function("g_clear_error")
        signalConnectData = try library.function("g_signal_connect_data")
    }
}
