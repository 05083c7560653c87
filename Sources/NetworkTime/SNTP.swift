import OTP
#if canImport(Glibc)
import Glibc
#endif

/// Why a time server's reply was not used. None of these is a crash: a reply is bytes from the network.
public enum SNTPReplyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than an NTP header (48).
    case truncated(Int)
    /// More bytes than any reply to a plain SNTP request carries (extension fields, a MAC).
    case tooLong(Int)
    /// Not a server's answer (mode 4) to a client's request.
    case wrongMode(Int)
    /// An NTP version other than 1 to 4.
    case wrongVersion(Int)
    /// Stratum 0: the server refuses to serve (its four-letter kiss code, escaped).
    case kissOfDeath(String)
    /// The server itself is not synchronised (leap indicator 3, or stratum 16 and over).
    case unsynchronised
    /// The originate timestamp is not what this request sent: not an answer to it.
    case originMismatch
    /// A transmit timestamp of zero: no time in it.
    case noTime

    public var description: String {
        switch self {
        case let .truncated(n): return "truncated (\(n) bytes; an NTP reply has at least \(SNTP.headerLength))"
        case let .tooLong(n): return "too long (\(n) bytes; at most \(SNTP.maximumReplyLength) expected)"
        case let .wrongMode(mode): return "not a server's reply (mode \(mode), expected 4)"
        case let .wrongVersion(version): return "unknown NTP version \(version)"
        case let .kissOfDeath(code): return "the server refuses to answer (kiss-of-death \(code))"
        case .unsynchronised: return "the server says it is not synchronised itself"
        case .originMismatch: return "not an answer to this request (originate timestamp differs)"
        case .noTime: return "no transmit time in it"
        }
    }
}

/// Why no offset could be measured against one server.
public enum SNTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server's name did not resolve (or not in time).
    case unresolved(server: String, reason: String)
    /// No reply within the time allowed.
    case noAnswer(server: String)
    /// A reply came and was refused.
    case refused(server: String, SNTPReplyError)
    /// The socket could not be made or used.
    case network(server: String, reason: String)

    public var server: String {
        switch self {
        case let .unresolved(server, _), let .noAnswer(server), let .refused(server, _), let .network(server, _): return server
        }
    }

    public var description: String {
        switch self {
        case let .unresolved(server, reason): return "\(server): \(reason)"
        case let .noAnswer(server): return "\(server): no answer"
        case let .refused(server, why): return "\(server): reply refused, \(why)"
        case let .network(server, reason): return "\(server): \(reason)"
        }
    }
}

/// What one server said: how far the local clock is from its time.
public struct ClockOffset: Sendable, Equatable {
    /// `host:port` as asked.
    public var server: String
    /// Seconds to add to the local clock to get the server's time: positive when the local clock is slow.
    public var offset: Double
    /// The round trip, in seconds.
    public var delay: Double
    public var stratum: Int
}

/// A Simple Network Time Protocol client (RFC 4330, the client mode of RFC 5905): one 48-byte request
/// over UDP, one reply, checked field by field.
public enum SNTP {
    public static let headerLength = 48
    /// The most a reply may hold: the header, a few extension fields and a MAC. Anything longer is refused.
    public static let maximumReplyLength = 1024
    public static let defaultPort: UInt16 = 123
    /// Seconds from 1900-01-01 (NTP's era 0) to 1970-01-01.
    static let unixEpoch: UInt64 = 2_208_988_800

