public import CustosCore
public import CustosLedger

/// How an access event becomes the salted claims behind its ledger commitment (docs/ledger.md).
///
/// One claim per top-level member of the event's canonical JSON object, in RFC 8785 key order: the name is the
/// member name and the value the RFC 8785 canonical bytes of the member's value. `subjects` is the exception: it
/// yields one claim per subject, in array order, each named `subject` with the subject's canonical JSON string as
/// value, so that each subject can be disclosed alone. The salts are stored as one blob, 16 bytes per claim in
/// claim order.
public enum EventClaims {
    /// The claim names and canonical values of an event's JSON object, in claim order.
    public static func values(of object: JSONObject) -> [(name: String, value: [UInt8])] {
        let keys = object.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        var out: [(name: String, value: [UInt8])] = []
        out.reserveCapacity(keys.count + 2)
        for key in keys {
            guard let value = object[key] else { continue }
            if key == "subjects", case .array(let subjects) = value {
                for subject in subjects { out.append(("subject", CanonicalJSON.encode(subject))) }
            } else {
                out.append((key, CanonicalJSON.encode(value)))
            }
        }
        return out
    }

    /// The salted claims of an event's JSON object with the given concatenated salts.
    ///
    /// - Throws: ``StoreError`` (`corrupt`) if there is not exactly one 16-byte salt per claim.
    public static func claims(of object: JSONObject, salts: some Collection<UInt8>) throws -> [SaltedClaim] {
        let values = Self.values(of: object)
        let salts = Array(salts)
        guard salts.count == values.count * SaltedClaim.saltSize else {
            throw StoreError(
                .corrupt,
                "\(values.count) claims need \(values.count * 16) salt bytes, got \(salts.count)"
            )
        }
        return try values.enumerated().map { i, claim in
            let start = i * SaltedClaim.saltSize
            return try SaltedClaim(
                salt: salts[start..<start + SaltedClaim.saltSize],
                name: claim.name,
                value: claim.value
            )
        }
    }

    /// The commitment of an event's JSON object under the given salts.
    public static func commitment(of object: JSONObject, salts: some Collection<UInt8>) throws -> ClaimCommitment {
        ClaimCommitment(claims: try claims(of: object, salts: salts))
    }

    /// Fresh salts and the commitment they give for `event`.
    public static func commit(_ event: AccessEvent) -> (salts: [UInt8], commitment: TreeHash) {
        let committed = commit([event])[0]
        return (committed.salts, committed.commitment)
    }

    /// The canonical body, fresh salts, commitment and index keys of each event, in order: one pass writes each
    /// event's canonical body straight from its fields (``AccessEvent/writeCanonical(into:member:subject:)``) and
    /// notes where each claim value lies in it, one draw of random salts serves the whole batch, and each claim is
    /// hashed in place in the body.
    public static func commit(_ events: [AccessEvent]) -> [CommittedEvent] {
        var bodies: [[UInt8]] = []
        bodies.reserveCapacity(events.count)
        // Every event's claims, flattened: `claimEnds[i]` is one past the last claim of event `i`.
        var claims: [(name: String, value: Range<Int>)] = []
        claims.reserveCapacity(events.count * 14)
        var claimEnds: [Int] = []
        claimEnds.reserveCapacity(events.count)
        for event in events {
            var body: [UInt8] = []
            body.reserveCapacity(768)
            event.writeCanonical(
                into: &body,
                member: { name, range in claims.append((name, range)) },
                subject: { range in claims.append(("subject", range)) }
            )
            bodies.append(body)
            claimEnds.append(claims.count)
        }
        let salts = SaltedClaim.randomSalts(count: claims.count)
        var out: [CommittedEvent] = []
        out.reserveCapacity(events.count)
        var claim = 0
        var digests: [TreeHash] = []
        salts.withUnsafeBytes { saltBytes in
            for (i, body) in bodies.enumerated() {
                let first = claim
                digests.removeAll(keepingCapacity: true)
                body.withUnsafeBytes { bodyBytes in
                    while claim < claimEnds[i] {
                        let (name, range) = claims[claim]
                        let saltStart = claim * SaltedClaim.saltSize
                        digests.append(
                            SaltedClaim.digest(
                                salt: UnsafeRawBufferPointer(
                                    rebasing: saltBytes[saltStart..<saltStart + SaltedClaim.saltSize]
                                ),
                                name: name,
                                value: UnsafeRawBufferPointer(rebasing: bodyBytes[range])
                            )
                        )
                        claim += 1
                    }
                }
                out.append(
                    CommittedEvent(
                        event: events[i],
                        body: body,
                        salts: Array(salts[first * SaltedClaim.saltSize..<claim * SaltedClaim.saltSize]),
                        commitment: ClaimCommitment.commitment(overDigests: digests),
                        keys: EventIndexKeys(events[i])
                    )
                )
            }
        }
        return out
    }
}

/// An event ready to store: the event with its canonical body, claim salts, the commitment they give, and its index
/// keys.
///
/// A class, built on the submitter's task (``IngestPipeline/submit(_:)``): the single writer then passes references
/// instead of copying each event's many strings, and does none of the building itself.
public final class CommittedEvent: Sendable, Hashable {
    /// The event.
    public let event: AccessEvent
    /// The RFC 8785 canonical JSON of the event (equal to `AccessEvent.canonicalBytes`).
    public let body: [UInt8]
    /// The concatenated 16-byte claim salts, in claim order.
    public let salts: [UInt8]
    /// The ``ClaimCommitment`` over the salted claims.
    public let commitment: TreeHash
    /// The keys a store indexes the event by.
    public let keys: EventIndexKeys

    /// An event with its body, salts, commitment and keys as computed by ``EventClaims/commit(_:)-([AccessEvent])``.
    public init(event: AccessEvent, body: [UInt8], salts: [UInt8], commitment: TreeHash, keys: EventIndexKeys) {
        self.event = event
        self.body = body
        self.salts = salts
        self.commitment = commitment
        self.keys = keys
    }

    public static func == (a: CommittedEvent, b: CommittedEvent) -> Bool {
        a.event == b.event && a.body == b.body && a.salts == b.salts && a.commitment == b.commitment
            && a.keys == b.keys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(body)
        hasher.combine(salts)
    }
}
