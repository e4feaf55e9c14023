import CustosPolicy

extension LoadedPolicies {
    /// The annotation that makes a policy a shadow: evaluated beside the enforced set, never deciding.
    public static let shadowAnnotation = "shadow"
    /// The annotation that marks an emergency (break-glass) permit: when it alone decides, a review is opened.
    public static let breakGlassAnnotation = "break_glass"

    /// Splits a parsed set into the enforced policies (those not annotated `@shadow`) and, when there are shadow
    /// policies, the set the shadows are judged by: the enforced policies with the shadows added.
    static func splitShadows(_ set: PolicySet) -> (enforced: PolicySet, withShadows: PolicySet?) {
        let shadows = set.policies.filter { $0.annotation(shadowAnnotation) != nil }
        guard !shadows.isEmpty else { return (set, nil) }
        var enforced = PolicySet()
        for policy in set.policies where policy.annotation(shadowAnnotation) == nil {
            try? enforced.add(policy)  // ids are unique in `set` already
        }
        for template in set.templates.values.sorted(by: { $0.id < $1.id }) { try? enforced.add(template) }
        return (enforced, set)
    }

    /// The ids of the enforced policies annotated `@break_glass`.
    static func breakGlassIDs(_ set: PolicySet) -> Set<String> {
        Set(set.policies.filter { $0.annotation(breakGlassAnnotation) != nil }.map(\.id))
    }
}
