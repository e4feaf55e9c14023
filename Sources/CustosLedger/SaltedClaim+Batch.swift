import Crypto

extension SaltedClaim {
    /// The digest of a claim (the layout on ``SaltedClaim``) computed without building the claim, for ingest paths
    /// that hash many claims.
    ///
    /// - Precondition: `salt` is 16 bytes.
    public static func digest(salt: ArraySlice<UInt8>, name: String, value: [UInt8]) -> TreeHash {
        precondition(salt.count == saltSize, "a claim salt is \(saltSize) bytes")
        return salt.withUnsafeBytes { salt in
            value.withUnsafeBytes { value in digest(salt: salt, name: name, value: value) }
        }
    }

    /// ``digest(salt:name:value:)-(ArraySlice<UInt8>,_,_)`` over borrowed bytes (the ingest path hashes claim values
    /// in place, inside the event's canonical body).
    ///
    /// - Precondition: `salt` is 16 bytes.
    public static func digest(salt: UnsafeRawBufferPointer, name: String, value: UnsafeRawBufferPointer) -> TreeHash {
        precondition(salt.count == saltSize, "a claim salt is \(saltSize) bytes")
        var name = name
        return name.withUTF8 { nameBytes in
            // One contiguous input hashed in one call: cheaper than five updates for inputs of a few dozen bytes.
            let domainCount = Self.domain.utf8CodeUnitCount
            let length = domainCount + saltSize + 8 + nameBytes.count + value.count
            return withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { buffer in
                var offset = 0
                func put(_ bytes: UnsafeRawBufferPointer) {
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                    (buffer.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count)
                    offset += bytes.count
                }
                put(UnsafeRawBufferPointer(start: Self.domain.utf8Start, count: domainCount))
                put(salt)
                withUnsafeBytes(of: UInt32(nameBytes.count).bigEndian) { put($0) }
                put(UnsafeRawBufferPointer(nameBytes))
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: value.count).bigEndian) { put($0) }
                put(value)
                return OneShotSHA256.hash(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    /// `count` random 16-byte salts, concatenated.
    ///
    /// The bytes are an AES-256-CTR key stream (AES-GCM over zeros) under a fresh 256-bit key and 96-bit nonce
    /// drawn from `SystemRandomNumberGenerator`: as unpredictable as the system generator, but one batch of salts
    /// costs six system calls instead of two per salt.
    public static func randomSalts(count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var generator = SystemRandomNumberGenerator()
        var seed: [UInt8] = []
        seed.reserveCapacity(48)
        for _ in 0..<6 {
            withUnsafeBytes(of: generator.next()) { seed.append(contentsOf: $0) }
        }
        let key = SymmetricKey(data: seed[0..<32])
        // A 12-byte nonce from 12 fresh bytes; the key is never reused, so the nonce need not be unique.
        guard let nonce = try? AES.GCM.Nonce(data: seed[32..<44]),
            let sealed = try? AES.GCM.seal([UInt8](repeating: 0, count: count * saltSize), using: key, nonce: nonce)
        else {
            // Unreachable with valid sizes; fall back to the system generator alone.
            return (0..<count * saltSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        }
        return Array(sealed.ciphertext)
    }

    /// `"custos-claim-v1" ‖ 0x00`.
    private static let domain: StaticString = "custos-claim-v1\u{0}"
}
