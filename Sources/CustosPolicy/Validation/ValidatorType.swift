/// The types the strict validator assigns to expressions (Cedar's typechecker types, including the singleton
/// booleans `True` and `False` and unions of entity types).
indirect enum ValidatorType: Hashable, Sendable {
    /// The type of no value (the element type of an empty set).
    case never
    /// `Bool`, or one of the singleton types `True` / `False`.
    case bool(BooleanKind)
    /// `Long`.
    case long
    /// `String`.
    case string
    /// Any entity.
    case anyEntity
    /// An entity whose type is one of the given types.
    case entity(Set<String>)
    /// A set; a nil element type means "any set".
    case set(ValidatorType?)
    /// A record; `open` records may have attributes beyond those listed.
    case record([String: ValidatorAttribute], open: Bool)
    /// An extension type (`decimal`, `ipaddr`, `datetime`, `duration`).
    case extensionType(String)

    /// The three boolean types.
    enum BooleanKind: Hashable {
        case any
        case alwaysTrue
        case alwaysFalse
    }

    static let anyBool = ValidatorType.bool(.any)
    static let anyRecord = ValidatorType.record([:], open: true)

    static func singleton(_ value: Bool) -> ValidatorType { .bool(value ? .alwaysTrue : .alwaysFalse) }

    /// The validator type of a schema type.
    init(_ schemaType: SchemaType) {
        switch schemaType {
        case .bool: self = .anyBool
        case .long: self = .long
        case .string: self = .string
        case .entity(let name): self = .entity([name])
        case .set(let element): self = .set(ValidatorType(element))
        case .record(let attributes): self = .record(Self.attributes(attributes), open: false)
        case .extensionType(let name): self = .extensionType(name)
        }
    }

    static func attributes(_ attributes: [String: SchemaAttribute]) -> [String: ValidatorAttribute] {
        attributes.mapValues { ValidatorAttribute(type: ValidatorType($0.type), isRequired: $0.isRequired) }
    }

    /// The entity types when this is an entity type with a known set of types.
    var entityTypes: Set<String>? {
        if case .entity(let types) = self { return types }
        return nil
    }

    /// Cedar's subtyping, in strict or permissive mode.
    static func isSubtype(_ a: ValidatorType, _ b: ValidatorType, strict: Bool) -> Bool {
        switch (a, b) {
        case (.never, _): return true
        case (.bool(let x), .bool(let y)): return y == .any || x == y
        case (.long, .long), (.string, .string): return true
        case (.set(let x), .set(let y)):
            switch (x, y) {
            case (.some(let ex), .some(let ey)): return isSubtype(ex, ey, strict: strict)
            case (.some, .none), (.none, .none): return true
            case (.none, .some): return false
            }
        case (.record(let attrs0, let open0), .record(let attrs1, let open1)):
            guard !open0 || open1 else { return false }
            if open1 && !strict && attributesSubtype(attrs0, attrs1, strict: strict) { return true }
            return Set(attrs0.keys) == Set(attrs1.keys) && attributesSubtype(attrs0, attrs1, strict: strict)
        case (.entity(let x), .entity(let y)): return strict ? x == y : x.isSubset(of: y)
        case (.anyEntity, .anyEntity): return true
        case (.entity, .anyEntity): return !strict
        case (.extensionType(let x), .extensionType(let y)): return x == y
        default: return false
        }
    }

    private static func attributesSubtype(
        _ attrs0: [String: ValidatorAttribute],
        _ attrs1: [String: ValidatorAttribute],
        strict: Bool
    ) -> Bool {
        attrs1.allSatisfy { key, other in
            guard let mine = attrs0[key] else { return false }
            let qualifierOK = strict ? mine.isRequired == other.isRequired : (mine.isRequired || !other.isRequired)
            return qualifierOK && isSubtype(mine.type, other.type, strict: strict)
        }
    }

    /// Cedar's least upper bound, or nil when the types are incompatible.
    static func leastUpperBound(_ a: ValidatorType, _ b: ValidatorType, strict: Bool) -> ValidatorType? {
        if isSubtype(a, b, strict: strict) { return b }
        if isSubtype(b, a, strict: strict) { return a }
        switch (a, b) {
        case (.bool, .bool): return .anyBool
        case (.set(.none), .set), (.set, .set(.none)): return .set(nil)
        case (.set(.some(let x)), .set(.some(let y))):
            guard let element = leastUpperBound(x, y, strict: strict) else { return nil }
            return .set(element)
        case (.record(let attrs0, let open0), .record(let attrs1, let open1)):
            var attributes: [String: ValidatorAttribute] = [:]
            if strict && Set(attrs0.keys) != Set(attrs1.keys) { return nil }
            for (key, first) in attrs0 {
                guard let second = attrs1[key] else {
                    if strict { return nil }
                    continue
                }
                guard let type = leastUpperBound(first.type, second.type, strict: strict) else {
                    if strict { return nil }
                    continue
                }
                if strict && first.isRequired != second.isRequired { return nil }
                attributes[key] = ValidatorAttribute(type: type, isRequired: first.isRequired && second.isRequired)
            }
            let open = open0 || open1 || Set(attributes.keys) != Set(attrs0.keys).union(attrs1.keys)
            return .record(attributes, open: open)
        case (.entity(let x), .entity(let y)):
            if strict && x != y { return nil }
            return .entity(x.union(y))
        case (.anyEntity, .anyEntity): return .anyEntity
        case (.anyEntity, .entity), (.entity, .anyEntity): return strict ? nil : .anyEntity
        default: return nil
        }
    }

    /// Whether two types can never hold equal values (only decided for entity types).
    static func areDisjoint(_ a: ValidatorType, _ b: ValidatorType) -> Bool {
        if case .entity(let x) = a, case .entity(let y) = b { return x.isDisjoint(with: y) }
        return false
    }

    /// Whether `<`, `<=`, `>`, `>=` accept this type.
    var supportsComparison: Bool {
        switch self {
        case .long, .extensionType("datetime"), .extensionType("duration"): true
        default: false
        }
    }
}

/// An attribute of a record or entity type, as the validator sees it.
struct ValidatorAttribute: Hashable, Sendable {
    /// The attribute's type.
    var type: ValidatorType
    /// Whether it is always present.
    var isRequired: Bool
}
