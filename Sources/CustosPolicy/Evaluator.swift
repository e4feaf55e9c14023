/// Evaluates Cedar expressions against one request and entity store.
public struct Evaluator: Sendable {
    /// The request being decided.
    public var request: AuthorizationRequest
    /// The entities the request refers to.
    public var entities: EntityStore
    /// The entities linked into template slots (empty for static policies).
    public var slots: [SlotID: EntityUID]

    /// The deepest expression nesting evaluated (parsed policies never exceed it).
    private static let maximumDepth = 400

    /// Creates an evaluator.
    public init(request: AuthorizationRequest, entities: EntityStore, slots: [SlotID: EntityUID] = [:]) {
        self.request = request
        self.entities = entities
        self.slots = slots
    }

    /// Evaluates `expression` to a value, or throws the first error met (in Cedar's evaluation order).
    public func evaluate(_ expression: CedarExpression) throws(EvaluationError) -> Value {
        try evaluate(expression, depth: 0)
    }

    /// Whether the policy applies to the request: scope and every condition hold. Errors propagate.
    public func isSatisfied(_ policy: Policy) throws(EvaluationError) -> Bool {
        guard try scopeHolds(policy.principal, request.principal, policy.location),
            try actionScopeHolds(policy.action),
            try scopeHolds(policy.resource, request.resource, policy.location)
        else { return false }
        for condition in policy.conditions {
            let value = try evaluate(condition.body)
            guard case .bool(let b) = value else {
                throw typeError(expected: "Bool", value, condition.body.location)
            }
            if b != condition.isWhen { return false }
        }
        return true
    }

    private func resolve(_ reference: EntityReference, _ location: SourceLocation) throws(EvaluationError) -> EntityUID
    {
        switch reference {
        case .entity(let uid): return uid
        case .slot(let slot):
            guard let uid = slots[slot] else {
                throw EvaluationError(.unlinkedSlot, "slot `\(slot.rawValue)` is not linked", location: location)
            }
            return uid
        }
    }

    private func scopeHolds(
        _ constraint: EntityScopeConstraint,
        _ uid: EntityUID,
        _ location: SourceLocation
    ) throws(EvaluationError) -> Bool {
        switch constraint {
        case .any: return true
        case .equal(let reference): return uid == (try resolve(reference, location))
        case .in(let reference): return entities.isDescendant(uid, of: try resolve(reference, location))
        case .isType(let type): return uid.type == type
        case .isTypeIn(let type, let reference):
            guard uid.type == type else { return false }
            return entities.isDescendant(uid, of: try resolve(reference, location))
        }
    }

    private func actionScopeHolds(_ constraint: ActionScopeConstraint) throws(EvaluationError) -> Bool {
        switch constraint {
        case .any: return true
        case .equal(let uid): return request.action == uid
        case .in(let uid): return entities.isDescendant(request.action, of: uid)
        case .inSet(let uids): return uids.contains { entities.isDescendant(request.action, of: $0) }
        }
    }

    // MARK: Expressions

    private func typeError(expected: String, _ value: Value, _ location: SourceLocation) -> EvaluationError {
        EvaluationError(.typeError, "type error: expected \(expected), got \(value.typeName)", location: location)
    }

    private func bool(_ e: CedarExpression, _ depth: Int) throws(EvaluationError) -> Bool {
        let v = try evaluate(e, depth: depth)
        guard case .bool(let b) = v else { throw typeError(expected: "Bool", v, e.location) }
        return b
    }

    private func long(_ v: Value, _ location: SourceLocation) throws(EvaluationError) -> Int64 {
        guard case .long(let n) = v else { throw typeError(expected: "Long", v, location) }
        return n
    }

    private func set(_ v: Value, _ location: SourceLocation) throws(EvaluationError) -> Set<Value> {
        guard case .set(let s) = v else { throw typeError(expected: "Set", v, location) }
        return s
    }

    private func entity(_ v: Value, _ location: SourceLocation) throws(EvaluationError) -> EntityUID {
        guard case .entity(let uid) = v else { throw typeError(expected: "entity", v, location) }
        return uid
    }

    private func string(_ v: Value, _ location: SourceLocation) throws(EvaluationError) -> String {
        guard case .string(let s) = v else { throw typeError(expected: "String", v, location) }
        return s
    }

