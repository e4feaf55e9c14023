import CustosCore

/// Reads policies in Cedar's JSON policy format (the "EST"): single policies, and policy sets with
/// `staticPolicies`, `templates` and `templateLinks`.
public enum PolicyJSON {
    /// Parses one policy (or template) in the JSON policy format, giving it the id `id`.
    public static func policy(_ json: JSONValue, id: String) throws(DataFormatError) -> Policy {
        try PolicyJSONReader(policyID: id).policy(json)
    }

    /// Parses a policy set `{"staticPolicies": {id: policy}, "templates": {id: policy}, "templateLinks": [...]}`.
    public static func policySet(_ json: JSONValue) throws(DataFormatError) -> PolicySet {
        guard case .object(let object) = json else {
            throw DataFormatError(path: "", reason: "a policy set must be a JSON object")
        }
        var set = PolicySet()
        func add(_ policy: Policy, asTemplate: Bool) throws(DataFormatError) {
            guard policy.slots.isEmpty != asTemplate else {
                let reason = asTemplate ? "a template must use a slot" : "a static policy must not use slots"
                throw DataFormatError(path: policy.id, reason: reason)
            }
            do {
                try set.add(policy)
            } catch {
                throw DataFormatError(path: policy.id, reason: error.reason)
            }
        }
        for (key, asTemplate) in [("staticPolicies", false), ("templates", true)] {
            guard let member = object[key] else { continue }
            guard case .object(let policies) = member else {
                throw DataFormatError(path: key, reason: "must be an object of policies by id")
            }
            for (id, policyJSON) in policies.members {
                try add(try policy(policyJSON, id: id), asTemplate: asTemplate)
            }
        }
        if let linksJSON = object["templateLinks"] {
            guard case .array(let links) = linksJSON else {
                throw DataFormatError(path: "templateLinks", reason: "must be an array")
            }
            for (i, linkJSON) in links.enumerated() {
                let path = "templateLinks[\(i)]"
                guard case .object(let link) = linkJSON, case .string(let templateID)? = link["templateId"],
                    case .string(let newID)? = link["newId"], case .object(let valuesJSON)? = link["values"]
                else {
                    throw DataFormatError(path: path, reason: "a link needs `templateId`, `newId` and `values`")
                }
                var values: [SlotID: EntityUID] = [:]
                for (slotName, entityJSON) in valuesJSON.members {
                    guard let slot = SlotID(rawValue: slotName) else {
                        throw DataFormatError(path: path, reason: "unknown slot `\(slotName)`")
                    }
                    values[slot] = try CedarJSON.entityUID(entityJSON, path: "\(path).values.\(slotName)")
                }
                do {
                    try set.link(templateID: templateID, newID: newID, values: values)
                } catch {
                    throw DataFormatError(path: path, reason: error.reason)
                }
            }
        }
        return set
    }
}

/// Converts JSON policy-format objects into the AST; locations are synthetic (line 0).
private struct PolicyJSONReader {
    let policyID: String
    let location = SourceLocation(line: 0, column: 0)

    func fail(_ reason: String, _ path: String) -> DataFormatError {
        DataFormatError(path: "\(policyID)\(path)", reason: reason)
    }

    func policy(_ json: JSONValue) throws(DataFormatError) -> Policy {
        guard case .object(let object) = json else { throw fail("a policy must be a JSON object", "") }
        guard case .string(let effectName)? = object["effect"], let effect = Effect(rawValue: effectName) else {
            throw fail("`effect` must be \"permit\" or \"forbid\"", ".effect")
        }
        var annotations: [Annotation] = []
        if case .object(let annotationObject)? = object["annotations"] {
            for (key, value) in annotationObject.members {
                annotations.append(Annotation(key: key, value: value.stringValue ?? ""))
            }
        }
        var conditions: [Condition] = []
        if let conditionsJSON = object["conditions"] {
            guard case .array(let list) = conditionsJSON else { throw fail("must be an array", ".conditions") }
            for (i, item) in list.enumerated() {
                guard case .object(let condition) = item, case .string(let kind)? = condition["kind"],
                    kind == "when" || kind == "unless", let body = condition["body"]
                else {
                    throw fail("a condition needs `kind` (when/unless) and `body`", ".conditions[\(i)]")
                }
                let expression = try expression(body, ".conditions[\(i)].body")
                guard expression.height <= PolicyParser.maximumHeight else {
                    throw fail("expression is nested too deeply", ".conditions[\(i)].body")
                }
                conditions.append(Condition(isWhen: kind == "when", body: expression))
            }
        }
        guard let principal = object["principal"], let action = object["action"], let resource = object["resource"]
        else { throw fail("a policy needs `principal`, `action` and `resource`", "") }
        return Policy(
            id: policyID,
            effect: effect,
            annotations: annotations,
            principal: try entityScope(principal, slot: .principal, ".principal"),
            action: try actionScope(action),
            resource: try entityScope(resource, slot: .resource, ".resource"),
            conditions: conditions,
            location: location
        )
    }

