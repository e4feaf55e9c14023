public import CustosCore

/// What the ``BaselineDetector`` needs from the directory (Cedar entities JSON, docs/reference-data.md): each
/// user's peer group (role + org unit), time-zone offset, kind, last activity before the log, registered devices
/// and addresses.
public struct BaselineDirectory: Sendable {
    /// One user's directory facts.
    public struct Entry: Sendable, Hashable {
        /// `role` + `/` + org unit id: the peer group.
        public var peerGroup: String?
        /// The org unit's UTC offset in minutes (0 when unknown).
        public var offsetMinutes: Int64
        /// Whether the account is a service account (`kind: service`).
        public var isService: Bool
        /// `last_activity` as a day number (days since 1970-01-01), when given.
        public var lastActivityDay: Int64?
        /// Registered devices.
        public var devices: Set<String>
        /// Networks (/24, /48) of the registered IP addresses.
        public var networks: Set<String>
    }

    /// The users by id.
    public private(set) var users: [String: Entry] = [:]
    /// The members of each peer group.
    public private(set) var peerGroups: [String: [String]] = [:]

    /// An empty directory: every user in UTC, no peers.
    public init() {}

    /// Indexes a Cedar entities array; other entity types are ignored.
    public init(entities: JSONValue) {
        let list = ReferenceEntities.list(entities)
        let offsets = ReferenceEntities.orgUnitOffsets(list)
        for entity in list where entity.type == "Custos::User" {
            let id = entity.id
            let attrs = entity.attrs
            let org = ReferenceEntities.referencedID(attrs["org"])
            let role = attrs["role"]?.stringValue
            let group = role.flatMap { role in org.map { role + "/" + $0 } }
            users[id] = Entry(
                peerGroup: group,
                offsetMinutes: org.flatMap { offsets[$0] } ?? 0,
                isService: attrs["kind"]?.stringValue == "service",
                lastActivityDay: attrs["last_activity"]?.stringValue.flatMap(Self.dayNumber),
                devices: Set((attrs["devices"]?.arrayValue ?? []).compactMap(\.stringValue)),
                networks: Set((attrs["ips"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(NetworkPrefix.of) })
            )
            if let group { peerGroups[group, default: []].append(id) }
        }
    }

    /// The day number (days since 1970-01-01) of a `YYYY-MM-DD` date.
    public static func dayNumber(_ date: String) -> Int64? {
        guard case .success(let time) = Timestamp.parse(date + "T00:00:00Z") else { return nil }
        return time.millisecondsSinceEpoch / 86_400_000
    }
}
