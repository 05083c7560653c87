internal import CQRencode
internal import CGdkPixbuf
import SharedLibrary

/// The libqrencode functions QRCode calls, looked up once in libqrencode.so.4 at the first QR code authv
/// draws (see SharedLibrary for why it is not linked: `code` and `list` never load it).
struct QRencodeAPI: Sendable {
    let encodeData: @convention(c) (Int32, UnsafePointer<UInt8>?, Int32, QRecLevel) -> UnsafeMutablePointer<CQRencode.QRcode>?
    let free: @convention(c) (UnsafeMutablePointer<CQRencode.QRcode>?) -> Void

    static let shared = Result { () throws(SharedLibrary.Missing) -> QRencodeAPI in
        try QRencodeAPI(SharedLibrary("libqrencode.so.4"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        encodeData = try library.function("QRcode_encodeData")
        free = try library.function("QRcode_free")
    }
}

/// gdk-pixbuf's PNG saver and the GLib functions that free what it returns, looked up at the first PNG
/// authv writes (gdk-pixbuf is opened the same way for reading images, GdkPixbufAPI).
struct PixbufSaverAPI: Sendable {
    typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<GError>?>?
    let newFromData: @convention(c) (UnsafePointer<guchar>?, GdkColorspace, gboolean, Int32, Int32, Int32, Int32,
                                     GdkPixbufDestroyNotify?, gpointer?) -> OpaquePointer?
    let saveToBufferv: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>?, UnsafeMutablePointer<gsize>?,
                                       UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                       UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, ErrorOut) -> gboolean
    let objectUnref: @convention(c) (gpointer?) -> Void
    let gFree: @convention(c) (gpointer?) -> Void
    let errorFree: @convention(c) (UnsafeMutablePointer<GError>?) -> Void

    static let shared = Result { () throws(SharedLibrary.Missing) -> PixbufSaverAPI in
        try PixbufSaverAPI(SharedLibrary("libgdk_pixbuf-2.0.so.0"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        newFromData = try library.function("gdk_pixbuf_new_from_data")
        saveToBufferv = try library.function("gdk_pixbuf_save_to_bufferv")
        // GObject and GLib come with gdk-pixbuf (its dependencies); dlsym finds them through its handle.
        objectUnref = try library.function("g_object_unref")
        gFree = try library.function("g_free")
        errorFree = try library.function("g_error_free")
    }
}
