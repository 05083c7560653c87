import Foundation
import Testing
import TestSupport

/// The fuzz targets (Tests/Fuzz, run by scripts/fuzz under libFuzzer) replayed over the fixtures they are
/// seeded with and over every input a fuzz run once found (Fixtures/fuzz/TARGET/): each parser must take
/// them without crashing, and a target that no longer exists or no longer builds fails here too.
@Suite("Fuzz targets replayed over their seeds and past findings", .enabled(if: TestStore.onKeyring, "no store involved"))
struct FuzzReplayTests {
    static let replayer = repositoryRoot + "/.build/debug/authv-fuzz"

    /// The targets and their seed folders, as scripts/fuzz names them.
    static let targets: [(String, [String])] = [
        ("base32", ["uris"]), ("uri", ["uris"]), ("migration", ["uris"]), ("text", ["uris"]),
        ("recovery", ["recovery"]), ("export", ["imports"]), ("aegis-file", ["imports", "aegis"]),
        ("aegis-db", ["imports", "aegis"]), ("image", ["qr"]),
    ]

    @Test(arguments: targets)
    func replaysWithoutCrashing(target: String, folders: [String]) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.replayer), "build the tests first (scripts/test does)")
        var files: [String] = []
        for folder in folders.map({ fixtures + $0 }) + [fixtures + "fuzz/" + target] {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let name as String in walker {
                let path = folder + "/" + name
                var isFolder: ObjCBool = false
                // Large images are the scanner's own tests; the fuzz targets see small inputs.
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                   let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size < 1 << 20 {
                    files.append(path)
                }
            }
        }
        #expect(!files.isEmpty)
        let result = try run(Self.replayer, files.sorted(), environment: ["AUTHV_FUZZ_TARGET": target])
        #expect(result.status == 0, "\(target): \(result.stderr)")
    }

    @Test func anUnknownTargetIsRefused() throws {
        let result = try run(Self.replayer, [fixtures + "uris/accounts.txt"], environment: ["AUTHV_FUZZ_TARGET": "nothing"])
        #expect(result.status == 64)
        #expect(result.stderr == "authv-fuzz: AUTHV_FUZZ_TARGET names no target\n")
    }
}
