import CustosCore
import CustosStore
import CustosTestKit
import Testing

@testable import CustosSQLite

/// The pending tail's client-id map keeps the first held seq of a hash apart from any further ones (collisions of
/// the 64-bit hash, or one id in events of two processes): every held seq is found, and pruning forgets exactly the
/// pruned ones, whichever of them goes first.
@Suite("Pending postings: client ids")
struct PendingPostingsTests {
    private func entry(_ seq: Int64, clientID: Int64?) -> PendingPostings.Entry {
        var keys = EventIndexKeys(EventFixtures.event())
        keys.clientID = clientID
        return PendingPostings.Entry(seq: seq, time: 0, keys: keys)
    }

    @Test("several seqs under one hash are all found, and pruning removes exactly the pruned ones")
    func sharedHashes() {
        let pending = PendingPostings(indexedThrough: 0, limit: 1_000)
        pending.append([entry(0, clientID: 7), entry(1, clientID: 8)])
        pending.append([entry(2, clientID: 7), entry(3, clientID: nil)])
        pending.append([entry(4, clientID: 7), entry(5, clientID: 8)])
        #expect(pending.seqs(clientID: 7) == [0, 2, 4])
        #expect(pending.seqs(clientID: 8) == [1, 5])
        #expect(pending.seqs(clientID: 9) == [])
        pending.prune(below: 2)
        #expect(pending.seqs(clientID: 7) == [2, 4])
        #expect(pending.seqs(clientID: 8) == [5])
        pending.prune(below: 4)
        #expect(pending.seqs(clientID: 7) == [4])
        pending.prune(below: 6)
        #expect(pending.seqs(clientID: 7) == [])
        #expect(pending.seqs(clientID: 8) == [])
    }
}
