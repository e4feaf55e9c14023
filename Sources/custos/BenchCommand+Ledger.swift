import ArgumentParser
import Crypto
import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

extension BenchCommand {
    /// `custos bench ledger`: full tree verification from the data directory against a same-run SHA-256 baseline
    /// over the same bytes, and the latency of inclusion and consistency proofs at size N (docs/performance.md).
    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tree verification vs same-run SHA-256 of the same bytes, and proof latency, at N entries.",
            discussion: """
                The store holds N synthetic ledger entries written through the ledger's append path (tiles, entry \
                bundles, frontier) without events, with signed checkpoints at every tenth of N. Verification \
                (SQLiteStore.verifyLedgerTree) reads every entry bundle, hashes each entry to its leaf, rebuilds the \
                tree and compares it with the stored tiles and every signed checkpoint; the baseline hashes exactly \
                the same leaf and node inputs with SHA-256 in memory on one core. Proofs are generated as the server \
                does (TileProofs: each touched tile from the tile cache or one synchronous prepared-statement read, \
                its subtrees computed once; the proof computed on the calling thread), one at a time.
                """
        )

        @Option(help: "Entries in the tree.") var entries: Int = 1_000_000
        @Option(help: "Keep the store in this directory (reused on the next run if it holds exactly N entries).")
        var data: String?
        @Option(help: "Proofs of each kind to time.") var proofs: Int = 5000
        @Option(help: "Entries per append transaction while building.") var batch: Int = 65_536
        @Flag(help: "Also print the proofs by the tiles they read and their page faults (slower: traced reads).")
        var trace = false

        func run() async throws {
            guard entries > 0, proofs > 0, batch > 0 else { throw ValidationError("counts must be positive") }
            let dir = try data ?? BenchCommand.temporaryDirectory("ledger")
            defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }
            let signer = try Ed25519NoteSigner(keyName: "bench.custos/ledger", seed: [UInt8](repeating: 7, count: 32))
            let store = try SQLiteStore(directory: dir)
            let n = UInt64(entries)
            var head = try await store.ledgerHead()
            var buildSeconds: Double?
            if head.size == 0 {
                printError("Writing \(entries) synthetic entries and 10 signed checkpoints…")
                let start = ContinuousClock.now
                let checkpointEvery = max(1, entries / 10)
                var next = 0
                while next < entries {
                    let end = min(next + min(batch, checkpointEvery), entries)
                    try await store.appendLedgerEntriesWithoutEvents((next..<end).map(Self.entry))
                    let crossed = end / checkpointEvery > next / checkpointEvery || end == entries
                    next = end
                    if crossed {
                        head = try await store.ledgerHead()
                        try await Self.sign(head, signer: signer, store: store)
                    }
                }
                buildSeconds = BenchCommand.seconds(ContinuousClock.now - start)
                head = try await store.ledgerHead()
            }
            guard head.size == n else {
                throw ValidationError("\(dir) holds \(head.size) entries, not \(entries); use another --data directory")
            }

            printError("SHA-256 baseline over the same bytes…")
            let baseline = Self.hashBaseline(count: entries)
            guard baseline.root == head.rootHash else {
                throw ValidationError("the baseline's root differs from the store's: the bench is wrong")
            }
            printError("Verifying the tree from the data directory…")
            var start = ContinuousClock.now
            let verification = try await store.verifyLedgerTree(verifiers: [signer.verifier])
            let verifySeconds = BenchCommand.seconds(ContinuousClock.now - start)
            guard verification.isValid, verification.treeSize == n, verification.checkpointsVerified > 0 else {
                throw ValidationError("verification failed: \(verification.problems.prefix(3))")
            }

            printError("Timing \(proofs) inclusion and \(proofs) consistency proofs…")
            let tileProofs = TileProofs(store: store, cache: TileSubtreeCache())
            guard let storeReader = store.tileReader else {
                throw ValidationError("the store has no synchronous tile reads")
            }
            let tracer = trace ? BenchProofTrace(wrapping: storeReader) : nil
            let reader: any LedgerTileReader = tracer ?? storeReader
            var inclusionPaths: [(cpu: Double, path: BenchProofTrace.Path, faults: Int)] = []
            var consistencyPaths: [(cpu: Double, path: BenchProofTrace.Path, faults: Int)] = []
            var random = SystemRandomNumberGenerator()
            var inclusion: [Double] = []
            var consistency: [Double] = []
            var inclusionCPU: [Double] = []
            var consistencyCPU: [Double] = []
            for _ in 0..<proofs {
                let index = UInt64.random(in: 0..<n, using: &random)
                let faults = tracer == nil ? 0 : BenchProofTrace.minorFaults()
                _ = tracer?.take()
                let cpu = Self.threadCPUSeconds()
                start = ContinuousClock.now
                let proof = try tileProofs.inclusion(index: index, size: n, reader: reader)
                inclusion.append(BenchCommand.seconds(ContinuousClock.now - start))
                inclusionCPU.append(Self.threadCPUSeconds() - cpu)
                if let tracer {
                    let path = tracer.take()
                    inclusionPaths.append((inclusionCPU.last!, path, BenchProofTrace.minorFaults() - faults))
                }
                if inclusion.count <= 100 {
                    try proof.verify(leafHash: Self.entry(Int(index)).leafHash, rootHash: head.rootHash)
                }
            }
            for _ in 0..<proofs {
                let newSize = UInt64.random(in: 2...n, using: &random)
                let oldSize = UInt64.random(in: 1..<newSize, using: &random)
                let faults = tracer == nil ? 0 : BenchProofTrace.minorFaults()
                _ = tracer?.take()
                let cpu = Self.threadCPUSeconds()
                start = ContinuousClock.now
                _ = try tileProofs.consistency(oldSize: oldSize, newSize: newSize, reader: reader)
                consistency.append(BenchCommand.seconds(ContinuousClock.now - start))
                consistencyCPU.append(Self.threadCPUSeconds() - cpu)
                if let tracer {
                    let path = tracer.take()
                    consistencyPaths.append((consistencyCPU.last!, path, BenchProofTrace.minorFaults() - faults))
                }
            }
            let verifyRate = Double(entries) / verifySeconds
            let hashRate = Double(entries) / baseline.seconds
            let ratio = verifyRate / hashRate
            let inc = Self.percentiles(inclusion)
            let con = Self.percentiles(consistency)
            let incCPU = Self.percentiles(inclusionCPU)
            let conCPU = Self.percentiles(consistencyCPU)
            let hashes = 2 * entries - entries.nonzeroBitCount
            let bytes = Self.hashedBytes(count: entries)
            printFlushed(
                """
                entries \(entries), \(verification.checkpointsVerified) signed checkpoints\
                \(buildSeconds.map { String(format: ", built in %.1f s", $0) } ?? " (reused store)")
                SHA-256 baseline, one core:   \(Int(hashRate)) entries/s   (\(hashes) hashes, \(bytes / 1_000_000) MB \
                in \(String(format: "%.2f", baseline.seconds)) s, \(Int(Double(hashes) / baseline.seconds)) hashes/s)
                tree verification:            \(Int(verifyRate)) entries/s   ratio \(String(format: "%.2f", ratio)) \
                (\(String(format: "%.2f", verifySeconds)) s)
                inclusion proof:              p50 \(Self.micros(inc.p50)) µs   p99 \(Self.micros(inc.p99)) µs   \
                (thread CPU time p50 \(Self.micros(incCPU.p50)) µs   p99 \(Self.micros(incCPU.p99)) µs)
                consistency proof:            p50 \(Self.micros(con.p50)) µs   p99 \(Self.micros(con.p99)) µs   \
                (thread CPU time p50 \(Self.micros(conCPU.p50)) µs   p99 \(Self.micros(conCPU.p99)) µs)
                """
            )
            if trace {
                printFlushed(BenchProofTrace.report(kind: "inclusion", samples: inclusionPaths))
                printFlushed(BenchProofTrace.report(kind: "consistency", samples: consistencyPaths))
            }
            BenchCommand.report(
                "ledger",
                [
                    ("entries", .integer(Int64(entries))),
                    ("sha256_entries_per_s", .integer(Int64(hashRate))),
                    ("verify_entries_per_s", .integer(Int64(verifyRate))),
                    ("ratio", .double((ratio * 100).rounded() / 100)),
                    ("inclusion_p50_us", .double(Self.micros(inc.p50))),
                    ("inclusion_p99_us", .double(Self.micros(inc.p99))),
                    ("consistency_p50_us", .double(Self.micros(con.p50))),
                    ("consistency_p99_us", .double(Self.micros(con.p99))),
                    ("inclusion_cpu_p50_us", .double(Self.micros(incCPU.p50))),
                    ("inclusion_cpu_p99_us", .double(Self.micros(incCPU.p99))),
                    ("consistency_cpu_p50_us", .double(Self.micros(conCPU.p50))),
                    ("consistency_cpu_p99_us", .double(Self.micros(conCPU.p99))),
                ]
            )
        }

        /// Synthetic entry `i`: seq `i`, a time that grows, and a commitment of pseudo-random bytes.
        static func entry(_ i: Int) -> LedgerEntry {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            var random = SplitMix64(seed: UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            for _ in 0..<4 {
                let z = random.next()
                for shift in stride(from: 56, through: 0, by: -8) {
                    bytes.append(UInt8(truncatingIfNeeded: z >> shift))
                }
            }
            return LedgerEntry(
                sequenceNumber: UInt64(i),
                eventTimeMilliseconds: 1_790_000_000_000 + Int64(i) * 37,
                commitment: try! TreeHash(bytes: bytes)
            )
        }

        static func sign(_ head: LedgerHead, signer: Ed25519NoteSigner, store: SQLiteStore) async throws {
            let note = try Checkpoint(origin: signer.keyName, size: head.size, rootHash: head.rootHash)
                .sign(signers: [signer])
            try await store.addCheckpoint(
                StoredCheckpoint(
                    size: head.size,
                    rootHash: head.rootHash,
                    createdMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
                    note: String(decoding: try note.serializedBytes(), as: UTF8.self)
                )
            )
        }

        /// The bytes verification hashes: `0x00 ‖ entry` per leaf and `0x01 ‖ left ‖ right` per complete node.
        static func hashedBytes(count: Int) -> Int {
            count * (1 + LedgerEntry.encodedSize) + (count - count.nonzeroBitCount) * 65
        }

        /// Hashes, on one core and in memory, exactly the inputs verification hashes: every leaf
        /// `SHA-256(0x00 ‖ entry)` and every complete interior node `SHA-256(0x01 ‖ left ‖ right)`. The entries are
        /// generated into a buffer 4096 at a time outside the timed hashing.
        static func hashBaseline(count: Int) -> (seconds: Double, root: TreeHash) {
            let chunk = 4096
            var entryBytes = [UInt8](repeating: 0, count: chunk * LedgerEntry.encodedSize)
            var leafInput = [UInt8](repeating: 0x00, count: 1 + LedgerEntry.encodedSize)
            var nodeInput = [UInt8](repeating: 0x01, count: 65)
            var stack = [UInt8](repeating: 0, count: 64 * 32)
            var depth = 0
            var hashing = Duration.zero
            var i = 0
            while i < count {
                let end = min(i + chunk, count)
                for j in i..<end {
                    let encoded = entry(j).encoded
                    let at = (j - i) * LedgerEntry.encodedSize
                    entryBytes.replaceSubrange(at..<at + LedgerEntry.encodedSize, with: encoded)
                }
                let start = ContinuousClock.now
                for j in i..<end {
                    let at = (j - i) * LedgerEntry.encodedSize
                    leafInput.withUnsafeMutableBytes { leaf in
                        entryBytes.withUnsafeBytes {
                            leaf.baseAddress!.advanced(by: 1).copyMemory(
                                from: $0.baseAddress!.advanced(by: at),
                                byteCount: LedgerEntry.encodedSize
                            )
                        }
                    }
                    let digest = SHA256.hash(data: leafInput)
                    stack.withUnsafeMutableBytes { s in
                        digest.withUnsafeBytes {
                            s.baseAddress!.advanced(by: depth * 32).copyMemory(from: $0.baseAddress!, byteCount: 32)
                        }
                    }
                    depth += 1
                    var n = j + 1
                    while n & 1 == 0 {
                        nodeInput.withUnsafeMutableBytes { node in
                            stack.withUnsafeBytes {
                                node.baseAddress!.advanced(by: 1).copyMemory(
                                    from: $0.baseAddress!.advanced(by: (depth - 2) * 32),
                                    byteCount: 64
                                )
                            }
                        }
                        let parent = SHA256.hash(data: nodeInput)
                        depth -= 1
                        stack.withUnsafeMutableBytes { s in
                            parent.withUnsafeBytes {
                                s.baseAddress!.advanced(by: (depth - 1) * 32).copyMemory(
                                    from: $0.baseAddress!,
                                    byteCount: 32
                                )
                            }
                        }
                        n >>= 1
                    }
                }
                hashing += ContinuousClock.now - start
                i = end
            }
            // The root from the perfect subtrees left on the stack (not timed: at most 63 hashes).
            var root = try! TreeHash(bytes: stack[(depth - 1) * 32..<depth * 32])
            var k = depth - 1
            while k > 0 {
                k -= 1
                root = MerkleTreeHasher.nodeHash(left: try! TreeHash(bytes: stack[k * 32..<(k + 1) * 32]), right: root)
            }
            return (BenchCommand.seconds(hashing), root)
        }

        static func percentiles(_ samples: [Double]) -> (p50: Double, p99: Double) {
            let sorted = samples.sorted()
            func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            return (at(0.5), at(0.99))
        }

        /// CPU time spent by the calling thread so far: unlike the wall clock, it does not count the time the thread
        /// waits while the shared machine runs other work.
        static func threadCPUSeconds() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }

        static func micros(_ seconds: Double) -> Double {
            (seconds * 1e7).rounded() / 10
        }
    }
}
