import Foundation
import OTP
import Testing
import TestSupport

/// `add --screen` and `add --clipboard` on a real X server (Xvfb), as a person uses them.
@Suite("authv add --screen and --clipboard under X11")
struct DesktopScanTests {
    /// Every file under these folders, with size and modification time: what authv may have written.
    static func snapshot(_ folders: [String]) -> Set<String> {
        var entries = Set<String>()
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            while let name = walker.nextObject() as? String {
                let path = folder + "/" + name
                let info = try? FileManager.default.attributesOfItem(atPath: path)
                let size = (info?[.size] as? Int) ?? -1
                let time = (info?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                entries.insert("\(path) \(size) \(time)")
            }
        }
        return entries
    }

    /// Whether a file holds a picture: an image format's signature, or a raw dump's size (64 KiB or more).
    static func holdsPicture(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return head.starts(with: [0x89, 0x50, 0x4E, 0x47]) || head.starts(with: [0xFF, 0xD8, 0xFF]) || head.starts(with: [0x42, 0x4D])
            || head.starts(with: Array("P6".utf8)) || head.starts(with: Array("P5".utf8)) || size >= 65536
    }

    /// New files at the top of /tmp that hold a picture (/tmp is shared with other test runs, so only
    /// pictures count).
    static func imagesInTmp() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        return Set(names.filter { holdsPicture("/tmp/" + $0) })
    }

    /// Shows `image` in ImageMagick's `display` at (x, y) of the root window; returns its process.
    static func show(_ image: String, at x: Int, _ y: Int, env: [String: String]) throws -> Process {
        // Started with signals unblocked (the test runner's threads block them), so that it can be stopped.
        let window = PrivateKeyring.daemonProcess(["/usr/bin/display", "-geometry", "+\(x)+\(y)", image])
        window.environment = env
        window.standardOutput = FileHandle.nullDevice
        // What display says, for the failure message (it is appended to by every start).
        let log = image + ".display.log"
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = FileHandle(forWritingAtPath: log)
        handle?.seekToEndOfFile()
        window.standardError = handle ?? FileHandle.nullDevice
        try window.run()
        return window
    }

    /// Waits (up to 60 s: ImageMagick starts slowly on a loaded machine) until the window is drawn:
    /// `add --screen --dry-run` finds the code. A `display` that has exited is started again (in one CI
    /// run of the whole suite the window was never drawn); the message says how it went.
    static func waitUntilShown(_ env: [String: String], window: inout Process,
                               start: () throws -> Process) throws -> (result: RunResult, story: String) {
        let end = Date().addingTimeInterval(60)
        var starts = 1
        var last = try run(authvBinary, ["add", "--screen", "--dry-run"], environment: env, replaceEnvironment: true)
        while last.status != 0 && Date() < end {
            usleep(200_000)
            if !window.isRunning {
                window = try start()
                starts += 1
            }
            last = try run(authvBinary, ["add", "--screen", "--dry-run"], environment: env, replaceEnvironment: true)
        }
        return (last, "display started \(starts) time(s), running: \(window.isRunning)")
    }

    func screenAdds(screens: [String], at x: Int, _ y: Int, moduleSize: Int) throws {
        let s = try Session()
        let x11 = try VirtualDisplay(screens: screens)
        defer { x11.stop() }
        var env = s.keyring.environment
        env["DISPLAY"] = x11.display
        // No code on the screen yet: one clear line, nothing stored.
        let empty = try run(authvBinary, ["add", "--screen"], environment: env, replaceEnvironment: true)
        #expect(empty.status == 1 && empty.stdout.isEmpty)
        #expect(empty.stderr == "authv: --screen: no QR code found on the screen\n")
        #expect(try s.stored().isEmpty)

        let image = s.folder + "/shown.png"
        let made = try run("qrencode", ["-s", String(moduleSize), "-o", image, P2])
        try #require(made.status == 0)
        var window = try DesktopScanTests.show(image, at: x, y, env: env)
        defer {
            if window.isRunning {
                kill(window.processIdentifier, SIGKILL)
                window.waitUntilExit()
            }
        }
        let (shown, story) = try DesktopScanTests.waitUntilShown(env, window: &window) {
            try DesktopScanTests.show(image, at: x, y, env: env)
        }
        let said = (try? String(contentsOfFile: image + ".display.log", encoding: .utf8)) ?? ""
        #expect(shown.status == 0, "the window never showed the code: \(shown.stderr); \(story); display said: \(said)")

        let folders = [s.keyring.environment["HOME"]!, s.keyring.environment["XDG_RUNTIME_DIR"]!,
                       s.keyring.environment["XDG_DATA_HOME"]!, s.keyring.environment["XDG_CONFIG_HOME"]!,
                       s.keyring.environment["XDG_CACHE_HOME"]!, s.folder]
        let before = DesktopScanTests.snapshot(folders)
        let imagesBefore = DesktopScanTests.imagesInTmp()
        let added = try run(authvBinary, ["add", "--screen"], environment: env, replaceEnvironment: true)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr == "added: GitHub (bob)\n")
        #expect(try s.storedAccounts().map(\.displayName) == ["GitHub (bob)"])
        // Nothing of the screen written: no new or changed file in HOME, the XDG folders or the session's
        // folder holds a picture (authv's lock and state files change, and gnome-keyring's own files under
        // XDG_DATA_HOME/keyrings), and no new picture in /tmp.
        let changed = DesktopScanTests.snapshot(folders).subtracting(before)
            .map { String($0.split(separator: " ").dropLast(2).joined(separator: " ")) }
            .filter { DesktopScanTests.holdsPicture($0) && !$0.contains("/keyrings/") }
        #expect(changed.isEmpty, "written: \(changed)")
        #expect(DesktopScanTests.imagesInTmp().subtracting(imagesBefore).isEmpty)
    }

    /// A small code (3 pixels per module) on a 1920x1080 screen.
    @Test func screenOneMonitor() throws {
        try screenAdds(screens: ["1920x1080x24"], at: 1317, 733, moduleSize: 3)
    }

    /// Two monitors joined by Xinerama. Xvfb puts both heads at 0,0 (800x600 and 1024x768): the code sits
    /// where only the second one reaches.
    @Test func screenTwoMonitorsWithXinerama() throws {
        try screenAdds(screens: ["800x600x24", "1024x768x24"], at: 811, 523, moduleSize: 4)
    }

    @Test func clipboardImageAndText() throws {
        let s = try Session()
        let x11 = try VirtualDisplay()
        defer { x11.stop() }
        var env = s.keyring.environment
        env["DISPLAY"] = x11.display
        let offer = { (arguments: [String], input: Data) in
            // xclip stays in the background to serve the selection until another client takes it (or the
            // X server ends): keep it off our pipes.
            _ = try run("xclip", ["-selection", "clipboard"] + arguments, stdin: input, environment: env, replaceEnvironment: true, capture: false)
        }
        let add = { try run(authvBinary, ["add", "--clipboard"], environment: env, replaceEnvironment: true) }
        let clipboardDeadline = { (expected: String) in
            let end = Date().addingTimeInterval(5)
            while Date() < end {
                let targets: RunResult = try run("xclip", ["-selection", "clipboard", "-t", "TARGETS", "-o"], environment: env, replaceEnvironment: true)
                if targets.stdout.contains(expected) { return }
                usleep(50_000)
            }
        }

        // An image (PNG).
        try offer(["-t", "image/png", "-i", fixtures + "qr/png-rgb.png"], Data())
        try clipboardDeadline("image/png")
        let image = try add()
        #expect(image.status == 0, "\(image.stderr)")
        #expect(image.stderr == "added: Example (alice@example.com)\n")
        #expect(try s.storedAccounts().map(\.displayName) == ["Example (alice@example.com)"])

        // Another image type (JPEG), holding three codes.
        try offer(["-t", "image/jpeg", "-i", fixtures + "qr/jpeg-baseline.jpg"], Data())
        try clipboardDeadline("image/jpeg")
        let jpeg = try add()
        #expect(jpeg.status == 0 && jpeg.stderr == "already stored, not added again: Example (alice@example.com)\n", "\(jpeg.stderr)")

        // otpauth text.
        try offer([], Data((P2 + "\n").utf8))
        try clipboardDeadline("UTF8_STRING")
        let text = try add()
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr == "added: GitHub (bob)\n")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Example (alice@example.com)", "GitHub (bob)"])

        // Text that is not otpauth, and an image without a code: one line each, nothing stored.
        try offer([], Data("hello\n".utf8))
        try clipboardDeadline("UTF8_STRING")
        let hello = try add()
        #expect(hello.status == 1 && hello.stdout.isEmpty)
        #expect(hello.stderr == "authv: clipboard: line 1: not an otpauth:// or otpauth-migration:// URI\n")
        try offer(["-t", "image/png", "-i", fixtures + "qr/no-qr.png"], Data())
        try clipboardDeadline("image/png")
        let none = try add()
        #expect(none.status == 1 && none.stderr == "authv: clipboard: no QR code found\n", "\(none.stderr)")
        #expect(try s.storedAccounts().map(\.displayName).sorted() == ["Example (alice@example.com)", "GitHub (bob)"])
    }
}
