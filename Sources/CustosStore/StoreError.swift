/// A failure of the store or of the ingest pipeline, with a code callers can branch on.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a comparable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case overloaded, invalidQuery, corrupt, unavailable, notFound, conflict
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The ingest queue is full: try again later.
        public static let overloaded = Code(.overloaded)
        /// A query parameter is malformed.
        public static let invalidQuery = Code(.invalidQuery)
        /// Stored data does not decode.
        public static let corrupt = Code(.corrupt)
        /// The store cannot be used (closed, disk full, I/O error).
        public static let unavailable = Code(.unavailable)
        /// The thing asked for does not exist.
        public static let notFound = Code(.notFound)
        /// The thing's current state does not allow the change (an alert already resolved).
        public static let conflict = Code(.conflict)

        public var description: String { base.rawValue }
    }

    /// The code.
    public var code: Code
    /// A message for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
