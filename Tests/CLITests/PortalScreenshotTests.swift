import Foundation
import OTP
import Testing
import TestSupport

/// `add --screen` under Wayland through the desktop portal's Screenshot, against a small D-Bus service
/// (Fixtures/portal/screenshot-portal.py) that implements the interface as xdg-desktop-portal documents it,
/// on the test's private session bus.
@Suite("authv add --screen through the desktop portal")
struct PortalScreenshotTests {
    final class FakePortal {
        let process: Process
        let log: String
        let folder: String

        init(_ session: Session, image: String, cancel: Bool = false) throws {
            folder = try temporaryFolder("authv-portal")
            log = folder + "/calls.log"
            // Started with signals unblocked (the test runner's threads block them), so that it can be stopped.
            process = PrivateKeyring.daemonProcess(["/usr/bin/python3", repositoryRoot + "/Fixtures/portal/screenshot-portal.py",
                                                    image, folder, log])
            var env = session.keyring.environment
            if cancel { env["AUTHV_TEST_PORTAL_CANCEL"] = "1" }
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let end = Date().addingTimeInterval(10)
            while Date() < end, !calls().contains("ready") { usleep(50_000) }
            try #require(calls().contains("ready"), "the portal service did not start")
        }

        func calls() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    func wayland(_ s: Session) -> [String: String] {
        var env = s.keyring.environment
        env["WAYLAND_DISPLAY"] = "wayland-authv-test"  // no compositor: authv must use the portal alone
        return env
    }

    @Test func screenshotIsAddedAndItsFileRemoved() throws {
        let s = try Session()
        let image = try s.qr("screen.png", P2)
        let portal = try FakePortal(s, image: image)
        let result = try run(authvBinary, ["add", "--screen"], environment: wayland(s), replaceEnvironment: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "added: GitHub (bob)\n")
        #expect(try s.storedAccounts().map(\.displayName) == ["GitHub (bob)"])
        let call = try #require(portal.calls().split(separator: "\n").first { $0.hasPrefix("call ") })
        // The handle token authv chose makes the Request path it subscribed to before calling.
        #expect(call.contains("interactive=False token=authv"))
        let file = String(try #require(call.split(separator: " ").last { $0.hasPrefix("file=") }).dropFirst("file=".count))
        #expect(!FileManager.default.fileExists(atPath: file), "the screenshot is unlinked once read")
    }

    @Test func cancelledScreenshotIsOneLineAndStoresNothing() throws {
        let s = try Session()
        let image = try s.qr("screen.png", P2)
        let portal = try FakePortal(s, image: image, cancel: true)
        let result = try run(authvBinary, ["add", "--screen"], environment: wayland(s), replaceEnvironment: true)
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr == "authv: --screen: the screenshot was cancelled\n")
        #expect(portal.calls().contains("call "))
        #expect(try s.stored().isEmpty)
    }

    @Test func screenshotWithoutACodeIsOneLine() throws {
        let s = try Session()
        let portal = try FakePortal(s, image: fixtures + "qr/no-qr.png")
        let result = try run(authvBinary, ["add", "--screen"], environment: wayland(s), replaceEnvironment: true)
        #expect(result.status == 1 && result.stderr == "authv: --screen: no QR code found on the screen\n", "\(result.stderr)")
        let file = portal.calls().split(separator: " ").last { $0.hasPrefix("file=") }.map { String($0.dropFirst(5)).trimmingCharacters(in: .newlines) }
        #expect(file.map { !FileManager.default.fileExists(atPath: $0) } == true)
        #expect(try s.stored().isEmpty)
    }
}
