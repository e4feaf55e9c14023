/// A problem the validator found in a policy.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The id of the offending policy.
    public var policyID: String
    /// Where in the policy the problem is, when known.
    public var location: SourceLocation?
    /// What is wrong, in words.
    public var reason: String

    /// Creates a validation error.
    public init(policyID: String, location: SourceLocation?, reason: String) {
        self.policyID = policyID
        self.location = location
        self.reason = reason
    }

    /// "policy P, line:column: reason".
    public var description: String {
        if let location { return "policy \(policyID), \(location): \(reason)" }
        return "policy \(policyID): \(reason)"
    }
}

/// How strictly the validator types expressions, as in Cedar.
public enum ValidationMode: Sendable, Hashable {
    /// Cedar's default: no unions of entity types, no empty set literals, literal extension constructor
    /// arguments, and operands of `==`/`contains` with compatible types.
    case strict
    /// Cedar's permissive mode: unions of entity types and width subtyping are allowed.
    case permissive
}

/// Checks policies against a schema in Cedar's strict (or permissive) mode: unknown entity types and actions,
/// actions applied to impossible principal/resource types, and type errors (including unsafe optional-attribute and
/// tag access).
public struct Validator: Sendable {
    /// The schema policies are checked against.
    public let schema: Schema
    /// Strict (the default, as in Cedar) or permissive.
    public let mode: ValidationMode
    private let entityDescendants: [String: Set<String>]
    private let actionDescendants: [EntityUID: Set<EntityUID>]

