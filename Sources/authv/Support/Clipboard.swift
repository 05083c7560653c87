#if canImport(Glibc)
import Glibc
#endif

/// The clipboard, through whichever of wl-copy (Wayland), xclip or xsel (X11) is present.
struct Clipboard {
    let name: String
    let copy: [String]
    let paste: [String]
    let clear: [String]
    /// Lists the types (MIME types, X11 targets) the clipboard offers; nil for a tool that cannot (xsel).
    var types: [String]? = nil
    /// Reads the clipboard as one type, which follows.
    var pasteType: [String]? = nil

    static let tools: [Clipboard] = [
        Clipboard(name: "wl-copy", copy: ["wl-copy"], paste: ["wl-paste", "--no-newline"], clear: ["wl-copy", "--clear"],
                  types: ["wl-paste", "--list-types"], pasteType: ["wl-paste", "--no-newline", "--type"]),
        Clipboard(name: "xclip", copy: ["xclip", "-selection", "clipboard"], paste: ["xclip", "-selection", "clipboard", "-o"],
                  clear: ["xclip", "-selection", "clipboard", "-i", "/dev/null"],
                  types: ["xclip", "-selection", "clipboard", "-t", "TARGETS", "-o"], pasteType: ["xclip", "-selection", "clipboard", "-o", "-t"]),
        Clipboard(name: "xsel", copy: ["xsel", "--clipboard", "--input"], paste: ["xsel", "--clipboard", "--output"],
                  clear: ["xsel", "--clipboard", "--delete"]),
    ]

    /// The tool for this session: wl-copy under Wayland, xclip or xsel under X11.
    static func available(for option: String = "--copy") throws -> Clipboard {
        let wayland = getenv("WAYLAND_DISPLAY") != nil
        let x11 = getenv("DISPLAY") != nil
        for tool in tools where Spawn.find(tool.copy[0]) != nil {
            if tool.name == "wl-copy" ? wayland : x11 { return tool }
        }
        if !wayland && !x11 { throw Failure("\(option): no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)") }
        throw Failure("\(option): no clipboard tool found: install wl-clipboard (Wayland), xclip or xsel (X11)")
    }

    func set(_ text: String) throws {
        guard let result = Spawn.run(copy, input: Array(text.utf8)), result.status == 0 else {
            throw Failure("--copy: \(name) failed to set the clipboard")
        }
    }

    func get() -> String? {
        guard let result = Spawn.run(paste, capture: true), result.status == 0 else { return nil }
        return result.text
    }

    /// Image types gdk-pixbuf decodes, in the order they are asked for when the clipboard offers several.
    static let imageTypes = ["image/png", "image/jpeg", "image/bmp", "image/gif", "image/webp", "image/tiff", "image/svg+xml"]

    /// What the clipboard holds for `add --clipboard`: the bytes of an image (the first of imageTypes it
    /// offers, else any other image/ type), or its text. At most `limit` bytes are read.
    func content(limit: Int) throws -> (bytes: [UInt8], isImage: Bool) {
        var offered: [String] = []
        if let types, let listed = Spawn.run(types, capture: true, limit: limit), listed.status == 0 {
            offered = listed.text.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        let image = Clipboard.imageTypes.first(where: offered.contains) ?? offered.first { $0.hasPrefix("image/") }
        let command = image.flatMap { type in pasteType.map { $0 + [type] } } ?? paste
        guard let result = Spawn.run(command, capture: true, limit: limit) else {
            throw Failure("--clipboard: \(name) could not be started")
        }
        if result.output.count > limit { throw Failure("--clipboard: the clipboard holds more than \(limit) bytes") }
        guard result.status == 0, !result.output.isEmpty else { throw Failure("--clipboard: the clipboard is empty") }
        return (result.output, image != nil)
    }

    /// Empties the clipboard after `seconds`, unless it holds something else by then. A detached copy
    /// of authv does the waiting; the code reaches it on standard input, never in its arguments.
    func clear(_ text: String, after seconds: Int) {
        _ = Spawn.run(["/proc/self/exe", "_clear-clipboard", name, String(seconds)], input: Array(text.utf8), detach: true)
    }

    /// The detached helper's work.
    func clearIfUnchanged(_ text: String, after seconds: Int) {
        var remaining = UInt32(max(0, seconds))
        while remaining > 0 { remaining = sleep(remaining) }
        if get()?.trimmingNewline() == text { _ = Spawn.run(clear) }
    }
}

extension String {
    func trimmingNewline() -> String {
        var s = self
        while s.last == "\n" || s.last == "\r\n" { s.removeLast() }
        return s
    }
}
