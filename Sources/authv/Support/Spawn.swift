import ChildProcess

/// Runs other programs (clipboard tools, clock tools, pdftotext): ChildProcess, as the commands use it.
enum Spawn {
    struct Result {
        var status: Int32
        var output: [UInt8]
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// The full path of `program` on PATH, or nil.
    static func find(_ program: String) -> String? { ChildProcess.find(program) }

    /// Runs `arguments` (searched on PATH), feeding `input` on standard input. Its standard output is
    /// captured when `capture`, else discarded (a tool that stays in the background, like xclip, must not
    /// hold our pipe open); standard error is discarded. Returns nil when the program cannot start.
    /// Reading stops once more than `limit` bytes have come (the output then holds limit + 1 or more).
    static func run(_ arguments: [String], input: [UInt8] = [], capture: Bool = false, detach: Bool = false,
                    limit: Int = Int.max) -> Result? {
        guard let program = arguments.first,
              let finished = ChildProcess.run(program, Array(arguments.dropFirst()), input: input,
                                              stdout: capture ? .capture : .discard, detach: detach, limit: limit) else { return nil }
        return Result(status: finished.status, output: finished.stdout)
    }
}