    /// Creates a validator for `schema` in the given mode.
    public init(schema: Schema, mode: ValidationMode = .strict) {
        self.schema = schema
        self.mode = mode
        var entityDescendants: [String: Set<String>] = [:]
        for (name, _) in schema.entityTypes {
            // Every type whose transitive parent types include `name`.
            var result = Set<String>()
            for (candidate, _) in schema.entityTypes {
                var seen = Set<String>()
                var stack = schema.entityTypes[candidate]?.parentTypes ?? []
                while let next = stack.popLast() {
                    guard seen.insert(next).inserted else { continue }
                    stack.append(contentsOf: schema.entityTypes[next]?.parentTypes ?? [])
                }
                if seen.contains(name) { result.insert(candidate) }
            }
            entityDescendants[name] = result
        }
        self.entityDescendants = entityDescendants
        var actionAncestors: [EntityUID: Set<EntityUID>] = [:]
        for (uid, _) in schema.actions {
            var seen = Set<EntityUID>()
            var stack = schema.actions[uid]?.parents ?? []
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                stack.append(contentsOf: schema.actions[next]?.parents ?? [])
            }
            actionAncestors[uid] = seen
        }
        var actionDescendants: [EntityUID: Set<EntityUID>] = [:]
        for (uid, ancestors) in actionAncestors {
            for ancestor in ancestors { actionDescendants[ancestor, default: []].insert(uid) }
        }
        self.actionDescendants = actionDescendants
    }

    /// Validates every static policy and template of `policies`; an empty result means the set is valid.
    public func validate(_ policies: PolicySet) -> [ValidationError] {
        var errors: [ValidationError] = []
        for policy in policies.policies { errors += validate(policy) }
        for id in policies.templates.keys.sorted() {
            if let template = policies.templates[id] { errors += validate(template) }
        }
        return errors
    }

    /// Validates one policy or template.
    public func validate(_ policy: Policy) -> [ValidationError] {
        var errors: [ValidationError] = []
        func report(_ reason: String, _ location: SourceLocation? = nil) {
            errors.append(ValidationError(policyID: policy.id, location: location ?? policy.location, reason: reason))
        }
        let condition = Self.condition(of: policy)
        // Unknown entity types, unknown actions and invalid enumerated entities.
        for (type, location) in Self.entityTypeNames(policy, condition)
        where !isAction(type) && schema.entityTypes[type] == nil {
            report("unrecognized entity type `\(type)`", location)
        }
        for (uid, location) in Self.entityLiterals(policy, condition) {
            if isAction(uid.type) {
                if schema.actions[uid] == nil { report("unrecognized action `\(uid)`", location) }
            } else if let ids = schema.entityTypes[uid.type]?.enumeratedIDs, !ids.contains(uid.id) {
                report("`\(uid)` is not a member of the enumerated entity type `\(uid.type)`", location)
            }
        }
        if !actionApplicationIsPossible(policy) {
            report("unable to find an applicable action given the policy scope constraints")
        }
        // Type checking in every request environment.
        for environment in requestEnvironments(for: policy) {
            var checker = TypeChecker(
                schema: schema,
                entityDescendants: entityDescendants,
                actionDescendants: actionDescendants,
                environment: environment,
                strict: mode == .strict
            )
            let answer = checker.expect(condition, .anyBool, prior: [])
            _ = answer
            for (reason, location) in checker.errors { report(reason, location) }
        }
        return errors
    }

    private func isAction(_ type: String) -> Bool { type == "Action" || type.hasSuffix("::Action") }

    // MARK: Scope

    /// The policy as one expression: `principal && (action && (resource && conditions))`, as Cedar builds it.
    static func condition(of policy: Policy) -> CedarExpression {
        let at = policy.location
        func variable(_ v: Variable) -> CedarExpression { CedarExpression(.variable(v), at: at) }
        func reference(_ r: EntityReference) -> CedarExpression {
            switch r {
            case .entity(let uid): CedarExpression(.literal(.entity(uid)), at: at)
            case .slot(let slot): CedarExpression(.slot(slot), at: at)
            }
        }
        func scope(_ constraint: EntityScopeConstraint, _ v: Variable) -> CedarExpression {
            switch constraint {
            case .any: return CedarExpression(.literal(.bool(true)), at: at)
            case .equal(let r): return CedarExpression(.binary(.equal, variable(v), reference(r)), at: at)
            case .in(let r): return CedarExpression(.binary(.in, variable(v), reference(r)), at: at)
            case .isType(let type): return CedarExpression(.isEntityType(variable(v), type), at: at)
            case .isTypeIn(let type, let r):
                return CedarExpression(
                    .and(
                        CedarExpression(.isEntityType(variable(v), type), at: at),
                        CedarExpression(.binary(.in, variable(v), reference(r)), at: at)
                    ),
                    at: at
                )
            }
        }
        let action: CedarExpression
        switch policy.action {
        case .any: action = CedarExpression(.literal(.bool(true)), at: at)
        case .equal(let uid):
            action = CedarExpression(
                .binary(.equal, variable(.action), CedarExpression(.literal(.entity(uid)), at: at)),
                at: at
            )
        case .in(let uid):
            let set = CedarExpression(.set([CedarExpression(.literal(.entity(uid)), at: at)]), at: at)
            action = CedarExpression(.binary(.in, variable(.action), set), at: at)
        case .inSet(let uids):
            let set = CedarExpression(.set(uids.map { CedarExpression(.literal(.entity($0)), at: at) }), at: at)
            action = CedarExpression(.binary(.in, variable(.action), set), at: at)
        }
        var body: CedarExpression?
        for condition in policy.conditions {
            let part =
                condition.isWhen ? condition.body : CedarExpression(.not(condition.body), at: condition.body.location)
            body = body.map { CedarExpression(.and($0, part), at: $0.location) } ?? part
        }
        let conditions = body ?? CedarExpression(.literal(.bool(true)), at: at)
        let resource = scope(policy.resource, .resource)
        return CedarExpression(
            .and(
                scope(policy.principal, .principal),
                CedarExpression(.and(action, CedarExpression(.and(resource, conditions), at: at)), at: at)
            ),
            at: at
        )
    }

    private static func collect(
        _ e: CedarExpression,
        types: inout [(String, SourceLocation)],
        literals: inout [(EntityUID, SourceLocation)]
    ) {
        var stack = [e]
        while let next = stack.popLast() {
            switch next.kind {
            case .literal(.entity(let uid)):
                types.append((uid.type, next.location))
                literals.append((uid, next.location))
            case .literal, .variable, .slot: break
            case .ifThenElse(let a, let b, let c): stack += [a, b, c]
            case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b): stack += [a, b]
            case .not(let a), .negate(let a), .isEmpty(let a), .hasAttribute(let a, _), .getAttribute(let a, _),
                .like(let a, _):
                stack.append(a)
            case .isEntityType(let a, let type):
                types.append((type, next.location))
                stack.append(a)
            case .set(let elements), .extensionCall(_, let elements): stack += elements
            case .record(let fields): stack += fields.map(\.value)
            }
        }
    }

    private static func entityTypeNames(_ policy: Policy, _ condition: CedarExpression) -> [(String, SourceLocation)] {
        var types: [(String, SourceLocation)] = []
        var literals: [(EntityUID, SourceLocation)] = []
        collect(condition, types: &types, literals: &literals)
        return types
    }

    private static func entityLiterals(_ policy: Policy, _ condition: CedarExpression) -> [(EntityUID, SourceLocation)]
    {
        var types: [(String, SourceLocation)] = []
        var literals: [(EntityUID, SourceLocation)] = []
        collect(condition, types: &types, literals: &literals)
        return literals
    }

    /// The entity types that can be `in` an entity of type `type` (its descendant types and itself).
    private func typesIn(_ type: String) -> Set<String> {
        (entityDescendants[type] ?? []).union([type])
    }

    private func actionsIn(_ uids: [EntityUID]) -> Set<EntityUID>? {
        var result = Set<EntityUID>()
        for uid in uids {
            guard schema.actions[uid] != nil else { return nil }
            result.insert(uid)
            result.formUnion(actionDescendants[uid] ?? [])
        }
        return result
    }

    private func scopeTypes(_ constraint: EntityScopeConstraint) -> Set<String> {
        switch constraint {
        case .any, .equal(.slot), .in(.slot): return Set(schema.entityTypes.keys)
        case .equal(.entity(let uid)): return [uid.type]
        case .in(.entity(let uid)): return typesIn(uid.type)
        case .isType(let type), .isTypeIn(let type, .slot):
            return isAction(type) || schema.entityTypes[type] != nil ? [type] : []
        case .isTypeIn(let type, .entity(let uid)): return typesIn(uid.type).contains(type) ? [type] : []
        }
    }

    private func scopeActions(_ constraint: ActionScopeConstraint) -> [SchemaAction] {
        switch constraint {
        case .any: return Array(schema.actions.values)
        case .equal(let uid): return schema.actions[uid].map { [$0] } ?? []
        case .in(let uid): return (actionsIn([uid]) ?? []).compactMap { schema.actions[$0] }
        case .inSet(let uids): return (actionsIn(uids) ?? []).compactMap { schema.actions[$0] }
        }
    }

    private func actionApplicationIsPossible(_ policy: Policy) -> Bool {
        let principals = scopeTypes(policy.principal)
        let resources = scopeTypes(policy.resource)
        return scopeActions(policy.action).contains { action in
            !principals.isDisjoint(with: action.principalTypes) && !resources.isDisjoint(with: action.resourceTypes)
        }
    }

    // MARK: AuthorizationRequest environments

    private func slotTypes(_ constraint: EntityScopeConstraint, _ variableType: String) -> [String] {
        switch constraint {
        case .equal: return [variableType]
        case .in, .isTypeIn:
            return schema.entityTypes.keys.filter { (entityDescendants[$0] ?? []).contains(variableType) }.sorted()
                + [variableType]
        case .isType, .any: return schema.entityTypes.keys.sorted()
        }
    }

    private func requestEnvironments(for policy: Policy) -> [RequestEnvironment] {
        var environments: [RequestEnvironment] = []
        let slots = Set(policy.slots)
        for uid in schema.actions.keys.sorted(by: { $0.description < $1.description }) {
            guard let action = schema.actions[uid] else { continue }
            for principal in action.principalTypes {
                for resource in action.resourceTypes {
                    let principalSlots: [String?] =
                        slots.contains(.principal) ? slotTypes(policy.principal, principal) : [nil]
                    let resourceSlots: [String?] =
                        slots.contains(.resource) ? slotTypes(policy.resource, resource) : [nil]
                    for principalSlot in principalSlots {
                        for resourceSlot in resourceSlots {
                            environments.append(
                                RequestEnvironment(
                                    principal: principal,
                                    action: uid,
                                    resource: resource,
                                    context: ValidatorType.attributes(action.context),
                                    principalSlot: principalSlot,
                                    resourceSlot: resourceSlot
                                )
                            )
                        }
                    }
                }
            }
        }
        return environments
    }
}

/// One combination of principal type, action and resource type the validator checks a policy under.
struct RequestEnvironment {
    var principal: String
    var action: EntityUID
    var resource: String
    var context: [String: ValidatorAttribute]
    var principalSlot: String?
    var resourceSlot: String?
}
