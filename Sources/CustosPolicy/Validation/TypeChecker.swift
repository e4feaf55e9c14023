/// What the validator knows holds after an expression evaluated to true: an attribute or tag is present.
struct Capability: Hashable {
    /// The expression whose attribute or tag is known to exist.
    var target: CedarExpression
    /// The attribute name, for attribute capabilities.
    var attribute: String?
    /// The tag expression, for tag capabilities.
    var tag: CedarExpression?
}

/// The result of type checking one expression: its type (nil when unknown), the capabilities it establishes when
/// true, and whether it type checked.
struct TypeAnswer {
    var type: ValidatorType?
    var capabilities: Set<Capability>
    var succeeded: Bool

    static func success(_ type: ValidatorType?, _ capabilities: Set<Capability> = []) -> TypeAnswer {
        TypeAnswer(type: type, capabilities: capabilities, succeeded: true)
    }

    static func failure(_ type: ValidatorType?) -> TypeAnswer {
        TypeAnswer(type: type, capabilities: [], succeeded: false)
    }
}

/// Cedar's typechecker (strict or permissive) for one request environment. Errors are collected in `errors`.
struct TypeChecker {
    let schema: Schema
    let entityDescendants: [String: Set<String>]
    let actionDescendants: [EntityUID: Set<EntityUID>]
    let environment: RequestEnvironment
    /// Whether Cedar's strict mode applies (otherwise the permissive mode).
    let strict: Bool
    /// The type errors found, with their locations.
    private(set) var errors: [(String, SourceLocation)] = []
    private var depth = 0

    init(
        schema: Schema,
        entityDescendants: [String: Set<String>],
        actionDescendants: [EntityUID: Set<EntityUID>],
        environment: RequestEnvironment,
        strict: Bool
    ) {
        self.schema = schema
        self.entityDescendants = entityDescendants
        self.actionDescendants = actionDescendants
        self.environment = environment
        self.strict = strict
    }

    private static let maximumDepth = 400

    private mutating func error(_ reason: String, _ e: CedarExpression) {
        errors.append((reason, e.location))
    }

    private func isAction(_ type: String) -> Bool { type == "Action" || type.hasSuffix("::Action") }

    /// Type checks `e` and requires its type to be a subtype (permissively) of one of `expected`.
    mutating func expect(_ e: CedarExpression, _ expected: ValidatorType, prior: Set<Capability>) -> TypeAnswer {
        expectOneOf(e, [expected], prior: prior)
    }

    mutating func expectOneOf(
        _ e: CedarExpression,
        _ expected: [ValidatorType],
        prior: Set<Capability>
    ) -> TypeAnswer {
        let actual = typecheck(e, prior: prior)
        return checkExpected(actual, e, expected)
    }

    @inline(never)
    private mutating func checkExpected(
        _ actual: TypeAnswer,
        _ e: CedarExpression,
        _ expected: [ValidatorType]
    ) -> TypeAnswer {
        guard let type = actual.type else { return .failure(nil) }
        if !expected.contains(where: { ValidatorType.isSubtype(type, $0, strict: false) }) {
            error("unexpected type \(type)", e)
            return .failure(nil)
        }
        return actual.succeeded ? .success(type, actual.capabilities) : .failure(type)
    }

    // MARK: Schema queries

    private func entityAttributes(_ types: Set<String>) -> [String: ValidatorAttribute] {
        var result: [String: ValidatorAttribute]?
        for name in types.sorted() {
            let attributes = schema.entityTypes[name].map { ValidatorType.attributes($0.attributes) } ?? [:]
            if var accumulated = result {
                // Permissive least upper bound of the attribute records.
                for (key, value) in accumulated {
                    if let other = attributes[key],
                        let lub = ValidatorType.leastUpperBound(value.type, other.type, strict: false)
                    {
                        accumulated[key] = ValidatorAttribute(
                            type: lub,
                            isRequired: value.isRequired && other.isRequired
                        )
                    } else {
                        accumulated[key] = nil
                    }
                }
                result = accumulated
            } else {
                result = attributes
            }
        }
        return result ?? [:]
    }

