@preconcurrency internal import CLibxml2
internal import CArchive
internal import CArgon2
internal import CGLib
internal import CGdkPixbuf
internal import CPNG
internal import CQRencode
internal import CSodium
internal import CSystemd
internal import CXcb
internal import CZbar
@testable import Scan
import Testing
@testable import Vault
#if canImport(Glibc)
import Glibc
#endif

/// The function tables authv fills with dlsym (SharedLibrary.function casts each address, unchecked, to
/// the type the table's field states) checked against the libraries' headers. This target alone links
/// the libraries, so that each C function can be named here; `same` compiles only where the function
/// converts to the field's type, so a field of another size, signedness, count of parameters or a
/// non-optional result where C may return NULL fails the build of this target. (Swift's function
/// conversion lets one difference through, a nullable pointer parameter declared non-optional in the
/// table: the same bits, and authv then never passes nil there.) No Foundation here: its ICU headers
/// clash with libxml2's in one module.
@Suite("Signatures of the dlopen'ed functions")
struct SignatureTests {
    /// Compiles only when `function` converts to the type of the table's field (no table needed).
    static func same<Table, Field>(_: KeyPath<Table, Field>, _ function: Field) {}

    /// Compiles only when the C variable has the type that `Pointer` points to.
    static func sameVariable<Value>(_: UnsafePointer<Value>.Type, _ variable: inout Value) {}

