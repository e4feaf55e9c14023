/// A signed note whose signatures have been checked against a set of trusted verifiers.
public struct VerifiedNote: Hashable, Sendable {
    /// The note as parsed.
    public var note: SignedNote

    /// The signatures made by known keys, all of which verified; at least one. Repeated signatures by one key are
    /// listed once.
    public var verifiedSignatures: [NoteSignature]

    /// The signatures by keys not among the verifiers, ignored as C2SP requires. Identical repeated lines are listed
    /// once.
    public var unverifiedSignatures: [NoteSignature]

    /// The verified text, including its final newline.
    public var text: String {
        self.note.text
    }
}

extension SignedNote {
    /// Parses a signed note and verifies it against trusted `verifiers` (C2SP signed-note "Signatures").
    ///
    /// A signature line is matched to the verifier with the same key name *and* key ID; lines that match none are
    /// ignored (they may be cosignatures or rotated keys). Every matched signature must verify. If several verifiers
    /// share a key name and ID, the first one is used. Callers should bound the size of untrusted input.
    ///
    /// - Throws: ``LedgerError/Code/malformedNote`` (see ``init(parsing:)``); ``LedgerError/Code/invalidSignature``
    ///   if a signature by a known key does not verify; ``LedgerError/Code/unverifiedNote`` if no signature is by
    ///   a known key.
    public static func open(_ bytes: some Collection<UInt8>, verifiers: [any NoteVerifier]) throws -> VerifiedNote {
        try SignedNote(parsing: bytes).verify(using: verifiers)
    }

    /// Verifies this note's signatures against trusted `verifiers`; see ``open(_:verifiers:)``.
    public func verify(using verifiers: [any NoteVerifier]) throws -> VerifiedNote {
        let textBytes = Array(self.text.utf8)
        var verified: [NoteSignature] = []
        var unverified: [NoteSignature] = []
        for signature in self.signatures {
            guard
                let verifier = verifiers.first(where: {
                    $0.keyName == signature.keyName && $0.keyID == signature.keyID
                })
            else {
                if !unverified.contains(signature) {
                    unverified.append(signature)
                }
                continue
            }
            if verified.contains(where: { $0.keyName == signature.keyName && $0.keyID == signature.keyID }) {
                continue
            }
            guard verifier.isValidSignature(signature.signature, forNoteText: textBytes) else {
                throw LedgerError.invalidSignature(
                    "invalid signature for key \(signature.keyName)+\(NoteKeys.hexKeyID(signature.keyID))"
                )
            }
            verified.append(signature)
        }
        guard !verified.isEmpty else {
            throw LedgerError.unverifiedNote("note has no signature by a known key")
        }
        return VerifiedNote(note: self, verifiedSignatures: verified, unverifiedSignatures: unverified)
    }
}
