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

    /// The canonical body, fresh salts and commitment of each event, in order: one pass over each event's JSON
    /// (the body is assembled from the members' canonical encodings, which are also the claim values) and one
    /// draw of random salts for the whole batch.
    public static func commit(_ events: [AccessEvent]) -> [CommittedEvent] {
        var bodies: [[UInt8]] = []
        var claimLists: [[(name: String, value: [UInt8])]] = []
        bodies.reserveCapacity(events.count)
        claimLists.reserveCapacity(events.count)
        var total = 0
        for event in events {
            guard case .object(let object) = event.jsonValue else { preconditionFailure("an event is a JSON object") }
            let order = object.keys.indices.sorted {
                object.keys[$0].utf16.lexicographicallyPrecedes(object.keys[$1].utf16)
            }
            var body: [UInt8] = [UInt8(ascii: "{")]
            body.reserveCapacity(512)
            var claims: [(name: String, value: [UInt8])] = []
            claims.reserveCapacity(order.count + 2)
            for (n, i) in order.enumerated() {
                let key = object.keys[i]
                if n > 0 { body.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(key, into: &body)
                body.append(UInt8(ascii: ":"))
                if key == "subjects", case .array(let subjects) = object.values[i] {
                    body.append(UInt8(ascii: "["))
                    for (k, subject) in subjects.enumerated() {
                        if k > 0 { body.append(UInt8(ascii: ",")) }
                        let encoded = CanonicalJSON.encode(subject)
                        body.append(contentsOf: encoded)
                        claims.append(("subject", encoded))
                    }
                    body.append(UInt8(ascii: "]"))
                } else {
                    let encoded = CanonicalJSON.encode(object.values[i])
                    body.append(contentsOf: encoded)
                    claims.append((key, encoded))
                }
            }
            body.append(UInt8(ascii: "}"))
            total += claims.count
            bodies.append(body)
            claimLists.append(claims)
        }
        let salts = SaltedClaim.randomSalts(count: total)
        var out: [CommittedEvent] = []
        out.reserveCapacity(events.count)
        var offset = 0
        for (body, claims) in zip(bodies, claimLists) {
            var digests: [TreeHash] = []
            digests.reserveCapacity(claims.count)
            let start = offset
            for claim in claims {
                digests.append(
                    SaltedClaim.digest(
                        salt: salts[offset..<offset + SaltedClaim.saltSize],
                        name: claim.name,
                        value: claim.value
                    )
                )
                offset += SaltedClaim.saltSize
            }
            out.append(
                CommittedEvent(
                    body: body,
                    salts: Array(salts[start..<offset]),
                    commitment: ClaimCommitment.commitment(overDigests: digests)
                )
            )
        }
        return out
    }
}

/// An event ready to store: its canonical body, claim salts and the commitment they give.
public struct CommittedEvent: Sendable, Hashable {
    /// The RFC 8785 canonical JSON of the event (equal to `AccessEvent.canonicalBytes`).
    public var body: [UInt8]
    /// The concatenated 16-byte claim salts, in claim order.
    public var salts: [UInt8]
    /// The ``ClaimCommitment`` over the salted claims.
    public var commitment: TreeHash
}