    /// Every lookup of every table (the next test shows that this names them all).
    @Test func everyTableFieldHasItsHeadersType() {
        // GdkPixbufAPI
        Self.same(\GdkPixbufAPI.loaderNewWithType, gdk_pixbuf_loader_new_with_type)
        Self.same(\GdkPixbufAPI.loaderSetSize, gdk_pixbuf_loader_set_size)
        Self.same(\GdkPixbufAPI.loaderWrite, gdk_pixbuf_loader_write)
        Self.same(\GdkPixbufAPI.loaderClose, gdk_pixbuf_loader_close)
        Self.same(\GdkPixbufAPI.loaderGetPixbuf, gdk_pixbuf_loader_get_pixbuf)
        Self.same(\GdkPixbufAPI.width, gdk_pixbuf_get_width)
        Self.same(\GdkPixbufAPI.height, gdk_pixbuf_get_height)
        Self.same(\GdkPixbufAPI.channels, gdk_pixbuf_get_n_channels)
        Self.same(\GdkPixbufAPI.hasAlpha, gdk_pixbuf_get_has_alpha)
        Self.same(\GdkPixbufAPI.rowstride, gdk_pixbuf_get_rowstride)
        Self.same(\GdkPixbufAPI.readPixels, gdk_pixbuf_read_pixels)
        Self.same(\GdkPixbufAPI.objectUnref, g_object_unref)
        Self.same(\GdkPixbufAPI.clearError, g_clear_error)
        Self.same(\GdkPixbufAPI.signalConnectData, g_signal_connect_data)
        // PortalBus
        Self.same(\PortalBus.openUser, sd_bus_open_user)
        Self.same(\PortalBus.flushCloseUnref, sd_bus_flush_close_unref)
        Self.same(\PortalBus.uniqueName, sd_bus_get_unique_name)
        Self.same(\PortalBus.addMatch, sd_bus_add_match)
        Self.same(\PortalBus.slotUnref, sd_bus_slot_unref)
        Self.same(\PortalBus.process, sd_bus_process)
        Self.same(\PortalBus.wait, sd_bus_wait)
        Self.same(\PortalBus.newMethodCall, sd_bus_message_new_method_call)
        Self.same(\PortalBus.call, sd_bus_call)
        Self.same(\PortalBus.errorFree, sd_bus_error_free)
        Self.same(\PortalBus.messageUnref, sd_bus_message_unref)
        Self.same(\PortalBus.openContainer, sd_bus_message_open_container)
        Self.same(\PortalBus.closeContainer, sd_bus_message_close_container)
        Self.same(\PortalBus.appendBasic, sd_bus_message_append_basic)
        Self.same(\PortalBus.enterContainer, sd_bus_message_enter_container)
        Self.same(\PortalBus.exitContainer, sd_bus_message_exit_container)
        Self.same(\PortalBus.readBasic, sd_bus_message_read_basic)
        Self.same(\PortalBus.skip, sd_bus_message_skip)
        // QRencodeAPI
        Self.same(\QRencodeAPI.encodeData, QRcode_encodeData)
        Self.same(\QRencodeAPI.free, QRcode_free)
        // LibPNGAPI
        Self.same(\LibPNGAPI.beginReadFromMemory, png_image_begin_read_from_memory)
        Self.same(\LibPNGAPI.finishRead, png_image_finish_read)
        Self.same(\LibPNGAPI.free, png_image_free)
        // PixbufSaverAPI
        Self.same(\PixbufSaverAPI.newFromData, gdk_pixbuf_new_from_data)
        Self.same(\PixbufSaverAPI.saveToBufferv, gdk_pixbuf_save_to_bufferv)
        Self.same(\PixbufSaverAPI.objectUnref, g_object_unref)
        Self.same(\PixbufSaverAPI.gFree, g_free)
        Self.same(\PixbufSaverAPI.errorFree, g_error_free)
        // XcbAPI.Xinerama
        Self.same(\XcbAPI.Xinerama.queryScreens, xcb_xinerama_query_screens)
        Self.same(\XcbAPI.Xinerama.queryScreensReply, xcb_xinerama_query_screens_reply)
        Self.same(\XcbAPI.Xinerama.screenInfo, xcb_xinerama_query_screens_screen_info)
        Self.same(\XcbAPI.Xinerama.screenInfoLength, xcb_xinerama_query_screens_screen_info_length)
        // XcbAPI
        Self.same(\XcbAPI.connect, xcb_connect)
        Self.same(\XcbAPI.hasError, xcb_connection_has_error)
        Self.same(\XcbAPI.disconnect, xcb_disconnect)
        Self.same(\XcbAPI.getSetup, xcb_get_setup)
        Self.same(\XcbAPI.rootsIterator, xcb_setup_roots_iterator)
        Self.same(\XcbAPI.screenNext, xcb_screen_next)
        Self.same(\XcbAPI.pixmapFormats, xcb_setup_pixmap_formats)
        Self.same(\XcbAPI.pixmapFormatsLength, xcb_setup_pixmap_formats_length)
        Self.same(\XcbAPI.getImage, xcb_get_image)
        Self.same(\XcbAPI.getImageReply, xcb_get_image_reply)
        Self.same(\XcbAPI.imageData, xcb_get_image_data)
        Self.same(\XcbAPI.imageDataLength, xcb_get_image_data_length)
        // ZbarAPI
        Self.same(\ZbarAPI.scannerCreate, zbar_image_scanner_create)
        Self.same(\ZbarAPI.scannerDestroy, zbar_image_scanner_destroy)
        Self.same(\ZbarAPI.scannerSetConfig, zbar_image_scanner_set_config)
        Self.same(\ZbarAPI.imageCreate, zbar_image_create)
        Self.same(\ZbarAPI.imageDestroy, zbar_image_destroy)
        Self.same(\ZbarAPI.imageSetFormat, zbar_image_set_format)
        Self.same(\ZbarAPI.imageSetSize, zbar_image_set_size)
        Self.same(\ZbarAPI.imageSetData, zbar_image_set_data)
        Self.same(\ZbarAPI.scanImage, zbar_scan_image)
        Self.same(\ZbarAPI.imageFirstSymbol, zbar_image_first_symbol)
        Self.same(\ZbarAPI.symbolNext, zbar_symbol_next)
        Self.same(\ZbarAPI.symbolType, zbar_symbol_get_type)
        Self.same(\ZbarAPI.symbolData, zbar_symbol_get_data)
        Self.same(\ZbarAPI.symbolDataLength, zbar_symbol_get_data_length)
        Self.same(\ZbarAPI.symbolLocationSize, zbar_symbol_get_loc_size)
        Self.same(\ZbarAPI.symbolLocationX, zbar_symbol_get_loc_x)
        Self.same(\ZbarAPI.symbolLocationY, zbar_symbol_get_loc_y)
        // Argon2
        Self.same(\Argon2.hashRaw, argon2id_hash_raw)
        // LibXML2API
        Self.same(\LibXML2API.readMemory, xmlReadMemory)
        Self.same(\LibXML2API.freeDoc, xmlFreeDoc)
        Self.same(\LibXML2API.rootElement, xmlDocGetRootElement)
        Self.same(\LibXML2API.getProp, xmlGetProp)
        Self.same(\LibXML2API.nodeGetContent, xmlNodeGetContent)
        Self.same(\LibXML2API.lastError, xmlGetLastError)
        // LibArchiveAPI
        Self.same(\LibArchiveAPI.readNew, archive_read_new)
        Self.same(\LibArchiveAPI.supportFormatZip, archive_read_support_format_zip_seekable)
        Self.same(\LibArchiveAPI.openMemory, archive_read_open_memory)
        Self.same(\LibArchiveAPI.nextHeader, archive_read_next_header)
        Self.same(\LibArchiveAPI.pathname, archive_entry_pathname)
        Self.same(\LibArchiveAPI.size, archive_entry_size)
        Self.same(\LibArchiveAPI.sizeIsSet, archive_entry_size_is_set)
        Self.same(\LibArchiveAPI.readData, archive_read_data)
        Self.same(\LibArchiveAPI.readFree, archive_read_free)
        Self.same(\LibArchiveAPI.errorString, archive_error_string)
        // SDBus
        Self.same(\SDBus.openUser, sd_bus_open_user)
        Self.same(\SDBus.closeUnref, sd_bus_close_unref)
        Self.same(\SDBus.newMethodCall, sd_bus_message_new_method_call)
        Self.same(\SDBus.callAsync, sd_bus_call_async)
        Self.same(\SDBus.process, sd_bus_process)
        Self.same(\SDBus.wait, sd_bus_wait)
        Self.same(\SDBus.matchSignalAsync, sd_bus_match_signal_async)
        Self.same(\SDBus.slotUnref, sd_bus_slot_unref)
        Self.same(\SDBus.messageRef, sd_bus_message_ref)
        Self.same(\SDBus.messageGetError, sd_bus_message_get_error)
        Self.same(\SDBus.messageGetSender, sd_bus_message_get_sender)
        Self.same(\SDBus.messageUnref, sd_bus_message_unref)
        Self.same(\SDBus.messageSensitive, sd_bus_message_sensitive)
        Self.same(\SDBus.openContainer, sd_bus_message_open_container)
        Self.same(\SDBus.closeContainer, sd_bus_message_close_container)
        Self.same(\SDBus.appendBasic, sd_bus_message_append_basic)
        Self.same(\SDBus.appendArray, sd_bus_message_append_array)
        Self.same(\SDBus.enterContainer, sd_bus_message_enter_container)
        Self.same(\SDBus.exitContainer, sd_bus_message_exit_container)
        Self.same(\SDBus.readBasic, sd_bus_message_read_basic)
        Self.same(\SDBus.readArray, sd_bus_message_read_array)
        Self.same(\SDBus.skip, sd_bus_message_skip)
        // Sodium
        Self.same(\Sodium.initialise, sodium_init)
        Self.same(\Sodium.pwhash, crypto_pwhash)
        Self.same(\Sodium.pwhashArgon2id, crypto_pwhash_alg_argon2id13)
        Self.same(\Sodium.pwhashSaltBytes, crypto_pwhash_saltbytes)
        Self.same(\Sodium.stateBytes, crypto_secretstream_xchacha20poly1305_statebytes)
        Self.same(\Sodium.initPull, crypto_secretstream_xchacha20poly1305_init_pull)
        Self.same(\Sodium.pull, crypto_secretstream_xchacha20poly1305_pull)
        Self.same(\Sodium.hchacha20, crypto_core_hchacha20)
        Self.same(\Sodium.chacha20IETFXorIC, crypto_stream_chacha20_ietf_xor_ic)
        Self.sameVariable(LibXML2API.FreeVariable.self, &xmlFree)
    }

