// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "authv",
    products: [
        .executable(name: "authv", targets: ["authv"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each behind a module map; nothing else lives here.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // zbar's header; the library comes in through CZbarStatic (Debian's libzbar.a, see dbus_off.c).
        .systemLibrary(name: "CZbar", providers: [.apt(["libzbar-dev"])]),
        .target(name: "CZbarStatic", linkerSettings: [.linkedLibrary(":libzbar.a"), .linkedLibrary("jpeg")]),
        .systemLibrary(name: "CLibsecret", pkgConfig: "libsecret-1", providers: [.apt(["libsecret-1-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CGdkPixbuf", pkgConfig: "gdk-pixbuf-2.0", providers: [.apt(["libgdk-pixbuf-2.0-dev"])]),

        .target(name: "AuthvCrypto", dependencies: ["COpenSSL"]),
        .target(name: "OTP", dependencies: ["AuthvCrypto"]),
        .target(name: "Scan", dependencies: ["CZbar", "CZbarStatic", "CGdkPixbuf"]),
        .target(name: "Vault", dependencies: ["OTP", "AuthvCrypto", "CLibsecret"]),
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
        .testTarget(name: "VaultTests", dependencies: ["Vault", "OTP", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["OTP", "Vault", "TestSupport"]),
    ]
)
