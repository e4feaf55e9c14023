/// One of the four request variables.
public enum Variable: String, Sendable, Hashable {
    /// The principal of the request.
    case principal
    /// The action of the request.
    case action
    /// The resource of the request.
    case resource
    /// The request context (a record).
    case context
}

/// A template slot: the placeholder a template-linked policy fills with an entity.
public enum SlotID: String, Sendable, Hashable {
    /// `?principal`.
    case principal = "?principal"
    /// `?resource`.
    case resource = "?resource"
}

/// A binary operator that evaluates both operands (the short-circuiting `&&`/`||` are separate).
public enum BinaryOperator: String, Sendable, Hashable {
    /// `==`.
    case equal = "=="
    /// `<`.
    case less = "<"
    /// `<=`.
    case lessOrEqual = "<="
    /// `+`.
    case add = "+"
    /// `-`.
    case subtract = "-"
    /// `*`.
    case multiply = "*"
    /// Hierarchy membership `in`.
    case `in`
    /// `.contains(x)`.
    case contains
    /// `.containsAll(x)`.
    case containsAll
    /// `.containsAny(x)`.
    case containsAny
    /// `.getTag(x)`.
    case getTag
    /// `.hasTag(x)`.
    case hasTag
}

/// A Cedar expression with the place where it starts in the source text.
///
/// Equality and hashing compare the shape only and ignore source locations, so that the validator can recognise
/// the same expression written in two places (as Cedar's capability tracking does).
public struct CedarExpression: Sendable, Hashable {
    /// The shapes an expression can take.
    public indirect enum Kind: Sendable, Hashable {
        /// A literal value (bool, long, string or entity).
        case literal(Value)
        /// `principal`, `action`, `resource` or `context`.
        case variable(Variable)
        /// A template slot.
        case slot(SlotID)
        /// `if c then a else b`.
        case ifThenElse(CedarExpression, CedarExpression, CedarExpression)
        /// `a && b`.
        case and(CedarExpression, CedarExpression)
        /// `a || b`.
        case or(CedarExpression, CedarExpression)
        /// `!a`.
        case not(CedarExpression)
        /// `-a`.
        case negate(CedarExpression)
        /// `.isEmpty()`.
        case isEmpty(CedarExpression)
        /// A binary operator application.
        case binary(BinaryOperator, CedarExpression, CedarExpression)
        /// `e has attr`.
        case hasAttribute(CedarExpression, String)
        /// `e.attr` or `e["attr"]`.
        case getAttribute(CedarExpression, String)
        /// `e like "pattern"`.
        case like(CedarExpression, Pattern)
        /// `e is Type`.
        case isEntityType(CedarExpression, String)
        /// `[a, b, …]`.
        case set([CedarExpression])
        /// `{name: value, …}` (names unique).
        case record([RecordField])
        /// An extension function or method: the receiver of a method is the first argument.
        case extensionCall(String, [CedarExpression])

        /// The direct subexpressions, in evaluation order.
        public var children: [CedarExpression] {
            switch self {
            case .literal, .variable, .slot: []
            case .ifThenElse(let a, let b, let c): [a, b, c]
            case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b): [a, b]
            case .not(let a), .negate(let a), .isEmpty(let a), .hasAttribute(let a, _), .getAttribute(let a, _),
                .like(let a, _), .isEntityType(let a, _):
                [a]
            case .set(let elements), .extensionCall(_, let elements): elements
            case .record(let fields): fields.map(\.value)
            }
        }
    }

    /// The shape of this expression.
    public let kind: Kind
    /// Where the expression starts.
    public var location: SourceLocation
    /// The number of nodes on the longest path from this expression to a leaf (a literal has height 1).
    public let height: Int

    /// Creates an expression.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
        self.height = 1 + kind.children.reduce(0) { max($0, $1.height) }
    }

    /// Whether two expressions have the same shape (locations are ignored).
    public static func == (lhs: CedarExpression, rhs: CedarExpression) -> Bool { lhs.kind == rhs.kind }

    /// Hashes the shape (locations are ignored).
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

