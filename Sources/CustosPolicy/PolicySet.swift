/// A parsed set of static policies, templates and template-linked policies, ready for authorization.
public struct PolicySet: Sendable {
    /// The static policies, in source order.
    public private(set) var policies: [Policy]
    /// The templates (policies with slots), by id.
    public private(set) var templates: [String: Policy]
    /// The template-linked policies, in link order.
    public private(set) var links: [TemplateLink]

    /// An empty policy set.
    public init() {
        self.policies = []
        self.templates = [:]
        self.links = []
    }

    /// Parses Cedar policy text; policies get the positional ids `policy0`, `policy1`, … (as in the Cedar
    /// integration tests, annotations do not change ids). With `idsFromAnnotation`, a policy annotated
    /// `@id("x")` gets the id `x` instead, as the Cedar CLI does. Policies that use slots become templates.
    public init(
        parsing text: String,
        idPrefix: String = "policy",
        idsFromAnnotation: Bool = false
    ) throws(PolicyParseError) {
        self.init()
        var parser = try PolicyParser(text)
        for var policy in try parser.parsePolicies(idPrefix: idPrefix) {
            if idsFromAnnotation, let id = policy.annotation("id") { policy.id = id }
            try add(policy)
        }
    }

    /// Adds a policy (or, when it has slots, a template). Ids must be unique across the set.
    public mutating func add(_ policy: Policy) throws(PolicyParseError) {
        guard !containsID(policy.id) else {
            throw PolicyParseError(
                location: policy.location,
                reason: "duplicate policy id `\(policy.id)`",
                policyID: policy.id
            )
        }
        if policy.slots.isEmpty {
            policies.append(policy)
        } else {
            templates[policy.id] = policy
        }
    }

    /// Whether a policy, template or link has the id `id`.
    public func containsID(_ id: String) -> Bool {
        policies.contains { $0.id == id } || templates[id] != nil || links.contains { $0.id == id }
    }

    /// Links template `templateID` as the new policy `newID`, filling its slots from `values`.
    public mutating func link(
        templateID: String,
        newID: String,
        values: [SlotID: EntityUID]
    ) throws(TemplateLinkError) {
        guard let template = templates[templateID] else {
            throw TemplateLinkError(reason: "no template with id `\(templateID)`")
        }
        guard !containsID(newID) else { throw TemplateLinkError(reason: "duplicate policy id `\(newID)`") }
        let required = Set(template.slots)
        guard required == Set(values.keys) else {
            let expected = required.map(\.rawValue).sorted().joined(separator: ", ")
            throw TemplateLinkError(reason: "template `\(templateID)` needs values for exactly [\(expected)]")
        }
        links.append(TemplateLink(id: newID, templateID: templateID, values: values))
    }

    /// Every policy to evaluate, with the slot values it is evaluated under (static policies have none).
    var evaluationUnits: [(policy: Policy, id: String, slots: [SlotID: EntityUID])] {
        var units: [(policy: Policy, id: String, slots: [SlotID: EntityUID])] = policies.map { ($0, $0.id, [:]) }
        for link in links {
            if let template = templates[link.templateID] { units.append((template, link.id, link.values)) }
        }
        return units
    }
}

/// A template-linked policy: a template id, the new policy id and the entities filling the slots.
public struct TemplateLink: Sendable, Hashable {
    /// The id of the linked policy.
    public var id: String
    /// The id of the template.
    public var templateID: String
    /// The slot values.
    public var values: [SlotID: EntityUID]

    /// Creates a link description.
    public init(id: String, templateID: String, values: [SlotID: EntityUID]) {
        self.id = id
        self.templateID = templateID
        self.values = values
    }
}

/// Why a template could not be linked.
public struct TemplateLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var reason: String

    /// Creates a link error.
    public init(reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