    private func lookupAttribute(_ type: ValidatorType, _ name: String) -> ValidatorAttribute? {
        switch type {
        case .record(let attributes, _): return attributes[name]
        case .entity(let types): return entityAttributes(types)[name]
        default: return nil
        }
    }

    private func mayHaveAttribute(_ type: ValidatorType, _ name: String) -> Bool {
        switch type {
        case .never, .anyEntity: return true
        case .entity(let types):
            if types.contains(where: { !isAction($0) && schema.entityTypes[$0] == nil }) { return true }
            return types.contains { schema.entityTypes[$0]?.attributes[name] != nil }
        case .record(let attributes, let open): return open || attributes[name] != nil
        default: return false
        }
    }

    private func tagTypes(_ type: ValidatorType) -> Set<ValidatorType> {
        switch type {
        case .entity(let types):
            return Set(types.compactMap { schema.entityTypes[$0]?.tagType.map(ValidatorType.init) })
        default:
            return Set(schema.entityTypes.values.compactMap { $0.tagType.map(ValidatorType.init) })
        }
    }

    private func typesIn(_ type: String) -> Set<String> { (entityDescendants[type] ?? []).union([type]) }

    private func actionsIn(_ uids: [EntityUID]) -> Set<EntityUID>? {
        var result = Set<EntityUID>()
        for uid in uids {
            guard schema.actions[uid] != nil else { return nil }
            result.insert(uid)
            result.formUnion(actionDescendants[uid] ?? [])
        }
        return result
    }

    /// `action` replaced by the environment's action literal.
    private func literal(_ e: CedarExpression) -> Value? {
        switch e.kind {
        case .literal(let v): return v
        case .variable(.action): return .entity(environment.action)
        default: return nil
        }
    }

    private func entityLiteral(_ e: CedarExpression) -> EntityUID? {
        if case .entity(let uid)? = literal(e) { return uid }
        return nil
    }

    private func entityLiterals(_ e: CedarExpression) -> [EntityUID]? {
        if let uid = entityLiteral(e) { return [uid] }
        if case .set(let elements) = e.kind {
            var result: [EntityUID] = []
            for element in elements {
                guard let uid = entityLiteral(element) else { return nil }
                result.append(uid)
            }
            return result
        }
        return nil
    }

    private func reduceLeastUpperBound(_ types: [ValidatorType?], _ e: CedarExpression) -> ValidatorType?? {
        var known: [ValidatorType] = []
        for t in types {
            guard let t else { return .some(nil) }
            known.append(t)
        }
        var lub = ValidatorType.never
        for t in known {
            guard let next = ValidatorType.leastUpperBound(lub, t, strict: strict) else {
                return nil
            }
            lub = next
        }
        return .some(lub)
    }

    // MARK: Expressions
    //
    // Cedar's typechecker chains answers with `then_typecheck`: the continuation always runs, receives no
    // capabilities from a failed answer, and a failure anywhere fails the result. The code below spells this out
    // in straight lines (`carried` and `failing`) instead of closures, and splits the cases into small functions, to
    // keep the recursion's stack frames small.

    /// The capabilities an answer passes on: none when it failed.
    private func carried(_ answer: TypeAnswer) -> Set<Capability> {
        answer.succeeded ? answer.capabilities : []
    }

    /// `result`, failed (and without capabilities) when any of `inputs` failed.
    private func failing(_ result: TypeAnswer, unless inputs: TypeAnswer...) -> TypeAnswer {
        guard inputs.allSatisfy(\.succeeded) else {
            return TypeAnswer(type: result.type, capabilities: [], succeeded: false)
        }
        return result
    }

