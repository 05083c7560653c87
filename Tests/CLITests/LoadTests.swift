import Foundation
import OTP
import Testing
import TestSupport

extension TestStore: CaseIterable, CustomTestStringConvertible {
    static var allCases: [TestStore] { [.keyring, .vault] }
    var testDescription: String { rawValue }
}

/// Eight authv processes at once on one store for 30 seconds, then the store is compared with a serial
/// replay of what each process reported.
///
/// **The work.** Eight workers (threads of the test), each running real `authv` commands one after
/// another, so that up to eight authv processes run at every moment. Each draws its commands from its
/// own generator, seeded from one seed (printed with every failure; `AUTHV_LOAD_SEED=N` draws the same
/// commands again), on accounts that every worker uses, so that the processes contend on the same ones:
/// - `code` of three HOTP accounts (8 digits, counters starting at 0, 1000 and 77777);
/// - `recovery use` of two TOTP accounts holding 150 recovery codes each;
/// - `rename --account` of those five, to a name no other command uses (`w3s17`: worker 3, step 17);
/// - `add` of a file holding some of four other TOTP accounts, and `remove --yes` of one of them.
/// Every command is logged with its exit status and output. A command may succeed or be refused for a
/// reason another process caused (a remove of an account another one removed first: `no account
/// matches`, `was removed meanwhile`; a recovery use when every code is used); anything else (a failure,
/// an output of another form) fails the test.
///
/// **Why the replay is exact although the test cannot see the interleaving.** The lock orders the
/// successful commands; the test learns enough of that order from what they print, or needs none of it:
/// - an HOTP code shows its counter: the codes printed for an account must be RFC 4226's codes
///   (computed by oathtool) for the counters from the first up to the stored one, each exactly once:
///   an HOTP step lost or done twice shows as a code printed twice or a counter that does not add up;
/// - a rename prints its old and new name (`renamed: A -> B`): the renames of an account must form one
///   chain from its first name, every name the old name of at most one rename (two renames from one
///   name are a lost update), and the chain's end is the name stored;
/// - `recovery use` takes the first unused code: the codes printed must be the first k codes of the
///   account, each once, and the store must mark exactly those k used; "every code is used" is a
///   rightful refusal only when k is all of them;
/// - adds and removes of an account are order-independent in sum: present at the start (1 or 0) plus the
///   adds that said `added` minus the removes that said `removed` is what the store holds (0 or 1 item;
///   2 would be an account added twice), and the store holds no other account.
/// The store is then read with authv (`list --json`, `export`) and without it (secret-tool for the
/// keyring's items, account and recovery-code items alike; the Python Aegis reader for the vault), and
/// each must equal the replay's accounts, names, counters and recovery marks exactly, with no item
/// half-written (every item's attributes agree with its secret) and none left over.
///
/// How many commands run in the 30 s depends on the machine; what is checked does not. With the lock
/// taken out of `AccountBook`, the test fails (docs/design.md says how).
@Suite("Eight authv processes on one store for 30 s, replayed serially", .serialized,
       .enabled(if: TestStore.onKeyring, "runs both stores itself"))
struct LoadTests {
    static let workers = 8
    static let seconds = 30.0

    /// An account every worker uses; `user` is its first account name.
    struct Shared {
        let issuer: String
        let secret: [UInt8]
        /// HOTP: the counter at the start; nil for TOTP.
        let counter: UInt64?
        var query: String { issuer.lowercased() }
        var base32: String { Base32.encode(secret) }
        var uri: String {
            counter.map { "otpauth://hotp/\(issuer):user?secret=\(base32)&issuer=\(issuer)&digits=8&counter=\($0)" }
                ?? "otpauth://totp/\(issuer):user?secret=\(base32)&issuer=\(issuer)"
        }
    }

