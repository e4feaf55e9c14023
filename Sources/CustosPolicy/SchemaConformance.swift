extension Schema {
    /// Why `value` does not have the schema type `type`, or nil when it does.
    public func mismatch(of value: Value, against type: SchemaType) -> String? {
        switch (type, value) {
        case (.bool, .bool), (.long, .long), (.string, .string): return nil
        case (.entity(let expected), .entity(let uid)):
            return uid.type == expected ? nil : "expected an entity of type `\(expected)`, got `\(uid)`"
        case (.set(let element), .set(let members)):
            for member in members {
                if let reason = mismatch(of: member, against: element) { return "in a set element: \(reason)" }
            }
            return nil
        case (.record(let attributes), .record(let fields)):
            return recordMismatch(fields, attributes)
        case (.extensionType(let expected), .extensionValue(let e)):
            return e.typeName == expected ? nil : "expected a value of type `\(expected)`, got `\(e.typeName)`"
        default:
            return "expected a value of type \(Self.name(of: type)), got \(value.typeName)"
        }
    }

    private func recordMismatch(_ fields: [String: Value], _ attributes: [String: SchemaAttribute]) -> String? {
        for (name, attribute) in attributes.sorted(by: { $0.key < $1.key }) {
            guard let field = fields[name] else {
                if attribute.isRequired { return "missing required attribute `\(name)`" }
                continue
            }
            if let reason = mismatch(of: field, against: attribute.type) { return "attribute `\(name)`: \(reason)" }
        }
        if let extra = fields.keys.sorted().first(where: { attributes[$0] == nil }) {
            return "attribute `\(extra)` is not declared in the schema"
        }
        return nil
    }

    private static func name(of type: SchemaType) -> String {
        switch type {
        case .bool: "Bool"
        case .long: "Long"
        case .string: "String"
        case .entity(let name): "`\(name)`"
        case .set: "Set"
        case .record: "Record"
        case .extensionType(let name): "`\(name)`"
        }
    }

    private static func isAction(_ type: String) -> Bool { type == "Action" || type.hasSuffix("::Action") }

    /// Checks that an entity conforms to the schema, as Cedar does when it reads entities with a schema: declared
    /// type (or declared action), valid enumerated id, attributes and tags of the declared types, allowed parent
    /// types.
    public func validate(_ entity: Entity) throws(DataFormatError) {
        let path = entity.uid.description
        if Self.isAction(entity.uid.type) {
            guard actions[entity.uid] != nil else {
                throw DataFormatError(path: path, reason: "action `\(entity.uid)` is not declared in the schema")
            }
            return
        }
        guard let declaration = entityTypes[entity.uid.type] else {
            throw DataFormatError(path: path, reason: "entity type `\(entity.uid.type)` is not declared in the schema")
        }
        if let ids = declaration.enumeratedIDs, !ids.contains(entity.uid.id) {
            throw DataFormatError(path: path, reason: "`\(entity.uid.id)` is not a member of the enumerated type")
        }
        if let reason = recordMismatch(entity.attributes, declaration.attributes) {
            throw DataFormatError(path: path + ".attrs", reason: reason)
        }
        if !entity.tags.isEmpty {
            guard let tagType = declaration.tagType else {
                throw DataFormatError(path: path + ".tags", reason: "entity type `\(entity.uid.type)` has no tags")
            }
            for (key, value) in entity.tags.sorted(by: { $0.key < $1.key }) {
                if let reason = mismatch(of: value, against: tagType) {
                    throw DataFormatError(path: "\(path).tags.\(key)", reason: reason)
                }
            }
        }
        for parent in entity.parents.sorted(by: { $0.description < $1.description })
        where !declaration.parentTypes.contains(parent.type) {
            throw DataFormatError(
                path: path + ".parents",
                reason: "an entity of type `\(entity.uid.type)` cannot be a member of `\(parent)`"
            )
        }
    }

    /// Checks that a request conforms to the schema: a declared action that applies to the principal's and the
    /// resource's types, and a context of the action's context type.
    public func validate(_ request: AuthorizationRequest) throws(DataFormatError) {
        guard let action = actions[request.action] else {
            throw DataFormatError(path: "action", reason: "action `\(request.action)` is not declared in the schema")
        }
        guard action.principalTypes.contains(request.principal.type) else {
            throw DataFormatError(
                path: "principal",
                reason: "`\(request.action)` does not apply to principals of type `\(request.principal.type)`"
            )
        }
        guard action.resourceTypes.contains(request.resource.type) else {
            throw DataFormatError(
                path: "resource",
                reason: "`\(request.action)` does not apply to resources of type `\(request.resource.type)`"
            )
        }
        if let reason = recordMismatch(request.context, action.context) {
            throw DataFormatError(path: "context", reason: reason)
        }
    }
}
