#if canImport(Glibc)
import Glibc
#endif

/// A time server as written: `host`, `host:port`, `[v6-address]:port` or a bare IPv6 address.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// Host names are at most 253 characters (RFC 1035); anything longer is not a name.
    public static let maximumHostLength = 253

    public var host: String
    public var port: UInt16

    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let text: String
        public var description: String { "'\(text)' is not HOST[:PORT] (a host name or address, a port from 1 to 65535)" }
    }

    public static func parse(_ text: String) -> Result<Endpoint, Invalid> {
        var host = Substring(text), port = SNTP.defaultPort
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(Invalid(text: text)) }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()), value > 0 else { return .failure(Invalid(text: text)) }
                port = value
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            guard let value = UInt16(text[text.index(after: colon)...]), value > 0 else { return .failure(Invalid(text: text)) }
            host = text[..<colon]
            port = value
        }
        let allowed = host.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2E || c == 0x3A || c == 0x5F || c == 0x25
        }
        guard !host.isEmpty, host.utf8.count <= maximumHostLength, allowed else { return .failure(Invalid(text: text)) }
        return .success(Endpoint(host: String(host), port: port))
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A socket address as getaddrinfo gave it.
struct Address: Sendable {
    var family: Int32
    var bytes: [UInt8]
}

/// Why a name gave no address.
struct ResolveError: Error, CustomStringConvertible {
    var description: String
}

/// getaddrinfo with a deadline. getaddrinfo itself cannot be interrupted (a resolver that never answers
/// holds it for resolv.conf's timeouts, often 10 s and more), so it runs on a thread of its own; when the
/// deadline passes first the thread is left to finish on its own and its answer is dropped.
enum Resolver {
    /// The most addresses kept for one name.
    static let maximumAddresses = 4

    static func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// What the lookup thread and the waiting caller share; each holds a reference. `@unchecked Sendable`:
    /// `host` and `port` are constants, and `done` and `result` are read and written only with `mutex` held.
    final class Lookup: @unchecked Sendable {
        let host: String
        let port: String
        var mutex = pthread_mutex_t()
        var condition = pthread_cond_t()
        var done = false
        var result: Result<[Address], ResolveError> = .failure(ResolveError(description: "not looked up"))

        init(host: String, port: UInt16) {
            self.host = host
            self.port = String(port)
            pthread_mutex_init(&mutex, nil)
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            pthread_cond_init(&condition, &attributes)
            pthread_condattr_destroy(&attributes)
        }

        deinit {
            pthread_cond_destroy(&condition)
            pthread_mutex_destroy(&mutex)
        }

        func run() {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
            hints.ai_flags = AI_ADDRCONFIG
            var list: UnsafeMutablePointer<addrinfo>? = nil
            let status = getaddrinfo(host, port, &hints, &list)
            var found: Result<[Address], ResolveError>
            if status != 0 {
                found = .failure(ResolveError(description: String(cString: gai_strerror(status))))
            } else {
                var addresses: [Address] = []
                var entry = list
                while let current = entry, addresses.count < Resolver.maximumAddresses {
                    if let address = current.pointee.ai_addr, current.pointee.ai_addrlen > 0 {
                        let bytes = [UInt8](UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen)))
                        addresses.append(Address(family: current.pointee.ai_family, bytes: bytes))
                    }
                    entry = current.pointee.ai_next
                }
                freeaddrinfo(list)
                found = addresses.isEmpty ? .failure(ResolveError(description: "no address")) : .success(addresses)
            }
            pthread_mutex_lock(&mutex)
            result = found
            done = true
            pthread_cond_signal(&condition)
            pthread_mutex_unlock(&mutex)
        }
    }

    static func resolve(_ endpoint: Endpoint, until deadline: Double) -> Result<[Address], ResolveError> {
        let lookup = Lookup(host: endpoint.host, port: endpoint.port)
        let context = Unmanaged.passRetained(lookup).toOpaque()  // the thread's reference
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let lookup = Unmanaged<Lookup>.fromOpaque(raw!).takeRetainedValue()
            lookup.run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Lookup>.fromOpaque(context).release()
            return .failure(ResolveError(description: "cannot start the name lookup"))
        }
        pthread_detach(thread)
        let whole = max(0, deadline)
        var until = timespec(tv_sec: Int(whole), tv_nsec: Int((whole - Double(Int(whole))) * 1e9))
        pthread_mutex_lock(&lookup.mutex)
        defer { pthread_mutex_unlock(&lookup.mutex) }
        while !lookup.done {
            if pthread_cond_timedwait(&lookup.condition, &lookup.mutex, &until) == ETIMEDOUT, !lookup.done {
                return .failure(ResolveError(description: "the name did not resolve in time"))
            }
        }
        return lookup.result
    }
}
