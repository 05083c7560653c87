#if canImport(Glibc)
import Glibc
#endif

/// authv's small state file, `$XDG_STATE_HOME/authv/state` (default `~/.local/state`; 0600 in a 0700
/// folder). It holds no secret and no name: per store, how many accounts authv expects there and how
/// many it saw at its last full read; and which plain-text keyrings `add` has warned about.
///
///     # authv state: no secrets, no names
///     count 12 9 keyring
///     warned-plaintext /home/alice/.local/share/keyrings/login.keyring
///
/// A store that answers with fewer accounts than expected, without an authv `remove` having taken them,
/// lost them (a keyring reset, a reinstall, another Secret Service provider).
public struct StateFile: Sendable, Equatable {
    /// The file is read only up to this size, and keeps at most this many records of each kind.
    public static let maximumSize = 64 * 1024
    public static let maximumRecords = 256

    public struct Count: Sendable, Equatable {
        /// The accounts authv expects: what it last saw, moved by its own adds and removes.
        public var expected: Int
        /// The accounts it found at its last full read.
        public var seen: Int
    }

    public var counts: [String: Count] = [:]
    public var warnedPlaintext: [String] = []

    public init() {}

    /// The state folder, or nil without `XDG_STATE_HOME` and `HOME`.
    public static var folder: String? {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") { return state + "/authv" }
        guard let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") else { return nil }
        return home + "/.local/state/authv"
    }

    public static var path: String? { folder.map { $0 + "/state" } }

    /// The state as the file holds it; empty when there is none. Lines it does not know are skipped.
    public static func load() -> StateFile {
        guard let path, let bytes = readFilePrefix(path, upTo: maximumSize) else { return StateFile() }
        return StateFile(text: String(decoding: bytes, as: UTF8.self))
    }

    init(text: String) {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            if words.count == 4, words[0] == "count", let expected = Int(words[1]), let seen = Int(words[2]),
               expected >= 0, seen >= 0, counts.count < StateFile.maximumRecords, StateFile.isKey(words[3]) {
                counts[String(words[3])] = Count(expected: expected, seen: seen)
            } else if words.count >= 2, words[0] == "warned-plaintext", warnedPlaintext.count < StateFile.maximumRecords {
                let key = line.dropFirst("warned-plaintext ".count)
                if StateFile.isKey(key) { warnedPlaintext.append(String(key)) }
            }
        }
    }

    var text: String {
        var lines = ["# authv state: no secrets, no names"]
        lines += counts.keys.sorted().prefix(StateFile.maximumRecords).map { "count \(counts[$0]!.expected) \(counts[$0]!.seen) \($0)" }
        lines += warnedPlaintext.prefix(StateFile.maximumRecords).map { "warned-plaintext \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A store's key is one line of printable characters (a path, `keyring`).
    static func isKey(_ key: some StringProtocol) -> Bool {
        !key.isEmpty && key.utf8.count <= 4096 && key.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    /// Changes the state under a lock on its folder (re-read first, so that concurrent authv processes
    /// lose none of each other's changes) and writes it atomically when `change` altered it.
    @discardableResult
    public static func update(_ change: (inout StateFile) -> Void) throws(FileWriteError) -> StateFile {
        guard let folder, let path else { var state = StateFile(); change(&state); return state }
        try makeFolder(folder)
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { while flock(fd, LOCK_EX) != 0 && errno == EINTR {} }
        defer { if fd >= 0 { close(fd) } }
        let before = load()
        var state = before
        change(&state)
        if state != before { try AtomicFile.write(Array(state.text.utf8), to: path, replace: true) }
        return state
    }

    /// Creates the folder and its missing parents, 0700.
    static func makeFolder(_ folder: String) throws(FileWriteError) {
        var path = ""
        for part in folder.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw FileWriteError(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}

/// The first `limit` bytes of a file (all of a smaller one); nil when it cannot be read.
func readFilePrefix(_ path: String, upTo limit: Int) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: limit)
    var count = 0
    while count < bytes.count {
        let n = bytes[count...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        count += n
    }
    return Array(bytes[0..<count])
}

/// The count of accounts per store that tells a loss from authv's own removals.
public enum AccountCount {
    /// Accounts missing from a store: fewer than authv expects there, and not removed by authv.
    public struct Shortfall: Sendable, Equatable {
        public var expected: Int
        public var found: Int
        public var missing: Int { expected - found }
    }

    /// After a full read of `store` that found `count` accounts: records it and returns the shortfall, if
    /// any. A first read, or more accounts than expected (added by another program), sets the expectation.
    public static func observe(store: String, count: Int) -> Shortfall? {
        let known = StateFile.load().counts[store]
        if let known, known.seen == count, known.expected >= count {
            return known.expected > count ? Shortfall(expected: known.expected, found: count) : nil
        }
        let state = try? StateFile.update { state in
            var record = state.counts[store] ?? StateFile.Count(expected: count, seen: count)
            record.seen = count
            record.expected = max(record.expected, count)
            state.counts[store] = record
        }
        guard let record = (state ?? StateFile()).counts[store] ?? known, record.expected > count else { return nil }
        return Shortfall(expected: record.expected, found: count)
    }

    /// Whether `count` is what the state holds for `store`, seen and expected: a read that finds it
    /// changes nothing.
    public static func isRecorded(store: String, count: Int) -> Bool {
        guard let known = StateFile.load().counts[store] else { return false }
        return known.seen == count && known.expected == count
    }

    /// The shortfall found at the last full read, without reading the store (`code`'s fast path).
    public static func lastShortfall(store: String) -> Shortfall? {
        guard let record = StateFile.load().counts[store], record.expected > record.seen else { return nil }
        return Shortfall(expected: record.expected, found: record.seen)
    }

    /// After authv itself added (`change` > 0) or removed (< 0) accounts, leaving `count` in the store.
    /// A removal lowers the expectation by what it removed; an add raises it to the new count at least,
    /// not by what it added: what is added may be the missing accounts restored from a backup (the
    /// state knows no names to tell), and then the shortfall is gone.
    public static func changed(store: String, by change: Int, now count: Int) throws(FileWriteError) {
        try StateFile.update { state in
            var record = state.counts[store] ?? StateFile.Count(expected: count, seen: count)
            record.expected = change > 0 ? max(count, record.expected) : max(count, record.expected + change)
            record.seen = count
            state.counts[store] = record
        }
    }

    /// Takes `count` as what the store holds from now on (`doctor --accept-missing`).
    public static func accept(store: String, count: Int) throws(FileWriteError) {
        try StateFile.update { $0.counts[store] = StateFile.Count(expected: count, seen: count) }
    }
}
