// swift-tools-version:6.0
import PackageDescription

import Foundation

/// What `pkg-config OPTION MODULES` prints, split into flags; none when pkg-config or a module is missing
/// (the compiler then names the header it cannot find). SwiftPM's own pkg-config support (a
/// system-library target's `pkgConfig:`) gives every product that uses the module the library's `--libs`
/// too, and the linker records each one as NEEDED in authv (its `--as-needed` would come after them on
/// the command line, too late): authv opens these libraries with dlopen at first use instead.
func pkgConfig(_ option: String, _ modules: [String]) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["pkg-config", option] + modules
    let output = Pipe()
    process.standardOutput = output
    guard (try? process.run()) != nil else { return [] }
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }
    return String(decoding: printed, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
}

/// The libraries whose headers Scan and Vault import (for types and constants) but which authv opens with
/// dlopen (Sources/SharedLibrary), by their pkg-config names.
let dlopenedModules = ["gdk-pixbuf-2.0", "libxml-2.0", "zbar", "xcb-xinerama", "libsystemd", "libqrencode",
                       "libarchive", "libsodium", "libpng"]

/// Their include folders, as pkg-config names them (Debian's gdk-pixbuf and libxml2 put their headers in
/// folders of their own). Every target that imports Scan or Vault, directly or not, gets these paths: the
/// compiler may have to load those C modules again when it loads Scan's or Vault's Swift module.
let dlopenedHeaders = includeFolders(dlopenedModules)

/// The compiler flags for the include folders of `modules`.
func includeFolders(_ modules: [String]) -> [SwiftSetting] {
    [.unsafeFlags(pkgConfig("--cflags-only-I", modules).flatMap { ["-Xcc", $0] })]
}

