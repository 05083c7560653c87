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
                // wlroots compositors without a desktop portal: grim writes a PNG to our pipe.
                guard Spawn.find("grim") != nil else {
                    throw Failure("--screen: on Wayland authv needs grim (wlroots compositors); it is not installed")
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
