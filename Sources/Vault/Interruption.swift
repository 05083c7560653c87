internal import CSignals
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP held off around writes that must end all or nothing (adding several
/// accounts): a signal that comes meanwhile is recorded instead of ending the process, the writer sees it
/// (`caught`) between two writes and takes back what it stored, and the caller exits with 128 + signal
/// once it has said what happened. Outside `deferring` the signals keep their usual actions. The handler
/// is C (Sources/CSignals, shared with `watch`): it only records the signal in a `volatile sig_atomic_t`.
public enum Interruption {
    /// The first SIGINT, SIGTERM or SIGHUP that came during `deferring`, if any.
    public static var caught: Int32? {
        let signal = authv_caught_signal()
        return signal == 0 ? nil : signal
    }

    /// Runs `body` with the signals recorded rather than acted on; calls may nest. Should the handler not
    /// be installed (sigaction refuses only invalid arguments), `body` runs with the usual actions.
    public static func deferring<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let deferred = authv_defer_signals() == 0
        defer { if deferred { authv_restore_signals() } }
        return try body()
    }

    /// `SIGTERM` for 15: the name people know.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }
}
