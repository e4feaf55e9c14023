public import CustosCore
public import CustosLedger
import Foundation

/// Checks one exported event on its own (docs/ledger.md, "Exports with proofs"): an event object as
/// `GET /v1/events?proofs=true` gives it, whose `ledger` member carries the entry, leaf hash, commitment, full
/// disclosure, inclusion proof and the signed checkpoint (`checkpoint`, the note) the proof is relative to.
///
/// The checkpoint must verify with a trusted key; the disclosed claims must give the commitment; the entry must
/// carry the event's seq and time and that commitment; its leaf hash must be the stated one and the proof must
/// lead from it to the checkpoint's root; and the event's own fields must be exactly the disclosed claims, so a
/// changed field is named.
public enum ExportedEventCheck {
    /// What the check found about one exported event.
    public struct Outcome: Sendable, Hashable {
        /// The event's seq, if it could be read.
        public var seq: Int64?
        /// The tree size of the checkpoint it was proven in, when it verified.
        public var treeSize: UInt64?
        /// The event's fields whose values differ from what the ledger commits to.
        public var alteredFields: [String] = []
        /// Every problem found; empty when the event verifies.
        public var problems: [String] = []

        /// Whether the event verifies.
        public var isValid: Bool { problems.isEmpty }
    }

    /// Members of an exported event that are not part of the stored event body.
    static let exportMembers: Set<String> = ["seq", "received", "ledger"]

    /// Checks `object` with the trusted checkpoint `verifiers`.
    public static func check(_ object: JSONObject, verifiers: [any NoteVerifier]) -> Outcome {
        var outcome = Outcome()
        func fail(_ problem: String) -> Outcome {
            outcome.problems.append(problem)
            return outcome
        }
        guard case .integer(let seq)? = object["seq"], seq >= 0 else { return fail("the event has no seq") }
        outcome.seq = seq
        guard case .object(let ledger)? = object["ledger"] else {
            return fail("the event has no ledger member (export with proofs)")
        }
        // The checkpoint, trusted only through the key.
        guard case .string(let note)? = ledger["checkpoint"] else {
            return fail("the ledger member has no checkpoint note")
        }
        let checkpoint: Checkpoint
        do {
            let origin = String(note.prefix { $0 != "\n" })
            checkpoint = try Checkpoint.open(Array(note.utf8), origin: origin, verifiers: verifiers).checkpoint
        } catch {
            return fail("the checkpoint does not verify with the trusted key: \(error)")
        }
        // The disclosed claims and their commitment.
        guard case .array(let disclosure)? = ledger["disclosure"] else { return fail("no disclosure") }
        var claims: [SaltedClaim] = []
        for item in disclosure {
            guard case .object(let d) = item, case .string(let salt)? = d["salt"],
                case .string(let name)? = d["name"], case .string(let value)? = d["value"],
                let saltBytes = Data(base64Encoded: salt),
                let claim = try? SaltedClaim(salt: saltBytes, name: name, value: Array(value.utf8))
            else { return fail("a disclosed claim is malformed") }
            claims.append(claim)
        }
        let commitment = ClaimCommitment(claims: claims).commitment
        // The entry: seq, time and commitment.
        guard case .string(let entryText)? = ledger["entry"], let entryBytes = Data(base64Encoded: entryText),
            let entry = try? LedgerEntry(encoded: entryBytes)
        else { return fail("the ledger entry is malformed") }
        if entry.sequenceNumber != UInt64(seq) {
            outcome.alteredFields.append("seq")
            outcome.problems.append("seq \(seq) is not the entry's seq \(entry.sequenceNumber)")
        }
        if case .string(let time)? = object["time"], case .success(let ts) = Timestamp.parse(time),
            ts.millisecondsSinceEpoch == entry.eventTimeMilliseconds
        {
        } else {
            outcome.alteredFields.append("time")
            outcome.problems.append("time is not the entry's time")
        }
        if entry.commitment != commitment {
            outcome.problems.append("the disclosed claims do not give the entry's commitment")
        }
        // The leaf and its inclusion in the checkpoint's tree.
        let leafHash = entry.leafHash
        if case .string(let stated)? = ledger["leaf_hash"], stated != leafHash.base64String {
            outcome.problems.append("the leaf hash is not SHA-256(0x00 ‖ entry)")
        }
        guard case .object(let proof)? = ledger["inclusion_proof"], case .integer(let size)? = proof["tree_size"],
            case .array(let hashValues)? = proof["hashes"]
        else { return fail("no inclusion proof (the event is newer than the checkpoint)") }
        var hashes: [TreeHash] = []
        for value in hashValues {
            guard case .string(let text) = value, let hash = try? TreeHash(base64: text) else {
                return fail("an inclusion proof hash is malformed")
            }
            hashes.append(hash)
        }
        if size < 0 || UInt64(size) != checkpoint.size {
            outcome.problems.append("the proof is for tree size \(size), the checkpoint has \(checkpoint.size)")
        } else {
            do {
                try InclusionProof(leafIndex: entry.sequenceNumber, treeSize: checkpoint.size, hashes: hashes)
                    .verify(leafHash: leafHash, rootHash: checkpoint.rootHash)
                outcome.treeSize = checkpoint.size
            } catch {
                outcome.problems.append("the inclusion proof does not lead to the checkpoint's root: \(error)")
            }
        }
        // The event's own fields against the disclosed claims.
        var body = JSONObject()
        for (k, v) in object.members where !exportMembers.contains(k) { body[k] = v }
        let salts = claims.flatMap(\.salt)
        if let mine = try? EventClaims.claims(of: body, salts: salts) {
            for (a, b) in zip(mine, claims) where a.name != b.name || a.value != b.value {
                let field = a.name == "subject" ? "subjects" : a.name
                if !outcome.alteredFields.contains(field) { outcome.alteredFields.append(field) }
            }
        } else {
            let disclosed = Set(claims.map { $0.name == "subject" ? "subjects" : $0.name })
            let present = Set(body.members.map(\.0))
            outcome.alteredFields += disclosed.symmetricDifference(present).sorted()
            if outcome.alteredFields.isEmpty { outcome.alteredFields.append("subjects") }
        }
        for field in outcome.alteredFields where field != "seq" && field != "time" {
            outcome.problems.append("field \(field) differs from what the ledger commits to")
        }
        return outcome
    }
}