    static let hotp = [("Hotp-Alpha", "12345678901234567890", 0), ("Hotp-Bravo", "load-test-hotp-bravo", 1000),
                       ("Hotp-Charlie", "load-test-hotp-charl", 77777)]
        .map { Shared(issuer: $0.0, secret: Array($0.1.utf8), counter: UInt64($0.2)) }
    static let recovery = ["Rec-Alpha", "Rec-Bravo"].map { Shared(issuer: $0, secret: Array("load-secret-\($0)".utf8.prefix(20)), counter: nil) }
    static let volatile = ["Vol-Alpha", "Vol-Bravo", "Vol-Charlie", "Vol-Delta"]
        .map { Shared(issuer: $0, secret: Array("load-secret-\($0)".utf8.prefix(20)), counter: nil) }
    /// Which volatile accounts are stored at the start.
    static let volatileAtStart = [true, true, false, false]
    /// The accounts renames work on: the HOTP ones, then the recovery ones.
    static var renamed: [Shared] { hotp + recovery }
    static let codesPerAccount = 150
    static func recoveryCodes(_ account: Int) -> [String] {
        (0..<codesPerAccount).map { "rc\(account)-\(1000 + $0)-\(($0 * 7919) % 10000)" }
    }

    enum Command: Sendable {
        case code(Int), recoveryUse(Int), rename(Int, to: String), add([Int]), remove(Int)
    }

    /// One command a worker ran and what it reported.
    struct Done: Sendable {
        let worker: Int, step: Int
        let command: Command
        let arguments: [String]
        let result: RunResult?
        let thrown: String?
        var text: String {
            let outcome = result.map { "exit \($0.status), stdout \($0.stdout.debugDescription), stderr \($0.stderr.debugDescription)" } ?? "not run: \(thrown ?? "?")"
            return "worker \(worker) step \(step): authv \(arguments.joined(separator: " ")): \(outcome)"
        }
    }

