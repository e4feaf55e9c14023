/// The outcome of an authorization request.
public enum Decision: String, Sendable, Hashable {
    /// At least one permit applied and no forbid applied.
    case allow
    /// No permit applied, or a forbid applied.
    case deny
}

/// A policy that could not be evaluated for a request, and why.
public struct PolicyEvaluationFailure: Sendable, Hashable, CustomStringConvertible {
    /// The id of the failing policy.
    public var policyID: String
    /// The evaluation error.
    public var error: EvaluationError

    /// Creates a failure record.
    public init(policyID: String, error: EvaluationError) {
        self.policyID = policyID
        self.error = error
    }

    /// "policy P: error".
    public var description: String { "policy \(policyID): \(error)" }
}

/// The answer to an authorization request: the decision, the policies that determined it, and the errors.
public struct AuthorizationResponse: Sendable, Hashable {
    /// Allow or deny.
    public var decision: Decision
    /// The ids of the determining policies: the applying forbids on a deny by forbid, the applying permits on an
    /// allow, and none on a default deny. In policy-set order.
    public var reasons: [String]
    /// The policies that raised evaluation errors (they were treated as not applying), in policy-set order.
    public var errors: [PolicyEvaluationFailure]

    /// Creates a response.
    public init(decision: Decision, reasons: [String], errors: [PolicyEvaluationFailure]) {
        self.decision = decision
        self.reasons = reasons
        self.errors = errors
    }
}

/// Decides requests against a policy set: default deny, forbid overrides permit, errors skip a policy.
public struct Authorizer: Sendable {
    /// Creates an authorizer.
    public init() {}

    /// Decides `request` against `policies` using `entities` (indexing the set first; to decide many requests
    /// against one set, build a ``PolicyIndex`` once and use ``isAuthorized(_:index:entities:)``).
    public func isAuthorized(
        _ request: AuthorizationRequest,
        policies: PolicySet,
        entities: EntityStore
    ) -> AuthorizationResponse {
        isAuthorized(request, index: PolicyIndex(policies), entities: entities)
    }
}
