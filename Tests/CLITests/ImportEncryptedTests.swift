import Testing

/// Every encrypted format: the right password imports the canonical set; a wrong password, one flipped
/// ciphertext byte and the file cut in half each give their own one-line error and store nothing.
@Suite("import: encrypted formats")
struct ImportEncryptedTests {
    static let formats: [EncryptedOutcomes] = [
        // 2FAS: the reference field checks the password (docs/formats/2fas.md).
        EncryptedOutcomes(encrypted: "2fas-v4-encrypted.2fas", flipped: "2fas-v4-flipped.2fas",
                          wrongPassword: "wrong password for this 2FAS file",
                          flippedError: "damaged 2FAS file: the services do not decrypt (altered or cut short)",
                          truncatedError: "damaged 2FAS file: not valid JSON (cut short?)", notes: false),
        // Aegis: the password slots check the password (docs/vault.md).
        EncryptedOutcomes(encrypted: "aegis-encrypted.json", flipped: "aegis-flipped.json",
                          wrongPassword: "wrong password for this Aegis file",
                          flippedError: "damaged Aegis file: the content does not decrypt under the vault's key (altered, or a different vault)",
                          truncatedError: "damaged Aegis file: not valid JSON (cut short?)"),
        // andOTP: no password check; the unverified plaintext tells them apart (docs/formats/andotp.md).
        EncryptedOutcomes(encrypted: "andotp-encrypted.json.aes", flipped: "andotp-flipped.json.aes",
                          wrongPassword: "wrong password for this andOTP file",
                          flippedError: "damaged andOTP file: the backup does not decrypt whole (altered or cut short)",
                          truncatedError: "damaged andOTP file: the backup does not decrypt whole (altered or cut short)", notes: false),
        EncryptedOutcomes(encrypted: "andotp-old-encrypted.json.aes", flipped: "andotp-old-flipped.json.aes",
                          wrongPassword: "wrong password for this andOTP (old format) file",
                          flippedError: "damaged andOTP (old format) file: the backup does not decrypt whole (altered or cut short)",
                          truncatedError: "damaged andOTP (old format) file: the backup does not decrypt whole (altered or cut short)", notes: false),
        // Ente: no password check; the unverified secretstream text tells them apart (docs/formats/ente-auth.md).
        EncryptedOutcomes(encrypted: "ente-encrypted.json", flipped: "ente-flipped.json",
                          wrongPassword: "wrong password for this Ente Auth file",
                          flippedError: "damaged Ente Auth file: the data does not decrypt whole (altered or cut short)",
                          truncatedError: "damaged Ente Auth file: not valid JSON (cut short?)"),
        // Authenticator Pro / Stratum: no password check; the unverified plaintext shows the key was right.
        EncryptedOutcomes(encrypted: "authenticator-pro-encrypted.authpro", flipped: "authenticator-pro-flipped.authpro",
                          wrongPassword: "wrong password for this Authenticator Pro file",
                          flippedError: "damaged Authenticator Pro file: the backup does not decrypt whole (altered or cut short)",
                          truncatedError: "damaged Authenticator Pro file: the backup does not decrypt whole (altered or cut short)", notes: false),
        EncryptedOutcomes(encrypted: "authenticator-pro-legacy.authpro", flipped: "authenticator-pro-legacy-flipped.authpro",
                          wrongPassword: "wrong password for this Authenticator Pro file",
                          flippedError: "damaged Authenticator Pro file: the backup does not decrypt whole (altered or cut short)",
                          truncatedError: "damaged Authenticator Pro file: cut short (not whole cipher blocks)", notes: false),
    ]

    @Test(arguments: formats) func outcomes(_ format: EncryptedOutcomes) throws {
        try expectEncryptedOutcomes(format)
    }
}
