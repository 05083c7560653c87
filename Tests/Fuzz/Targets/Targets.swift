import AuthvCrypto
import FoundationEssentials
import OTP
import Scan
import Vault
#if canImport(Glibc)
import Glibc
#endif

/// One libFuzzer target per parser that takes outside bytes. Each runs the parser the way authv does on a
/// file or QR code a stranger made, and ignores the outcome: a thrown error is the right answer to bad
/// input; a crash, a hang, a sanitizer report or memory out of bounds is what libFuzzer looks for.
/// scripts/fuzz runs them; `authv-fuzz TARGET FILE...` (built without libFuzzer) replays files.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "base32": { _ = try? Base32.decode(text($0)) },
        "uri": { _ = try? Account(uri: text($0)) },
        "migration": { bytes in
            // The same payload as one part and as a whole export, so assembly sees it too.
            if let part = try? Migration.decode(text(bytes)) { _ = try? Migration.assemble([part]) }
        },
        "text": { _ = try? Importer.plan(from: [.text(file: "fuzz.txt", content: text($0))]) },
        "recovery": { bytes in
            _ = RecoveryCodes.parse(text(bytes))
            _ = RecoveryCodes(stored: text(bytes))
        },
        // Every export format: the detector, then the format it picks, with a password when it asks.
        "export": { bytes in
            let content = ExportContent(bytes)
            guard let format = try? ExportFormats.detect(content) else { return }
            _ = try? format.entries(content, password: { "fuzz-password" })
        },
        // The Aegis vault before the key: the outer JSON, the header, the slots (no scrypt is run: the
        // key comes from a fixed master key, which the content's GCM tag then refuses). A plain file is
        // also read as an import reads it (through its types, `PlainAegisView`, when they fit).
        "aegis-file": { bytes in
            guard let file = try? AegisFile(bytes: bytes) else { return }
            _ = try? file.open(file.isEncrypted ? file.key(masterKey: fuzzMasterKey) : nil)
            if !file.isEncrypted { _ = try? AegisImport.entries(ExportContent(bytes), password: { "fuzz-password" }) }
        },
        // The Aegis vault after the key: the input is the decrypted database, sealed here under a known
        // key, so that every mutation reaches the entry parser past the GCM check.
        "aegis-db": { bytes in
            guard let file = try? AegisFile(bytes: sealedVault(database: bytes)) else { return }
            _ = try? file.open(file.key(masterKey: fuzzMasterKey))
        },
        "image": { _ = try? Scanner(maxPixels: 1_000_000).scan(bytes: $0, file: "fuzz.img") },
    ]

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static let fuzzMasterKey = SecretBytes([UInt8](repeating: 7, count: 32))

    static func sealedVault(database: [UInt8]) -> [UInt8] {
        let nonce = [UInt8](repeating: 1, count: 12)
        guard let sealed = try? Crypto.aesGCMSeal(key: fuzzMasterKey, nonce: nonce, plaintext: database) else { return [] }
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        let json = #"{"version":1,"header":{"slots":[],"params":{"nonce":"\#(hex(nonce))","tag":"\#(hex(sealed.tag))"}},"db":"\#(Data(sealed.ciphertext).base64EncodedString())"}"#
        return Array(json.utf8)
    }
}

/// Called by Tests/Fuzz/Main for each input; the target is chosen by AUTHV_FUZZ_TARGET.
@_cdecl("authv_fuzz_one")
public func authvFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let run = FuzzTargets.selected else { return -1 }
    run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

extension FuzzTargets {
    static let selected: (@Sendable ([UInt8]) -> Void)? = {
        guard let name = getenv("AUTHV_FUZZ_TARGET").map({ String(cString: $0) }) else { return nil }
        return all[name]
    }()
}
