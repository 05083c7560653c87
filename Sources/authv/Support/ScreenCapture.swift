import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

/// `add --screen`: the QR codes on every monitor, captured in process, never through a file authv writes.
enum ScreenCapture {
    static func source() throws -> ImportSource {
        let scanner = Scanner()
        do {
            if getenv("WAYLAND_DISPLAY") != nil {
                // The desktop portal (GNOME, KDE, and wlroots with xdg-desktop-portal-wlr); where none answers,
                // grim (wlroots compositors) writes a PNG to our pipe.
                let portalMissing: String
                do {
                    let shot = try PortalScreenshot.capture(limit: InputFile.maxBytes)
                    return .image(file: "screen", payloads: try scanner.scan(bytes: shot, file: "screen"))
                } catch let error as PortalScreenshot.Failure {
                    switch error {
                    case let .failed(why): throw Failure("--screen: \(why)")
                    case let .unavailable(why): portalMissing = why
                    }
                }
                guard Spawn.find("grim") != nil else {
                    throw Failure("--screen: no desktop portal answers (\(portalMissing)) and grim is not installed")
                }
                guard let shot = Spawn.run(["grim", "-"], capture: true, limit: InputFile.maxBytes), shot.status == 0,
                      !shot.output.isEmpty, shot.output.count <= InputFile.maxBytes else {
                    throw Failure("--screen: grim could not capture the screen")
                }
                return .image(file: "screen", payloads: try scanner.scan(bytes: shot.output, file: "screen"))
            }
            guard getenv("DISPLAY") != nil else {
                throw Failure("--screen: no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)")
            }
            let monitors = try X11Capture.monitors()
            return .image(file: "screen", payloads: try scanner.scan(images: monitors, name: "screen"))
        } catch let error as ScanError where error.reason == .noQRCode {
            throw Failure("--screen: no QR code found on the screen")
        } catch let error as CaptureError {
            throw Failure(error.description)
        }
    }
}
