public import CustosCore
public import CustosStore

extension AlertChange {
    /// The change as listeners (webhooks) send it: `{"change": "opened"|"finding_added"|"triaged", "finding": id|null,
    /// "alert": {…}}`, the alert as `GET /v1/alerts` shows it, so the user is pseudonymised.
    public var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("change", .string(kind.rawValue)),
                ("finding", findingID.map { .integer($0) } ?? .null),
                ("alert", AlertEncoding.json(alert)),
            ])
        )
    }
}
