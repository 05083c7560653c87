internal import CLibxml2
import SharedLibrary
#if canImport(Glibc)
import Glibc
#endif

/// One value of an Android SharedPreferences file: `<string name="N">TEXT</string>`,
/// `<int name="N" value="V" />`, `<long ...>`, `<boolean ...>`.
public struct AndroidPreference: Sendable, Equatable {
    /// The element's name: `string`, `int`, `long`, `boolean`, `float`, `set`.
    public var kind: String
    public var name: String
    /// The text of a `string` element, or the `value` attribute of the others.
    public var value: String
}

/// Android's SharedPreferences XML (`<map>` of named values), the form in which Authy, FreeOTP and the
/// Battle.net authenticator keep their data on the phone. Parsed with libxml2 (a real XML parser), which
/// is opened with dlopen at the first such file. A pure function of the bytes.
public enum AndroidPreferences {
    /// A preferences file larger than this is not one.
    public static let maxBytes = 16 << 20
    /// Values in one file.
    public static let maxValues = 100_000

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not well-formed XML (libxml2's message, when it gave one).
        case notXML(String)
        /// XML whose root is not `<map>`, or with a document type declaration (Android never writes one;
        /// refusing it keeps entity tricks out).
        case notPreferences(String)
        case tooLarge(String)
        case libraryMissing(String)

        public var description: String {
            switch self {
            case let .notXML(detail): return "not well-formed XML\(detail.isEmpty ? "" : " (\(detail))")"
            case let .notPreferences(detail): return detail
            case let .tooLarge(detail): return detail
            case let .libraryMissing(detail): return detail
            }
        }
    }

    /// The values of the file, in document order.
    public static func parse(_ bytes: [UInt8]) throws(Problem) -> [AndroidPreference] {
        guard bytes.count <= maxBytes else { throw .tooLarge("larger than \(maxBytes >> 20) MiB") }
        let api: LibXML2API
        do { api = try LibXML2API.shared.get() } catch { throw .libraryMissing(error.message) }
        // No network, no error printing of libxml2's own; entities are not substituted (NOENT unset).
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                api.readMemory(chars.baseAddress, Int32(chars.count), nil, nil, options)
            }
        }
        guard let doc = parsed else {
            var detail = ""
            if let error = api.lastError(), let message = error.pointee.message {
                // libxml2 ends its message with a newline: the first line, which says it all.
                detail = String(cString: message).split(separator: "\n").first.map { String($0).trimmingCharacters() } ?? ""
            }
            throw .notXML(detail)
        }
        defer { api.freeDoc(doc) }
        guard doc.pointee.intSubset == nil, doc.pointee.extSubset == nil else {
            throw .notPreferences("a document type declaration, which preference files never have")
        }
        guard let root = api.rootElement(doc), name(root) == "map" else {
            throw .notPreferences("the root element is not <map>")
        }
        var values: [AndroidPreference] = []
        var child = root.pointee.children
        while let node = child {
            child = node.pointee.next
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            guard values.count < maxValues else { throw .tooLarge("more than \(maxValues) values") }
            let kind = name(node)
            let key = api.property(node, "name") ?? ""
            let value = kind == "string" ? api.content(node) : (api.property(node, "value") ?? "")
            values.append(AndroidPreference(kind: kind, name: key, value: value))
        }
        return values
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }
}

/// The libxml2 functions AndroidPreferences calls, looked up once in libxml2.so.2 at the first XML
/// import (see SharedLibrary for why it is not linked). Types as the header declares them.
struct LibXML2API: Sendable {
    let readMemory: @convention(c) (UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32) -> xmlDocPtr?
    let freeDoc: @convention(c) (xmlDocPtr?) -> Void
    let rootElement: @convention(c) (UnsafePointer<xmlDoc>?) -> xmlNodePtr?
    let getProp: @convention(c) (UnsafePointer<xmlNode>?, UnsafePointer<xmlChar>?) -> UnsafeMutablePointer<xmlChar>?
    let nodeGetContent: @convention(c) (UnsafePointer<xmlNode>?) -> UnsafeMutablePointer<xmlChar>?
    let lastError: @convention(c) () -> xmlErrorPtr?
    /// libxml2's `xmlFree` is a variable holding the deallocator, not a function: looked up as the
    /// variable's address.
    typealias FreeVariable = UnsafePointer<xmlFreeFunc?>
    let free: xmlFreeFunc

    static let shared = Result { () throws(SharedLibrary.Missing) -> LibXML2API in
        try LibXML2API(SharedLibrary("libxml2.so.2"))
    }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        readMemory = try library.function("xmlReadMemory")
        freeDoc = try library.function("xmlFreeDoc")
        rootElement = try library.function("xmlDocGetRootElement")
        getProp = try library.function("xmlGetProp")
        nodeGetContent = try library.function("xmlNodeGetContent")
        lastError = try library.function("xmlGetLastError")
        let variable: FreeVariable = try library.function("xmlFree")
        // libxml2's default deallocator is the C library's free
        free = variable.pointee ?? { Glibc.free($0) }
    }

    /// An attribute's value, decoded, or nil when the element has none.
    func property(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = name.withCString({ getProp(node, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }) else { return nil }
        defer { free(value) }
        return String(cString: value)
    }

    /// The element's text, entities and character references decoded.
    func content(_ node: xmlNodePtr) -> String {
        guard let value = nodeGetContent(node) else { return "" }
        defer { free(value) }
        return String(cString: value)
    }
}