    mutating func typecheck(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        guard depth < Self.maximumDepth else { return tooDeep(e) }
        depth += 1
        let answer: TypeAnswer
        switch e.kind {
        case .variable, .slot, .literal: answer = typecheckLeaf(e)
        case .and, .or, .not: answer = typecheckLogic(e, prior: prior)
        case .ifThenElse: answer = typecheckIf(e, prior: prior)
        case .binary: answer = typecheckBinary(e, prior: prior)
        case .getAttribute, .hasAttribute: answer = typecheckAttribute(e, prior: prior)
        case .record: answer = typecheckRecord(e, prior: prior)
        default: answer = typecheckOther(e, prior: prior)
        }
        depth -= 1
        return answer
    }

    @inline(never)
    private mutating func tooDeep(_ e: CedarExpression) -> TypeAnswer {
        error("expression nests too deeply to validate", e)
        return .failure(nil)
    }

    private func typecheckLeaf(_ e: CedarExpression) -> TypeAnswer {
        switch e.kind {
        case .variable(.principal): return .success(.entity([environment.principal]))
        case .variable(.action): return .success(.entity([environment.action.type]))
        case .variable(.resource): return .success(.entity([environment.resource]))
        case .variable(.context): return .success(.record(environment.context, open: false))
        case .slot(let slot):
            let linked = slot == .principal ? environment.principalSlot : environment.resourceSlot
            return .success(linked.map { .entity([$0]) } ?? .anyEntity)
        case .literal(.bool(let b)): return .success(.singleton(b))
        case .literal(.long): return .success(.long)
        case .literal(.string): return .success(.string)
        case .literal(.entity(let uid)):
            if isAction(uid.type) {
                return schema.actions[uid] != nil ? .success(.entity([uid.type])) : .failure(nil)
            }
            return schema.entityTypes[uid.type] != nil ? .success(.entity([uid.type])) : .failure(nil)
        default: return .failure(nil)
        }
    }

    @inline(never)
    private mutating func typecheckLogic(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        switch e.kind {
        case .and(let left, let right):
            let l = expect(left, .anyBool, prior: prior)
            let lcaps = carried(l)
            if l.type == .singleton(false) { return failing(.success(l.type), unless: l) }
            let r = expect(right, .anyBool, prior: prior.union(lcaps))
            let rcaps = carried(r)
            let result: TypeAnswer
            switch (l.type, r.type) {
            case (.some, .some(.bool(.alwaysFalse))): result = .success(.singleton(false))
            case (.some, .some(.bool(.alwaysTrue))): result = .success(l.type, lcaps.union(rcaps))
            case (.some(.bool(.alwaysTrue)), .some): result = .success(r.type, rcaps)
            case (.some, .some): result = .success(.anyBool, lcaps.union(rcaps))
            default: result = .failure(.anyBool)
            }
            return failing(result, unless: l, r)
        case .or(let left, let right):
            let l = expect(left, .anyBool, prior: prior)
            let lcaps = carried(l)
            if l.type == .singleton(true) { return failing(.success(l.type, lcaps), unless: l) }
            let r = expect(right, .anyBool, prior: prior)
            let rcaps = carried(r)
            let result: TypeAnswer
            switch (l.type, r.type) {
            case (.some, .some(.bool(.alwaysTrue))): result = .success(.singleton(true), rcaps)
            case (.some(let t), .some(.bool(.alwaysFalse))): result = .success(t, lcaps)
            case (.some(.bool(.alwaysFalse)), .some(let t)): result = .success(t, rcaps)
            case (.some, .some): result = .success(.anyBool, rcaps.intersection(lcaps))
            default: result = .failure(.anyBool)
            }
            return failing(result, unless: l, r)
        case .not(let operand):
            let a = expect(operand, .anyBool, prior: prior)
            let result: TypeAnswer
            switch a.type {
            case .some(.bool(.alwaysTrue)): result = .success(.singleton(false))
            case .some(.bool(.alwaysFalse)): result = .success(.singleton(true))
            case .some: result = .success(.anyBool)
            case .none: result = .failure(.anyBool)
            }
            return failing(result, unless: a)
        default:
            return typecheckOther(e, prior: prior)
        }
    }

