import CustosCore
import Foundation

/// Takes the purpose of an authorization request out of its Cedar context, so that the decision event carries it
/// as the first-class `purpose` field (`purpose.case`, `purpose.reason`):
///
/// - `context.purpose` as a string is the reason; as a record its `case` and `reason` members are taken;
/// - `context.case` (a string, or an entity `{"type", "id"}` / `{"__entity": …}` whose id is taken) is the case;
/// - `context.justification` or `context.reason` (a string) is the reason when no other reason was given.
enum DecisionPurpose {
    /// The purpose named by `context`, or nil when it names none.
    static func purpose(from context: JSONValue) -> Purpose? {
        guard case .object(let o) = context else { return nil }
        var caseID: String?
        var reason: String?
        switch o["purpose"] {
        case .string(let s)?: reason = s
        case .object(let p)?:
            caseID = caseName(p["case"])
            if case .string(let s)? = p["reason"] { reason = s }
        default: break
        }
        if caseID == nil { caseID = caseName(o["case"]) }
        for key in ["justification", "reason"] where reason == nil {
            if case .string(let s)? = o[key] { reason = s }
        }
        if caseID == nil && reason == nil { return nil }
        return Purpose(caseID: caseID, reason: reason)
    }

    /// A case named by a string, an entity reference or a Cedar entity literal.
    private static func caseName(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?:
            // `Case::"C-1"` names the case C-1.
            if let range = s.range(of: "::\""), s.hasSuffix("\"") {
                return String(s[range.upperBound..<s.index(before: s.endIndex)])
            }
            return s
        case .object(let o)?:
            if case .object(let inner)? = o["__entity"] { return caseName(.object(inner)) }
            if case .string(let id)? = o["id"] { return id }
            return nil
        default: return nil
        }
    }
}
