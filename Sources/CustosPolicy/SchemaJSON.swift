import CustosCore

extension Schema {
    /// Reads a schema in Cedar's JSON schema format (`{"Namespace": {"entityTypes", "actions", "commonTypes"}}`),
    /// resolving type names exactly as for the human-readable format.
    public init(json: JSONValue) throws(DataFormatError) {
        var declarations = SchemaDeclarations()
        guard case .object(let namespaces) = json else {
            throw DataFormatError(path: "", reason: "a JSON schema must be an object of namespaces")
        }
        let reader = SchemaJSONReader()
        for (namespace, body) in namespaces.members {
            try reader.read(namespace: namespace, body, into: &declarations)
        }
        do {
            self = try declarations.resolve()
        } catch {
            throw DataFormatError(path: "", reason: error.reason)
        }
    }
}

/// Converts the JSON schema format into schema declarations.
private struct SchemaJSONReader {
    let nowhere = SourceLocation(line: 0, column: 0)

    func read(
        namespace: String,
        _ body: JSONValue,
        into declarations: inout SchemaDeclarations
    ) throws(DataFormatError) {
        guard case .object(let object) = body else {
            throw DataFormatError(path: namespace, reason: "a namespace must be an object")
        }
        func qualified(_ name: String) -> String { namespace.isEmpty ? name : namespace + "::" + name }
        if case .object(let commonTypes)? = object["commonTypes"] {
            for (name, typeJSON) in commonTypes.members {
                declarations.commonTypes[qualified(name)] = (
                    try type(typeJSON, path: "\(namespace).commonTypes.\(name)"), namespace
                )
            }
        }
        if case .object(let entityTypes)? = object["entityTypes"] {
            for (name, entityJSON) in entityTypes.members {
                let path = "\(namespace).entityTypes.\(name)"
                guard case .object(let entity) = entityJSON else {
                    throw DataFormatError(path: path, reason: "an entity type must be an object")
                }
                var declaration = EntityDeclaration(
                    name: qualified(name),
                    namespace: namespace,
                    parents: try strings(entity["memberOfTypes"], path: path + ".memberOfTypes").map(Self.path),
                    location: nowhere
                )
                if let shape = entity["shape"] { declaration.attributes = try type(shape, path: path + ".shape") }
                if let tags = entity["tags"] { declaration.tags = try type(tags, path: path + ".tags") }
                if let ids = entity["enum"] { declaration.enumeratedIDs = try strings(ids, path: path + ".enum") }
                declarations.entities.append(declaration)
            }
        }
        if case .object(let actions)? = object["actions"] {
            let actionType = qualified("Action")
            for (name, actionJSON) in actions.members {
                let path = "\(namespace).actions.\(name)"
                guard case .object(let action) = actionJSON else {
                    throw DataFormatError(path: path, reason: "an action must be an object")
                }
                var parents: [EntityUID] = []
                if case .array(let memberOf)? = action["memberOf"] {
                    for (i, parentJSON) in memberOf.enumerated() {
                        guard case .object(let parent) = parentJSON, case .string(let id)? = parent["id"] else {
                            throw DataFormatError(path: "\(path).memberOf[\(i)]", reason: "needs a string `id`")
                        }
                        var type = actionType
                        if case .string(let written)? = parent["type"], written != "Action" { type = written }
                        parents.append(EntityUID(type: type, id: id))
                    }
                }
                var declaration = ActionDeclaration(
                    uid: EntityUID(type: actionType, id: name),
                    namespace: namespace,
                    parents: parents,
                    principals: [],
                    resources: [],
                    context: nil,
                    location: nowhere
                )
                if case .object(let appliesTo)? = action["appliesTo"] {
                    declaration.principals = try strings(appliesTo["principalTypes"], path: path).map(Self.path)
                    declaration.resources = try strings(appliesTo["resourceTypes"], path: path).map(Self.path)
                    if let context = appliesTo["context"] {
                        declaration.context = try type(context, path: path + ".appliesTo.context")
                    }
                }
                declarations.actions.append(declaration)
            }
        }
    }

    private static func path(_ name: String) -> [String] {
        name.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
    }

    private func strings(_ json: JSONValue?, path: String) throws(DataFormatError) -> [String] {
        guard let json else { return [] }
        guard case .array(let items) = json else { throw DataFormatError(path: path, reason: "expected an array") }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item else {
                throw DataFormatError(path: path, reason: "expected an array of strings")
            }
            result.append(s)
        }
        return result
    }

    private static let builtins: [String: String] = [
        "Long": "Long", "String": "String", "Boolean": "Bool", "Bool": "Bool",
    ]

    func type(_ json: JSONValue, path: String) throws(DataFormatError) -> WrittenType {
        guard case .object(let object) = json, case .string(let kind)? = object["type"] else {
            throw DataFormatError(path: path, reason: "a type needs a string `type`")
        }
        func name() throws(DataFormatError) -> String {
            guard case .string(let name)? = object["name"] else {
                throw DataFormatError(path: path, reason: "`\(kind)` needs a string `name`")
            }
            return name
        }
        switch kind {
        case "Long", "String", "Boolean", "Bool":
            return .named(["__cedar", Self.builtins[kind] ?? kind], nowhere)
        case "Extension":
            return .named(["__cedar", try name()], nowhere)
        case "Entity", "EntityOrCommon":
            return .named(Self.path(try name()), nowhere)
        case "Set":
            guard let element = object["element"] else {
                throw DataFormatError(path: path, reason: "`Set` needs `element`")
            }
            return .set(try type(element, path: path + ".element"))
        case "Record":
            var fields: [(name: String, type: WrittenType, required: Bool)] = []
            if case .object(let attributes)? = object["attributes"] {
                for (attribute, attributeJSON) in attributes.members {
                    var required = true
                    if case .object(let attributeObject) = attributeJSON,
                        case .bool(let r)? = attributeObject["required"]
                    {
                        required = r
                    }
                    fields.append((attribute, try type(attributeJSON, path: "\(path).\(attribute)"), required))
                }
            }
            return .record(fields)
        default:
            return .named(Self.path(kind), nowhere)
        }
    }
}
