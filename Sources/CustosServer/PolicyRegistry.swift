public import CustosCore
import Foundation
import Synchronization

/// The policy set in force at the decision point, with hot reload: `policies.cedar` (and the schema) are read
/// again when asked (`POST /v1/policies/reload`, or the server's poll of the file's modification time); a set
/// that fails to parse or validate is refused whole and the last good set stays in force. A set with new bytes is
/// recorded (by the caller's `record`) before it takes effect.
public final class PolicyRegistry: Sendable {
    /// A policy set in force: what was loaded, when, and from where.
    public struct InForce: Sendable {
        /// The policies, schema and hashes.
        public let loaded: LoadedPolicies
        /// When the set was put in force.
        public let loadedAt: Timestamp
    }

    /// The result of a reload.
    public enum ReloadOutcome: Sendable {
        /// The files hold the set (and schema) already in force.
        case unchanged(InForce)
        /// A new set is in force; `previous` is the one it replaced (nil when there was none).
        case changed(InForce, previous: InForce?)
    }

    private let state: Mutex<InForce?>
    private let stamp: Mutex<[FileStamp]?>
    private let dataDirectory: String?
    private let gate = SerialGate()

    /// The set in force; nil when none has ever loaded (decisions then fail closed).
    public var current: InForce? { state.withLock { $0 } }

    /// Starts with `initial` (as loaded at startup) in force; `dataDirectory` is where reloads read from (nil:
    /// never reload).
    public init(initial: LoadedPolicies?, dataDirectory: String?, now: Timestamp) {
        self.dataDirectory = dataDirectory
        state = Mutex(initial.map { InForce(loaded: $0, loadedAt: now) })
        stamp = Mutex(dataDirectory.map { Self.fileStamp($0) })
    }

    /// The policy file's path (nil without a data directory).
    public var policyPath: String? {
        dataDirectory.map { ($0 as NSString).appendingPathComponent(LoadedPolicies.policyFile) }
    }

    /// Whether the policy or schema file has changed since the last reload attempt (or startup).
    public func filesChanged() -> Bool {
        guard let dataDirectory else { return false }
        let now = Self.fileStamp(dataDirectory)
        return stamp.withLock { $0 != now }
    }

    /// Reads the files again; throws ``PolicyLoadError`` (with file, line and column) when they cannot be used —
    /// the set in force is then kept. `record` is called with the old and new set before the new one takes effect;
    /// when it throws, nothing changes.
    public func reload(
        now: Timestamp,
        record: @Sendable (InForce?, InForce) async throws -> Void
    ) async throws -> ReloadOutcome {
        guard let dataDirectory else { throw PolicyLoadError(["no data directory to reload policies from"]) }
        await gate.acquire()
        defer { gate.release() }
        stamp.withLock { $0 = Self.fileStamp(dataDirectory) }
        guard let loaded = try LoadedPolicies.load(dataDirectory: dataDirectory, readingEntities: false) else {
            throw PolicyLoadError([
                "\(policyPath ?? LoadedPolicies.policyFile): missing; the policy set in force is kept"
            ])
        }
        let previous = current
        if let previous, previous.loaded.policySetSHA256 == loaded.policySetSHA256,
            previous.loaded.schemaSHA256 == loaded.schemaSHA256
        {
            return .unchanged(previous)
        }
        let next = InForce(loaded: loaded, loadedAt: now)
        try await record(previous, next)
        state.withLock { $0 = next }
        return .changed(next, previous: previous)
    }

    /// The stamps of the policy and schema files.
    private static func fileStamp(_ dataDirectory: String) -> [FileStamp] {
        [LoadedPolicies.policyFile, LoadedPolicies.schemaFile].map {
            FileStamp(of: (dataDirectory as NSString).appendingPathComponent($0))
        }
    }
}
