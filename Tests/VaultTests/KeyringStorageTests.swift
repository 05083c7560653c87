import Testing
@testable import Vault

/// The reading of gnome-keyring's files (the daemon itself is exercised by the CLI tests).
@Suite("gnome-keyring's file formats")
struct KeyringStorageTests {
    @Test func textualAndBinaryHeaders() {
        #expect(KeyringStorage.isTextual(Array("[keyring]\ndisplay-name=login\n".utf8)))
        #expect(KeyringStorage.isTextual(Array("\n# a comment\n  [keyring]\n".utf8)))
        #expect(!KeyringStorage.isTextual(Array("[other]\n[keyring]\n".utf8)))
        #expect(!KeyringStorage.isTextual(KeyringStorage.binaryMagic + [0, 0, 1, 0]))
        #expect(!KeyringStorage.isTextual([]))
        #expect(KeyringStorage.binaryMagic == [0x47, 0x6E, 0x6F, 0x6D, 0x65, 0x4B, 0x65, 0x79, 0x72, 0x69, 0x6E, 0x67, 0x0A, 0x0D, 0x00, 0x0A])
    }

    @Test func collectionPathsAreUnescaped() {
        #expect(KeyringStorage.unescape("login") == "login")
        #expect(KeyringStorage.unescape("my_20keys_2e") == "my keys.")
        #expect(KeyringStorage.unescape("odd_zz_4") == "odd_zz_4", "a _ without two hex digits stays")
    }
}