    @inline(never)
    private mutating func typecheckAttribute(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        switch e.kind {
        case .getAttribute(let target, let name):
            let actual = expectOneOf(target, [.anyEntity, .anyRecord], prior: prior)
            guard let t = actual.type else { return .failure(nil) }
            let result: TypeAnswer
            if let attribute = lookupAttribute(t, name) {
                if attribute.isRequired || prior.contains(Capability(target: target, attribute: name)) {
                    result = .success(attribute.type)
                } else {
                    error("unsafe access to optional attribute `\(name)`", e)
                    result = .failure(attribute.type)
                }
            } else {
                error("attribute `\(name)` not found", e)
                result = .failure(nil)
            }
            return failing(result, unless: actual)
        case .hasAttribute(let target, let name):
            let actual = expectOneOf(target, [.anyEntity, .anyRecord], prior: prior)
            guard let t = actual.type else { return .failure(.anyBool) }
            let capability = Capability(target: target, attribute: name)
            let result: TypeAnswer
            if let attribute = lookupAttribute(t, name) {
                let known: Bool
                if attribute.isRequired, case .record = t {
                    known = true
                } else {
                    known = prior.contains(capability)
                }
                result = .success(known ? .singleton(true) : .anyBool, [capability])
            } else {
                result = .success(mayHaveAttribute(t, name) ? .anyBool : .singleton(false))
            }
            return failing(result, unless: actual)
        default:
            return typecheckOther(e, prior: prior)
        }
    }

    @inline(never)
    private mutating func typecheckOther(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        switch e.kind {
        case .negate(let operand):
            let a = expect(operand, .long, prior: prior)
            return failing(.success(.long), unless: a)
        case .isEmpty(let operand):
            let a = expect(operand, .set(nil), prior: prior)
            return failing(.success(.anyBool), unless: a)
        case .like(let operand, _):
            let a = expect(operand, .string, prior: prior)
            return failing(.success(.anyBool), unless: a)
        case .isEntityType(let operand, let type):
            let a = expect(operand, .anyEntity, prior: prior)
            let result: TypeAnswer
            switch a.type {
            case .some(.entity(let types)):
                if !types.contains(type) {
                    result = .success(.singleton(false))
                } else {
                    result = .success(types == [type] ? .singleton(true) : .anyBool)
                }
            case .some(.anyEntity): result = .success(.anyBool)
            default: result = .failure(.anyBool)
            }
            return failing(result, unless: a)
        case .set(let elements):
            return typecheckSet(e, elements, prior: prior)
        case .record:
            return typecheckRecord(e, prior: prior)
        case .extensionCall(let name, let arguments):
            return typecheckExtension(e, name, arguments, prior: prior)
        case .ifThenElse:
            return typecheckIf(e, prior: prior)
        case .binary:
            return typecheckBinary(e, prior: prior)
        case .and, .or, .not:
            return typecheckLogic(e, prior: prior)
        case .getAttribute, .hasAttribute:
            return typecheckAttribute(e, prior: prior)
        case .variable, .slot, .literal:
            return typecheckLeaf(e)
        }
    }

    @inline(never)
    private mutating func typecheckRecord(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        guard case .record(let fields) = e.kind else { return .failure(nil) }
        var attributes: [String: ValidatorAttribute] = [:]
        var complete = true
        var anyFailed = false
        for field in fields {
            let answer = typecheck(field.value, prior: prior)
            if !answer.succeeded { anyFailed = true }
            if let t = answer.type {
                attributes[field.name] = ValidatorAttribute(type: t, isRequired: true)
            } else {
                complete = false
            }
        }
        if !complete { return .failure(nil) }
        return anyFailed ? .failure(.record(attributes, open: false)) : .success(.record(attributes, open: false))
    }

