import SharedLibrary
import Testing

/// libsecret and gdk-pixbuf are opened with dlopen; what a missing library or function says.
@Suite("Libraries opened at first use")
struct SharedLibraryTests {
    @Test func opensAnInstalledLibraryAndFindsItsFunctions() throws {
        let library = try SharedLibrary("libsecret-1.so.0")
        typealias Unref = @convention(c) (UnsafeMutableRawPointer?) -> Void
        _ = try library.function("secret_value_unref", as: Unref.self)
    }

    @Test func aMissingLibraryIsNamed() {
        let missing = #expect(throws: SharedLibrary.Missing.self) { try SharedLibrary("libauthv-absent.so.9") }
        #expect(missing?.message.hasPrefix("libauthv-absent.so.9 cannot be loaded (") == true)
    }

    @Test func aMissingFunctionIsNamed() throws {
        let library = try SharedLibrary("libsecret-1.so.0")
        typealias Nothing = @convention(c) () -> Void
        let missing = #expect(throws: SharedLibrary.Missing.self) { try library.function("secret_authv_absent", as: Nothing.self) }
        #expect(missing?.message == "libsecret-1.so.0 lacks secret_authv_absent")
    }
}
