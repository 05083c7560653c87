import Foundation
import Testing
@testable import NetworkTime

@Suite("SNTP replies and time-server configuration")
struct SNTPTests {
    static let nonce: UInt64 = 0x0123_4567_89AB_CDEF

    /// A server's reply as RFC 5905 lays it out, with fields to spoil.
    static func reply(leap: UInt8 = 0, version: UInt8 = 4, mode: UInt8 = 4, stratum: UInt8 = 2, refid: [UInt8] = [0, 0, 0, 0],
                      origin: UInt64 = nonce, receive: UInt64 = 0xE000_0000_8000_0000, transmit: UInt64 = 0xE000_0000_8000_0001) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 48)
        bytes[0] = leap << 6 | version << 3 | mode
        bytes[1] = stratum
        bytes.replaceSubrange(12..<16, with: refid)
        for (offset, value) in [(24, origin), (32, receive), (40, transmit)] {
            for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (56 - 8 * i)) }
        }
        return bytes
    }

    @Test func requestIsClientModeVersion4WithTheNonce() {
        let request = SNTP.request(nonce: SNTPTests.nonce)
        #expect(request.count == 48)
        #expect(request[0] == 0x23)  // LI 0, VN 4, mode 3
        #expect(request[1..<40].allSatisfy { $0 == 0 })
        #expect(Array(request[40..<48]) == [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
    }

    @Test func aValidReplyIsRead() throws {
        let reply = try SNTP.parse(SNTPTests.reply(), nonce: SNTPTests.nonce)
        #expect(reply.stratum == 2 && reply.receive == 0xE000_0000_8000_0000 && reply.transmit == 0xE000_0000_8000_0001)
        // Version 3 servers are still common.
        #expect(throws: Never.self) { try SNTP.parse(SNTPTests.reply(version: 3), nonce: SNTPTests.nonce) }
        // A MAC or extension fields after the header are allowed, within the bound.
        #expect(throws: Never.self) { try SNTP.parse(SNTPTests.reply() + [UInt8](repeating: 0, count: 20), nonce: SNTPTests.nonce) }
    }

    @Test(arguments: [
        (SNTPTests.reply().prefix(47).map { $0 }, SNTPReplyError.truncated(47)),
        ([], .truncated(0)),
        (SNTPTests.reply() + [UInt8](repeating: 0, count: 1000), .tooLong(1048)),
        (SNTPTests.reply(mode: 3), .wrongMode(3)),
        (SNTPTests.reply(mode: 5), .wrongMode(5)),
        (SNTPTests.reply(version: 0), .wrongVersion(0)),
        (SNTPTests.reply(version: 7), .wrongVersion(7)),
        (SNTPTests.reply(stratum: 0, refid: Array("RATE".utf8)), .kissOfDeath("RATE")),
        (SNTPTests.reply(stratum: 0, refid: [0x44, 0x1B, 0x4E, 0x59]), .kissOfDeath("D\\x1bNY")),
        (SNTPTests.reply(leap: 3), .unsynchronised),
        (SNTPTests.reply(stratum: 16), .unsynchronised),
        (SNTPTests.reply(origin: 42), .originMismatch),
        (SNTPTests.reply(transmit: 0), .noTime),
    ])
    func badRepliesAreRefused(bytes: [UInt8], error: SNTPReplyError) {
        #expect(throws: error) { try SNTP.parse(bytes, nonce: SNTPTests.nonce) }
    }

    @Test func offsetAndDelayFollowRFC5905() throws {
        // Sent at T1 = 100 s, received by the server at 142.1 s, answered at 142.2 s, back at T4 = 100.3 s:
        // offset ((142.1 - 100) + (142.2 - 100.3)) / 2 = 42 s, round trip (100.3 - 100) - (142.2 - 142.1) = 0.2 s.
        func ntp(_ seconds: Double) -> UInt64 { UInt64(seconds * 4_294_967_296) }
        let reply = SNTP.Reply(stratum: 1, receive: ntp(142.1), transmit: ntp(142.2))
        let (offset, delay) = SNTP.offset(sent: ntp(100), reply: reply, received: ntp(100.3))
        #expect(abs(offset - 42) < 1e-6)
        #expect(abs(delay - 0.2) < 1e-6)
        // A fast clock gives a negative offset.
        let behind = SNTP.offset(sent: ntp(100), reply: SNTP.Reply(stratum: 1, receive: ntp(99.6), transmit: ntp(99.6)), received: ntp(100))
        #expect(abs(behind.offset + 0.4) < 1e-6)
        // Across NTP's era rollover (2036-02-07): the server just past it, the client just before.
        let late = SNTP.Reply(stratum: 1, receive: ntp(1), transmit: ntp(1))
        let rolled = SNTP.offset(sent: UInt64.max - ntp(1) + 1, reply: late, received: UInt64.max - ntp(1) + 1)
        #expect(abs(rolled.offset - 2) < 1e-6)
    }

    @Test func nowIsTodayInNTPTime() {
        let ntpSeconds = SNTP.now() >> 32
        let unix = UInt64(Date().timeIntervalSince1970) + SNTP.unixEpoch
        #expect(Int64(ntpSeconds) - Int64(UInt32(truncatingIfNeeded: unix)) <= 1)
    }

    @Test(arguments: [
        ("pool.ntp.org", "pool.ntp.org", UInt16(123)),
        ("127.0.0.1:4123", "127.0.0.1", 4123),
        ("[::1]:5000", "::1", 5000),
        ("::1", "::1", 123),
        ("time_server.local", "time_server.local", 123),
    ])
    func endpoints(text: String, host: String, port: UInt16) throws {
        let endpoint = try Endpoint.parse(text).get()
        #expect(endpoint.host == host && endpoint.port == port)
    }

    @Test(arguments: ["", ":123", "host:", "host:0", "host:65536", "host:12x", "[::1", "[::1]x", "bad host", "a\u{1B}b",
                      String(repeating: "a", count: 254)])
    func badEndpointsAreRefused(text: String) {
        #expect(throws: Endpoint.Invalid.self) { try Endpoint.parse(text).get() }
    }

    /// A configuration tree under a temporary root.
    func tree(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "authv-ntp-\(UUID().uuidString)"
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func serversFromTimesyncdChronyAndNtpd() throws {
        let root = try tree([
            "/etc/systemd/timesyncd.conf": "[Time]\n#NTP=commented.example\nNTP=a.example b.example\nFallbackNTP=f.example\n",
            "/etc/systemd/timesyncd.conf.d/10-more.conf": "[Time]\nNTP=c.example\n[Other]\nNTP=not-time.example\n",
            "/etc/systemd/timesyncd.conf.d/20-reset.conf": "[Time]\nFallbackNTP=\nFallbackNTP=g.example\n",
            "/etc/systemd/timesyncd.conf.d/ignored.txt": "[Time]\nNTP=ignored.example\n",
            "/etc/chrony/chrony.conf": "! comment\npool 2.debian.pool.ntp.org iburst\nconfdir /etc/chrony/conf.d\nsourcedir /etc/chrony/sources.d\n",
            "/etc/chrony/conf.d/x.conf": "server chrony-conf.example iburst\n",
            "/etc/chrony/sources.d/y.sources": "server chrony-source.example\n",
            "/etc/ntp.conf": "server 127.127.1.0\nserver -4 ntp.example iburst # a comment\npool a.example\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(TimeServers.configured(root: root) == [
            "a.example", "b.example", "c.example", "g.example", "2.debian.pool.ntp.org", "chrony-conf.example",
            "chrony-source.example", "ntp.example",
        ])
    }

    @Test func noConfigurationNamesNoServer() throws {
        let root = try tree(["/etc/systemd/timesyncd.conf": "[Time]\n#NTP=\n#FallbackNTP=0.debian.pool.ntp.org\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(TimeServers.configured(root: root).isEmpty)
        #expect(TimeServers.configured(root: root + "/missing").isEmpty)
    }

    @Test func theNumberOfServersIsBounded() throws {
        let names = (0..<100).map { "server s\($0).example" }.joined(separator: "\n")
        let root = try tree(["/etc/ntp.conf": names])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(TimeServers.configured(root: root).count == TimeServers.maximumServers)
    }
}