    /// The checks above name every lookup in Sources (`field = try library.function("symbol")` in a
    /// table, and the one C variable), each once: a field added to a table without its check fails here.
    @Test func theChecksNameEveryLookup() throws {
        let root = String(#filePath.dropLast("/Tests/SignatureTests/SignatureTests.swift".count))
        var lookedUp: [String] = []
        var calls = 0
        for path in Self.swiftFiles(under: root + "/Sources") {
            let text = try #require(Self.contents(of: path))
            calls += text.ranges(of: "library.function(\"").count
            lookedUp += Self.lookups(in: text)
        }
        #expect(lookedUp.count == calls, "a library.function(\"...\") call not of the form `name = try library.function(\"symbol\")`")
        let checked = Self.checks(in: try #require(Self.contents(of: #filePath)))
        #expect(Set(lookedUp).subtracting(checked).sorted() == [], "looked up in Sources, not checked here")
        #expect(Set(checked).subtracting(lookedUp).sorted() == [], "checked here, not looked up in Sources")
        #expect(checked.count == lookedUp.count && Set(lookedUp).count == lookedUp.count, "each lookup checked once")
        #expect(calls >= 117, "Sources looked up 117 functions and variables when this was written")
    }

    /// `Table.field symbol` for each `field = try library.function("symbol")` (`Table.Alias symbol` for a
    /// local declared `name: Alias`); Table is the struct whose braces hold the line (`Outer.Inner`).
    static func lookups(in text: String) -> [String] {
        var found: [String] = []
        var tables: [(name: String, depth: Int)] = []
        var depth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.drop(while: { $0 == " " })
            if !code.hasPrefix("//"), let at = code.firstRange(of: "struct ") {
                tables.append((String(code[at.upperBound...].prefix(while: { $0.isLetter || $0.isNumber })), depth))
            }
            if let call = line.firstRange(of: " = try library.function(\"") {
                let name = line[..<call.lowerBound].split(separator: " ").last ?? ""
                let symbol = line[call.upperBound...].prefix(while: { $0 != "\"" })
                found.append(tables.map(\.name).joined(separator: ".") + ".\(name) \(symbol)")
            }
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            while let last = tables.last, depth <= last.depth, line.contains("}") { tables.removeLast() }
        }
        return found
    }

    /// `Table.field symbol` for each `same(\Table.field, symbol)` and `sameVariable(Table.Alias.self, &symbol)`.
    static func checks(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            let code = line.drop(while: { $0 == " " })
            if code.hasPrefix("Self.same(\\"), let comma = code.firstRange(of: ", ") {
                let field = code[code.index(code.startIndex, offsetBy: 11)..<comma.lowerBound]
                return "\(field) \(code[comma.upperBound...].prefix(while: { $0 != ")" }))"
            }
            if code.hasPrefix("Self.sameVariable("), let comma = code.firstRange(of: ".self, &") {
                let alias = code[code.index(code.startIndex, offsetBy: 18)..<comma.lowerBound]
                return "\(alias) \(code[comma.upperBound...].prefix(while: { $0 != ")" }))"
            }
            return nil
        }
    }

    static func contents(of path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func swiftFiles(under folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var files: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = folder + "/" + name
            if Int(entry.pointee.d_type) == Int(DT_DIR) { files += swiftFiles(under: path) }
            else if name.hasSuffix(".swift") { files.append(path) }
        }
        return files
    }
}
