import Yams

/// Reads Yams nodes into plain values, turning every shape mismatch into a ``RuleError`` at the node's position.
struct YAMLNodeReader {
    /// The rule file's name, for errors.
    let file: String

    /// The location of a node.
    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    /// An error at a node.
    func error(_ node: Node, _ message: String) -> RuleError { location(node).error(message) }

    /// The members of a mapping node in document order; rejects duplicate and non-string keys.
    func mapping(_ node: Node, what: String) throws(RuleError) -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, "\(what) must be a mapping, not \(kind(of: node))")
        }
        var seen = Set<String>()
        var members: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw error(keyNode, "a key in \(what) must be a plain string")
            }
            let key = keyScalar.string
            guard seen.insert(key).inserted else { throw error(keyNode, "duplicate key '\(key)' in \(what)") }
            if case .alias = valueNode { throw error(valueNode, "YAML aliases are not supported in rules") }
            members.append((key, keyNode, valueNode))
        }
        return members
    }

    /// A scalar node's string; other node kinds are an error.
    func string(_ node: Node, what: String) throws(RuleError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(node, "\(what) must be a string, not \(kind(of: node))")
        }
        return scalar.string
    }

    /// A string, or a list of strings (a single string is read as a one-element list).
    func strings(_ node: Node, what: String) throws(RuleError) -> [String] {
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let sequence):
            var out: [String] = []
            for element in sequence { out.append(try string(element, what: "each entry of \(what)")) }
            return out
        default:
            throw error(node, "\(what) must be a string or a list of strings, not \(kind(of: node))")
        }
    }

    /// A scalar node as a typed Sigma value, following YAML's plain-scalar resolution (quoted scalars are strings).
    func value(_ node: Node, what: String) throws(RuleError) -> SigmaValue {
        guard case .scalar(let scalar) = node else {
            throw error(node, "\(what) must be a single value (string, number, boolean or null), not \(kind(of: node))")
        }
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        switch Resolver.default.resolveTag(of: node) {
        case .null:
            return .null
        case .bool:
            return .bool(["true", "yes", "on"].contains(text.lowercased()))
        case .int:
            if let i = Self.integer(text) { return .integer(i) }
            return .string(text)
        case .float:
            if let d = Double(text.filter { $0 != "_" }), d.isFinite { return .double(d) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    /// A YAML integer literal (decimal, `0x`, `0o`, `0b`, legacy octal `0755`, `_` separators) that fits in 64 bits.
    static func integer(_ raw: String) -> Int64? {
        var text = raw.filter { $0 != "_" }
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("+") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        }
        var radix = 10
        if text.hasPrefix("0x") {
            radix = 16
            text.removeFirst(2)
        } else if text.hasPrefix("0o") {
            radix = 8
            text.removeFirst(2)
        } else if text.hasPrefix("0b") {
            radix = 2
            text.removeFirst(2)
        } else if text.count > 1, text.hasPrefix("0") {
            radix = 8
        }
        guard let magnitude = Int64(text, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// A word for a node's kind, for errors.
    func kind(of node: Node) -> String {
        switch node {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
