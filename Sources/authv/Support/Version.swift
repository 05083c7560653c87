/// What `authv --version` prints.
enum BuildInfo {
    /// authv's version: the one place it is written. scripts/package-deb names the package after it
    /// (it asks the built binary).
    static let version = "0.2.0"

    /// The version, and the git commit the binary was built from when it was built in a checkout
    /// (`buildCommit` comes from the BuildCommit plugin).
    static var line: String { buildCommit.isEmpty ? version : "\(version) (commit \(buildCommit))" }
}
