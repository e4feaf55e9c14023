import CustosCore

/// Reads entities, entity references, values and requests from Cedar's JSON formats.
///
/// Values may use the escapes `{"__entity": {"type", "id"}}` and `{"__extn": {"fn", "arg" | "args"}}`; when an
/// expected schema type is known, the implicit forms (`{"type", "id"}` for entities, a bare string for an
/// extension value) are accepted as well.
public enum CedarJSON {
    /// Parses an entity reference: `{"type": "T", "id": "x"}` or `{"__entity": {"type": "T", "id": "x"}}`.
    public static func entityUID(_ json: JSONValue, path: String = "") throws(DataFormatError) -> EntityUID {
        guard case .object(var object) = json else {
            throw DataFormatError(path: path, reason: "expected an entity reference object, got \(json.typeName)")
        }
        if let inner = object["__entity"] {
            guard object.count == 1, case .object(let innerObject) = inner else {
                throw DataFormatError(path: path, reason: "malformed `__entity` escape")
            }
            object = innerObject
        }
        guard case .string(let type)? = object["type"], case .string(let id)? = object["id"], object.count == 2 else {
            throw DataFormatError(
                path: path,
                reason: "an entity reference needs exactly the string fields `type` and `id`"
            )
        }
        return EntityUID(type: type, id: id)
    }

    /// Parses a Cedar value, guided by `expected` when a schema type is known.
    public static func value(
        _ json: JSONValue,
        expected: SchemaType? = nil,
        path: String = ""
    ) throws(DataFormatError) -> Value {
        switch json {
        case .null:
            throw DataFormatError(path: path, reason: "null is not a Cedar value")
        case .bool(let b):
            return .bool(b)
        case .integer(let n):
            return .long(n)
        case .double:
            throw DataFormatError(path: path, reason: "numbers must be integers in the 64-bit range")
        case .string(let s):
            if case .extensionType(let type)? = expected {
                return try extensionValue(
                    constructor: constructorName(forType: type),
                    arguments: [.string(s)],
                    path: path
                )
            }
            return .string(s)
        case .array(let elements):
            var values = Set<Value>()
            var elementType: SchemaType?
            if case .set(let t)? = expected { elementType = t }
            for (i, element) in elements.enumerated() {
                values.insert(try value(element, expected: elementType, path: "\(path)[\(i)]"))
            }
            return .set(values)
        case .object(let object):
            if object.count == 1, let inner = object["__entity"] {
                return .entity(try entityUID(inner, path: path + ".__entity"))
            }
            if object.count == 1, case .object(let extn)? = object["__extn"] {
                guard case .string(let fn)? = extn["fn"] else {
                    throw DataFormatError(path: path, reason: "`__extn` needs a string `fn`")
                }
                var arguments: [Value] = []
                if let arg = extn["arg"], extn.count == 2 {
                    arguments = [try value(arg, path: path + ".__extn.arg")]
                } else if case .array(let args)? = extn["args"], extn.count == 2 {
                    for (i, arg) in args.enumerated() {
                        arguments.append(try value(arg, path: path + ".__extn.args[\(i)]"))
                    }
                } else {
                    throw DataFormatError(path: path, reason: "`__extn` needs `fn` and `arg` or `args`")
                }
                return try extensionValue(constructor: fn, arguments: arguments, path: path)
            }
            if case .entity? = expected {
                return .entity(try entityUID(json, path: path))
            }
            var attributeTypes: [String: SchemaAttribute]?
            if case .record(let attributes)? = expected { attributeTypes = attributes }
            var fields: [String: Value] = [:]
            for (key, member) in object.members {
                fields[key] = try value(member, expected: attributeTypes?[key]?.type, path: "\(path).\(key)")
            }
            return .record(fields)
        }
    }

    private static func constructorName(forType type: String) -> String {
        type == "ipaddr" ? "ip" : type
    }

    private static func extensionValue(
        constructor: String,
        arguments: [Value],
        path: String
    ) throws(DataFormatError) -> Value {
        do {
            return try ExtensionFunctions.call(constructor, arguments, location: nil)
        } catch {
            throw DataFormatError(path: path, reason: error.reason)
        }
    }

