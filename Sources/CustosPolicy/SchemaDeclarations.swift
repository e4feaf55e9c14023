/// A type expression as written in a schema, before names are resolved.
indirect enum WrittenType {
    case named([String], SourceLocation)
    case set(WrittenType)
    case record([(name: String, type: WrittenType, required: Bool)])
}

/// An entity type declaration as written, before names are resolved.
struct EntityDeclaration {
    var name: String
    var namespace: String
    var parents: [[String]]
    var attributes: WrittenType?
    var tags: WrittenType?
    var enumeratedIDs: [String]?
    var location: SourceLocation
}

/// An action declaration as written, before names are resolved.
struct ActionDeclaration {
    var uid: EntityUID
    var namespace: String
    var parents: [EntityUID]
    var principals: [[String]]
    var resources: [[String]]
    var context: WrittenType?
    var location: SourceLocation
}

/// The declarations of a schema as written (in the human or the JSON format), and Cedar's name resolution that
/// turns them into a `Schema`.
struct SchemaDeclarations {
    /// Common types by fully qualified name, with the namespace they were declared in.
    var commonTypes: [String: (type: WrittenType, namespace: String)] = [:]
    /// Entity type declarations (names fully qualified).
    var entities: [EntityDeclaration] = []
    /// Action declarations.
    var actions: [ActionDeclaration] = []

    private func error(_ reason: String, at location: SourceLocation?) -> PolicyParseError {
        PolicyParseError(location: location ?? SourceLocation(line: 0, column: 0), reason: reason)
    }

    private static let builtinTypes: [String: SchemaType] = [
        "Long": .long, "String": .string, "Bool": .bool, "Boolean": .bool, "ipaddr": .extensionType("ipaddr"),
        "decimal": .extensionType("decimal"), "datetime": .extensionType("datetime"),
        "duration": .extensionType("duration"),
    ]

    func resolve() throws(PolicyParseError) -> Schema {
        var schema = Schema()
        let entityNames = Set(entities.map(\.name))
        for declaration in entities {
            guard schema.entityTypes[declaration.name] == nil else {
                throw error("duplicate entity type `\(declaration.name)`", at: declaration.location)
            }
            var attributes: [String: SchemaAttribute] = [:]
            if let written = declaration.attributes {
                guard case .record(let fields) = try resolveType(written, declaration.namespace, entityNames, 0) else {
                    throw error("the attributes of `\(declaration.name)` must be a record", at: declaration.location)
                }
                attributes = fields
            }
            var parents: [String] = []
            for path in declaration.parents {
                parents.append(try resolveEntityType(path, declaration.namespace, entityNames, declaration.location))
            }
            schema.entityTypes[declaration.name] = SchemaEntityType(
                name: declaration.name,
                parentTypes: parents,
                attributes: attributes,
                tagType: try declaration.tags.map { (t) throws(PolicyParseError) in
                    try resolveType(t, declaration.namespace, entityNames, 0)
                },
                enumeratedIDs: declaration.enumeratedIDs
            )
        }
        for declaration in actions {
            guard schema.actions[declaration.uid] == nil else {
                throw error("duplicate action `\(declaration.uid)`", at: declaration.location)
            }
            var context: [String: SchemaAttribute] = [:]
            if let written = declaration.context {
                guard case .record(let fields) = try resolveType(written, declaration.namespace, entityNames, 0) else {
                    throw error("the context of `\(declaration.uid)` must be a record", at: declaration.location)
                }
                context = fields
            }
            var principals: [String] = []
            for path in declaration.principals {
                principals.append(try resolveEntityType(path, declaration.namespace, entityNames, declaration.location))
            }
            var resources: [String] = []
            for path in declaration.resources {
                resources.append(try resolveEntityType(path, declaration.namespace, entityNames, declaration.location))
            }
            schema.actions[declaration.uid] = SchemaAction(
                uid: declaration.uid,
                parents: declaration.parents,
                principalTypes: principals,
                resourceTypes: resources,
                context: context
            )
        }
        return schema
    }

    private func resolveEntityType(
        _ path: [String],
        _ namespace: String,
        _ entityNames: Set<String>,
        _ location: SourceLocation
    ) throws(PolicyParseError) -> String {
        let written = path.joined(separator: "::")
        if path.count == 1 && !namespace.isEmpty && entityNames.contains(namespace + "::" + written) {
            return namespace + "::" + written
        }
        if entityNames.contains(written) { return written }
        throw error("unknown entity type `\(written)`", at: location)
    }

    private func resolveType(
        _ written: WrittenType,
        _ namespace: String,
        _ entityNames: Set<String>,
        _ depth: Int
    ) throws(PolicyParseError) -> SchemaType {
        guard depth < 64 else { throw error("common types are nested too deeply or cyclic", at: nil) }
        switch written {
        case .set(let element):
            return .set(try resolveType(element, namespace, entityNames, depth + 1))
        case .record(let fields):
            var attributes: [String: SchemaAttribute] = [:]
            for field in fields {
                attributes[field.name] = SchemaAttribute(
                    type: try resolveType(field.type, namespace, entityNames, depth + 1),
                    isRequired: field.required
                )
            }
            return .record(attributes)
        case .named(let path, let location):
            let name = path.joined(separator: "::")
            if path.count == 2 && path[0] == "__cedar", let builtin = Self.builtinTypes[path[1]] { return builtin }
            var candidates: [String] = []
            if path.count == 1 && !namespace.isEmpty { candidates.append(namespace + "::" + name) }
            candidates.append(name)
            for candidate in candidates {
                if let common = commonTypes[candidate] {
                    return try resolveType(common.type, common.namespace, entityNames, depth + 1)
                }
                if entityNames.contains(candidate) { return .entity(candidate) }
            }
            if path.count == 1, let builtin = Self.builtinTypes[name] { return builtin }
            throw error("unknown type `\(name)`", at: location)
        }
    }
}
