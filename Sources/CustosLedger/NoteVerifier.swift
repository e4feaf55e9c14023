/// A public key that can check signatures on signed notes, identified by its key name and key ID.
///
/// ``SignedNote/open(_:verifiers:)`` matches each signature line to the verifier with the same name and ID.
public protocol NoteVerifier: Sendable {
    /// The key name that signature lines of this key carry.
    var keyName: String { get }

    /// The key ID that signature lines of this key carry.
    var keyID: UInt32 { get }

    /// Whether `signature` (the bytes after the key ID) is a valid signature of this key over the note text `text`
    /// (including its final newline).
    func isValidSignature(_ signature: [UInt8], forNoteText text: [UInt8]) -> Bool
}
