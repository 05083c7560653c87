import CLinux
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

    /// Asks, in order, whichever of timedatectl, chronyc and ntpstat is present (for `doctor`).
    static func thorough() -> Status {
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
        return kernel()
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