    @inline(never)
    private mutating func typecheckSet(
        _ e: CedarExpression,
        _ elements: [CedarExpression],
        prior: Set<Capability>
    ) -> TypeAnswer {
        var answers: [TypeAnswer] = []
        for element in elements { answers.append(typecheck(element, prior: prior)) }
        let anyFailed = answers.contains { !$0.succeeded }
        let lub = reduceLeastUpperBound(answers.map(\.type), e)
        var result: TypeAnswer
        if elements.isEmpty && strict {
            error("empty set literals are forbidden in strict validation", e)
            result = .failure(nil)
        } else {
            switch lub {
            case .none:
                error("set elements have incompatible types", e)
                result = .failure(nil)
            case .some(.none): result = .failure(nil)
            case .some(.some(let t)): result = .success(.set(t))
            }
        }
        if anyFailed {
            result.succeeded = false
            result.capabilities = []
        }
        return result
    }

    @inline(never)
    private mutating func typecheckIf(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        guard case .ifThenElse(let test, let thenBranch, let elseBranch) = e.kind else {
            return typecheckOther(e, prior: prior)
        }
        let t = expect(test, .anyBool, prior: prior)
        let testCaps = carried(t)
        if t.type == .singleton(true) {
            let a = typecheck(thenBranch, prior: prior.union(testCaps))
            return failing(.success(a.type, carried(a).union(testCaps)), unless: t, a)
        }
        if t.type == .singleton(false) {
            let a = typecheck(elseBranch, prior: prior)
            return failing(.success(a.type, carried(a)), unless: t, a)
        }
        let thenAnswer = typecheck(thenBranch, prior: prior.union(testCaps))
        let thenCaps = thenAnswer.succeeded ? thenAnswer.capabilities.union(testCaps) : []
        let elseAnswer = typecheck(elseBranch, prior: prior)
        let result: TypeAnswer
        if let thenType = thenAnswer.type, let elseType = elseAnswer.type {
            if let lub = ValidatorType.leastUpperBound(thenType, elseType, strict: strict) {
                result = .success(lub, carried(elseAnswer).intersection(thenCaps))
            } else {
                error("the branches of `if` have incompatible types", e)
                result = .failure(nil)
            }
        } else {
            result = .failure(nil)
        }
        return failing(result, unless: t, thenAnswer, elseAnswer)
    }

    /// Cedar's strict-mode rule that `==`, `contains`, `containsAll` and `containsAny` compare compatible types.
    private mutating func strictEquality(
        _ e: CedarExpression,
        _ annotated: ValidatorType,
        _ lhs: ValidatorType?,
        _ rhs: ValidatorType?
    ) -> TypeAnswer {
        guard strict else { return .success(annotated) }
        if annotated == .singleton(true) || annotated == .singleton(false) { return .success(annotated) }
        if let lhs, let rhs, ValidatorType.leastUpperBound(lhs, rhs, strict: true) == nil {
            error("the operands have incompatible types", e)
            return .failure(annotated)
        }
        return .success(annotated)
    }

    @inline(never)
    private mutating func typecheckBinary(_ e: CedarExpression, prior: Set<Capability>) -> TypeAnswer {
        guard case .binary(let op, let left, let right) = e.kind else { return typecheckOther(e, prior: prior) }
        return switch op {
        case .equal: typecheckEquality(e, left, right, prior: prior)
        case .less, .lessOrEqual: typecheckComparison(e, left, right, prior: prior)
        case .add, .subtract, .multiply: typecheckArithmetic(left, right, prior: prior)
        case .in: typecheckIn(e, left, right, prior: prior)
        case .contains, .containsAll, .containsAny: typecheckContains(e, op, left, right, prior: prior)
        case .hasTag, .getTag: typecheckTag(e, op, left, right, prior: prior)
        }
    }

