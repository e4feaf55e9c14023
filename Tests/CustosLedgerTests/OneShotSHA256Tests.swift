import Crypto
import CustosCore
import Testing

@testable import CustosLedger

@Suite("One-shot SHA-256")
struct OneShotSHA256Tests {
    private func oneShot(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { OneShotSHA256.hash($0) }.hexString
    }

    @Test("FIPS 180-2 known answers")
    func knownAnswers() {
        #expect(oneShot([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(oneShot(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            oneShot(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test("agrees with swift-crypto's SHA256 on every length across several blocks")
    func agreesWithSwiftCrypto() {
        var random = SplitMix64(seed: 6962)
        for length in 0...300 {
            for _ in 0..<4 {
                let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &random) }
                let expected = SHA256.hash(data: bytes).withUnsafeBytes { TreeHash(unsafeDigestBytes: $0) }
                #expect(bytes.withUnsafeBytes { OneShotSHA256.hash($0) } == expected, "length \(length)")
            }
        }
    }
}
