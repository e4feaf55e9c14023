import Crypto

/// One named value of an event, hidden behind a salted digest (in the style of SD-JWT disclosures).
///
/// Revealing the claim means handing over its salt, name and value; anyone can then recompute ``digest`` and find
/// it in the commitment. Without the 16-byte random salt the digest reveals nothing about a low-entropy value.
///
/// Digest layout (lengths are 4-byte big-endian unsigned integers):
///
/// ```
/// SHA-256( "custos-claim-v1" ‖ 0x00 ‖ salt (16 bytes) ‖ len(name) ‖ name (UTF-8) ‖ len(value) ‖ value )
/// ```
///
/// The value is whatever canonical byte form the caller defines for it (for strings, their UTF-8 bytes). Subjects
/// (the people an access concerned) are committed one claim per subject, so each can be disclosed alone.
public struct SaltedClaim: Hashable, Sendable {
    /// The number of salt bytes.
    public static let saltSize = 16

    /// The random salt.
    public var salt: [UInt8]

    /// The claim's name, for example `actor` or `subject`.
    public var name: String

    /// The canonical bytes of the claim's value.
    public var value: [UInt8]

    /// Creates a claim with a given salt.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the salt is not 16 bytes or the name or value is longer
    ///   than `UInt32.max` bytes.
    public init(salt: some Collection<UInt8>, name: String, value: some Collection<UInt8>) throws {
        guard salt.count == Self.saltSize else {
            throw LedgerError.invalidArgument("a claim salt is \(Self.saltSize) bytes, got \(salt.count)")
        }
        guard name.utf8.count <= Int(UInt32.max), value.count <= Int(UInt32.max) else {
            throw LedgerError.invalidArgument("claim name or value is too long")
        }
        self.salt = Array(salt)
        self.name = name
        self.value = Array(value)
    }

    /// Creates a claim with a fresh salt from the system's secure random number generator.
    public init(name: String, value: some Collection<UInt8>) throws {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try self.init(salt: salt, name: name, value: value)
    }

    /// Creates a claim whose value is the UTF-8 encoding of `value`, with a fresh random salt.
    public init(name: String, stringValue value: String) throws {
        try self.init(name: name, value: Array(value.utf8))
    }

    /// The salted digest described on the type.
    public var digest: TreeHash {
        var input = Array("custos-claim-v1".utf8)
        input.append(0x00)
        input.append(contentsOf: self.salt)
        input.appendBigEndian(UInt32(self.name.utf8.count))
        input.append(contentsOf: self.name.utf8)
        input.appendBigEndian(UInt32(self.value.count))
        input.append(contentsOf: self.value)
        return SHA256.hash(data: input).withUnsafeBytes { TreeHash(unsafeDigestBytes: $0) }
    }
}
