// swift-tools-version:6.0
import PackageDescription

/// Where Debian's -dev package puts a library's headers (what `pkg-config --cflags` names), for a C
/// module that is imported for its header only: a pkgConfig entry would also link the library.
func headerPaths(_ folder: String) -> [SwiftSetting] {
    [.unsafeFlags(["-Xcc", "-I/usr/include/\(folder)"])]
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
        // C libraries, each behind a module map (and zbar's static archive with what it needs).
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // zbar's header; the library comes in through CZbarStatic (Debian's libzbar.a, see dbus_off.c).
        .systemLibrary(name: "CZbar", providers: [.apt(["libzbar-dev"])]),
        .target(name: "CZbarStatic", linkerSettings: [.linkedLibrary(":libzbar.a"), .linkedLibrary("jpeg")]),
        .systemLibrary(name: "CGLib", pkgConfig: "gio-2.0", providers: [.apt(["libglib2.0-dev"])]),
        // libsecret and gdk-pixbuf: headers only. authv opens them with dlopen when a command first needs
        // them (Sources/SharedLibrary), so that code and list do not load them and what they pull in at
        // start-up; their include folders are given to the targets that import them (headerPaths below).
        .systemLibrary(name: "CLibsecret", providers: [.apt(["libsecret-1-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CGdkPixbuf", providers: [.apt(["libgdk-pixbuf-2.0-dev"])]),

        .target(name: "SharedLibrary"),
        .target(name: "AuthvCrypto", dependencies: ["COpenSSL"]),
        .target(name: "OTP", dependencies: ["AuthvCrypto"]),
        .target(name: "Scan", dependencies: ["CZbar", "CZbarStatic", "CGLib", "CGdkPixbuf", "SharedLibrary"],
                swiftSettings: headerPaths("gdk-pixbuf-2.0")),
        .target(name: "Vault", dependencies: ["OTP", "AuthvCrypto", "CGLib", "CLibsecret", "SharedLibrary"],
                swiftSettings: headerPaths("libsecret-1")),
        .executableTarget(
            name: "authv",
            dependencies: [
                "OTP", "Scan", "Vault", "CLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Helpers the test targets share: running programs, a private keyring.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "OTPTests", dependencies: ["OTP", "AuthvCrypto", "TestSupport"]),
        .testTarget(name: "ScanTests", dependencies: ["Scan", "TestSupport"]),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "OTP", "SharedLibrary", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["OTP", "Vault", "TestSupport"]),
    ]
)