    // Each kind of expression is evaluated in its own small function, so that the recursive `evaluate` keeps a small
    // stack frame (unoptimised builds give every local of a large switch its own stack slot).
    private func evaluate(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        guard depth < Self.maximumDepth else {
            throw EvaluationError(.tooDeep, "expression nests too deeply", location: expression.location)
        }
        switch expression.kind {
        case .literal(let v): return v
        case .variable(let variable): return value(of: variable)
        case .ifThenElse, .and, .or, .not: return try evaluateLogic(expression, depth: depth + 1)
        case .binary: return try evaluateBinary(expression, depth: depth + 1)
        case .hasAttribute, .getAttribute: return try evaluateAttribute(expression, depth: depth + 1)
        case .set, .record, .extensionCall: return try evaluateAggregate(expression, depth: depth + 1)
        default: return try evaluateOther(expression, depth: depth + 1)
        }
    }

    private func value(of variable: Variable) -> Value {
        switch variable {
        case .principal: .entity(request.principal)
        case .action: .entity(request.action)
        case .resource: .entity(request.resource)
        case .context: .record(request.context)
        }
    }

    @inline(never)
    private func evaluateLogic(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        switch expression.kind {
        case .ifThenElse(let condition, let thenBranch, let elseBranch):
            return try evaluate(try bool(condition, depth) ? thenBranch : elseBranch, depth: depth)
        case .and(let left, let right):
            guard try bool(left, depth) else { return .bool(false) }
            return .bool(try bool(right, depth))
        case .or(let left, let right):
            if try bool(left, depth) { return .bool(true) }
            return .bool(try bool(right, depth))
        case .not(let operand):
            return .bool(!(try bool(operand, depth)))
        default:
            return try evaluateOther(expression, depth: depth)
        }
    }

    @inline(never)
    private func evaluateBinary(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        guard case .binary(let op, let left, let right) = expression.kind else {
            return try evaluateOther(expression, depth: depth)
        }
        let l = try evaluate(left, depth: depth)
        let r = try evaluate(right, depth: depth)
        return try applyBinary(op, l, r, left.location, right.location, expression.location)
    }

    @inline(never)
    private func evaluateAttribute(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        let location = expression.location
        switch expression.kind {
        case .hasAttribute(let operand, let name):
            switch try evaluate(operand, depth: depth) {
            case .record(let fields): return .bool(fields[name] != nil)
            case .entity(let uid): return .bool(entities[uid]?.attributes[name] != nil)
            case let v: throw typeError(expected: "record or entity", v, operand.location)
            }
        case .getAttribute(let operand, let name):
            switch try evaluate(operand, depth: depth) {
            case .record(let fields):
                guard let v = fields[name] else {
                    throw EvaluationError(
                        .missingAttribute,
                        "record does not have the attribute `\(name)`",
                        location: location
                    )
                }
                return v
            case .entity(let uid):
                guard let e = entities[uid] else {
                    throw EvaluationError(.missingEntity, "entity `\(uid)` does not exist", location: location)
                }
                guard let v = e.attributes[name] else {
                    throw EvaluationError(
                        .missingAttribute,
                        "`\(uid)` does not have the attribute `\(name)`",
                        location: location
                    )
                }
                return v
            case let v: throw typeError(expected: "record or entity", v, operand.location)
            }
        default:
            return try evaluateOther(expression, depth: depth)
        }
    }

    @inline(never)
    private func evaluateAggregate(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        switch expression.kind {
        case .set(let elements):
            var values = Set<Value>()
            for element in elements { values.insert(try evaluate(element, depth: depth)) }
            return .set(values)
        case .record(let fields):
            var values: [String: Value] = [:]
            for field in fields { values[field.name] = try evaluate(field.value, depth: depth) }
            return .record(values)
        case .extensionCall(let name, let arguments):
            var values: [Value] = []
            for argument in arguments { values.append(try evaluate(argument, depth: depth)) }
            return try ExtensionFunctions.call(name, values, location: expression.location)
        default:
            return try evaluateOther(expression, depth: depth)
        }
    }