    /// Parses a record (such as a request context) from a JSON object.
    public static func record(
        _ json: JSONValue,
        expected: [String: SchemaAttribute]? = nil,
        path: String = ""
    ) throws(DataFormatError) -> [String: Value] {
        guard case .object = json else {
            throw DataFormatError(path: path, reason: "expected an object, got \(json.typeName)")
        }
        guard case .record(let fields) = try value(json, expected: expected.map { .record($0) }, path: path) else {
            throw DataFormatError(path: path, reason: "expected a record")
        }
        return fields
    }

    /// Parses the entities JSON format: a list of `{"uid", "attrs", "parents", "tags"?}` objects.
    ///
    /// With a schema, attribute and tag values are parsed by their declared types, every entity must conform to
    /// the schema (as in the reference implementation), and the schema's action entities (with their action-group
    /// parents) are added.
    public static func entities(_ json: JSONValue, schema: Schema? = nil) throws(DataFormatError) -> EntityStore {
        guard case .array(let list) = json else {
            throw DataFormatError(path: "", reason: "the entities document must be a JSON array")
        }
        var result: [Entity] = []
        var seen = Set<EntityUID>()
        for (i, item) in list.enumerated() {
            let path = "[\(i)]"
            guard case .object(let object) = item else {
                throw DataFormatError(path: path, reason: "an entity must be a JSON object")
            }
            guard let uidJSON = object["uid"] else { throw DataFormatError(path: path, reason: "missing `uid`") }
            let uid = try entityUID(uidJSON, path: path + ".uid")
            guard seen.insert(uid).inserted else {
                throw DataFormatError(path: path, reason: "duplicate entity `\(uid)`")
            }
            let entityType = schema?.entityTypes[uid.type]
            var attributes: [String: Value] = [:]
            if let attrs = object["attrs"] {
                attributes = try record(attrs, expected: entityType?.attributes, path: path + ".attrs")
            }
            var tags: [String: Value] = [:]
            if let tagsJSON = object["tags"] {
                guard case .object(let tagObject) = tagsJSON else {
                    throw DataFormatError(path: path + ".tags", reason: "tags must be an object")
                }
                for (key, member) in tagObject.members {
                    tags[key] = try value(member, expected: entityType?.tagType, path: "\(path).tags.\(key)")
                }
            }
            var parents = Set<EntityUID>()
            if let parentsJSON = object["parents"] {
                guard case .array(let parentList) = parentsJSON else {
                    throw DataFormatError(path: path + ".parents", reason: "parents must be an array")
                }
                for (j, parent) in parentList.enumerated() {
                    parents.insert(try entityUID(parent, path: "\(path).parents[\(j)]"))
                }
            }
            let entity = Entity(uid: uid, attributes: attributes, parents: parents, tags: tags)
            try schema?.validate(entity)
            result.append(entity)
        }
        if let schema {
            for action in schema.actions.values where !seen.contains(action.uid) {
                result.append(Entity(uid: action.uid, parents: Set(action.parents)))
            }
        }
        return EntityStore(result)
    }

    /// Parses a request from `{"principal", "action", "resource", "context"}` (extra members are ignored). The
    /// three entities may also be written as Cedar literals (`"User::\"alice\""`), as the Cedar CLI does.
    ///
    /// With a schema, the context is parsed by the action's context type and, unless `validateRequest` is false,
    /// the request must conform to the schema.
    public static func request(
        _ json: JSONValue,
        schema: Schema? = nil,
        validateRequest: Bool = true
    ) throws(DataFormatError) -> AuthorizationRequest {
        func entityUID(_ json: JSONValue, path: String) throws(DataFormatError) -> EntityUID {
            guard case .string(let literal) = json else { return try CedarJSON.entityUID(json, path: path) }
            do {
                return try EntityUID(parsing: literal)
            } catch {
                throw DataFormatError(path: path, reason: "invalid entity literal: \(error.reason)")
            }
        }
        guard case .object(let object) = json else {
            throw DataFormatError(path: "", reason: "a request must be a JSON object")
        }
        guard let p = object["principal"], let a = object["action"], let r = object["resource"] else {
            throw DataFormatError(path: "", reason: "a request needs `principal`, `action` and `resource`")
        }
        let action = try entityUID(a, path: "action")
        var context: [String: Value] = [:]
        if let c = object["context"] {
            context = try record(c, expected: schema?.actions[action]?.context, path: "context")
        }
        let request = AuthorizationRequest(
            principal: try entityUID(p, path: "principal"),
            action: action,
            resource: try entityUID(r, path: "resource"),
            context: context
        )
        if validateRequest { try schema?.validate(request) }
        return request
    }
}
