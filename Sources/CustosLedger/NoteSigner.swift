/// A private key that can sign note texts, identified by its key name and key ID.
public protocol NoteSigner: Sendable {
    /// The key name to put in signature lines.
    var keyName: String { get }

    /// The key ID to put in signature lines.
    var keyID: UInt32 { get }

    /// Signs the note text `text` (including its final newline) and returns the signature bytes that follow the key
    /// ID in the signature line.
    func signature(forNoteText text: [UInt8]) throws -> [UInt8]
}
