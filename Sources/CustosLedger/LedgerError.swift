/// An error thrown by the `CustosLedger` module.
///
/// Every error carries a ``Code`` that callers and tests can compare (`error.code == .rootMismatch`) and a
/// human-readable message that explains what exactly went wrong. The message is for people; do not parse it.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; stable and comparable.
    public var code: Code

    /// A human-readable explanation of the failure.
    public var message: String

    /// Creates an error with the given code and message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A textual description containing the code and the message.
    public var description: String {
        "LedgerError(\(self.code)): \(self.message)"
    }
}

extension LedgerError {
    /// The kind of a ``LedgerError``.
    ///
    /// Codes are compared with `==`; new codes may be added in future versions, so do not switch exhaustively over
    /// them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case invalidHashLength
            case invalidEncoding
            case invalidArgument
            case invalidProof
            case rootMismatch
            case missingNode
            case invalidFrontier
            case malformedNote
            case invalidKey
            case unsupportedAlgorithm
            case invalidSignature
            case unverifiedNote
            case malformedCheckpoint
            case originMismatch
            case malformedTilePath
            case malformedTile
            case malformedEntryBundle
            case entryTooLarge
            case malformedLedgerEntry
            case commitmentMismatch
            case malformedWitnessRequest
        }

        private var wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The name of the code, for example `rootMismatch`.
        public var description: String {
            self.wrapped.rawValue
        }

        /// A hash value was not exactly 32 bytes long.
        public static var invalidHashLength: Self { Self(.invalidHashLength) }

        /// Text that should hold base64, hexadecimal or decimal data was malformed or not canonical.
        public static var invalidEncoding: Self { Self(.invalidEncoding) }

        /// An index, size or other argument was outside the range the operation allows.
        public static var invalidArgument: Self { Self(.invalidArgument) }

        /// A proof had the wrong shape (for example the wrong number of hashes) for the sizes it claims to cover.
        public static var invalidProof: Self { Self(.invalidProof) }

        /// A proof was well formed but the root hash it implies differs from the expected root hash.
        public static var rootMismatch: Self { Self(.rootMismatch) }

        /// A node hash source could not provide a node hash that the operation needed.
        public static var missingNode: Self { Self(.missingNode) }

        /// A serialised or reconstructed Merkle frontier was inconsistent.
        public static var invalidFrontier: Self { Self(.invalidFrontier) }

        /// A signed note violated the C2SP signed-note format.
        public static var malformedNote: Self { Self(.malformedNote) }

        /// A verifier key, signer key or key name was malformed or its key ID did not match.
        public static var invalidKey: Self { Self(.invalidKey) }

        /// A key used a signature type this module does not implement.
        public static var unsupportedAlgorithm: Self { Self(.unsupportedAlgorithm) }

        /// A signature from a known key failed to verify.
        public static var invalidSignature: Self { Self(.invalidSignature) }

        /// A signed note carried no signature from any of the given verifiers.
        public static var unverifiedNote: Self { Self(.unverifiedNote) }

        /// A checkpoint body violated the C2SP tlog-checkpoint format.
        public static var malformedCheckpoint: Self { Self(.malformedCheckpoint) }

        /// A checkpoint's origin line differed from the origin the caller expected.
        public static var originMismatch: Self { Self(.originMismatch) }

        /// A tile or entry bundle path violated the C2SP tlog-tiles path encoding.
        public static var malformedTilePath: Self { Self(.malformedTilePath) }

        /// Tile contents had the wrong length or described nodes outside the tree.
        public static var malformedTile: Self { Self(.malformedTile) }

        /// An entry bundle was truncated or otherwise malformed.
        public static var malformedEntryBundle: Self { Self(.malformedEntryBundle) }

        /// An entry exceeded the 65,535-byte limit of an entry bundle.
        public static var entryTooLarge: Self { Self(.entryTooLarge) }

        /// A ledger entry encoding had the wrong length or an unknown version.
        public static var malformedLedgerEntry: Self { Self(.malformedLedgerEntry) }

        /// A disclosure did not reproduce the commitment it was checked against.
        public static var commitmentMismatch: Self { Self(.commitmentMismatch) }

        /// A C2SP tlog-witness request body was malformed.
        public static var malformedWitnessRequest: Self { Self(.malformedWitnessRequest) }
    }
}

extension LedgerError {
    static func invalidHashLength(_ message: String) -> Self { Self(code: .invalidHashLength, message: message) }
    static func invalidEncoding(_ message: String) -> Self { Self(code: .invalidEncoding, message: message) }
    static func invalidArgument(_ message: String) -> Self { Self(code: .invalidArgument, message: message) }
    static func invalidProof(_ message: String) -> Self { Self(code: .invalidProof, message: message) }
    static func rootMismatch(_ message: String) -> Self { Self(code: .rootMismatch, message: message) }
    static func missingNode(_ message: String) -> Self { Self(code: .missingNode, message: message) }
    static func invalidFrontier(_ message: String) -> Self { Self(code: .invalidFrontier, message: message) }
    static func malformedNote(_ message: String) -> Self { Self(code: .malformedNote, message: message) }
    static func invalidKey(_ message: String) -> Self { Self(code: .invalidKey, message: message) }
    static func unsupportedAlgorithm(_ message: String) -> Self { Self(code: .unsupportedAlgorithm, message: message) }
    static func invalidSignature(_ message: String) -> Self { Self(code: .invalidSignature, message: message) }
    static func unverifiedNote(_ message: String) -> Self { Self(code: .unverifiedNote, message: message) }
    static func malformedCheckpoint(_ message: String) -> Self { Self(code: .malformedCheckpoint, message: message) }
    static func originMismatch(_ message: String) -> Self { Self(code: .originMismatch, message: message) }
    static func malformedTilePath(_ message: String) -> Self { Self(code: .malformedTilePath, message: message) }
    static func malformedTile(_ message: String) -> Self { Self(code: .malformedTile, message: message) }
    static func malformedEntryBundle(_ message: String) -> Self { Self(code: .malformedEntryBundle, message: message) }
    static func entryTooLarge(_ message: String) -> Self { Self(code: .entryTooLarge, message: message) }
    static func malformedLedgerEntry(_ message: String) -> Self { Self(code: .malformedLedgerEntry, message: message) }
    static func commitmentMismatch(_ message: String) -> Self { Self(code: .commitmentMismatch, message: message) }
    static func malformedWitnessRequest(_ message: String) -> Self {
        Self(code: .malformedWitnessRequest, message: message)
    }
}
