import CustosCore
import Foundation
import Testing

@testable import CustosLedger

@Suite("TreeHash and encodings")
struct TreeHashTests {
    @Test("hex and base64 round-trip")
    func roundTrips() throws {
        let hash = try TreeHash(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hash == MerkleTreeHasher.emptyTreeHash)
        #expect(hash.hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hash.base64String == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(try TreeHash(base64: hash.base64String) == hash)
        #expect(try TreeHash(bytes: hash.bytes) == hash)
        #expect(hash.bytes.count == 32)
    }

    @Test("wrong lengths and bad text are rejected with precise codes")
    func rejects() {
        expectLedgerError(.invalidHashLength) { try TreeHash(bytes: [UInt8](repeating: 0, count: 31)) }
        expectLedgerError(.invalidHashLength) { try TreeHash(bytes: [UInt8](repeating: 0, count: 33)) }
        expectLedgerError(.invalidHashLength) { try TreeHash(base64: "YmFuYW5hcw==") }
        expectLedgerError(.invalidEncoding) { try TreeHash(base64: "ThisIsn'tBase64") }
        expectLedgerError(.invalidEncoding) { try TreeHash(hex: "zz") }
    }

    @Test("equality, ordering and hashing follow the bytes")
    func valueSemantics() throws {
        let low = try TreeHash(bytes: [UInt8](repeating: 0, count: 31) + [1])
        let high = try TreeHash(bytes: [1] + [UInt8](repeating: 0, count: 31))
        #expect(low < high)
        #expect(low != high)
        #expect(Set([low, high, low]).count == 2)
    }

    @Test("base64 accepts only the canonical padded encoding")
    func strictBase64() {
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("AA==") == [0])
        #expect(Base64.decode("AAA=") == [0, 0])
        #expect(Base64.decode("AAAA") == [0, 0, 0])
        #expect(Base64.decode("AB==") == nil, "non-zero padding bits")
        #expect(Base64.decode("AAB=") == nil, "non-zero padding bits")
        #expect(Base64.decode("AA") == nil, "missing padding")
        #expect(Base64.decode("A===") == nil)
        #expect(Base64.decode("AA=A") == nil)
        #expect(Base64.decode("AA-_") == nil, "URL alphabet")
        #expect(Base64.decode("AA\nA") == nil)
        var generator = SplitMix64(seed: 7)
        for length in 0..<40 {
            let bytes = generator.bytes(count: length)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test("Codable as a base64 string; proofs are Codable")
    func codable() throws {
        let hash = MerkleTreeHasher.leafHash(of: [1, 2, 3])
        let encoded = try JSONEncoder().encode([hash])
        #expect(
            String(decoding: encoded, as: UTF8.self)
                == "[\"\(hash.base64String.replacingOccurrences(of: "/", with: "\\/"))\"]"
        )
        #expect(try JSONDecoder().decode([TreeHash].self, from: encoded) == [hash])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TreeHash].self, from: Data("[\"AAAA\"]".utf8)) }
        let proof = InclusionProof(leafIndex: 3, treeSize: 9, hashes: [hash, hash])
        #expect(try JSONDecoder().decode(InclusionProof.self, from: JSONEncoder().encode(proof)) == proof)
    }

    @Test("ordering agrees with byte order")
    func ordering() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let a = try! TreeHash(bytes: generator.bytes(count: 32))
            var bytes = a.bytes
            bytes[Int.random(in: 0..<32, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            let b = try! TreeHash(bytes: bytes)
            #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes))
        }
    }

    @Test("error codes compare by kind and describe themselves")
    func errorCodes() {
        let error = LedgerError(code: .rootMismatch, message: "x")
        #expect(error.code == .rootMismatch)
        #expect(error.code != .invalidProof)
        #expect(error.description.contains("rootMismatch"))
    }
}