    @inline(never)
    private func evaluateOther(_ expression: CedarExpression, depth: Int) throws(EvaluationError) -> Value {
        let location = expression.location
        switch expression.kind {
        case .slot(let slot):
            return .entity(try resolve(.slot(slot), location))
        case .negate(let operand):
            let n = try long(try evaluate(operand, depth: depth), operand.location)
            guard n != Int64.min else {
                throw EvaluationError(.overflow, "integer overflow while negating \(n)", location: location)
            }
            return .long(-n)
        case .isEmpty(let operand):
            return .bool(try set(try evaluate(operand, depth: depth), operand.location).isEmpty)
        case .like(let operand, let pattern):
            return .bool(pattern.matches(try string(try evaluate(operand, depth: depth), operand.location)))
        case .isEntityType(let operand, let type):
            return .bool(try entity(try evaluate(operand, depth: depth), operand.location).type == type)
        case .set, .record, .extensionCall:
            return try evaluateAggregate(expression, depth: depth)
        case .literal(let v):
            return v
        case .variable(let variable):
            return value(of: variable)
        case .ifThenElse, .and, .or, .not:
            return try evaluateLogic(expression, depth: depth)
        case .binary:
            return try evaluateBinary(expression, depth: depth)
        case .hasAttribute, .getAttribute:
            return try evaluateAttribute(expression, depth: depth)
        }
    }

    private func applyBinary(
        _ op: BinaryOperator,
        _ l: Value,
        _ r: Value,
        _ leftLocation: SourceLocation,
        _ rightLocation: SourceLocation,
        _ location: SourceLocation
    ) throws(EvaluationError) -> Value {
        switch op {
        case .equal:
            return .bool(l == r)
        case .less, .lessOrEqual:
            let strict = op == .less
            switch (l, r) {
            case (.long(let a), .long(let b)): return .bool(strict ? a < b : a <= b)
            case (.extensionValue(.datetime(let a)), .extensionValue(.datetime(let b))):
                return .bool(strict ? a < b : a <= b)
            case (.extensionValue(.duration(let a)), .extensionValue(.duration(let b))):
                return .bool(strict ? a < b : a <= b)
            case (.long, _): throw typeError(expected: "Long", r, rightLocation)
            case (.extensionValue(.datetime), _): throw typeError(expected: "datetime", r, rightLocation)
            case (.extensionValue(.duration), _): throw typeError(expected: "duration", r, rightLocation)
            default:
                throw typeError(expected: "Long, datetime or duration", l, leftLocation)
            }
        case .add, .subtract, .multiply:
            let a = try long(l, leftLocation)
            let b = try long(r, rightLocation)
            let (result, overflow) =
                switch op {
                case .add: a.addingReportingOverflow(b)
                case .subtract: a.subtractingReportingOverflow(b)
                default: a.multipliedReportingOverflow(by: b)
                }
            if overflow {
                throw EvaluationError(.overflow, "integer overflow: \(a) \(op.rawValue) \(b)", location: location)
            }
            return .long(result)
        case .in:
            let uid = try entity(l, leftLocation)
            switch r {
            case .entity(let ancestor): return .bool(entities.isDescendant(uid, of: ancestor))
            case .set(let members):
                var ancestors: [EntityUID] = []
                for member in members {
                    guard case .entity(let a) = member else {
                        throw typeError(expected: "entity", member, rightLocation)
                    }
                    ancestors.append(a)
                }
                return .bool(ancestors.contains { entities.isDescendant(uid, of: $0) })
            default: throw typeError(expected: "entity or set of entities", r, rightLocation)
            }
        case .contains:
            return .bool(try set(l, leftLocation).contains(r))
        case .containsAll:
            let a = try set(l, leftLocation)
            return .bool(try set(r, rightLocation).isSubset(of: a))
        case .containsAny:
            let a = try set(l, leftLocation)
            return .bool(!(try set(r, rightLocation).isDisjoint(with: a)))
        case .getTag, .hasTag:
            let uid = try entity(l, leftLocation)
            let tag = try string(r, rightLocation)
            if op == .hasTag { return .bool(entities[uid]?.tags[tag] != nil) }
            guard let e = entities[uid] else {
                throw EvaluationError(.missingEntity, "entity `\(uid)` does not exist", location: leftLocation)
            }
            guard let v = e.tags[tag] else {
                throw EvaluationError(.missingAttribute, "`\(uid)` does not have the tag `\(tag)`", location: location)
            }
            return v
        }
    }
}
