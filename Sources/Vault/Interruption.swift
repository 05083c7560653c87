#if canImport(Glibc)
import Glibc
#endif

/// The signal caught while `Interruption.deferring` runs (0: none). A plain global, as the handler is C.
nonisolated(unsafe) private var caughtSignal: Int32 = 0
/// How many `deferring` calls are running (they nest), and the actions they replaced.
nonisolated(unsafe) private var depth = 0
nonisolated(unsafe) private var replaced: [Int32: sigaction] = [:]

private let recordSignal: @convention(c) (Int32) -> Void = { signal in
    if caughtSignal == 0 { caughtSignal = signal }
}

/// SIGINT, SIGTERM and SIGHUP held off around writes that must end all or nothing (adding several
/// accounts): a signal that comes meanwhile is recorded instead of ending the process, the writer sees it
/// (`caught`) between two writes and takes back what it stored, and the caller exits with 128 + signal
/// once it has said what happened. Outside `deferring` the signals keep their usual actions.
public enum Interruption {
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The first of `signals` that came during `deferring`, if any.
    public static var caught: Int32? { caughtSignal == 0 ? nil : caughtSignal }

    /// Runs `body` with the signals recorded rather than acted on; calls may nest.
    public static func deferring<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        if depth == 0 {
            for signal in signals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = recordSignal
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART
                var old = sigaction()
                sigaction(signal, &action, &old)
                replaced[signal] = old
            }
        }
        depth += 1
        defer {
            depth -= 1
            if depth == 0 {
                for signal in signals {
                    guard var old = replaced.removeValue(forKey: signal) else { continue }
                    sigaction(signal, &old, nil)
                }
            }
        }
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
