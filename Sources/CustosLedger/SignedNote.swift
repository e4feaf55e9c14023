/// A C2SP signed note: a text ending in a newline, a blank line, then one or more signature lines.
///
/// ```
/// <text, ending in "\n">
/// "\n"
/// — <key name> base64(key ID ‖ signature)   (one or more lines, each ending in "\n")
/// ```
///
/// The whole note must be valid UTF-8 without ASCII control characters other than newline. The text may contain
/// blank lines; it ends at the last blank line. ``init(parsing:)`` checks only this structure; to trust a note use
/// ``open(_:verifiers:)``, which also verifies the signatures.
public struct SignedNote: Hashable, Sendable {
    /// The most signature lines a note may carry; notes with more are rejected as malformed. C2SP requires
    /// accepting at least 16; golang.org/x/mod/sumdb/note uses 100.
    public static let maximumSignatureCount = 100

    /// The signed text, including its final newline.
    public var text: String

    /// The signature lines, in order.
    public var signatures: [NoteSignature]

    /// Creates a note from a text and signatures, without checking them; ``serializedBytes()`` checks.
    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Parses the structure of a signed note.
    ///
    /// - Throws: ``LedgerError/Code/malformedNote`` if the bytes are not valid UTF-8, contain a control character
    ///   other than newline, have no blank line followed by signature lines, have a malformed signature line (bad
    ///   prefix, invalid key name, base64 that is not canonical or shorter than 5 bytes), do not end in a newline,
    ///   or carry more than ``maximumSignatureCount`` signatures.
    public init(parsing bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw LedgerError.malformedNote("note is not valid UTF-8")
        }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x0A }) else {
            throw LedgerError.malformedNote("note contains an ASCII control character")
        }
        guard let split = Self.lastBlankLine(in: bytes) else {
            throw LedgerError.malformedNote("note has no blank line before its signatures")
        }
        let textBytes = bytes[..<(split + 1)]
        let signatureBlock = bytes[(split + 2)...]
        guard !signatureBlock.isEmpty, signatureBlock.last == 0x0A else {
            throw LedgerError.malformedNote("note signatures are missing or do not end in a newline")
        }
        var signatures: [NoteSignature] = []
        for line in signatureBlock.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard signatures.count < Self.maximumSignatureCount else {
                throw LedgerError.malformedNote("note has more than \(Self.maximumSignatureCount) signatures")
            }
            signatures.append(try Self.parseSignatureLine(line))
        }
        self.init(text: String(decoding: textBytes, as: UTF8.self), signatures: signatures)
    }

    /// Parses a signed note given as a string.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// The index of the first newline of the last `"\n\n"` in `bytes`.
    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == 0x0A && bytes[index + 1] == 0x0A {
                return index
            }
            index -= 1
        }
        return nil
    }

    private static let signaturePrefix: [UInt8] = Array("\u{2014} ".utf8)

    /// Parses `— <name> <base64>` (without the newline).
    private static func parseSignatureLine(_ line: ArraySlice<UInt8>) throws -> NoteSignature {
        guard line.starts(with: Self.signaturePrefix) else {
            throw LedgerError.malformedNote("signature line does not start with an em dash and a space")
        }
        let rest = line.dropFirst(Self.signaturePrefix.count)
        guard let space = rest.firstIndex(of: 0x20) else {
            throw LedgerError.malformedNote("signature line has no space between key name and signature")
        }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        guard NoteKeys.isValidKeyName(name) else {
            throw LedgerError.malformedNote("signature line has an invalid key name \"\(name)\"")
        }
        guard let decoded = Base64.decode(utf8: Array(rest[(space + 1)...])), decoded.count >= 5 else {
            throw LedgerError.malformedNote("signature of \(name) is not canonical base64 of at least 5 bytes")
        }
        return NoteSignature(
            keyName: name,
            keyID: UInt32(bigEndianBytes: decoded[0..<4]),
            signature: Array(decoded[4...])
        )
    }

    /// Checks that `text` can be the text of a signed note: it ends in a newline and has no control characters
    /// other than newline.
    static func validateText(_ text: String) throws {
        guard text.utf8.last == 0x0A else {
            throw LedgerError.malformedNote("note text must end in a newline")
        }
        guard !text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A }) else {
            throw LedgerError.malformedNote("note text contains an ASCII control character")
        }
    }

    /// The note in its wire form: text, blank line, signature lines.
    ///
    /// - Throws: ``LedgerError/Code/malformedNote`` if the text is not valid note text, there are no signatures, or
    ///   a key name is invalid.
    public func serializedBytes() throws -> [UInt8] {
        try Self.validateText(self.text)
        guard !self.signatures.isEmpty else {
            throw LedgerError.malformedNote("a signed note needs at least one signature")
        }
        var bytes = Array(self.text.utf8)
        bytes.append(0x0A)
        for signature in self.signatures {
            guard NoteKeys.isValidKeyName(signature.keyName) else {
                throw LedgerError.malformedNote("invalid key name \"\(signature.keyName)\"")
            }
            bytes.append(contentsOf: signature.line.utf8)
        }
        return bytes
    }

    /// Signs `text` with each signer, in order, and returns the note.
    ///
    /// - Throws: ``LedgerError/Code/malformedNote`` if `text` is not valid note text or no signer is given;
    ///   ``LedgerError/Code/invalidKey`` for a signer with an invalid name; any error a signer throws.
    public static func sign(text: String, signers: [any NoteSigner]) throws -> SignedNote {
        var note = SignedNote(text: text, signatures: [])
        try note.addSignatures(from: signers)
        return note
    }

    /// Adds signatures over ``text`` from `signers` (for example a witness cosigning a checkpoint). An existing
    /// signature with the same key name and key ID as a signer is replaced; new signatures are appended.
    public mutating func addSignatures(from signers: [any NoteSigner]) throws {
        try Self.validateText(self.text)
        guard !signers.isEmpty || !self.signatures.isEmpty else {
            throw LedgerError.malformedNote("a signed note needs at least one signature")
        }
        let textBytes = Array(self.text.utf8)
        for signer in signers {
            try NoteKeys.validateKeyName(signer.keyName)
            let signature = NoteSignature(
                keyName: signer.keyName,
                keyID: signer.keyID,
                signature: try signer.signature(forNoteText: textBytes)
            )
            if let existing = self.signatures.firstIndex(where: {
                $0.keyName == signer.keyName && $0.keyID == signer.keyID
            }) {
                self.signatures[existing] = signature
            } else {
                self.signatures.append(signature)
            }
        }
    }
}
