#if canImport(Glibc)
import Glibc
#endif

/// The time servers this machine's time service is set up with: systemd-timesyncd, chrony, ntpd.
public enum TimeServers {
    /// Asked when no configuration names a server.
    public static let fallback = "pool.ntp.org"
    /// Configuration files larger than this are not read (they are a few kilobytes).
    public static let maximumFileSize = 1 << 20
    /// At most this many servers are kept from the configuration files; at most this many files are read.
    public static let maximumServers = 16
    public static let maximumFiles = 64

    /// The servers named in the configuration under `root` (a prefix for tests; "" on a real system),
    /// in the order: timesyncd's NTP=, its FallbackNTP=, chrony's, ntpd's. Duplicates are dropped.
    public static func configured(root: String = "") -> [String] {
        var servers: [String] = []
        func keep(_ names: [String]) {
            for name in names where !servers.contains(name) && servers.count < maximumServers { servers.append(name) }
        }
        let (ntp, fallback) = timesyncd(root: root)
        keep(ntp)
        keep(fallback)
        keep(chrony(root: root))
        keep(ntpd(root: root))
        return servers
    }

    /// timesyncd.conf and its drop-ins (`timesyncd.conf.d/*.conf` in /etc, /run, /usr/lib; a later file
    /// wins over an earlier one of the same name, drop-ins are read in name order after the main file).
    /// Within them, `NTP=` and `FallbackNTP=` add names, and an empty assignment clears the list.
    static func timesyncd(root: String) -> (ntp: [String], fallback: [String]) {
        var files = ["\(root)/etc/systemd/timesyncd.conf"]
        var dropIns: [String: String] = [:]
        for folder in ["/usr/lib/systemd/timesyncd.conf.d", "/run/systemd/timesyncd.conf.d", "/etc/systemd/timesyncd.conf.d"] {
            for name in list(root + folder, suffix: ".conf") { dropIns[name] = root + folder + "/" + name }
        }
        files += dropIns.keys.sorted().prefix(maximumFiles).map { dropIns[$0]! }
        var ntp: [String] = [], fallback: [String] = []
        for file in files {
            guard let text = read(file) else { continue }
            var section = ""
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingSpaces()
                if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
                if line.hasPrefix("[") { section = String(line); continue }
                guard section == "[Time]", let equals = line.firstIndex(of: "=") else { continue }
                let key = line[..<equals].trimmingSpaces(), value = line[line.index(after: equals)...]
                let names = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if key == "NTP" {
                    if names.isEmpty { ntp = [] } else { ntp += names }
                } else if key == "FallbackNTP" {
                    if names.isEmpty { fallback = [] } else { fallback += names }
                }
            }
        }
        return (ntp, fallback)
    }

    /// chrony.conf (Debian's /etc/chrony/chrony.conf, or /etc/chrony.conf): `server`, `pool` and `peer`
    /// lines, also in the files its `confdir` (`*.conf`), `sourcedir` (`*.sources`) and `include` name.
    static func chrony(root: String) -> [String] {
        var names: [String] = []
        var pending = ["\(root)/etc/chrony/chrony.conf", "\(root)/etc/chrony.conf"]
        var read = 0
        while !pending.isEmpty, read < maximumFiles {
            let file = pending.removeFirst()
            guard let text = TimeServers.read(file) else { continue }
            read += 1
            for words in lines(text) {
                switch words[0] {
                case "server", "pool", "peer": if words.count > 1 { names.append(words[1]) }
                case "confdir": pending += words.dropFirst().flatMap { folder in list(root + folder, suffix: ".conf").map { root + folder + "/" + $0 } }
                case "sourcedir": pending += words.dropFirst().flatMap { folder in list(root + folder, suffix: ".sources").map { root + folder + "/" + $0 } }
                case "include": if words.count > 1 { pending += glob(root + words[1]) }
                default: break
                }
            }
        }
        return names
    }

    /// ntp.conf (ntpd's /etc/ntp.conf, NTPsec's /etc/ntpsec/ntp.conf): `server`, `pool` and `peer` lines,
    /// skipping their `-4`/`-6` flags and the reference-clock pseudo-addresses 127.127.t.u.
    static func ntpd(root: String) -> [String] {
        var names: [String] = []
        for file in ["\(root)/etc/ntp.conf", "\(root)/etc/ntpsec/ntp.conf"] {
            guard let text = read(file) else { continue }
            for words in lines(text) where ["server", "pool", "peer"].contains(words[0]) {
                guard let name = words.dropFirst().first(where: { !$0.hasPrefix("-") }), !name.hasPrefix("127.127.") else { continue }
                names.append(name)
            }
        }
        return names
    }

    /// The words of each line that is not blank or a comment (`#`, and chrony's `!`, `;`, `%`).
    static func lines(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).compactMap { raw in
            let line = raw.prefix { $0 != "#" }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first, !["!", ";", "%"].contains(first.prefix(1)) else { return nil }
            return words
        }
    }

    /// A text file's contents; nil when it is missing, unreadable, too large or not UTF-8.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > maximumFileSize { return nil }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The names in a folder that end with `suffix`, sorted.
    static func list(_ folder: String, suffix: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir), names.count < maximumFiles {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasSuffix(suffix), !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    static func glob(_ pattern: String) -> [String] {
        var found = glob_t()
        defer { globfree(&found) }
        guard Glibc.glob(pattern, 0, nil, &found) == 0 else { return [] }
        return (0..<min(Int(found.gl_pathc), maximumFiles)).compactMap { found.gl_pathv[$0].map { String(cString: $0) } }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
