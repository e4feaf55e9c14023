/// A Cedar schema: entity types with their attributes, tags and parent types, and actions with what they apply to.
public struct Schema: Sendable, Hashable {
    /// The entity types, by fully qualified name.
    public var entityTypes: [String: SchemaEntityType]
    /// The actions, by uid.
    public var actions: [EntityUID: SchemaAction]

    /// Creates a schema.
    public init(entityTypes: [String: SchemaEntityType] = [:], actions: [EntityUID: SchemaAction] = [:]) {
        self.entityTypes = entityTypes
        self.actions = actions
    }
}

/// An entity type declared in a schema.
public struct SchemaEntityType: Sendable, Hashable {
    /// The fully qualified name.
    public var name: String
    /// The entity types an entity of this type may be `in`.
    public var parentTypes: [String]
    /// The declared attributes.
    public var attributes: [String: SchemaAttribute]
    /// The type of the entity's tags, when it has tags.
    public var tagType: SchemaType?
    /// For enumerated entity types, the allowed ids.
    public var enumeratedIDs: [String]?

    /// Creates an entity type declaration.
    public init(
        name: String,
        parentTypes: [String] = [],
        attributes: [String: SchemaAttribute] = [:],
        tagType: SchemaType? = nil,
        enumeratedIDs: [String]? = nil
    ) {
        self.name = name
        self.parentTypes = parentTypes
        self.attributes = attributes
        self.tagType = tagType
        self.enumeratedIDs = enumeratedIDs
    }
}

/// An action declared in a schema.
public struct SchemaAction: Sendable, Hashable {
    /// The action's uid.
    public var uid: EntityUID
    /// The action groups this action is `in`.
    public var parents: [EntityUID]
    /// The principal types the action applies to (empty, as for an action without `appliesTo`: none).
    public var principalTypes: [String]
    /// The resource types the action applies to (empty: none).
    public var resourceTypes: [String]
    /// The context record type.
    public var context: [String: SchemaAttribute]

    /// Creates an action declaration.
    public init(
        uid: EntityUID,
        parents: [EntityUID] = [],
        principalTypes: [String] = [],
        resourceTypes: [String] = [],
        context: [String: SchemaAttribute] = [:]
    ) {
        self.uid = uid
        self.parents = parents
        self.principalTypes = principalTypes
        self.resourceTypes = resourceTypes
        self.context = context
    }
}