    static func draw(_ random: inout SplitMix, worker: Int, step: Int) -> Command {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<30: return .code(Int.random(in: 0..<hotp.count, using: &random))
        case 30..<50: return .recoveryUse(Int.random(in: 0..<recovery.count, using: &random))
        case 50..<65: return .rename(Int.random(in: 0..<renamed.count, using: &random), to: "w\(worker)s\(step)")
        case 65..<82:
            let some = (0..<volatile.count).filter { _ in Bool.random(using: &random) }
            return .add(some.isEmpty ? [Int.random(in: 0..<volatile.count, using: &random)] : some)
        default: return .remove(Int.random(in: 0..<volatile.count, using: &random))
        }
    }

    static func arguments(_ command: Command, folder: String) -> [String] {
        switch command {
        case let .code(i): return ["code", hotp[i].query]
        case let .recoveryUse(i): return ["recovery", "use", recovery[i].query]
        case let .rename(i, name): return ["rename", renamed[i].query, "--account", name]
        case let .add(some): return ["add", addFile(some, folder: folder)]
        case let .remove(i): return ["remove", volatile[i].query, "--yes"]
        }
    }

    /// Whether process `pid` runs (not gone, not a zombie that nobody has reaped yet).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ") ", options: .backwards) else { return false }
        return !["Z", "X"].contains(stat[close.upperBound...].prefix(1))
    }

    static func addFile(_ some: [Int], folder: String) -> String {
        folder + "/add-" + some.map(String.init).joined(separator: "-") + ".txt"
    }

    // MARK: the test

    @Test(arguments: TestStore.allCases)
    func eightProcessesForThirtySecondsEqualASerialReplay(store: TestStore) throws {
        let seed = ProcessInfo.processInfo.environment["AUTHV_LOAD_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let session = try Session(store: store)
        // A slow machine must not turn a wait for the lock into a failure.
        let environment = session.environment.merging(["AUTHV_LOCK_WAIT": "300"]) { $1 }
        let authv: @Sendable ([String]) throws -> RunResult = { arguments in
            try run(authvBinary, arguments, environment: environment, replaceEnvironment: true, directory: session.folder)
        }

        // The start: every shared account, the volatile ones marked present, the recovery codes.
        let start = (Self.hotp + Self.recovery).map(\.uri) + zip(Self.volatile, Self.volatileAtStart).filter(\.1).map(\.0.uri)
        let first = try authv(["add", try session.file("start.txt", start.joined(separator: "\n") + "\n")])
        try #require(first.status == 0, "add: \(first.stderr)")
        for (i, account) in Self.recovery.enumerated() {
            let file = try session.file("codes-\(i).txt", Self.recoveryCodes(i).joined(separator: "\n") + "\n")
            let added = try authv(["recovery", "add", account.query, file])
            try #require(added.status == 0, "recovery add: \(added.stderr)")
        }
        for mask in 1..<(1 << Self.volatile.count) {
            let some = (0..<Self.volatile.count).filter { mask & (1 << $0) != 0 }
            _ = try session.file(String(Self.addFile(some, folder: "").dropFirst()), some.map { Self.volatile[$0].uri }.joined(separator: "\n") + "\n")
        }

        // The load.
        let daemon = session.keyring.daemonID
        let log = NSLock()
        nonisolated(unsafe) var done: [Done] = []
        let group = DispatchGroup()
        let end = Date().addingTimeInterval(Self.seconds)
        for worker in 0..<Self.workers {
            group.enter()
            Thread.detachNewThread {
                var random = SplitMix(state: seed &+ UInt64(worker) &* 0x1_0000_0001)
                var mine: [Done] = []
                var step = 0
                while Date() < end {
                    let command = Self.draw(&random, worker: worker, step: step)
                    let arguments = Self.arguments(command, folder: session.folder)
                    do {
                        mine.append(Done(worker: worker, step: step, command: command, arguments: arguments, result: try authv(arguments), thrown: nil))
                    } catch {
                        mine.append(Done(worker: worker, step: step, command: command, arguments: arguments, result: nil, thrown: "\(error)"))
                    }
                    step += 1
                }
                log.lock()
                done += mine
                log.unlock()
                group.leave()
            }
        }
        group.wait()

        let context = Comment(rawValue: "seed \(seed) (AUTHV_LOAD_SEED=\(seed) draws the same commands), \(store), \(done.count) commands")
        // gnome-keyring-daemon (Debian 12's 42.1) at times aborts under this load, and every command after
        // that fails. Its log says why: OpenSession finds no client record for its caller ("gkd_secret_service_
        // get_pkcs11_session: assertion 'client' failed", then GLib-ERROR in g_variant_new), the upstream race
        // of GNOME/gnome-keyring#190, #196 and #199; the release binary of the commit before authv pipelined
        // its calls hit it too (1 run of 2, same seed). That is the daemon's crash, not authv's: the run is
        // then not checked, and says so as a known issue with the daemon's last errors.
        if store == .keyring, let daemon, !Self.isAlive(daemon) {
            withKnownIssue("gnome-keyring-daemon died during the load; the replay was not checked", isIntermittent: true) {
                Issue.record("\(context): gnome-keyring-daemon (pid \(daemon)) died during the load: \(session.keyring.daemonFailure() ?? "it printed no error")")
            }
            return
        }
        let replay = Replay(done)
        #expect(replay.problems.isEmpty, "\(context): \(replay.problems.count) problems:\n\(replay.problems.prefix(20).joined(separator: "\n"))")

        // The store as authv shows it and as it is stored, against the replay.
        let found = try FinalState.read(session, authv: authv)
        for problem in replay.compare(with: found) { Issue.record("\(context): \(problem)") }
        // Each kind of command ran and succeeded at least once (else the test proved little).
        #expect(replay.hotpCodes.values.allSatisfy { !$0.isEmpty } && replay.recoveryUsed.values.allSatisfy { !$0.isEmpty }
                && replay.renames.values.contains { !$0.isEmpty } && replay.added.values.contains { $0 > 0 }
                && replay.removed.values.contains { $0 > 0 }, "\(context): some kind of command never succeeded")
    }
}

// MARK: the serial replay

extension LoadTests {
    /// What the logged commands say the store must hold, and every outcome the contract does not allow.
    struct Replay {
        var problems: [String] = []
        /// Per HOTP account: the codes printed.
        var hotpCodes: [Int: [String]] = [:]
        /// Per renamed account: (old name, new name) of each successful rename.
        var renames: [Int: [(from: String, to: String)]] = [:]
        /// Per recovery account: the codes printed; whether a use was refused with every code used.
        var recoveryUsed: [Int: [String]] = [:]
        var usedUpSeen: Set<Int> = []
        /// Per volatile account: adds that stored it, removes that removed it.
        var added: [Int: Int] = [:]
        var removed: [Int: Int] = [:]

        init(_ log: [Done]) {
            for i in hotp.indices { hotpCodes[i] = [] }
            for i in renamed.indices { renames[i] = [] }
            for i in recovery.indices { recoveryUsed[i] = [] }
            for i in volatile.indices { added[i] = 0; removed[i] = 0 }
            for entry in log { take(entry) }
        }

