import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` into the target on every build: the git commit the package is built from
/// (`+` after it when the work tree has uncommitted changes), empty when it is not a git checkout. A
/// prebuild command runs before each build, unlike the manifest, which SwiftPM evaluates once and caches;
/// the file is rewritten only when the commit changes, so an unchanged commit recompiles nothing.
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = #"""
            set -u
            commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || commit=""
            if [ -n "$commit" ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+"; fi
            mkdir -p "$2"
            new="/// Made by the BuildCommit plugin at build time.
            let buildCommit = \"$commit\""
            [ "$(cat "$2/BuildCommit.swift" 2>/dev/null)" = "$new" ] || printf '%s\n' "$new" > "$2/BuildCommit.swift"
            """#
        return [.prebuildCommand(displayName: "Recording the git commit", executable: URL(filePath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, folder.path],
                                 outputFilesDirectory: folder)]
    }
}