    /// A client request: version 4, mode 3, every field zero but the transmit timestamp, which carries
    /// `nonce` (a random value rather than the local time, which a request need not reveal; the server
    /// copies it into its reply's originate timestamp).
    public static func request(nonce: UInt64) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: headerLength)
        packet[0] = 0 << 6 | 4 << 3 | 3
        for i in 0..<8 { packet[40 + i] = UInt8(truncatingIfNeeded: nonce >> (56 - 8 * i)) }
        return packet
    }

    /// The fields of a reply that the offset needs.
    public struct Reply: Sendable, Equatable {
        public var stratum: Int
        /// When the request arrived and the reply left the server (NTP 32.32 fixed point).
        public var receive: UInt64
        public var transmit: UInt64
    }

    /// Checks a reply to the request that carried `nonce`; throws what is wrong with it.
    public static func parse(_ bytes: [UInt8], nonce: UInt64) throws(SNTPReplyError) -> Reply {
        guard bytes.count >= headerLength else { throw .truncated(bytes.count) }
        guard bytes.count <= maximumReplyLength else { throw .tooLong(bytes.count) }
        let leap = Int(bytes[0] >> 6), version = Int(bytes[0] >> 3 & 7), mode = Int(bytes[0] & 7)
        guard (1...4).contains(version) else { throw .wrongVersion(version) }
        guard mode == 4 else { throw .wrongMode(mode) }
        let stratum = Int(bytes[1])
        if stratum == 0 {
            let code = bytes[12..<16].map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + Hex.encode([$0]) }.joined()
            throw .kissOfDeath(code)
        }
        guard leap != 3, stratum < 16 else { throw .unsynchronised }
        guard timestamp(bytes, at: 24) == nonce else { throw .originMismatch }
        let transmit = timestamp(bytes, at: 40)
        guard transmit != 0 else { throw .noTime }
        return Reply(stratum: stratum, receive: timestamp(bytes, at: 32), transmit: transmit)
    }

    /// The offset of the local clock from a reply: ((T2 - T1) + (T3 - T4)) / 2, with T1 and T4 the local
    /// times of sending and receiving. Differences are taken modulo 2^64, so NTP's era rollover (2036)
    /// does not matter as long as the clocks are within 68 years of each other.
    public static func offset(sent t1: UInt64, reply: Reply, received t4: UInt64) -> (offset: Double, delay: Double) {
        let a = seconds(reply.receive &- t1), b = seconds(reply.transmit &- t4)
        let delay = seconds(t4 &- t1) - seconds(reply.transmit &- reply.receive)
        return ((a + b) / 2, max(0, delay))
    }

    /// A 32.32 fixed-point difference as signed seconds.
    static func seconds(_ difference: UInt64) -> Double {
        Double(Int64(bitPattern: difference)) / 4_294_967_296
    }

    /// The local clock now, as an NTP timestamp.
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let secs = UInt64(UInt32(truncatingIfNeeded: UInt64(max(0, spec.tv_sec)) &+ unixEpoch))
        let fraction = UInt64(spec.tv_nsec) << 32 / 1_000_000_000
        return secs << 32 | fraction
    }

    static func timestamp(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Asks `server` (`host`, `host:port`, `[v6]:port`) for the time, waiting until `deadline` (a
    /// CLOCK_MONOTONIC time in seconds) at most, the name lookup included.
    public static func measure(_ server: String, until deadline: Double) throws(SNTPError) -> ClockOffset {
        let endpoint: Endpoint
        switch Endpoint.parse(server) {
        case let .success(parsed): endpoint = parsed
        case let .failure(error): throw .unresolved(server: server, reason: error.description)
        }
        let name = endpoint.description
        let addresses: [Address]
        switch Resolver.resolve(endpoint, until: deadline) {
        case let .success(found): addresses = found
        case let .failure(error): throw .unresolved(server: name, reason: error.description)
        }
        var last = SNTPError.noAnswer(server: name)
        for address in addresses.prefix(2) {
            do {
                return try ask(address, name: name, until: deadline)
            } catch {
                last = error
                if case .refused = error { break }  // the server answered: another address of it would too
            }
        }
        throw last
    }

    private static func ask(_ address: Address, name: String, until deadline: Double) throws(SNTPError) -> ClockOffset {
        let fd = socket(Int32(address.family), Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .network(server: name, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        // A connected UDP socket receives datagrams from that address alone.
        let connected = address.bytes.withUnsafeBytes {
            connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.bytes.count))
        }
        guard connected == 0 else { throw .network(server: name, reason: String(cString: strerror(errno))) }
        let nonce = UInt64.random(in: 1...UInt64.max)  // the system's random source
        let request = SNTP.request(nonce: nonce)
        let t1 = now()
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw .network(server: name, reason: String(cString: strerror(errno))) }
        var buffer = [UInt8](repeating: 0, count: maximumReplyLength + 1)
        while true {
            let left = deadline - Resolver.monotonic()
            guard left > 0 else { throw .noAnswer(server: name) }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(max(1, left * 1000)))
            if ready < 0 { if errno == EINTR { continue }; throw .network(server: name, reason: String(cString: strerror(errno))) }
            if ready == 0 { throw .noAnswer(server: name) }
            // MSG_TRUNC: the datagram's whole length, even when it does not fit the buffer.
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_TRUNC)) }
            let t4 = now()
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                // ICMP port unreachable comes back as ECONNREFUSED on a connected socket.
                throw errno == ECONNREFUSED ? .noAnswer(server: name) : .network(server: name, reason: String(cString: strerror(errno)))
            }
            guard n <= maximumReplyLength else { throw .refused(server: name, .tooLong(n)) }
            let reply: Reply
            do throws(SNTPReplyError) { reply = try parse(Array(buffer[0..<n]), nonce: nonce) } catch { throw .refused(server: name, error) }
            let (offset, delay) = SNTP.offset(sent: t1, reply: reply, received: t4)
            return ClockOffset(server: name, offset: offset, delay: delay, stratum: reply.stratum)
        }
    }
}

extension SNTP {
    /// Each server is given at most this long (the name lookup included)...
    public static let perServerTimeout = 1.5
    /// ...and all of them together at most this long.
    public static let totalTimeout = 2.5
    /// At most this many servers are asked.
    public static let maximumServersAsked = 4

    /// The offset from the first of `servers` that answers with a valid reply, or what went wrong with
    /// each one asked.
    public static func measure(servers: [String]) -> Result<ClockOffset, Unanswered> {
        let start = Resolver.monotonic()
        var failures: [SNTPError] = []
        for server in servers.prefix(maximumServersAsked) {
            let now = Resolver.monotonic()
            guard now < start + totalTimeout else { break }
            do throws(SNTPError) {
                return .success(try measure(server, until: min(now + perServerTimeout, start + totalTimeout)))
            } catch {
                failures.append(error)
            }
        }
        return .failure(Unanswered(failures: failures))
    }

    /// No server gave a valid reply: what each one asked did.
    public struct Unanswered: Error, Sendable {
        public var failures: [SNTPError]
    }
}
