/// The body of a C2SP tlog-witness `add-checkpoint` request: the size of the checkpoint the witness last cosigned,
/// a consistency proof from it, and the new signed checkpoint.
///
/// ```
/// old <old size>
/// <base64 proof hash>        (0 to 63 lines)
///
/// <signed checkpoint note>
/// ```
///
/// A log builds and sends it; a witness parses it, verifies the note with ``Checkpoint/open(_:origin:verifiers:)``
/// and then checks consistency with ``verifyConsistency(oldRoot:checkpoint:)``.
public struct AddCheckpointRequest: Hashable, Sendable {
    /// The most proof lines a request may carry.
    public static let maximumProofLength = 63

    /// The size of the checkpoint the witness last cosigned for this log (0 if none).
    public var oldSize: UInt64

    /// The consistency proof from ``oldSize`` to the checkpoint's size; empty when ``oldSize`` is 0 or equal to it.
    public var consistencyProof: [TreeHash]

    /// The signed checkpoint note, exactly as the log serves it.
    public var checkpointNote: [UInt8]

    /// Creates a request from its parts.
    public init(oldSize: UInt64, consistencyProof: [TreeHash], checkpointNote: [UInt8]) {
        self.oldSize = oldSize
        self.consistencyProof = consistencyProof
        self.checkpointNote = checkpointNote
    }

    /// Parses a request body. The checkpoint note is returned as is, not yet verified.
    ///
    /// - Throws: ``LedgerError/Code/malformedWitnessRequest`` if the old size line is not `old <canonical decimal>`,
    ///   a proof line is not canonical base64 of 32 bytes, there are more than 63 proof lines, the empty line is
    ///   missing, or no checkpoint follows it.
    public init(parsing body: some Collection<UInt8>) throws {
        let bytes = Array(body)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var checkpointStart: Int?
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                throw LedgerError.malformedWitnessRequest("request line does not end in a newline")
            }
            if end == start {
                checkpointStart = end + 1
                break
            }
            lines.append(bytes[start..<end])
            start = end + 1
        }
        guard let checkpointStart, checkpointStart < bytes.count else {
            throw LedgerError.malformedWitnessRequest("request has no empty line followed by a checkpoint")
        }
        guard let first = lines.first, first.starts(with: Array("old ".utf8)),
            let oldSize = Self.parseDecimal(first.dropFirst(4))
        else {
            throw LedgerError.malformedWitnessRequest("first line must be \"old <size>\" in canonical decimal")
        }
        guard lines.count - 1 <= Self.maximumProofLength else {
            throw LedgerError.malformedWitnessRequest("request has more than 63 consistency proof lines")
        }
        var proof: [TreeHash] = []
        for line in lines.dropFirst() {
            guard let decoded = Base64.decode(utf8: Array(line)), let hash = try? TreeHash(bytes: decoded) else {
                throw LedgerError.malformedWitnessRequest("consistency proof line is not base64 of a 32-byte hash")
            }
            proof.append(hash)
        }
        self.init(oldSize: oldSize, consistencyProof: proof, checkpointNote: Array(bytes[checkpointStart...]))
    }

    /// The request body.
    public var serializedBytes: [UInt8] {
        var bytes = Array("old \(self.oldSize)\n".utf8)
        for hash in self.consistencyProof {
            bytes.append(contentsOf: hash.base64String.utf8)
            bytes.append(0x0A)
        }
        bytes.append(0x0A)
        bytes.append(contentsOf: self.checkpointNote)
        return bytes
    }

    /// Applies the tlog-witness consistency rules to the verified `checkpoint` of this request, given the root hash
    /// the witness recorded for ``oldSize`` (ignored when ``oldSize`` is 0).
    ///
    /// - An old size above the checkpoint size is a bad request (HTTP 400): ``LedgerError/Code/invalidArgument``.
    /// - A checkpoint of size 0 must carry the empty tree's root; from old size 0 the proof must be empty (the empty
    ///   tree is consistent with every tree); for equal sizes the roots must match; otherwise the RFC 9162 proof
    ///   must verify. Failures (HTTP 422) throw ``LedgerError/Code/invalidProof`` or
    ///   ``LedgerError/Code/rootMismatch``.
    ///
    /// Checking that ``oldSize`` equals the witness's recorded size (HTTP 409) is the caller's job, atomically with
    /// recording the new checkpoint.
    public func verifyConsistency(oldRoot: TreeHash, checkpoint: Checkpoint) throws {
        guard self.oldSize <= checkpoint.size else {
            throw LedgerError.invalidArgument("old size \(self.oldSize) exceeds checkpoint size \(checkpoint.size)")
        }
        if checkpoint.size == 0 && checkpoint.rootHash != MerkleTreeHasher.emptyTreeHash {
            throw LedgerError.rootMismatch("a checkpoint of size 0 must have the empty tree's root hash")
        }
        if self.oldSize == 0 {
            guard self.consistencyProof.isEmpty else {
                throw LedgerError.invalidProof("a consistency proof from size 0 must be empty")
            }
            return
        }
        try ConsistencyProof(oldSize: self.oldSize, newSize: checkpoint.size, hashes: self.consistencyProof)
            .verify(oldRoot: oldRoot, newRoot: checkpoint.rootHash)
    }

    private static func parseDecimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            digits.first != 0x30 || digits.count == 1
        else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
