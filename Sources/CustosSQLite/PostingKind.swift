import CustosStore

/// The keys an event is found by through the index file (docs/storage.md, "Deferred postings"): each event has one
/// posting `(kind, key, seq)` per kind it carries (one per distinct subject). Keys are ``StableHash`` values.
enum PostingKind: Int64, CaseIterable, Sendable {
    case actor = 1
    case session = 2
    case resource = 3
    case subject = 4
    case clientID = 5

    /// The `(kind, key)` pairs of an event's keys, in kind order (subjects ascending).
    static func postings(of keys: EventIndexKeys) -> [(kind: PostingKind, key: Int64)] {
        var out: [(kind: PostingKind, key: Int64)] = [(.actor, keys.actor)]
        if let s = keys.session { out.append((.session, s)) }
        if let r = keys.resource { out.append((.resource, r)) }
        for s in keys.subjects { out.append((.subject, s)) }
        if let c = keys.clientID { out.append((.clientID, c)) }
        return out
    }

    /// Whether an event with these keys has a posting `(self, key)`.
    func matches(_ keys: EventIndexKeys, key: Int64) -> Bool {
        switch self {
        case .actor: keys.actor == key
        case .session: keys.session == key
        case .resource: keys.resource == key
        case .subject: keys.subjects.contains(key)
        case .clientID: keys.clientID == key
        }
    }
}