        private mutating func take(_ entry: Done) {
            guard let result = entry.result else { problems.append(entry.text); return }
            // The lock's waiting notice is the one line a successful command may add to standard error.
            let notes = result.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("waiting for authv's lock") }
            let out = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let refusal = result.status == 1 && result.stdout.isEmpty && notes.count == 1 ? notes[0] : nil
            switch entry.command {
            case let .code(i):
                if result.status == 0, out.count == 2, out[1].isEmpty, out[0].count == 8, out[0].allSatisfy(\.isNumber) {
                    hotpCodes[i]!.append(out[0])
                    return
                }
            case let .recoveryUse(i):
                if result.status == 0, out.count == 2, out[1].isEmpty, recoveryCodes(i).contains(out[0]) {
                    recoveryUsed[i]!.append(out[0])
                    return
                }
                if let refusal, refusal.contains("every recovery code of \(recovery[i].issuer) ("), refusal.hasSuffix(" is used: ask the site for new ones") {
                    usedUpSeen.insert(i)
                    return
                }
            case let .rename(i, name):
                let prefix = "renamed: \(renamed[i].issuer) ("
                if result.status == 0, result.stdout.isEmpty, notes.count == 1, notes[0].hasPrefix(prefix),
                   let arrow = notes[0].range(of: ") -> "), notes[0].hasSuffix("(\(name))") {
                    let from = String(notes[0][notes[0].index(notes[0].startIndex, offsetBy: prefix.count)..<arrow.lowerBound])
                    renames[i]!.append((from, name))
                    return
                }
            case let .add(some):
                let lines = Set(notes)
                if result.status == 0, result.stdout.isEmpty, lines.count == some.count {
                    var stored: [Int] = []
                    var each = 0
                    for v in some {
                        let name = "\(volatile[v].issuer) (user)"
                        if lines.contains("added: \(name)") { stored.append(v); each += 1 }
                        if lines.contains("already stored, not added again: \(name)") { each += 1 }
                    }
                    if each == some.count {
                        for v in stored { added[v]! += 1 }
                        return
                    }
                }
            case let .remove(i):
                let name = "\(volatile[i].issuer) (user)"
                if result.status == 0, result.stdout.isEmpty, notes == ["removed: \(name)"] {
                    removed[i]! += 1
                    return
                }
                if let refusal, refusal.hasSuffix("no account matches '\(volatile[i].query)'") || refusal.hasSuffix("\(name) was removed meanwhile") {
                    return
                }
            }
            problems.append("an outcome the contract does not allow: \(entry.text)")
        }