    private func reference(
        _ object: JSONObject,
        slot: SlotID,
        _ path: String
    ) throws(DataFormatError) -> EntityReference {
        if let entity = object["entity"] { return .entity(try CedarJSON.entityUID(entity, path: path + ".entity")) }
        if case .string(let name)? = object["slot"] {
            guard name == slot.rawValue else { throw fail("expected slot `\(slot.rawValue)`", path + ".slot") }
            return .slot(slot)
        }
        throw fail("expected `entity` or `slot`", path)
    }

    private func entityScope(
        _ json: JSONValue,
        slot: SlotID,
        _ path: String
    ) throws(DataFormatError) -> EntityScopeConstraint {
        guard case .object(let object) = json, case .string(let op)? = object["op"] else {
            throw fail("a scope constraint needs `op`", path)
        }
        switch op {
        case "All", "all": return .any
        case "==": return .equal(try reference(object, slot: slot, path))
        case "in": return .in(try reference(object, slot: slot, path))
        case "is":
            guard case .string(let type)? = object["entity_type"] else { throw fail("missing `entity_type`", path) }
            if case .object(let inObject)? = object["in"] {
                return .isTypeIn(type, try reference(inObject, slot: slot, path + ".in"))
            }
            return .isType(type)
        default: throw fail("unknown scope operator `\(op)`", path)
        }
    }

    private func actionScope(_ json: JSONValue) throws(DataFormatError) -> ActionScopeConstraint {
        guard case .object(let object) = json, case .string(let op)? = object["op"] else {
            throw fail("a scope constraint needs `op`", ".action")
        }
        switch op {
        case "All", "all": return .any
        case "==":
            guard let entity = object["entity"] else { throw fail("missing `entity`", ".action") }
            return .equal(try CedarJSON.entityUID(entity, path: ".action.entity"))
        case "in":
            if let entity = object["entity"] { return .in(try CedarJSON.entityUID(entity, path: ".action.entity")) }
            guard case .array(let list)? = object["entities"] else {
                throw fail("missing `entity` or `entities`", ".action")
            }
            var uids: [EntityUID] = []
            for (i, item) in list.enumerated() {
                uids.append(try CedarJSON.entityUID(item, path: ".action.entities[\(i)]"))
            }
            return .inSet(uids)
        default: throw fail("unknown action scope operator `\(op)`", ".action")
        }
    }

    private func make(_ kind: CedarExpression.Kind) -> CedarExpression { CedarExpression(kind, at: location) }

    /// A JSON value (`Value` node) as a literal expression.
    private func valueExpression(_ json: JSONValue, _ path: String) throws(DataFormatError) -> CedarExpression {
        switch json {
        case .bool(let b): return make(.literal(.bool(b)))
        case .integer(let n): return make(.literal(.long(n)))
        case .string(let s): return make(.literal(.string(s)))
        case .array(let elements):
            var result: [CedarExpression] = []
            for (i, element) in elements.enumerated() { result.append(try valueExpression(element, "\(path)[\(i)]")) }
            return make(.set(result))
        case .object(let object):
            if object.count == 1, let entity = object["__entity"] {
                return make(.literal(.entity(try CedarJSON.entityUID(entity, path: path))))
            }
            if object.count == 1, case .object(let extn)? = object["__extn"], case .string(let fn)? = extn["fn"] {
                var arguments: [CedarExpression] = []
                if let arg = extn["arg"] {
                    arguments = [try valueExpression(arg, path + ".arg")]
                } else if case .array(let args)? = extn["args"] {
                    for arg in args { arguments.append(try valueExpression(arg, path + ".args")) }
                }
                return make(.extensionCall(fn, arguments))
            }
            var fields: [RecordField] = []
            for (key, member) in object.members {
                fields.append(RecordField(name: key, value: try valueExpression(member, "\(path).\(key)")))
            }
            return make(.record(fields))
        case .null, .double: throw fail("not a Cedar value", path)
        }
    }

    private static let binaryOperators: [String: BinaryOperator] = [
        "==": .equal, "<": .less, "<=": .lessOrEqual, "+": .add, "-": .subtract, "*": .multiply, "in": .in,
        "contains": .contains, "containsAll": .containsAll, "containsAny": .containsAny, "getTag": .getTag,
        "hasTag": .hasTag,
    ]
    private static let extensionFunctions: Set<String> = [
        "decimal", "ip", "datetime", "duration", "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual",
        "isIpv4", "isIpv6", "isLoopback", "isMulticast", "isInRange", "offset", "durationSince", "toDate", "toTime",
        "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays",
    ]

