/// A policy set indexed by scope, so a request is evaluated only against the policies whose principal, action and
/// resource constraints can hold for it.
///
/// Each policy is filed under the entity its scope names (`==`, `in`, `is … in`), the type (`is`), or "always"
/// (no constraint, or a template link); a request gathers the policies filed under its principal, action and
/// resource and each of their ancestors, and keeps those found on all three sides. The evaluator still checks
/// every scope, so the index only skips policies whose scope is false — which never raise errors — and decisions,
/// reasons and errors are exactly those of evaluating every policy.
public struct PolicyIndex: Sendable {
    /// The units, in policy-set order.
    let units: [(policy: Policy, id: String, slots: [SlotID: EntityUID])]
    private let principals: ScopeBuckets
    private let actions: ScopeBuckets
    private let resources: ScopeBuckets

    /// Indexes `policies` (static policies and template links; unlinked templates are not evaluated).
    public init(_ policies: PolicySet) {
        units = policies.evaluationUnits
        var principals = ScopeBuckets()
        var actions = ScopeBuckets()
        var resources = ScopeBuckets()
        for (i, unit) in units.enumerated() {
            if !unit.slots.isEmpty {
                principals.always.append(i)
                actions.always.append(i)
                resources.always.append(i)
                continue
            }
            principals.add(i, unit.policy.principal)
            resources.add(i, unit.policy.resource)
            switch unit.policy.action {
            case .any: actions.always.append(i)
            case .equal(let uid), .in(let uid): actions.byUID[uid, default: []].append(i)
            case .inSet(let uids): for uid in Set(uids) { actions.byUID[uid, default: []].append(i) }
            }
        }
        self.principals = principals
        self.actions = actions
        self.resources = resources
    }

    /// How many policies (and links) are indexed.
    public var count: Int { units.count }

    /// The indexes of the units whose scope may hold for `request`, ascending.
    func candidates(_ request: AuthorizationRequest, entities: EntityStore) -> [Int] {
        var marks = [UInt8](repeating: 0, count: units.count)
        principals.mark(request.principal, entities: entities, bit: 1, into: &marks)
        actions.mark(request.action, entities: entities, bit: 2, into: &marks)
        resources.mark(request.resource, entities: entities, bit: 4, into: &marks)
        var result: [Int] = []
        for (i, m) in marks.enumerated() where m == 7 { result.append(i) }
        return result
    }
}

/// The policies of one scope side, filed by the entity or type their constraint names.
private struct ScopeBuckets: Sendable {
    var always: [Int] = []
    var byUID: [EntityUID: [Int]] = [:]
    var byType: [String: [Int]] = [:]

    mutating func add(_ index: Int, _ constraint: EntityScopeConstraint) {
        switch constraint {
        case .any: always.append(index)
        case .equal(.entity(let uid)), .in(.entity(let uid)), .isTypeIn(_, .entity(let uid)):
            byUID[uid, default: []].append(index)
        case .isType(let type): byType[type, default: []].append(index)
        case .equal(.slot), .in(.slot), .isTypeIn(_, .slot): always.append(index)
        }
    }

    /// Sets `bit` for every policy that may hold for `uid`: those filed under it, its ancestors or its type.
    func mark(_ uid: EntityUID, entities: EntityStore, bit: UInt8, into marks: inout [UInt8]) {
        for i in always { marks[i] |= bit }
        if let list = byType[uid.type] { for i in list { marks[i] |= bit } }
        guard !byUID.isEmpty else { return }
        if let list = byUID[uid] { for i in list { marks[i] |= bit } }
        for ancestor in entities.ancestors(of: uid) {
            if let list = byUID[ancestor] { for i in list { marks[i] |= bit } }
        }
    }
}

extension Authorizer {
    /// Decides `request` against an indexed policy set: the same answer as ``isAuthorized(_:policies:entities:)``
    /// on the set, evaluating only the policies whose scope may hold.
    public func isAuthorized(
        _ request: AuthorizationRequest,
        index: PolicyIndex,
        entities: EntityStore
    ) -> AuthorizationResponse {
        var permits: [String] = []
        var forbids: [String] = []
        var errors: [PolicyEvaluationFailure] = []
        for i in index.candidates(request, entities: entities) {
            let unit = index.units[i]
            let evaluator = Evaluator(request: request, entities: entities, slots: unit.slots)
            do {
                if try evaluator.isSatisfied(unit.policy) {
                    if unit.policy.effect == .permit { permits.append(unit.id) } else { forbids.append(unit.id) }
                }
            } catch {
                errors.append(PolicyEvaluationFailure(policyID: unit.id, error: error))
            }
        }
        if !forbids.isEmpty { return AuthorizationResponse(decision: .deny, reasons: forbids, errors: errors) }
        if !permits.isEmpty { return AuthorizationResponse(decision: .allow, reasons: permits, errors: errors) }
        return AuthorizationResponse(decision: .deny, reasons: [], errors: errors)
    }
}
