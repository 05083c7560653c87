/// A failure the command itself detects; printed as one line, exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A command ended by SIGINT, SIGTERM or SIGHUP once it had made its writes whole; exit status 128 + signal.
struct Interrupted: Error, CustomStringConvertible {
    let signal: Int32
    let description: String
}
