import CustosCore
import CustosLedger

/// The state of one `custos ledger-tool` run: the current tree's leaf hashes and its complete-subtree table.
struct LedgerToolSession {
    private var leafHashes: [TreeHash] = []
    private var table = MerkleNodeHashTable()

    /// Answers one request (see ``LedgerToolCommand``) with the members of the reply object.
    mutating func answer(_ request: JSONValue) throws -> [(String, JSONValue)] {
        guard let object = request.objectValue, let op = object["op"]?.stringValue else {
            throw ValidationErrorText("a request is an object with a string member op")
        }
        switch op {
        case "tree":
            let leaves = try Self.array(object, "leaves").map { try Self.bytes($0, "leaves") }
            leafHashes = leaves.map { MerkleTreeHasher.leafHash(of: $0) }
            table = MerkleNodeHashTable(leafHashes: leafHashes)
            return [
                ("leaf_hashes", .array(leafHashes.map { .string($0.hexString) })),
                ("root", .string(try table.rootHash(treeSize: UInt64(leafHashes.count)).hexString)),
            ]
        case "root":
            let size = try treeSize(object, "size")
            return [("root", .string(try table.rootHash(treeSize: size).hexString))]
        case "inclusion":
            let proof = try InclusionProof.generate(
                leafIndex: try Self.integer(object, "index"),
                treeSize: try treeSize(object, "size"),
                from: table
            )
            return [("hashes", Self.hexArray(proof.hashes))]
        case "consistency":
            let proof = try ConsistencyProof.generate(
                oldSize: try treeSize(object, "from"),
                newSize: try treeSize(object, "to"),
                from: table
            )
            return [("hashes", Self.hexArray(proof.hashes))]
        case "verify_inclusion":
            let proof = InclusionProof(
                leafIndex: try Self.integer(object, "index"),
                treeSize: try Self.integer(object, "size"),
                hashes: try Self.hashes(object, "hashes")
            )
            return Self.outcome {
                try proof.verify(leafHash: try Self.hash(object, "leaf_hash"), rootHash: try Self.hash(object, "root"))
            }
        case "verify_consistency":
            let proof = ConsistencyProof(
                oldSize: try Self.integer(object, "from"),
                newSize: try Self.integer(object, "to"),
                hashes: try Self.hashes(object, "hashes")
            )
            return Self.outcome {
                try proof.verify(oldRoot: try Self.hash(object, "old_root"), newRoot: try Self.hash(object, "new_root"))
            }
        default:
            throw ValidationErrorText("unknown op \(op)")
        }
    }

    private func treeSize(_ object: JSONObject, _ name: String) throws -> UInt64 {
        let value = try Self.integer(object, name)
        guard value <= UInt64(leafHashes.count) else {
            throw ValidationErrorText("\(name) \(value) exceeds the tree's \(leafHashes.count) leaves")
        }
        return value
    }

    private static func outcome(_ check: () throws -> Void) -> [(String, JSONValue)] {
        do {
            try check()
            return [("ok", .bool(true))]
        } catch {
            return [("ok", .bool(false)), ("error", .string("\(error)"))]
        }
    }

    private static func integer(_ object: JSONObject, _ name: String) throws -> UInt64 {
        guard case .integer(let value)? = object[name], value >= 0 else {
            throw ValidationErrorText("\(name) must be a non-negative integer")
        }
        return UInt64(value)
    }

    private static func array(_ object: JSONObject, _ name: String) throws -> [JSONValue] {
        guard let values = object[name]?.arrayValue else { throw ValidationErrorText("\(name) must be an array") }
        return values
    }

    private static func bytes(_ value: JSONValue, _ name: String) throws -> [UInt8] {
        guard let text = value.stringValue, text.count % 2 == 0 else {
            throw ValidationErrorText("\(name) must hold hex strings")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else {
                throw ValidationErrorText("\(name) must hold hex strings")
            }
            out.append(byte)
            index = next
        }
        return out
    }

    private static func hash(_ object: JSONObject, _ name: String) throws -> TreeHash {
        guard let text = object[name]?.stringValue else { throw ValidationErrorText("\(name) must be a hex string") }
        return try TreeHash(hex: text)
    }

    private static func hashes(_ object: JSONObject, _ name: String) throws -> [TreeHash] {
        try array(object, name).map {
            guard let text = $0.stringValue else { throw ValidationErrorText("\(name) must hold hex strings") }
            return try TreeHash(hex: text)
        }
    }

    private static func hexArray(_ hashes: [TreeHash]) -> JSONValue {
        .array(hashes.map { .string($0.hexString) })
    }
}
