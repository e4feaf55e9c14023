/// A ``MerkleNodeHashSource`` backed by a closure, for adapting any storage.
///
/// (A storage type that cannot be captured in a `@Sendable` closure can conform to ``MerkleNodeHashSource``
/// itself; the protocol does not require `Sendable`.)
public struct ClosureNodeHashSource: MerkleNodeHashSource, Sendable {
    private let lookup: @Sendable (MerkleNodeID) throws -> TreeHash?

    /// Creates a source that calls `lookup` for every node it is asked for.
    public init(_ lookup: @escaping @Sendable (MerkleNodeID) throws -> TreeHash?) {
        self.lookup = lookup
    }

    /// Returns what the closure returns for `id`.
    public func nodeHash(at id: MerkleNodeID) throws -> TreeHash? {
        try self.lookup(id)
    }
}