        /// The differences between what the store holds and the replay of the log.
        func compare(with found: FinalState) -> [String] {
            var problems: [String] = []
            var expected: [FinalState.Entry] = []
            for (i, account) in hotp.enumerated() {
                let codes = hotpCodes[i]!
                let start = account.counter!
                let stored = found.entries.first { $0.issuer == account.issuer }?.counter ?? start
                if stored != start + UInt64(codes.count) {
                    problems.append("\(account.issuer): the stored counter is \(stored), the start \(start) + \(codes.count) codes printed")
                }
                let repeated = Dictionary(grouping: codes) { $0 }.filter { $0.value.count > 1 }.keys.sorted()
                if !repeated.isEmpty { problems.append("\(account.issuer): codes printed twice: \(repeated)") }
                do {
                    let rfc = try oathtool(account.secret, from: start, count: codes.count)
                    if rfc.sorted() != codes.sorted() {
                        problems.append("\(account.issuer): the codes printed are not RFC 4226's for counters \(start)..<\(start + UInt64(codes.count)) each once: printed \(codes.sorted()), RFC \(rfc.sorted())")
                    }
                } catch { problems.append("oathtool: \(error)") }
                expected.append(.init(issuer: account.issuer, name: "", base32: account.base32, counter: start + UInt64(codes.count)))
            }
            for account in recovery { expected.append(.init(issuer: account.issuer, name: "", base32: account.base32, counter: nil)) }
            // The renames: one chain from `user`, its end the stored name.
            for (i, account) in renamed.enumerated() {
                let edges = renames[i]!
                var next: [String: String] = [:]
                for edge in edges {
                    if let other = next[edge.from] {
                        problems.append("\(account.issuer): two renames from \(edge.from) (to \(other) and to \(edge.to)): one of them was lost")
                    }
                    next[edge.from] = edge.to
                }
                var name = "user"
                var steps = 0
                while let following = next[name], steps <= edges.count { name = following; steps += 1 }
                if steps != edges.count {
                    problems.append("\(account.issuer): \(edges.count) renames, but only \(steps) follow each other from user: \(edges)")
                }
                expected[i].name = name
            }
            // The recovery codes: the first k, each once, exactly those marked used.
            var expectedRecovery: [String: [FinalState.Mark]] = [:]
            for (i, account) in recovery.enumerated() {
                let used = recoveryUsed[i]!
                let all = recoveryCodes(i)
                if Set(used).count != used.count { problems.append("\(account.issuer): a recovery code printed twice: \(used)") }
                if Set(used) != Set(all.prefix(used.count)) {
                    problems.append("\(account.issuer): the recovery codes printed are not the first \(used.count): \(used)")
                }
                if usedUpSeen.contains(i) && used.count != all.count {
                    problems.append("\(account.issuer): \"every recovery code is used\" after only \(used.count) of \(all.count) were printed")
                }
                expectedRecovery[account.issuer] = all.enumerated().map { FinalState.Mark(code: $1, used: $0 < used.count) }
            }
            // The volatile accounts: present at the start + added - removed.
            for (i, account) in volatile.enumerated() {
                let count = (volatileAtStart[i] ? 1 : 0) + added[i]! - removed[i]!
                if count < 0 || count > 1 {
                    problems.append("\(account.issuer): \(volatileAtStart[i] ? 1 : 0) at the start + \(added[i]!) added - \(removed[i]!) removed = \(count)")
                }
                for _ in 0..<max(0, count) { expected.append(.init(issuer: account.issuer, name: "user", base32: account.base32, counter: nil)) }
            }
            expected.sort()
            for (source, entries) in [("list --json", found.listed), ("export", found.exported), (found.rawSource, found.entries)] where entries != expected {
                problems.append("\(source) holds \(entries.map(\.description)), the replay \(expected.map(\.description))")
            }
            if found.recovery != expectedRecovery {
                let show = { (marks: [String: [FinalState.Mark]]) in marks.mapValues { $0.filter(\.used).count }.sorted { $0.key < $1.key } }
                problems.append("\(found.rawSource): recovery codes (used per account) \(show(found.recovery)), the replay \(show(expectedRecovery)), or marks out of order")
            }
            problems += found.problems
            return problems
        }
    }

    /// RFC 4226 codes (8 digits) for `count` counters from `start`, computed by oathtool (the secret on its standard input).
    static func oathtool(_ secret: [UInt8], from start: UInt64, count: Int) throws -> [String] {
        guard count > 0 else { return [] }
        let hex = secret.map { String(format: "%02x", $0) }.joined()
        let result = try run("oathtool", ["--hotp", "--digits=8", "--counter=\(start)", "--window=\(count - 1)", "-"], stdin: Data((hex + "\n").utf8))
        guard result.status == 0 else { throw NSError(domain: "oathtool", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return result.stdout.split(separator: "\n").map(String.init)
    }
}

// MARK: the store at the end

extension LoadTests {
    /// The store after the load: as authv lists and exports it, and as it is stored (secret-tool's items,
    /// or the Python Aegis reader's entries).
    struct FinalState {
        struct Entry: Comparable, CustomStringConvertible {
            var issuer: String, name: String, base32: String, counter: UInt64?
            static func < (a: Entry, b: Entry) -> Bool { (a.issuer, a.name, a.base32) < (b.issuer, b.name, b.base32) }
            var description: String { "\(issuer) (\(name))" + (counter.map { " counter \($0)" } ?? "") }
        }
        struct Mark: Equatable { var code: String, used: Bool }

        var listed: [Entry] = []
        var exported: [Entry] = []
        var entries: [Entry] = []
        var rawSource = ""
        /// Per issuer, the recovery codes in order, as stored.
        var recovery: [String: [Mark]] = [:]
        var problems: [String] = []

        static func read(_ session: Session, authv: ([String]) throws -> RunResult) throws -> FinalState {
            var state = FinalState()
            let list = try authv(["list", "--json", "--at", "1700000000"])
            try #require(list.status == 0, "list: \(list.stderr)")
            if !list.stderr.isEmpty { state.problems.append("list warns: \(list.stderr)") }
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            var ids: [String: String] = [:]
            for row in rows {
                let issuer = row["issuer"] as? String ?? "?"
                ids[row["id"] as? String ?? "?"] = issuer
                let base32 = (hotp + LoadTests.recovery + volatile).first { $0.issuer == issuer }?.base32 ?? "?"
                state.listed.append(Entry(issuer: issuer, name: row["account"] as? String ?? "?", base32: base32,
                                          counter: (row["counter"] as? NSNumber)?.uint64Value))
            }
            let export = try authv(["export"])
            try #require(export.status == 0, "export: \(export.stderr)")
            state.exported = export.stdout.split(separator: "\n").map { parse(String($0), problems: &state.problems) }
            if let vault = session.vault {
                state.rawSource = "the vault (Python reader)"
                for entry in try AegisOracle.read(vault.path, passwordFile: vault.passwordFile) {
                    state.entries.append(Entry(issuer: entry.issuer, name: entry.name, base32: entry.secret,
                                               counter: entry.type == "hotp" ? entry.counter.map(UInt64.init) : nil))
                    if !entry.recovery.isEmpty { state.recovery[entry.issuer] = entry.recovery.map { Mark(code: $0.code, used: $0.used) } }
                }
            } else {
                state.rawSource = "the keyring (secret-tool)"
                for item in try items(session, schema: "io.github.authv.Account") {
                    let entry = parse(item["secret"] ?? "", problems: &state.problems)
                    if item["attribute.issuer"] != entry.issuer.lowercased() || item["attribute.account"] != entry.name.lowercased()
                        || item["label"] != "authv: \(entry.issuer) (\(entry.name))" {
                        state.problems.append("a half-written keyring item: attributes and label \(item) for \(entry)")
                    }
                    state.entries.append(entry)
                }
                for item in try items(session, schema: "io.github.authv.RecoveryCodes") {
                    guard let issuer = ids[item["attribute.account-id"] ?? ""], state.recovery[issuer] == nil else {
                        state.problems.append("a recovery-code item of no account, or a second one: \(item["label"] ?? "?")")
                        continue
                    }
                    state.recovery[issuer] = (item["secret"] ?? "").split(separator: " ").map { word in
                        let used = word.hasPrefix("used:")
                        return Mark(code: String(word.drop { $0 != ":" }.dropFirst()), used: used)
                    }
                }
            }
            state.listed.sort()
            state.exported.sort()
            state.entries.sort()
            return state
        }

        /// An otpauth URI read with Foundation's URL parser (not authv's).
        static func parse(_ uri: String, problems: inout [String]) -> Entry {
            guard let parts = URLComponents(string: uri), parts.scheme == "otpauth" else {
                problems.append("not an otpauth URI: \(uri.prefix(30))...")
                return Entry(issuer: "?", name: "?", base32: "?", counter: nil)
            }
            let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { a, _ in a }
            let label = String(parts.path.dropFirst())
            let name = label.contains(":") ? String(label[label.index(after: label.firstIndex(of: ":")!)...]) : label
            return Entry(issuer: query["issuer"] ?? "?", name: name, base32: query["secret"] ?? "?",
                         counter: parts.host == "hotp" ? query["counter"].flatMap { UInt64($0) } : nil)
        }

        /// secret-tool's items of a schema, each as its `key = value` lines (the attributes, which it writes
        /// to standard error, in their places: both streams unbuffered into one pipe).
        static func items(_ session: Session, schema: String) throws -> [[String: String]] {
            let result = try run("/bin/sh", ["-c", "exec stdbuf -o0 -e0 secret-tool search --all --unlock xdg:schema \"$0\" 2>&1", schema],
                                 environment: session.keyring.environment, replaceEnvironment: true)
            var items: [[String: String]] = []
            for line in result.stdout.split(separator: "\n") {
                if line.hasPrefix("[") { items.append([:]); continue }
                guard let equals = line.range(of: " = "), !items.isEmpty else { continue }
                items[items.count - 1][String(line[..<equals.lowerBound])] = String(line[equals.upperBound...])
            }
            return items
        }
    }
}
