#if canImport(Glibc)
import Glibc
#endif

/// A C library that authv opens with dlopen when a command first needs it, instead of having the dynamic
/// loader map it (and everything it pulls in) at every start. libsystemd's sd-bus, gdk-pixbuf, zbar and
/// the importers' libraries are opened this way: `code` and `list` talk to the keyring with sd-bus alone,
/// and `add --dry-run` of an image needs gdk-pixbuf and zbar alone. Lazy binding, as the
/// dynamic loader does for linked libraries: the functions authv calls are looked up here by name.
/// `@unchecked Sendable`: the one stored pointer is a dlopen handle, never written after `init`, and
/// dlsym may be called with it from any thread (glibc's dynamic loader locks its own tables).
public struct SharedLibrary: @unchecked Sendable {
    /// Why a library or one of its functions could not be had.
    public struct Missing: Error, Equatable, Sendable {
        public let message: String

        @usableFromInline init(message: String) {
            self.message = message
        }
    }

    public let name: String
    @usableFromInline let handle: UnsafeMutableRawPointer

    /// Opens the library with the soname `name` (for example `libsystemd.so.0`).
    public init(_ name: String) throws(Missing) {
        guard let handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL) else {
            throw Missing(message: "\(name) cannot be loaded (\(dlerror().map { String(cString: $0) } ?? "not found"))")
        }
        self.name = name
        self.handle = handle
    }

    /// The library's function `symbol`, typed as the C function type `T`; the caller states the type
    /// from the library's header, which it imports for its types and constants. Inlinable, so that each
    /// caller gets it for its own `T`: the unspecialized function would have the Swift runtime build every C
    /// function type's metadata from its mangled name at start-up (a fifth of sd-bus's first use).
    @inlinable
    public func function<T>(_ symbol: String, as _: T.Type = T.self) throws(Missing) -> T {
        guard let address = dlsym(handle, symbol) else { throw Missing(message: "\(name) lacks \(symbol)") }
        return unsafeBitCast(address, to: T.self)
    }
}
