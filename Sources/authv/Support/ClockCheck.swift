import CLinux
import NetworkTime
#if canImport(Glibc)
import Glibc
#endif

/// Whether the system clock is synchronised: codes are computed from it, and a clock a minute off gives
/// codes the site refuses.
enum ClockCheck {
    enum Status: Equatable {
        case synchronised(String)
        case unsynchronised(String)
        case unknown(String)
    }

    /// Asks, in order, whichever of timedatectl, chronyc and ntpstat is present (for `doctor`), else the kernel.
    static func thorough() -> Status {
        service() ?? kernel()
    }

    /// What `AUTHV_CLOCK_STATUS`, timedatectl, chronyc or ntpstat says; nil when none of them tells.
    static func service() -> Status? {
        if let forced = forcedStatus() { return forced }
        if Spawn.find("timedatectl") != nil,
           let result = Spawn.run(["timedatectl", "show", "--property=NTPSynchronized", "--value"], capture: true),
           result.status == 0 {
            let value = result.text.trimmingNewline()
            if value == "yes" { return .synchronised("timedatectl: NTPSynchronized=yes") }
            if value == "no" { return .unsynchronised("timedatectl: NTPSynchronized=no") }
        }
        if Spawn.find("chronyc") != nil, let result = Spawn.run(["chronyc", "-n", "tracking"], capture: true), result.status == 0 {
            if result.text.contains("Leap status     : Normal") { return .synchronised("chronyc: leap status normal") }
            return .unsynchronised("chronyc: not synchronised")
        }
        if Spawn.find("ntpstat") != nil, let result = Spawn.run(["ntpstat"], capture: true) {
            if result.status == 0 { return .synchronised("ntpstat: synchronised") }
            if result.status == 1 { return .unsynchronised("ntpstat: not synchronised") }
        }
        return nil
    }

    /// The kernel's own flag (what timedatectl reports), with no process started: cheap enough for
    /// every `list` and `code`.
    static func kernel() -> Status {
        if let forced = forcedStatus() { return forced }
        var tx = timex()
        let state = adjtimex(&tx)
        if state < 0 { return .unknown("adjtimex failed") }
        if state == TIME_ERROR { return .unsynchronised("the kernel marks the clock unsynchronised") }
        return .synchronised("the kernel marks the clock synchronised (estimated error \(tx.esterror) µs)")
    }

    /// `AUTHV_CLOCK_STATUS=synchronised|unsynchronised` overrides what is read: for tests, and for
    /// machines whose time is kept by something the kernel does not know of.
    static func forcedStatus() -> Status? {
        guard let value = getenv("AUTHV_CLOCK_STATUS").map({ String(cString: $0) }) else { return nil }
        switch value {
        case "synchronised": return .synchronised("AUTHV_CLOCK_STATUS")
        case "unsynchronised": return .unsynchronised("AUTHV_CLOCK_STATUS")
        default: return nil
        }
    }

    /// Whether a time-synchronisation service is set up here; without one, the kernel's flag says only
    /// that nothing ever synchronised the clock, not that it is wrong.
    static var serviceConfigured: Bool {
        let places: [String] = ["/run/systemd/timesync", "/run/chrony", "/var/lib/chrony", "/var/lib/ntp", "/var/lib/ntpsec"]
        return places.contains {
            access($0, F_OK) == 0
        }
    }

    /// One line on standard error when the clock is known to be unsynchronised (`list` and `code`).
    static func warnIfUnsynchronised() {
        let status = kernel()
        guard case let .unsynchronised(why) = status, forcedStatus() != nil || serviceConfigured else { return }
        Console.note("warning: the system clock is not synchronised (\(why)); codes may be refused. See `authv doctor`.")
    }
}

/// `doctor`'s measurement of how far the clock is off, against a time server (SNTP).
enum ClockOffsetCheck {
    /// Beyond this many seconds (half a 30-second window) codes start failing.
    static let limit = 15.0

    /// The servers to ask: `AUTHV_NTP_SERVER`, else those the time service is set up with, else pool.ntp.org.
    static func servers() -> [String] {
        if let forced = getenv("AUTHV_NTP_SERVER").map({ String(cString: $0) }) { return [forced] }
        let configured = TimeServers.configured()
        return configured.isEmpty ? [TimeServers.fallback] : configured
    }

    /// The verdict (`nil`: cannot tell) and its line.
    static func check() -> (ok: Bool?, line: String, measured: ClockOffset?) {
        let servers = servers()
        if let forced = getenv("AUTHV_NTP_SERVER").map({ String(cString: $0) }), case let .failure(invalid) = Endpoint.parse(forced) {
            return (false, "clock offset: AUTHV_NTP_SERVER \(invalid)", nil)
        }
        switch SNTP.measure(servers: servers) {
        case let .success(measured):
            let seconds = abs(measured.offset)
            let direction = measured.offset > 0 ? "slow" : measured.offset < 0 ? "fast" : "off"
            let text = "clock: \(format(seconds)) s \(direction) (SNTP, \(measured.server))"
            guard seconds > limit else { return (true, text, measured) }
            let low = Int((seconds / 30).rounded(.down)), high = Int((seconds / 30).rounded(.up))
            let windows = low == high ? "\(low) windows" : "\(low) to \(high) window\(high == 1 ? "" : "s")"
            let way = measured.offset > 0 ? "behind" : "ahead"
            return (false, text + ": codes are \(windows) of 30 s \(way), beyond the one window verifiers tolerate;"
                        + " set the clock right (sudo timedatectl set-ntp true, or start chrony or ntpd)", measured)
        case let .failure(unanswered):
            let why = unanswered.failures.map(\.description).joined(separator: "; ")
            return (nil, "clock: cannot measure the offset, no time server answered (\(why.isEmpty ? "none asked" : why)); AUTHV_NTP_SERVER=HOST[:PORT] names one", nil)
        }
    }

    /// Seconds for people: two decimals under 10 s, whole seconds from there.
    static func format(_ seconds: Double) -> String {
        if seconds >= 10 { return String(Int(seconds.rounded())) }
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
