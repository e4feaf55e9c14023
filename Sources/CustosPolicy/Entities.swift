/// One entity: its identifier, attributes, tags and direct parents.
public struct Entity: Sendable, Hashable {
    /// The entity's identifier.
    public var uid: EntityUID
    /// The entity's attributes.
    public var attributes: [String: Value]
    /// The entity's tags (Cedar 4 `getTag`/`hasTag`).
    public var tags: [String: Value]
    /// The direct parents (the entities this one is `in`).
    public var parents: Set<EntityUID>

    /// Creates an entity.
    public init(
        uid: EntityUID,
        attributes: [String: Value] = [:],
        parents: Set<EntityUID> = [],
        tags: [String: Value] = [:]
    ) {
        self.uid = uid
        self.attributes = attributes
        self.parents = parents
        self.tags = tags
    }
}

/// An immutable collection of entities with each entity's transitive ancestors computed once.
public struct EntityStore: Sendable {
    private var entities: [EntityUID: Entity]
    private var ancestorSets: [EntityUID: Set<EntityUID>]

    /// An empty store.
    public init() {
        self.entities = [:]
        self.ancestorSets = [:]
    }

    /// A store holding `entities`; a later entity with the same uid replaces an earlier one.
    public init(_ entities: [Entity]) {
        var byUID: [EntityUID: Entity] = [:]
        for entity in entities { byUID[entity.uid] = entity }
        self.entities = byUID
        self.ancestorSets = Self.transitiveAncestors(byUID)
    }

    /// All entities, in no particular order.
    public var all: Dictionary<EntityUID, Entity>.Values { entities.values }

    /// The entity with identifier `uid`, if present.
    public subscript(uid: EntityUID) -> Entity? { entities[uid] }

    /// Whether `uid` equals `ancestor` or has it among its transitive parents.
    public func isDescendant(_ uid: EntityUID, of ancestor: EntityUID) -> Bool {
        uid == ancestor || (ancestorSets[uid]?.contains(ancestor) ?? false)
    }

    /// The transitive ancestors of `uid` (empty for unknown entities).
    public func ancestors(of uid: EntityUID) -> Set<EntityUID> { ancestorSets[uid] ?? [] }

    /// Computes every entity's ancestors with an iterative depth-first search; cycles are tolerated.
    private static func transitiveAncestors(_ entities: [EntityUID: Entity]) -> [EntityUID: Set<EntityUID>] {
        var result: [EntityUID: Set<EntityUID>] = [:]
        for (uid, entity) in entities {
            var seen: Set<EntityUID> = []
            var stack = Array(entity.parents)
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                if let known = result[next] {
                    seen.formUnion(known)
                } else if let parent = entities[next] {
                    stack.append(contentsOf: parent.parents)
                }
            }
            result[uid] = seen
        }
        return result
    }
}