    @inline(never)
    private mutating func typecheckEquality(
        _ e: CedarExpression,
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = typecheck(left, prior: prior)
        let r = typecheck(right, prior: prior)
        var type = ValidatorType.anyBool
        if let lt = l.type, let rt = r.type, ValidatorType.areDisjoint(lt, rt) {
            type = .singleton(false)
        } else if let a = literal(left), let b = literal(right) {
            type = .singleton(a == b)
        }
        return failing(strictEquality(e, type, l.type, r.type), unless: l, r)
    }

    @inline(never)
    private mutating func typecheckComparison(
        _ e: CedarExpression,
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = typecheck(left, prior: prior)
        let r = typecheck(right, prior: prior)
        return failing(comparison(e, l.type, r.type), unless: l, r)
    }

    @inline(never)
    private mutating func typecheckArithmetic(
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = expect(left, .long, prior: prior)
        let r = expect(right, .long, prior: prior)
        return failing(.success(.long), unless: l, r)
    }

    @inline(never)
    private mutating func typecheckContains(
        _ e: CedarExpression,
        _ op: BinaryOperator,
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = expect(left, .set(nil), prior: prior)
        if op == .contains {
            let r = typecheck(right, prior: prior)
            var element: ValidatorType?
            if case .some(.set(.some(let t))) = l.type { element = t }
            return failing(strictEquality(e, .anyBool, element, r.type), unless: l, r)
        }
        let r = expect(right, .set(nil), prior: prior)
        return failing(strictEquality(e, .anyBool, l.type, r.type), unless: l, r)
    }

    @inline(never)
    private mutating func typecheckTag(
        _ e: CedarExpression,
        _ op: BinaryOperator,
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = expect(left, .anyEntity, prior: prior)
        let r = expect(right, .string, prior: prior)
        guard let lt = l.type else { return .failure(nil) }
        let capability = Capability(target: left, attribute: nil, tag: right)
        let result = op == .hasTag ? hasTag(lt, capability, prior) : getTag(e, lt, capability, prior)
        return failing(result, unless: l, r)
    }

    private mutating func comparison(_ e: CedarExpression, _ lt: ValidatorType?, _ rt: ValidatorType?) -> TypeAnswer {
        guard let lt, let rt else { return .failure(.anyBool) }
        switch (lt, rt) {
        case (.never, .never): return .failure(.anyBool)
        case (.never, let other), (let other, .never):
            if other.supportsComparison { return .success(.anyBool) }
            error("comparison of unsupported type", e)
            return .failure(.anyBool)
        default:
            if lt == rt && lt.supportsComparison { return .success(.anyBool) }
            error("comparison operands have incompatible or unsupported types", e)
            return .failure(.anyBool)
        }
    }

    private func hasTag(_ lt: ValidatorType, _ capability: Capability, _ prior: Set<Capability>) -> TypeAnswer {
        let type: ValidatorType
        if tagTypes(lt).isEmpty {
            type = .singleton(false)
        } else if prior.contains(capability) {
            type = .singleton(true)
        } else {
            type = .anyBool
        }
        return .success(type, [capability])
    }

    private mutating func getTag(
        _ e: CedarExpression,
        _ lt: ValidatorType,
        _ capability: Capability,
        _ prior: Set<Capability>
    ) -> TypeAnswer {
        guard prior.contains(capability) else {
            error("unsafe tag access; use `hasTag` first", e)
            return .failure(nil)
        }
        let tags = tagTypes(lt)
        if tags.isEmpty {
            error("this entity type has no tags", e)
            return .failure(nil)
        }
        var lub = ValidatorType.never
        for tag in tags {
            guard let next = ValidatorType.leastUpperBound(lub, tag, strict: strict) else {
                error("tag types are incompatible", e)
                return .failure(nil)
            }
            lub = next
        }
        return .success(lub)
    }

