/// A C2SP tlog-checkpoint: the note text a log signs to commit to its tree head.
///
/// ```
/// <origin>
/// <tree size in decimal>
/// <root hash in base64>
/// [<extension line>…]
/// ```
///
/// Each line ends in a newline. The origin is non-empty; the size is ASCII decimal without leading zeroes (`0` for
/// the empty tree); the root hash is the canonical base64 of the 32-byte RFC 6962 root; extension lines are
/// optional, opaque and non-empty. Sign a checkpoint with ``sign(signers:)`` and read a signed one with
/// ``open(_:origin:verifiers:)``.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity, for example `custos.example/ledger`.
    public var origin: String

    /// The number of leaves in the tree.
    public var size: UInt64

    /// The root hash of the tree of ``size`` leaves.
    public var rootHash: TreeHash

    /// Optional extension lines after the root hash, without their newlines. Use is not recommended by C2SP.
    public var extensionLines: [String]

    /// Creates a checkpoint from its fields.
    public init(origin: String, size: UInt64, rootHash: TreeHash, extensionLines: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint body (the note text, without the blank line and signatures).
    ///
    /// - Parameter expectedOrigin: if given, the origin line must equal it.
    /// - Throws: ``LedgerError/Code/malformedCheckpoint`` for a body that does not end in a newline, has fewer than
    ///   three lines, an empty origin, a size that is not canonical decimal or overflows `UInt64`, a root hash that
    ///   is not canonical base64, an empty extension line, or an ASCII control character;
    ///   ``LedgerError/Code/invalidHashLength`` for a root hash that is valid base64 but not 32 bytes;
    ///   ``LedgerError/Code/originMismatch`` if the origin is not `expectedOrigin`.
    public init(parsing text: some StringProtocol, expectedOrigin: String? = nil) throws {
        let bytes = Array(text.utf8)
        guard bytes.last == 0x0A else {
            throw LedgerError.malformedCheckpoint("checkpoint must end in a newline")
        }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x0A }) else {
            throw LedgerError.malformedCheckpoint("checkpoint contains an ASCII control character")
        }
        let lines = bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count >= 3 else {
            throw LedgerError.malformedCheckpoint("checkpoint needs origin, size and root hash lines")
        }
        let origin = String(decoding: lines[0], as: UTF8.self)
        guard !origin.isEmpty else {
            throw LedgerError.malformedCheckpoint("checkpoint origin line is empty")
        }
        if let expectedOrigin, origin != expectedOrigin {
            throw LedgerError.originMismatch("checkpoint origin is \"\(origin)\", expected \"\(expectedOrigin)\"")
        }
        guard let size = Self.parseSize(lines[1]) else {
            let line = String(decoding: lines[1], as: UTF8.self)
            throw LedgerError.malformedCheckpoint("checkpoint size line \"\(line)\" is not a canonical decimal UInt64")
        }
        guard let hashBytes = Base64.decode(utf8: Array(lines[2])) else {
            throw LedgerError.malformedCheckpoint("checkpoint root hash line is not canonical base64")
        }
        guard hashBytes.count == TreeHash.byteCount else {
            throw LedgerError.invalidHashLength("checkpoint root hash is \(hashBytes.count) bytes, expected 32")
        }
        let extensionLines = lines.dropFirst(3).map { String(decoding: $0, as: UTF8.self) }
        guard !extensionLines.contains(where: \.isEmpty) else {
            throw LedgerError.malformedCheckpoint("checkpoint extension lines must not be empty")
        }
        self.init(
            origin: origin,
            size: size,
            rootHash: try TreeHash(bytes: hashBytes),
            extensionLines: extensionLines
        )
    }

    /// Parses ASCII decimal without sign or leading zeroes into a `UInt64`.
    private static func parseSize(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        guard digits.first != 0x30 || digits.count == 1 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The checkpoint body: origin, size, root hash and extension lines, each followed by a newline.
    ///
    /// - Throws: ``LedgerError/Code/malformedCheckpoint`` if the origin is empty, or the origin or an extension line
    ///   is empty or contains a newline or control character.
    public func text() throws -> String {
        for (what, line) in [("origin", self.origin)] + self.extensionLines.map({ ("extension line", $0) }) {
            guard !line.isEmpty, !line.utf8.contains(where: { $0 < 0x20 }) else {
                throw LedgerError.malformedCheckpoint("checkpoint \(what) must be non-empty without control characters")
            }
        }
        var text = "\(self.origin)\n\(self.size)\n\(self.rootHash.base64String)\n"
        for line in self.extensionLines {
            text += line + "\n"
        }
        return text
    }

    /// Signs the checkpoint body with the log's key(s).
    public func sign(signers: [any NoteSigner]) throws -> SignedNote {
        try SignedNote.sign(text: try self.text(), signers: signers)
    }

    /// Verifies a signed checkpoint note with trusted `verifiers`, then parses its body and checks its origin.
    ///
    /// The body is parsed only after a signature verified, so untrusted text is never interpreted.
    ///
    /// - Throws: the errors of ``SignedNote/open(_:verifiers:)`` and ``init(parsing:expectedOrigin:)``.
    public static func open(
        _ bytes: some Collection<UInt8>,
        origin: String,
        verifiers: [any NoteVerifier]
    ) throws -> VerifiedCheckpoint {
        let note = try SignedNote.open(bytes, verifiers: verifiers)
        let checkpoint = try Checkpoint(parsing: note.text, expectedOrigin: origin)
        return VerifiedCheckpoint(checkpoint: checkpoint, note: note)
    }
}
