import Testing

@testable import CustosLedger

/// Known answers below were computed independently with Python's hashlib and struct from the layouts documented
/// on `LedgerEntry`, `SaltedClaim` and `ClaimCommitment`.
@Suite("Ledger entries and salted-digest commitments")
struct LedgerEntryTests {
    /// SHA-256("abc").
    static let abc = try! TreeHash(hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

    @Test("the 49-byte entry encoding and its leaf hash match the documented layout")
    func encoding() throws {
        let entry = LedgerEntry(sequenceNumber: 0x0102_0304_0506_0708, eventTimeMilliseconds: -1, commitment: Self.abc)
        #expect(
            Hex.encode(entry.encoded)
                == "010102030405060708ffffffffffffffffba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(entry.leafHash.hexString == "1f938f7a4cf4836e906d06fd985be0645f8b94b990396d9bec124b5ebe644566")
        #expect(try LedgerEntry(encoded: entry.encoded) == entry)

        let recent = LedgerEntry(sequenceNumber: 7, eventTimeMilliseconds: 1_763_856_000_123, commitment: Self.abc)
        #expect(
            Hex.encode(recent.encoded)
                == "0100000000000000070000019aae02a47bba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        for extreme in [Int64.min, 0, Int64.max] {
            let value = LedgerEntry(sequenceNumber: .max, eventTimeMilliseconds: extreme, commitment: Self.abc)
            #expect(try LedgerEntry(encoded: value.encoded) == value)
        }
        expectLedgerError(.malformedLedgerEntry) { try LedgerEntry(encoded: entry.encoded.dropLast()) }
        expectLedgerError(.malformedLedgerEntry) { try LedgerEntry(encoded: [2] + entry.encoded.dropFirst()) }
        #expect(try EntryBundle(entries: [entry.encoded]).serializedBytes().count == 51)
    }

    @Test("claim digests and commitments match the documented layout")
    func knownAnswers() throws {
        let actor = try SaltedClaim(salt: Array(0..<16), name: "actor", value: Array("alice".utf8))
        let subject = try SaltedClaim(salt: Array(16..<32), name: "subject", value: Array("p-42".utf8))
        #expect(actor.digest.hexString == "5bb0c690b438f3a3a9188f7c0f15af83fbedfd1bfb1cde6e218c688461f71a06")
        #expect(subject.digest.hexString == "585c21bb27deece7f16d7ad6abc1b41e540571c5b3b6648ca98d816e980d8bde")
        let commitment = ClaimCommitment(claims: [actor, subject]).commitment
        #expect(commitment.hexString == "3eff2fd9f83883f745aab917f5c68d816c499334b6b41312a9b542274d94a7ac")
        #expect(ClaimCommitment(claims: [subject, actor]).commitment == commitment, "order of claims is hidden")
        #expect(
            ClaimCommitment(claims: []).commitment.hexString
                == "48f86cb75b6e0d8b96e39b85b9de069765e9d68a357fda4fc4e1d723403c2fd7"
        )
        expectLedgerError(.invalidArgument) { try SaltedClaim(salt: [1, 2, 3], name: "x", value: [UInt8]()) }
    }

    @Test("selective disclosures verify, and any change to a revealed claim or digest breaks them")
    func disclosures() throws {
        let claims = try [
            SaltedClaim(name: "actor", stringValue: "dr.who@clinic.example"),
            SaltedClaim(name: "action", stringValue: "view"),
            SaltedClaim(name: "purpose", stringValue: "case 4711"),
            SaltedClaim(name: "subject", stringValue: "patient-1"),
            SaltedClaim(name: "subject", stringValue: "patient-2"),
        ]
        let committed = ClaimCommitment(claims: claims)
        let commitment = committed.commitment
        #expect(Set(claims.map(\.salt)).count == claims.count, "fresh random salts")

        for names in [Set<String>(), ["actor"], ["subject"], ["actor", "action", "purpose", "subject"]] {
            let disclosure = committed.disclosure(revealingNames: names)
            try disclosure.verify(against: commitment)
            #expect(disclosure.revealedClaims.count + disclosure.undisclosedDigests.count == claims.count)
        }
        // One subject alone: patient-1 learns that their record was touched, not who else's was.
        let onlyPatient1 = committed.disclosure { $0.name == "subject" && $0.value == Array("patient-1".utf8) }
        try onlyPatient1.verify(against: commitment)
        #expect(onlyPatient1.revealedValues(named: "subject") == [Array("patient-1".utf8)])

        var changedValue = committed.disclosure(revealingNames: ["purpose"])
        changedValue.revealedClaims[0].value = Array("case 4712".utf8)
        expectLedgerError(.commitmentMismatch) { try changedValue.verify(against: commitment) }
        var changedName = committed.disclosure(revealingNames: ["purpose"])
        changedName.revealedClaims[0].name = "purpose2"
        expectLedgerError(.commitmentMismatch) { try changedName.verify(against: commitment) }
        var changedSalt = committed.disclosure(revealingNames: ["purpose"])
        changedSalt.revealedClaims[0].salt[0] ^= 1
        expectLedgerError(.commitmentMismatch) { try changedSalt.verify(against: commitment) }
        var droppedDigest = committed.disclosure(revealingNames: ["purpose"])
        droppedDigest.undisclosedDigests.removeLast()
        expectLedgerError(.commitmentMismatch) { try droppedDigest.verify(against: commitment) }
        var duplicated = committed.disclosure(revealingNames: ["purpose"])
        duplicated.undisclosedDigests.append(duplicated.undisclosedDigests[0])
        expectLedgerError(.commitmentMismatch) { try duplicated.verify(against: commitment) }
    }

    @Test("end to end: entry in the tree, inclusion proof, disclosure against the entry's commitment")
    func endToEnd() throws {
        var frontier = MerkleFrontier()
        var table = MerkleNodeHashTable()
        var commitments: [ClaimCommitment] = []
        var entries: [LedgerEntry] = []
        for sequence in 0..<20 {
            let claims = ClaimCommitment(claims: [
                try SaltedClaim(name: "actor", stringValue: "user\(sequence % 3)"),
                try SaltedClaim(name: "subject", stringValue: "person\(sequence)"),
            ])
            let entry = LedgerEntry(
                sequenceNumber: UInt64(sequence),
                eventTimeMilliseconds: 1_763_856_000_000 + Int64(sequence),
                commitment: claims.commitment
            )
            commitments.append(claims)
            entries.append(entry)
            table.insert(contentsOf: frontier.append(entry.leafHash))
        }
        let root = frontier.rootHash
        let proof = try InclusionProof.generate(leafIndex: 13, treeSize: frontier.size, from: table)
        // The client receives the encoded entry, the proof and a disclosure.
        let received = try LedgerEntry(encoded: entries[13].encoded)
        try proof.verify(leafHash: received.leafHash, rootHash: root)
        let disclosure = commitments[13].disclosure(revealingNames: ["subject"])
        try disclosure.verify(against: received.commitment)
        #expect(disclosure.revealedValues(named: "subject") == [Array("person13".utf8)])
        expectLedgerError(.commitmentMismatch) {
            try commitments[12].disclosure(revealingNames: ["subject"]).verify(against: received.commitment)
        }
    }
}