    @inline(never)
    private mutating func typecheckIn(
        _ e: CedarExpression,
        _ left: CedarExpression,
        _ right: CedarExpression,
        prior: Set<Capability>
    ) -> TypeAnswer {
        let l = expect(left, .anyEntity, prior: prior)
        let r = expectOneOf(right, [.set(.anyEntity), .anyEntity], prior: prior)
        guard l.succeeded && r.succeeded else { return .failure(.anyBool) }
        if let lhs = entityLiteral(left), let rhs = entityLiterals(right), isAction(lhs.type) {
            let actions = rhs.filter { isAction($0.type) }
            if actions.isEmpty { return .success(.singleton(false)) }
            guard let descendants = actionsIn(actions) else { return .failure(.anyBool) }
            return .success(.singleton(descendants.contains(lhs)))
        }
        var rightTypes: Set<String>?
        switch r.type {
        case .some(.entity(let types)): rightTypes = types
        case .some(.set(.some(.entity(let types)))): rightTypes = types
        default: rightTypes = nil
        }
        if let leftTypes = l.type?.entityTypes, let rightTypes, !anyDescendant(leftTypes, rightTypes) {
            return .success(.singleton(false))
        }
        return .success(.anyBool)
    }

    private func anyDescendant(_ lhs: Set<String>, _ rhs: Set<String>) -> Bool {
        lhs.contains { l in
            rhs.contains { r in
                typesIn(r).contains(l)
                    || schema.actions.keys.contains { action in
                        action.type == r && (actionDescendants[action] ?? []).contains { $0.type == l }
                    }
            }
        }
    }

    private static let constructors: Set<String> = ["decimal", "ip", "datetime", "duration"]

    private static func signature(_ name: String) -> (arguments: [ValidatorType], result: ValidatorType) {
        let decimal = ValidatorType.extensionType("decimal")
        let ip = ValidatorType.extensionType("ipaddr")
        let datetime = ValidatorType.extensionType("datetime")
        let duration = ValidatorType.extensionType("duration")
        switch name {
        case "decimal": return ([.string], decimal)
        case "ip": return ([.string], ip)
        case "datetime": return ([.string], datetime)
        case "duration": return ([.string], duration)
        case "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual": return ([decimal, decimal], .anyBool)
        case "isIpv4", "isIpv6", "isLoopback", "isMulticast": return ([ip], .anyBool)
        case "isInRange": return ([ip, ip], .anyBool)
        case "offset": return ([datetime, duration], datetime)
        case "durationSince": return ([datetime, datetime], duration)
        case "toDate": return ([datetime], datetime)
        case "toTime": return ([datetime], duration)
        default: return ([duration], .long)
        }
    }

    private mutating func typecheckExtension(
        _ e: CedarExpression,
        _ name: String,
        _ arguments: [CedarExpression],
        prior: Set<Capability>
    ) -> TypeAnswer {
        let (parameterTypes, resultType) = Self.signature(name)
        var failed = false
        if arguments.count != parameterTypes.count {
            error("`\(name)` expects \(parameterTypes.count) arguments", e)
            failed = true
        }
        if Self.constructors.contains(name) {
            if arguments.count == 1, case .literal(.string(let text)) = arguments[0].kind,
                (try? ExtensionFunctions.call(name, [.string(text)], location: nil)) == nil
            {
                error("invalid argument to `\(name)`", e)
                failed = true
            }
            if strict && !arguments.allSatisfy({ if case .literal = $0.kind { true } else { false } }) {
                error("extension constructors require literal arguments in strict validation", e)
                failed = true
            }
        }
        if failed {
            for argument in arguments { _ = typecheck(argument, prior: prior) }
            return .failure(resultType)
        }
        var allSucceeded = true
        for (argument, type) in zip(arguments, parameterTypes) {
            if !expect(argument, type, prior: prior).succeeded { allSucceeded = false }
        }
        return allSucceeded ? .success(resultType) : .failure(resultType)
    }
}