let package = Package(
    name: "authv",
    products: [
        .executable(name: "authv", targets: ["authv"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each behind a module map.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // zbar's header only: Scan opens libzbar.so.0 with dlopen at the first scan (Sources/Scan/ZbarAPI.swift).
        .systemLibrary(name: "CZbar", providers: [.apt(["libzbar-dev"])]),
        // GLib's and GObject's declarations only: the few functions Scan calls come with gdk-pixbuf's handle
        // (Sources/Scan/GdkPixbufAPI.swift), so that `code` and `list` load neither library at start-up.
        .systemLibrary(name: "CGLib", providers: [.apt(["libglib2.0-dev"])]),
        // gdk-pixbuf and sd-bus (libsystemd, the keyring's one client): headers only. authv opens each with
        // dlopen when a command first needs it (Sources/SharedLibrary), so that no command loads at start-up
        // what it does not use; gdk-pixbuf's include folder is given by dlopenedHeaders (above).
        .systemLibrary(name: "CSystemd", providers: [.apt(["libsystemd-dev"])]),
        // libxml2 and libarchive, for the imports that read XML or zip files; opened at first such read.
        .systemLibrary(name: "CLibxml2", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CArchive", providers: [.apt(["libarchive-dev"])]),
        // libsodium (Ente's encrypted exports): its declarations; opened at the first such import.
        .systemLibrary(name: "CSodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CGdkPixbuf", providers: [.apt(["libgdk-pixbuf-2.0-dev"])]),
        // libpng's simplified reading API, for PNG files (the common QR code image): opened at the first PNG,
        // which then needs neither gdk-pixbuf nor GLib (about 2 ms of loading).
        .systemLibrary(name: "CPNG", providers: [.apt(["libpng-dev"])]),
        // libqrencode, for the QR codes authv draws (show --qr, export --qr); opened at the first one.
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"])]),
        // zxing-cpp (C++, no C API in Debian 12's 1.4): a small C face that opens libZXing.so.2 with dlopen
        // the first time zbar finds nothing (Sources/CZXing/zxing_shim.cpp).
        .target(name: "CZXing", cxxSettings: [.unsafeFlags(pkgConfig("--cflags-only-I", ["zxing"]))]),
        // libxcb and Xinerama: headers only, opened with dlopen by `add --screen` (Sources/Scan/X11Capture.swift).
        .systemLibrary(name: "CXcb", providers: [.apt(["libxcb1-dev", "libxcb-xinerama0-dev"])]),

        .target(name: "SharedLibrary"),
        // Running other programs (posix_spawn): authv's tools and every program the tests run.
        .target(name: "ChildProcess", dependencies: ["CLinux"]),
        // The signal handlers (async-signal-safe, in C): watch's, the all-or-nothing writes', a password prompt's.
        .target(name: "CSignals"),
        // Gives the executable the git commit it is built from (for `authv --version`).
        .plugin(name: "BuildCommit", capability: .buildTool()),
        .target(name: "AuthvCrypto", dependencies: ["COpenSSL"]),
        .target(name: "OTP", dependencies: ["AuthvCrypto"]),
        // SNTP, for `doctor`'s measurement of the clock's offset (sockets only).
        .target(name: "NetworkTime", dependencies: ["OTP"]),
        .target(name: "Scan", dependencies: ["OTP", "CZbar", "CZXing", "CXcb", "CSystemd", "CGLib", "CGdkPixbuf", "CQRencode", "CPNG",
                                             "SharedLibrary"],
                swiftSettings: dlopenedHeaders),
        .target(name: "Vault", dependencies: ["OTP", "AuthvCrypto", "CSystemd", "CLibxml2", "CArchive", "CSodium", "CLinux",
                                              "CSignals", "SharedLibrary"],
                swiftSettings: dlopenedHeaders),
        .executableTarget(
            name: "authv",
            dependencies: [
                "OTP", "Scan", "Vault", "CLinux", "CSignals", "NetworkTime", "ChildProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: dlopenedHeaders,
            plugins: ["BuildCommit"]
        ),

        // libFuzzer targets over every parser of outside bytes (scripts/fuzz builds them with
        // -sanitize=fuzzer,address); built as usual, authv-fuzz replays files through the same targets.
        .target(name: "FuzzTargets", dependencies: ["OTP", "Vault", "Scan", "AuthvCrypto"], path: "Tests/Fuzz/Targets",
                swiftSettings: dlopenedHeaders),
        .executableTarget(name: "authv-fuzz", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/Main"),

        // Helpers the test targets share: running programs, a private keyring.
        .target(name: "TestSupport", dependencies: ["ChildProcess"], path: "Tests/TestSupport"),
        .testTarget(name: "OTPTests", dependencies: ["OTP", "AuthvCrypto", "TestSupport"]),
        .testTarget(name: "ScanTests", dependencies: ["Scan", "TestSupport"], swiftSettings: dlopenedHeaders),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "OTP", "AuthvCrypto", "SharedLibrary", "TestSupport"],
                    swiftSettings: dlopenedHeaders),
        .testTarget(name: "NetworkTimeTests", dependencies: ["NetworkTime"]),
        // The dlopen tables' field types checked against the headers at compile time: this target alone links
        // the libraries, as pkg-config names them (argon2's header: a test-only module, Tests/SignatureHeaders).
        .systemLibrary(name: "CArgon2", path: "Tests/SignatureHeaders/CArgon2"),
        .testTarget(name: "SignatureTests",
                    dependencies: ["Scan", "Vault", "CZbar", "CXcb", "CSystemd", "CGLib", "CGdkPixbuf", "CQRencode",
                                   "CLibxml2", "CArchive", "CSodium", "CArgon2", "CPNG"],
                    swiftSettings: includeFolders(dlopenedModules + ["libargon2"]),
                    linkerSettings: [.unsafeFlags(pkgConfig("--libs", dlopenedModules + ["xcb", "libargon2"])
                                                    .filter { $0.hasPrefix("-l") || $0.hasPrefix("-L") })]),
        .testTarget(name: "CLITests", dependencies: ["OTP", "AuthvCrypto", "Vault", "TestSupport"], swiftSettings: dlopenedHeaders),
    ],
    cxxLanguageStandard: .cxx17
)
