/// Says in words which policies decided a request and why, for `custos policy check --explain` and the what-if
/// endpoint.
public enum DecisionExplanation {
    /// One sentence (or a few) naming the deciding policies with their effect and line, the rule that made them
    /// decide (forbid overrides permit; default deny), and the policies that failed to evaluate.
    public static func explain(_ response: AuthorizationResponse, policies: PolicySet) -> String {
        func describe(_ id: String) -> String {
            guard let policy = policies.policies.first(where: { $0.id == id }) else { return id }
            return "\(policy.effect.rawValue) \(id) (line \(policy.location.line))"
        }
        let reasons = response.reasons.sorted()
        var text: String
        switch response.decision {
        case .allow:
            text =
                "allowed: " + reasons.map(describe).joined(separator: ", ")
                + (reasons.count == 1 ? " applies" : " apply") + " and no forbid applies"
        case .deny where reasons.isEmpty:
            text = "denied by default: no permit applies"
        case .deny:
            text =
                "denied: " + reasons.map(describe).joined(separator: ", ")
                + (reasons.count == 1 ? " applies" : " apply") + ", and a forbid overrides every permit"
        }
        if !response.errors.isEmpty {
            let failed = response.errors.map { "\($0.policyID) (\($0.error))" }.joined(separator: "; ")
            text += "; not applied because evaluation failed: " + failed
        }
        return text
    }
}