    func expression(_ json: JSONValue, _ path: String) throws(DataFormatError) -> CedarExpression {
        guard case .object(let object) = json, object.count == 1, let key = object.keys.first,
            let body = object[key]
        else { throw fail("an expression must be an object with exactly one operator", path) }
        let here = "\(path).\(key)"
        func field(_ name: String) throws(DataFormatError) -> CedarExpression {
            guard case .object(let fields) = body, let value = fields[name] else {
                throw fail("missing `\(name)`", here)
            }
            return try expression(value, "\(here).\(name)")
        }
        func string(_ name: String) throws(DataFormatError) -> String {
            guard case .object(let fields) = body, case .string(let value)? = fields[name] else {
                throw fail("missing string `\(name)`", here)
            }
            return value
        }
        switch key {
        case "Value": return try valueExpression(body, here)
        case "Var":
            guard case .string(let name) = body, let variable = Variable(rawValue: name) else {
                throw fail("unknown variable", here)
            }
            return make(.variable(variable))
        case "Slot":
            throw fail("template slots are only allowed in the scope", here)
        case "!": return make(.not(try field("arg")))
        case "neg": return make(.negate(try field("arg")))
        case "isEmpty": return make(.isEmpty(try field("arg")))
        case "!=": return make(.not(make(.binary(.equal, try field("left"), try field("right")))))
        case ">": return make(.binary(.less, try field("right"), try field("left")))
        case ">=": return make(.binary(.lessOrEqual, try field("right"), try field("left")))
        case "&&": return make(.and(try field("left"), try field("right")))
        case "||": return make(.or(try field("left"), try field("right")))
        case ".": return make(.getAttribute(try field("left"), try string("attr")))
        case "has":
            let left = try field("left")
            guard case .object(let fields) = body else { throw fail("malformed `has`", here) }
            var attributes: [String] = []
            switch fields["attr"] {
            case .string(let name)?: attributes = [name]
            case .array(let names)?: attributes = names.compactMap(\.stringValue)
            default: break
            }
            guard !attributes.isEmpty else { throw fail("missing `attr`", here) }
            guard attributes.count <= PolicyParser.maximumHeight / 2 else { throw fail("`has` path is too long", here) }
            var result = make(.hasAttribute(left, attributes[0]))
            var prefix = left
            for i in attributes.indices.dropFirst() {
                prefix = make(.getAttribute(prefix, attributes[i - 1]))
                result = make(.and(result, make(.hasAttribute(prefix, attributes[i]))))
            }
            return result
        case "like":
            let left = try field("left")
            guard case .object(let fields) = body, let patternJSON = fields["pattern"] else {
                throw fail("missing `pattern`", here)
            }
            var elements: [StringUnescaper.PatternElement] = []
            switch patternJSON {
            case .array(let parts):
                for part in parts {
                    if part == .string("Wildcard") {
                        elements.append(.wildcard)
                    } else if case .object(let literal) = part, case .string(let text)? = literal["Literal"] {
                        elements += text.unicodeScalars.map { .scalar($0) }
                    } else {
                        throw fail("malformed pattern element", here + ".pattern")
                    }
                }
            case .string(let text):
                switch StringUnescaper.pattern(text) {
                case .success(let parsed): elements = parsed
                case .failure(let failure): throw fail(failure.reason, here + ".pattern")
                }
            default: throw fail("malformed pattern", here + ".pattern")
            }
            return make(.like(left, Pattern(elements: elements)))
        case "is":
            let left = try field("left")
            let type = try string("entity_type")
            let isExpression = make(.isEntityType(left, type))
            if case .object(let fields) = body, let inJSON = fields["in"] {
                let container = try expression(inJSON, here + ".in")
                return make(.and(isExpression, make(.binary(.in, left, container))))
            }
            return isExpression
        case "if-then-else":
            return make(.ifThenElse(try field("if"), try field("then"), try field("else")))
        case "Set":
            guard case .array(let elements) = body else { throw fail("`Set` takes an array", here) }
            var result: [CedarExpression] = []
            for (i, element) in elements.enumerated() { result.append(try expression(element, "\(here)[\(i)]")) }
            return make(.set(result))
        case "Record":
            guard case .object(let fields) = body else { throw fail("`Record` takes an object", here) }
            var result: [RecordField] = []
            for (name, value) in fields.members {
                result.append(RecordField(name: name, value: try expression(value, "\(here).\(name)")))
            }
            return make(.record(result))
        default:
            if let op = Self.binaryOperators[key] { return make(.binary(op, try field("left"), try field("right"))) }
            if Self.extensionFunctions.contains(key) {
                guard case .array(let argumentsJSON) = body else { throw fail("takes an array of arguments", here) }
                var arguments: [CedarExpression] = []
                for (i, argument) in argumentsJSON.enumerated() {
                    arguments.append(try expression(argument, "\(here)[\(i)]"))
                }
                return make(.extensionCall(key, arguments))
            }
            throw fail("unknown operator `\(key)`", here)
        }
    }
}
