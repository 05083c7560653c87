import Foundation
import OTP
import Testing
import TestSupport

/// The content detector: formats are told apart by content, and structured files that are none of them
/// are refused saying what they look like.
@Suite("import: detection")
struct ImportDetectionTests {
    @Test func aJSONObjectOfNoKnownFormat() throws {
        let s = try Session()
        let path = try s.file("backup.2fas", #"{"vaultFormat": 9, "items": []}"#)
        expectFailure(try s.authv("add", path), status: 1, line: "authv: \(path): not an export authv knows: looks like a JSON object with \"items\", \"vaultFormat\"")
        #expect(try s.stored().isEmpty)
    }

    @Test func aJSONArrayOfNoKnownFormat() throws {
        let s = try Session()
        let path = try s.file("list.json", #"[1, 2, 3]"#)
        expectFailure(try s.authv("add", path), status: 1, line: "authv: \(path): not an export authv knows: looks like a JSON array of 3 items")
    }

    @Test func anXMLDocumentOfNoKnownFormat() throws {
        let s = try Session()
        let path = try s.file("prefs.xml", "<?xml version='1.0' encoding='utf-8'?>\n<map><string name=\"x\">y</string></map>\n")
        expectFailure(try s.authv("add", path), status: 1, line: "authv: \(path): not an export authv knows: looks like an XML document")
    }

    @Test func aZipArchiveOfNoKnownFormat() throws {
        let s = try Session()
        let inner = try s.file("readme.txt", "hello\n")
        let zip = s.folder + "/archive.1pux"
        let made = try run("/usr/bin/python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').write(sys.argv[2], 'readme.txt')", zip, inner])
        try #require(made.status == 0, "\(made.stderr)")
        expectFailure(try s.authv("add", zip), status: 1, line: "authv: \(zip): not an export authv knows: looks like a zip archive")
    }

    /// The file's name plays no part: a 2FAS backup named like a text file is read as 2FAS.
    @Test func theNameIsNeverLookedAt() throws {
        let s = try Session()
        let copy = s.folder + "/accounts.txt"
        try FileManager.default.copyItem(atPath: importFixtures + "2fas-v4-plain.2fas", toPath: copy)
        let result = try s.authv("add", copy)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try s.storedAccounts().count == canonicalAccounts.count)
    }

    /// A note survives the keyring percent-encoded: one line, decoded back exactly.
    @Test func aNoteIsStoredOnOneLine() throws {
        let s = try Session()
        let note = "Recovery codes:\n1111-2222\r\n\u{1b}[31m & = ? % +"
        var account = try Account(uri: P1)
        account.note = note
        let path = try s.file("note.txt", account.uri + "\n")
        #expect(try s.authv("add", path).status == 0)
        let stored = try s.stored()
        #expect(stored.count == 1 && !stored[0].contains("\n") && !stored[0].contains("\r") && !stored[0].contains("\u{1b}"))
        #expect(try s.storedAccounts().first?.note == note)
    }
}
