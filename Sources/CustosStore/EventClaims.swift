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

    /// `count` fresh 16-byte salts from the system's secure random number generator, concatenated.
    public static func randomSalts(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var salts: [UInt8] = []
        salts.reserveCapacity(count * SaltedClaim.saltSize)
        for _ in 0..<(count * SaltedClaim.saltSize / 8) {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { salts.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return salts
    }

    /// The salted claims of an event's JSON object with the given concatenated salts.
    ///
    /// - Throws: ``StoreError`` (`corrupt`) if there is not exactly one 16-byte salt per claim.
    public static func claims(of object: JSONObject, salts: some Collection<UInt8>) throws -> [SaltedClaim] {
        let values = Self.values(of: object)
        let salts = Array(salts)
        guard salts.count == values.count * SaltedClaim.saltSize else {
            throw StoreError(.corrupt, "\(values.count) claims need \(values.count * 16) salt bytes, got \(salts.count)")
        }
        return try values.enumerated().map { i, claim in
            let start = i * SaltedClaim.saltSize
            return try SaltedClaim(salt: salts[start..<start + SaltedClaim.saltSize], name: claim.name, value: claim.value)
        }
    }

    /// The commitment of an event's JSON object under the given salts.
    public static func commitment(of object: JSONObject, salts: some Collection<UInt8>) throws -> ClaimCommitment {
        ClaimCommitment(claims: try claims(of: object, salts: salts))
    }

    /// Fresh salts and the commitment they give for `event`.
    public static func commit(_ event: AccessEvent) -> (salts: [UInt8], commitment: TreeHash) {
        guard case .object(let object) = event.jsonValue else { preconditionFailure("an event is a JSON object") }
        let values = Self.values(of: object)
        let salts = randomSalts(count: values.count)
        var digests: [TreeHash] = []
        digests.reserveCapacity(values.count)
        for (i, claim) in values.enumerated() {
            let start = i * SaltedClaim.saltSize
            // Salt length and sizes are valid by construction.
            let salted = try! SaltedClaim(salt: salts[start..<start + SaltedClaim.saltSize], name: claim.name,
                                          value: claim.value)
            digests.append(salted.digest)
        }
        return (salts, ClaimCommitment.commitment(overDigests: digests))
    }
}