/// One `name: value` field of a record literal.
public struct RecordField: Sendable, Hashable {
    /// The attribute name.
    public var name: String
    /// The value expression.
    public var value: CedarExpression

    /// Creates a record field.
    public init(name: String, value: CedarExpression) {
        self.name = name
        self.value = value
    }
}

/// A `like` pattern: literal characters and `*` wildcards.
public struct Pattern: Sendable, Hashable {
    /// The pattern elements in order.
    var elements: [StringUnescaper.PatternElement]

    /// Whether `text` matches the whole pattern (`*` matches any run of characters, including none).
    public func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars)
        var p = 0
        var t = 0
        var starPattern = -1
        var starText = 0
        while t < input.count {
            if p < elements.count, case .scalar(let c) = elements[p], c == input[t] {
                p += 1
                t += 1
            } else if p < elements.count, elements[p] == .wildcard {
                starPattern = p
                starText = t
                p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < elements.count, elements[p] == .wildcard { p += 1 }
        return p == elements.count
    }
}

/// Whether a policy grants (`permit`) or denies (`forbid`).
public enum Effect: String, Sendable, Hashable {
    /// Grants access when it applies.
    case permit
    /// Denies access when it applies; overrides every permit.
    case forbid
}

/// The constraint a policy scope puts on the principal or the resource.
public enum EntityScopeConstraint: Sendable, Hashable {
    /// No constraint.
    case any
    /// `== entity` (or `== ?slot`).
    case equal(EntityReference)
    /// `in entity` (or `in ?slot`).
    case `in`(EntityReference)
    /// `is Type`.
    case isType(String)
    /// `is Type in entity` (or `in ?slot`).
    case isTypeIn(String, EntityReference)
}

/// An entity named in a scope: a literal or a template slot.
public enum EntityReference: Sendable, Hashable {
    /// A literal entity.
    case entity(EntityUID)
    /// A slot, filled when a template is linked.
    case slot(SlotID)
}

/// The constraint a policy scope puts on the action.
public enum ActionScopeConstraint: Sendable, Hashable {
    /// No constraint.
    case any
    /// `== Action::"x"`.
    case equal(EntityUID)
    /// `in Action::"x"`.
    case `in`(EntityUID)
    /// `in [Action::"x", …]`.
    case inSet([EntityUID])
}

/// A `when { … }` or `unless { … }` clause.
public struct Condition: Sendable, Hashable {
    /// Whether the clause is `when` (true) or `unless` (false).
    public var isWhen: Bool
    /// The clause's expression.
    public var body: CedarExpression

    /// Creates a condition.
    public init(isWhen: Bool, body: CedarExpression) {
        self.isWhen = isWhen
        self.body = body
    }
}

/// One Cedar policy or template: effect, scope, conditions and annotations.
public struct Policy: Sendable, Hashable {
    /// The policy id (`policy0`, `policy1`, … for policies parsed from a file, or the link id).
    public var id: String
    /// Permit or forbid.
    public var effect: Effect
    /// The annotations, in source order (`@key("value")`; a bare `@key` has the value "").
    public var annotations: [Annotation]
    /// The principal constraint.
    public var principal: EntityScopeConstraint
    /// The action constraint.
    public var action: ActionScopeConstraint
    /// The resource constraint.
    public var resource: EntityScopeConstraint
    /// The when/unless clauses in source order.
    public var conditions: [Condition]
    /// Where the policy starts.
    public var location: SourceLocation

    /// The slots this policy uses in its scope; non-empty means it is a template.
    public var slots: [SlotID] {
        var result: [SlotID] = []
        for constraint in [principal, resource] {
            switch constraint {
            case .equal(.slot(let s)), .in(.slot(let s)), .isTypeIn(_, .slot(let s)): result.append(s)
            default: break
            }
        }
        return result
    }

    /// The value of annotation `key`, if present.
    public func annotation(_ key: String) -> String? {
        annotations.first { $0.key == key }?.value
    }
}

/// A policy annotation `@key("value")`.
public struct Annotation: Sendable, Hashable {
    /// The annotation name.
    public var key: String
    /// The annotation value ("" when omitted).
    public var value: String

    /// Creates an annotation.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
